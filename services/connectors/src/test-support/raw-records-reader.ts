import { decode, Topics, type RawRecord } from '@tessera/contracts';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface ReadRecord {
  key: string;
  value: RawRecord;
  /** The outbox relay's `tessera-seq` (a relay republish after a crash repeats it; consumers dedupe on it). */
  seq: string | undefined;
}

/** Reads cdp.records.raw from the beginning, decoding every record (for exactly-once counts). */
export class RawRecordsReader {
  readonly records: ReadRecord[] = [];
  private readonly consumer: Consumer;

  constructor(brokers: string[]) {
    this.consumer = new Kafka({ clientId: 'connectors-test-reader', brokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: `raw-reader-${Date.now()}-${Math.random()}`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 50,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [Topics.RecordsRaw], fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (!m.value) continue;
          this.records.push({
            key: m.key?.toString() ?? '',
            value: decode(Topics.RecordsRaw, m.value),
            seq: m.headers?.['tessera-seq']?.toString(),
          });
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  ofRun(runId: string): RawRecord[] {
    return this.records.filter((r) => r.value.origin?.runId === runId).map((r) => r.value);
  }
}
