import { encode, Topics, type RawRecord } from '@tessera/contracts';
import { eventually } from '@tessera/testing';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ConnectorsHarness } from '../test-support/connectors-harness';

/** A cdp.events.rejected envelope as validation writes it for one record (or for an event, which names no run). */
function rejectionOf(original: { topic: string; value: Buffer }, messageId: string) {
  return encode(Topics.EventsRejected, {
    rejectionId: randomUUID(),
    reason: 'missing_identity',
    detail: 'no identifier',
    service: 'validation',
    itemKind: 'record',
    messageId,
    original: { ...original, partition: 0, offset: 0, timestamp: Date.now() },
    rejectedAt: Date.now(),
  });
}

describe("a run's records rejected by a later service (embedded broker and Postgres)", () => {
  const h = new ConnectorsHarness();

  beforeAll(() => h.start('connectors_rejections'));
  afterAll(() => h.stop());

  it('counts each rejected record of the run once on recordsRejected, and ignores rejections that name no run', async () => {
    await h.connection('rejections', { rows: 5, checkpointEvery: 5 });
    const run = await h.waitForRun((await h.runNow('rejections')).id);
    expect(run).toMatchObject({ state: 'succeeded', recordsRejected: 0, recordsRefused: 0, recordsRejectedDownstream: 0 });
    const records = await h.recordsOf(run.id, 5);
    const raw = (record: RawRecord) => ({ topic: Topics.RecordsRaw, value: encode(Topics.RecordsRaw, record) });

    const producer = new Kafka({ clientId: 'rejections-test', brokers: h.broker.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      // One key: one partition, so the consumer takes them in this order.
      const send = (value: Buffer) => producer.send({ topic: Topics.EventsRejected, messages: [{ key: 'k', value }] });
      await send(rejectionOf(raw(records[0]), records[0].messageId));
      await send(rejectionOf(raw(records[1]), records[1].messageId));
      // the same record rejected again after a replay, an event, and bytes that are no rejection at all
      await send(rejectionOf(raw(records[0]), records[0].messageId));
      await send(rejectionOf({ topic: Topics.EventsRaw, value: Buffer.from('{}') }, 'event-1'));
      await send(Buffer.from('not a rejection'));
      await send(rejectionOf(raw(records[2]), records[2].messageId));
    } finally {
      await producer.disconnect();
    }

    const counted = await eventually(
      async () => {
        const now = (await h.http('GET', `/v1/runs/${run.id}`)).body;
        return now.recordsRejectedDownstream >= 3 ? now : undefined;
      },
      30_000,
      'three rejections counted on the run',
    );
    expect(counted).toMatchObject({ recordsRejected: 3, recordsRefused: 0, recordsRejectedDownstream: 3 });
    // the metric moves just after the commit that the run shows
    await eventually(
      async () =>
        /^tessera_connectors_downstream_rejections_total\{[^}]*\} 3$/m.test(await (await fetch(`${h.service.url}/metrics`)).text()),
      5_000,
      'the metric to count 3',
    );
  });
});
