import { decode, Topics } from '@tessera/contracts';
import { fmt } from './bench-report';
import type { Kafka } from 'kafkajs';

/** The topics a profile change crosses from the gateway to the dispatcher, in order, with the stage that writes each. */
export const STAGE_TOPICS = [
  { topic: Topics.EventsRaw, stage: 'ingest-gateway' },
  { topic: Topics.EventsValid, stage: 'validation' },
  { topic: Topics.EventsResolved, stage: 'identity-resolver' },
  { topic: Topics.ProfilesChanged, stage: 'profile-merger' },
  { topic: Topics.SegmentsMembership, stage: 'segment-evaluator' },
] as const;

const TRACE_HEADER = 'tessera-trace';

export type StageTopic = (typeof STAGE_TOPICS)[number]['topic'];

/**
 * When each change (by its sequence number) reached each topic: the Kafka timestamp the producing service gave the
 * message (create time, set when its relay published it), so a stage's time is its own message's timestamp minus
 * the previous one's. Events carry the sequence in their messageId (`lat-<seq>`), profile states in `traits.seq`.
 */
export class StageClock {
  readonly at = new Map<number, Partial<Record<StageTopic, number>>>();
  /** The `tessera-trace` header of each change's message on each topic, when the services stamp it (see hop-trace). */
  readonly traces = new Map<number, Partial<Record<StageTopic, string>>>();
  private stopConsumer: (() => Promise<void>) | undefined;

  /** `segmentId`: the segment whose membership messages are timed. */
  constructor(private readonly segmentId = 'flip') {}

  async start(kafka: Kafka): Promise<void> {
    const consumer = kafka.consumer({ groupId: `bench-stage-clock-${Date.now()}`, maxWaitTimeInMs: 20 });
    await consumer.connect();
    await consumer.subscribe({ topics: STAGE_TOPICS.map((s) => s.topic), fromBeginning: false });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        const seq = sequenceOf(topic as StageTopic, message.value, this.segmentId);
        if (seq === undefined) return;
        const times = this.at.get(seq) ?? {};
        times[topic as StageTopic] ??= Number(message.timestamp);
        this.at.set(seq, times);
        const trace = message.headers?.[TRACE_HEADER];
        if (trace !== undefined) {
          const traces = this.traces.get(seq) ?? {};
          traces[topic as StageTopic] ??= String(trace);
          this.traces.set(seq, traces);
        }
      },
    });
    while (!joined) await new Promise((r) => setTimeout(r, 50));
    this.stopConsumer = () => consumer.disconnect();
  }

  async stop(): Promise<void> {
    await this.stopConsumer?.();
  }
}

function sequenceOf(topic: StageTopic, value: Buffer, segmentId: string): number | undefined {
  if (topic === Topics.ProfilesChanged || topic === Topics.SegmentsMembership) {
    const change = decode(topic, value) as { values: string; segmentId?: string };
    if (topic === Topics.SegmentsMembership && change.segmentId !== segmentId) return undefined;
    const seq = (JSON.parse(change.values) as Record<string, unknown>)['traits.seq'];
    return typeof seq === 'number' && seq >= 0 ? seq : undefined;
  }
  const { messageId } = decode(topic, value) as { messageId: string };
  return messageId.startsWith('lat-') ? Number(messageId.slice(4)) : undefined;
}

/** p50, p99 and max of a sample, in its unit. */
export function percentiles(sample: number[]): { p50: number; p99: number; max: number; count: number } {
  const sorted = [...sample].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, count: sorted.length };
}

/** A markdown row: the stage, then the sample's count, p50, p95, p99 and max. */
export function hopRow(stage: string, sample: number[]): string {
  const q = percentiles(sample);
  const p95 = [...sample].sort((a, b) => a - b)[Math.min(sample.length - 1, Math.floor(sample.length * 0.95))] ?? NaN;
  return `| ${stage} | ${fmt(q.count)} | ${fmt(q.p50)} | ${fmt(p95)} | ${fmt(q.p99)} | ${fmt(q.max)} |`;
}

/**
 * Per hop, from the `tessera-trace` headers (TESSERA_TRACE_HOPS=1): fetch wait, wait behind earlier slices,
 * transaction, relay; rows in hopRow's shape, none when the services stamped nothing.
 */
export function hopBreakdown(clock: StageClock, topics: readonly StageTopic[]): string[] {
  const lines: string[] = [];
  for (let i = 1; i < topics.length; i++) {
    const parts: Record<string, number[]> = {
      'fetched after': [],
      'slice waited': [],
      'transaction until outbox write': [],
      'outbox write to relay claim': [],
      'relay claim to publish': [],
    };
    for (const [seq, times] of clock.at) {
      const trace = clock.traces.get(seq)?.[topics[i]];
      const previous = times[topics[i - 1]];
      const own = times[topics[i]];
      if (!trace || previous === undefined || own === undefined) continue;
      const [received, started, written, claimed] = trace.split(',').map(Number);
      if (!received || !claimed) continue;
      parts['fetched after'].push(received - previous);
      parts['slice waited'].push(started - received);
      parts['transaction until outbox write'].push(written - started);
      parts['outbox write to relay claim'].push(claimed - written);
      parts['relay claim to publish'].push(own - claimed);
    }
    if (parts['fetched after'].length === 0) continue;
    const stage = STAGE_TOPICS.find((s) => s.topic === topics[i])!.stage;
    for (const [part, sample] of Object.entries(parts)) lines.push(hopRow(`${stage}: ${part}`, sample));
  }
  return lines;
}
