import { decode, Topics } from '@tessera/contracts';
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
