import type { HttpAuth } from './http-config';

/** The request headers an auth setting adds. Basic is RFC 7617: base64 of `user:password` in UTF-8. */
export function authHeaders(auth: HttpAuth | undefined): Record<string, string> {
  switch (auth?.type) {
    case undefined:
    case 'none':
      return {};
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
    case 'apiKey':
      return { [auth.header.toLowerCase()]: auth.key };
  }
}
