import { READ_ONLY_METHODS, type RouteAccess } from './route-access';

/** What the caller's Authorization header turned out to be. */
export type PresentedCredential = 'none' | 'not-bearer' | 'admin' | 'read' | 'unknown';

export type AccessDecision = { allow: true } | { allow: false; status: 401 | 403; message: string };

export interface AccessPolicyInput {
  access: RouteAccess;
  method: string;
  presented: PresentedCredential;
  /** Whether any token is configured at all; with none, protected routes are closed (fail closed). */
  tokensConfigured: boolean;
}

const ALLOW: AccessDecision = { allow: true };
const deny = (status: 401 | 403, message: string): AccessDecision => ({ allow: false, status, message });

/** 401 when the caller is not authenticated, 403 when the read token asks for more than reading. */
export function decideAccess({ access, method, presented, tokensConfigured }: AccessPolicyInput): AccessDecision {
  if (access === 'public') return ALLOW;
  if (!tokensConfigured) return deny(401, 'this API is disabled: neither TESSERA_ADMIN_TOKEN nor TESSERA_READ_TOKEN is configured');
  switch (presented) {
    case 'none':
      return deny(401, 'missing Authorization header; expected "Bearer <admin token>" (or "Bearer <read token>" on GET)');
    case 'not-bearer':
      return deny(401, 'Authorization header must use the Bearer scheme');
    case 'unknown':
      return deny(401, 'invalid token: it is neither the admin token nor the read token');
    case 'admin':
      return ALLOW;
    case 'read':
      if (access === 'admin') return deny(403, 'this route takes the admin token only; the read token cannot call it');
      if (!READ_ONLY_METHODS.has(method.toUpperCase()))
        return deny(403, `the read token is accepted on GET and HEAD only; ${method.toUpperCase()} needs the admin token`);
      return ALLOW;
  }
}
