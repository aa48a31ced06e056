import type { SendContext, SendResult } from '../destination';
import type { DestinationDeps } from '../catalog/destination-kind';
import { httpCall, isHttpReply } from '../http/http-call';
import { bodySnippet } from '../http/http-reply';
import type { GoogleCustomerMatchSecrets } from './google-customer-match-config';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Refresh this long before Google's expiry, so a token never lapses mid-job. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * The bearer token for Google Ads calls. A fixed `accessToken` secret is used as given (it lapses after an hour, so
 * it suits tests and short jobs). With `oauthClientId`, `oauthClientSecret` and `oauthRefreshToken` the token is
 * obtained by the OAuth 2 refresh-token grant, cached until shortly before it expires, and renewed after a 401.
 */
export class GoogleAccessToken {
  private cached: { token: string; expiresAt: number } | undefined;

  constructor(
    private readonly secrets: GoogleCustomerMatchSecrets,
    private readonly tokenUrl: string,
    private readonly deps: DestinationDeps,
  ) {}

  get refreshable(): boolean {
    return Boolean(this.secrets.oauthRefreshToken);
  }

  /** Forget the cached token (Google answered 401 with it). */
  invalidate(): void {
    this.cached = undefined;
  }

  async get(context: SendContext): Promise<{ token: string } | { failed: SendResult }> {
    if (!this.refreshable) return { token: this.secrets.accessToken ?? '' };
    if (this.cached && this.deps.now() < this.cached.expiresAt) return { token: this.cached.token };
    const reply = await httpCall(this.deps.fetch, {
      url: this.tokenUrl,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: this.secrets.oauthClientId ?? '',
        client_secret: this.secrets.oauthClientSecret ?? '',
        refresh_token: this.secrets.oauthRefreshToken ?? '',
      }).toString(),
      timeoutMs: 15_000,
      signal: context.signal,
    });
    if (!isHttpReply(reply)) return { failed: reply };
    if (reply.status === 200) {
      const body = JSON.parse(reply.bodyText) as { access_token?: string; expires_in?: number };
      if (body.access_token) {
        this.cached = { token: body.access_token, expiresAt: this.deps.now() + (body.expires_in ?? 3600) * 1000 - EXPIRY_MARGIN_MS };
        return { token: body.access_token };
      }
    }
    // invalid_grant (revoked or expired refresh token) and invalid_client come back as 400/401
    if (reply.status === 400 || reply.status === 401 || reply.status === 403) {
      return {
        failed: {
          outcome: 'auth_failed',
          status: reply.status,
          error: `destination rejected the credentials: Google refused the OAuth refresh token: ${reply.status} ${bodySnippet(reply.bodyText)}`,
        },
      };
    }
    return {
      failed: {
        outcome: 'retry',
        status: reply.status,
        error: `Google's token endpoint answered ${reply.status} ${bodySnippet(reply.bodyText)}`,
      },
    };
  }
}
