import { decideAccess, type PresentedCredential } from './access-policy';
import type { RouteAccess } from './route-access';

const decide = (access: RouteAccess, method: string, presented: PresentedCredential, tokensConfigured = true) =>
  decideAccess({ access, method, presented, tokensConfigured });

describe('decideAccess', () => {
  it('lets anyone call a public route, even with no token configured', () => {
    for (const presented of ['none', 'not-bearer', 'unknown', 'read'] as const)
      expect(decide('public', 'POST', presented, false)).toEqual({ allow: true });
  });

  it('answers 401 to a protected route without a valid bearer token', () => {
    for (const presented of ['none', 'not-bearer', 'unknown'] as const) {
      for (const access of ['token', 'admin'] as const)
        expect(decide(access, 'GET', presented)).toMatchObject({ allow: false, status: 401 });
    }
  });

  it('closes protected routes when no token is configured at all', () => {
    expect(decide('token', 'GET', 'admin', false)).toMatchObject({
      allow: false,
      status: 401,
      message: expect.stringContaining('disabled'),
    });
  });

  it('lets the admin token call every protected route', () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(decide('token', method, 'admin')).toEqual({ allow: true });
      expect(decide('admin', method, 'admin')).toEqual({ allow: true });
    }
  });

  it('lets the read token read, and answers 403 to anything else it tries', () => {
    expect(decide('token', 'GET', 'read')).toEqual({ allow: true });
    expect(decide('token', 'head', 'read')).toEqual({ allow: true });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
      expect(decide('token', method, 'read')).toMatchObject({ allow: false, status: 403 });
    expect(decide('admin', 'GET', 'read')).toMatchObject({ allow: false, status: 403 });
  });
});
