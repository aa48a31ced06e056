import LinkHeader from 'http-link-header';
import type { HttpPagination } from './http-config';
import type { JsonResponse } from './fetch-json';
import { valueAt } from './record-extraction';

/** The URL of the first page: the stream's query and the first page number. */
export function firstPageUrl(baseUrl: string, path: string, query: Record<string, string>, pagination: HttpPagination): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  if (pagination.type === 'page') {
    url.searchParams.set(pagination.pageParam, String(pagination.firstPage ?? 1));
    if (pagination.sizeParam && pagination.pageSize) url.searchParams.set(pagination.sizeParam, String(pagination.pageSize));
  }
  return url;
}

/** Where the page after `response` is, or null when `response` was the last. */
export function nextPageUrl(pagination: HttpPagination, current: URL, response: JsonResponse, recordCount: number): URL | null {
  const next = nextOf(pagination, current, response, recordCount);
  // An API that hands back the page it was asked for would be read forever.
  if (next && next.toString() === current.toString()) throw new Error(`pagination loops: the page after ${current} is itself`);
  return next;
}

function nextOf(pagination: HttpPagination, current: URL, response: JsonResponse, recordCount: number): URL | null {
  switch (pagination.type) {
    case 'none':
      return null;
    case 'cursor': {
      const token = valueAt(response.body, pagination.nextCursorPath);
      if (token === undefined || token === null || token === '' || token === false || recordCount === 0) return null;
      return withParam(current, pagination.cursorParam, String(token));
    }
    case 'page': {
      if (recordCount === 0) return null;
      const page = Number(current.searchParams.get(pagination.pageParam) ?? pagination.firstPage ?? 1);
      return withParam(current, pagination.pageParam, String(page + 1));
    }
    case 'link':
      return nextLink(response.headers.get('link'), current);
  }
}

/** RFC 8288 rel="next", resolved against the page's URL; only on the same origin, which our credentials are for. */
export function nextLink(header: string | null, current: URL): URL | null {
  if (!header) return null;
  const [next] = LinkHeader.parse(header).rel('next');
  if (!next) return null;
  const url = new URL(next.uri, current);
  if (url.origin !== current.origin)
    throw new Error(`the Link header's next page ${url.origin} is on another origin than ${current.origin}`);
  return url;
}

function withParam(url: URL, key: string, value: string): URL {
  const copy = new URL(url);
  copy.searchParams.set(key, value);
  return copy;
}
