/**
 * The segment evaluator bench's workload: 100 segments (40 trait, 30 event-window, 29 relative-date + trait, and
 * `flip`, which the latency phase flips), each profile's values per version, the profile changes and the event
 * history seeded before them.
 */
import { encode, Topics } from '@tessera/contracts';
import type { Message } from 'kafkajs';

const DAY = 86_400_000;

export function segments(): Array<{ id: string; name: string; rule: unknown }> {
  const out: Array<{ id: string; name: string; rule: unknown }> = [];
  for (let i = 0; i < 40; i++)
    out.push({
      id: `trait-${i}`,
      name: 'trait',
      rule: i % 2 === 0 ? { trait: `traits.f${i % 10}`, op: 'eq', value: `v${i % 4}` } : { trait: `traits.n${i % 10}`, op: 'gt', value: i },
    });
  for (let i = 0; i < 30; i++)
    out.push({ id: `window-${i}`, name: 'window', rule: { event: `E${i % 10}`, atLeast: 1 + (i % 3), inLastDays: 7 } });
  for (let i = 0; i < 29; i++)
    out.push({
      id: `date-${i}`,
      name: 'date',
      rule: {
        all: [
          { trait: `traits.d${i % 5}`, op: 'withinNextDays', days: 10 + i },
          { trait: `traits.f${i % 10}`, op: 'neq', value: 'v0' },
        ],
      },
    });
  // the latency phase flips this one with every change
  out.push({ id: 'flip', name: 'flip', rule: { trait: 'traits.flip', op: 'eq', value: true } });
  return out;
}

export function valuesOf(p: number, v: number, now: number): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let f = 0; f < 10; f++) values[`traits.f${f}`] = `v${(p + f + v) % 4}`;
  for (let f = 0; f < 10; f++) values[`traits.n${f}`] = (p * 7 + f * 3 + v * 11) % 50;
  for (let d = 0; d < 5; d++) values[`traits.d${d}`] = new Date(now + (((p + d + v) % 60) - 10) * DAY).toISOString();
  return values;
}

/** One change of profile `bp-<p>` to cdp.profiles.changed, its values in full. */
export function profileChange(
  p: number,
  version: number,
  values: Record<string, unknown>,
  changedFields: string[],
  changedAt: number,
): Message {
  const profileId = `bp-${p}`;
  return {
    key: profileId,
    value: encode(Topics.ProfilesChanged, {
      profileId,
      version,
      status: 'active',
      changedFields,
      values: JSON.stringify(values),
      changedAt,
    }),
  };
}

/** Versions `from`..`to` of every profile: full snapshots, the first a first sight, later ones changing two trait fields and one date. */
export function workload(profiles: number, from: number, to: number, now: number): Message[] {
  const messages: Message[] = [];
  for (let v = from; v <= to; v++) {
    for (let p = 0; p < profiles; p++) {
      const values = valuesOf(p, v, now);
      const changed = v === 1 ? Object.keys(values) : [`traits.f${v % 10}`, `traits.n${v % 10}`, `traits.d${v % 5}`];
      messages.push(profileChange(p, v, values, changed, now));
    }
  }
  return messages;
}

export function history(profiles: number, now: number): Message[] {
  const messages: Message[] = [];
  for (let p = 0; p < profiles; p++) {
    for (let e = 0; e < 5; e++) {
      const profileId = `bp-${p}`;
      const at = now - ((p + e) % 10) * DAY;
      messages.push({
        key: profileId,
        value: encode(Topics.EventsResolved, {
          profileId,
          kind: 'event',
          messageId: `${profileId}-h${e}`,
          sourceId: 'bench',
          occurredAt: at,
          identifiers: [],
          resolvedAt: at,
          event: { type: 'track', event: `E${(p + e) % 10}`, receivedAt: at, properties: '{}' },
        }),
      });
    }
  }
  return messages;
}
