import { eventually } from '@tessera/testing';
import type { Json } from './scenario-client';
import { SCENARIO_ADMIN_TOKEN } from './scenario-suite';

/**
 * How far ahead of now a time-driven case places the date that time will pass: the case's profile must have gone
 * through the pipeline to the evaluator (twice, for the segments scenario's window and computed cases) before then,
 * and each case then waits this long for the clock. One trip took 0.35-0.7 s at load 5 and up to 1.6 s with two
 * busy cores beside the suite. A case checks the evaluator's answer before the date, so an overrun fails loudly.
 */
export const CLOCK_MARGIN_MS = 8_000;

export type EvaluatorCall = (method: string, path: string, body?: Json) => Promise<{ status: number; body: Json }>;

/** The segment evaluator's admin API (every route takes the admin token), and waiting on a profile's answer. */
export function evaluatorApi(url: () => string): {
  evaluator: EvaluatorCall;
  profileSegments: (profileId: string, ready: (body: Json) => boolean, what: string) => Promise<Json>;
} {
  const evaluator: EvaluatorCall = async (method, path, body) => {
    const res = await fetch(`${url()}${path}`, {
      method,
      headers: { authorization: `Bearer ${SCENARIO_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const profileSegments = (profileId: string, ready: (body: Json) => boolean, what: string) =>
    eventually(
      async () => {
        const answer = await evaluator('GET', `/v1/profiles/${encodeURIComponent(profileId)}/segments`);
        return answer.status === 200 && ready(answer.body) ? answer.body : undefined;
      },
      60_000,
      what,
    );
  return { evaluator, profileSegments };
}
