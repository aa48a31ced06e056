import type { DeliveryBatch, DestinationAdapter, SendContext, SendResult } from '../destination';
import type { DestinationDeps } from '../catalog/destination-kind';
import { AudienceOutcome, chunks, sendSplitting, type CallOutcome } from '../audience/audience-outcome';
import { httpCall, isHttpReply } from '../http/http-call';
import type { HttpReply } from '../http/http-reply';
import { GOOGLE_TOKEN_URL, GoogleAccessToken } from './google-access-token';
import { classifyGoogleReply } from './google-ads-reply';
import {
  bareCustomerId,
  GOOGLE_DEFAULTS,
  type GoogleCustomerMatchConfig,
  type GoogleCustomerMatchSecrets,
} from './google-customer-match-config';
import { googleOperations, googleRejections, type GoogleOperation, type PartialFailureError } from './google-payload';

/**
 * Google Customer Match through the Google Ads API's OfflineUserDataJobService (REST): per chunk of one action,
 * create a CUSTOMER_MATCH_USER_LIST job, add the operations with enablePartialFailure (so Google names each bad
 * record by index instead of refusing the request), then run the job. Google cannot list a list's hashed members,
 * so there is no listMembers: mirror syncs diff against what Tessera last sent.
 */
export class GoogleCustomerMatchAdapter implements DestinationAdapter {
  readonly kind = 'google_customer_match' as const;
  readonly maxBatchSize: number;
  private readonly base: string;
  private readonly accessToken: GoogleAccessToken;

  constructor(
    private readonly config: GoogleCustomerMatchConfig,
    private readonly secrets: GoogleCustomerMatchSecrets,
    private readonly deps: DestinationDeps,
  ) {
    this.maxBatchSize = config.batchSize ?? GOOGLE_DEFAULTS.maxBatchSize;
    this.accessToken = new GoogleAccessToken(secrets, config.tokenUrl ?? GOOGLE_TOKEN_URL, deps);
    this.base = `${(config.baseUrl ?? GOOGLE_DEFAULTS.baseUrl).replace(/\/+$/, '')}/${config.apiVersion ?? GOOGLE_DEFAULTS.apiVersion}`;
  }

  async send(batch: DeliveryBatch, context: SendContext): Promise<SendResult> {
    const outcome = new AudienceOutcome(batch.items.length);
    const { operations, rejected } = googleOperations(batch.items, this.config.defaultCountry);
    outcome.reject(rejected);
    const byItem = new Map(operations.map((o) => [o.item, o]));
    const creates = operations.filter((o) => 'create' in o.operation).map((o) => o.item);
    const removes = operations.filter((o) => 'remove' in o.operation).map((o) => o.item);
    // Removes first: when two profiles of one person (a merge) are in one batch, the add decides what stays.
    for (const items of [removes, creates]) {
      for (const chunk of chunks(items, this.maxBatchSize)) {
        await sendSplitting(
          chunk,
          (part) =>
            this.runJob(
              part.map((i) => byItem.get(i)!),
              context,
            ),
          outcome,
        );
      }
    }
    return outcome.result();
  }

  private async runJob(operations: GoogleOperation[], context: SendContext): Promise<CallOutcome> {
    const customer = bareCustomerId(this.config.customerId);
    const created = await this.post(
      `${this.base}/customers/${customer}/offlineUserDataJobs:create`,
      {
        job: {
          type: 'CUSTOMER_MATCH_USER_LIST',
          customerMatchUserListMetadata: {
            userList: `customers/${customer}/userLists/${this.config.userListId}`,
            ...(this.config.consent ? { consent: this.config.consent } : {}),
          },
        },
      },
      context,
    );
    if (created.kind === 'failed') return created;
    const resourceName = (parse(created.reply.bodyText) as { resourceName?: string }).resourceName;
    if (!resourceName)
      return {
        kind: 'failed',
        result: { outcome: 'retry', status: created.reply.status, error: 'Google created a job but returned no resourceName' },
      };

    const added = await this.post(
      `${this.base}/${resourceName}:addOperations`,
      { enablePartialFailure: true, operations: operations.map((o) => o.operation) },
      context,
    );
    if (added.kind === 'failed') return added;
    const failure = (parse(added.reply.bodyText) as { partialFailureError?: PartialFailureError }).partialFailureError;
    const { rejected, note } = googleRejections(operations, failure);

    // an unrun job is discarded by Google, so a failure here retries the whole chunk with a new job
    const ran = await this.post(`${this.base}/${resourceName}:run`, {}, context);
    if (ran.kind === 'failed') return ran;
    return { kind: 'done', rejected, status: ran.reply.status, note };
  }

  private async post(
    url: string,
    body: unknown,
    context: SendContext,
    renewed = false,
  ): Promise<{ kind: 'ok'; reply: HttpReply } | { kind: 'failed'; result: SendResult }> {
    const token = await this.accessToken.get(context);
    if ('failed' in token) return { kind: 'failed', result: token.failed };
    const reply = await httpCall(this.deps.fetch, {
      url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token.token}`,
        'developer-token': this.secrets.developerToken,
        ...(this.config.loginCustomerId ? { 'login-customer-id': bareCustomerId(this.config.loginCustomerId) } : {}),
      },
      body: JSON.stringify(body),
      timeoutMs: this.config.timeoutMs ?? GOOGLE_DEFAULTS.timeoutMs,
      signal: context.signal,
    });
    if (!isHttpReply(reply)) return { kind: 'failed', result: reply };
    if (reply.status === 401 && this.accessToken.refreshable && !renewed) {
      // the cached token was revoked or expired early: renew once before calling it an auth failure
      this.accessToken.invalidate();
      return this.post(url, body, context, true);
    }
    const result = classifyGoogleReply(reply, this.deps.now());
    return result.outcome === 'delivered' ? { kind: 'ok', reply } : { kind: 'failed', result };
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
