/**
 * kafkajs 2.2.4's own protocol encoders/decoders, used as an independent reference in tests: what kafkajs puts
 * on the wire is what our broker must read, and what we write must be what kafkajs can parse.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
export type KafkajsRequest = { apiKey: number; apiVersion: number; encode(): Promise<{ buffer: Buffer }> };

const frameRequest = require('kafkajs/src/protocol/request') as (args: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest;
}) => Promise<{ buffer: Buffer }>;

export function kafkajsVersions(requestDir: string): number[] {
  return (require(`kafkajs/src/protocol/requests/${requestDir}`).versions as string[]).map(Number);
}

export function kafkajsProtocol(
  requestDir: string,
  version: number,
  args: Record<string, any>,
): { request: KafkajsRequest; response: { decode(payload: Buffer): Promise<any> } } {
  return require(`kafkajs/src/protocol/requests/${requestDir}`).protocol({ version })(args);
}

/** A whole request frame, size prefix included, exactly as kafkajs writes it to the socket. */
export async function kafkajsRequestFrame(request: KafkajsRequest, correlationId: number, clientId: string) {
  return (await frameRequest({ correlationId, clientId, request })).buffer;
}

/** A record batch (magic 2) as the kafkajs producer encodes it. */
export async function kafkajsRecordBatch(messages: Array<{ key: string; value: string }>): Promise<Buffer> {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0');
  const records = messages.map((m, i) =>
    Record({ offsetDelta: i, timestampDelta: 0, key: Buffer.from(m.key), value: Buffer.from(m.value) }),
  );
  const batch = await RecordBatch({ firstTimestamp: 1700000000000, maxTimestamp: 1700000000000, records });
  return batch.buffer;
}
