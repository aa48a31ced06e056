/** The bearer tokens a service under test was started with. */
export interface RouteAccessTokens {
  adminToken: string;
  readToken: string;
}

interface Operation {
  security?: Array<Record<string, string[]>>;
}

type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
/** Fills every path parameter: a UUID is a well-formed id for every route that parses one. */
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';
/** Routes the platform serves without a bearer token: the probes (and /metrics, which is not in the document). */
const PROBE_PATHS = ['/healthz', '/readyz'];

/**
 * Calls every operation of the service's OpenAPI document and lists each way it differs from the access rules:
 * without a token every operation but the probes and `publicPaths` answers 401 JSON; the read token is accepted
 * on the GET operations that declare it and refused (403 JSON) on every other; the document declares what the
 * service enforces. No call reaches a handler that writes: a write either lacks a token or holds the read token.
 */
export async function findRouteAccessProblems(
  baseUrl: string,
  tokens: RouteAccessTokens,
  publicPaths: readonly RegExp[] = [],
): Promise<string[]> {
  const problems: string[] = [];
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
  const isPublic = (path: string) => PROBE_PATHS.includes(path) || publicPaths.some((pattern) => pattern.test(path));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of OPERATION_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const label = `${method.toUpperCase()} ${path}`;
      const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
      if (isPublic(path)) {
        if (schemes.length > 0) problems.push(`${label} is public but its document asks for ${schemes.join(', ')}`);
        continue;
      }
      if (!schemes.includes('admin-token'))
        problems.push(`${label} does not declare the admin-token scheme (security: ${JSON.stringify(operation.security)})`);
      const url = `${baseUrl}${path.replace(/\{[^}]+\}/g, PLACEHOLDER_ID)}`;
      const call = (authorization?: string) => callOnce(method, url, authorization);

      const anonymous = await call();
      if (anonymous.status !== 401 || anonymous.body?.statusCode !== 401)
        problems.push(`${label} without a token answered ${anonymous.status} ${anonymous.text.slice(0, 120)}`);

      const readable = method === 'get' && schemes.includes('read-token');
      if (method !== 'get' && schemes.includes('read-token')) problems.push(`${label} declares the read-token scheme on a write`);
      const read = await call(`Bearer ${tokens.readToken}`);
      if (readable && (read.status === 401 || read.status === 403))
        problems.push(`${label} refused the read token: ${read.status} ${read.text.slice(0, 120)}`);
      if (!readable && (read.status !== 403 || read.body?.statusCode !== 403))
        problems.push(`${label} with the read token answered ${read.status}, expected 403 JSON`);
      if (readable) {
        const admin = await call(`Bearer ${tokens.adminToken}`);
        if (admin.status === 401 || admin.status === 403) problems.push(`${label} refused the admin token: ${admin.status}`);
      }
    }
  }
  for (const path of ['/healthz', '/metrics']) {
    const status = (await fetch(`${baseUrl}${path}`)).status;
    if (status !== 200) problems.push(`GET ${path} without a token answered ${status}`);
  }
  return problems;
}

async function callOnce(
  method: string,
  url: string,
  authorization?: string,
): Promise<{ status: number; text: string; body: { statusCode?: number } | undefined }> {
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  const hasBody = method !== 'get' && method !== 'delete';
  if (hasBody) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: method.toUpperCase(), headers, body: hasBody ? '{}' : undefined });
  const text = await res.text();
  let body: { statusCode?: number } | undefined;
  try {
    body = res.headers.get('content-type')?.includes('application/json') ? (JSON.parse(text) as { statusCode?: number }) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body };
}
