import { createTestSchema, createTestTopics, startTestBroker, type TestBroker, type TestSchema } from '@tessera/testing';
import { startServiceForTest, type RunningService } from '@tessera/service-kit';
import { TOPIC_SPECS } from '@tessera/contracts';
import { AppModule } from '../app.module';
import { identifyItem, recordItem } from '../test-support/test-items.fixture';
import { MergerHarness } from '../test-support/merger-harness';

const T0 = Date.UTC(2026, 2, 1);

describe('field priorities name real fields (admin API, embedded broker and Postgres)', () => {
  let schema: TestSchema;
  let broker: TestBroker;
  let service: RunningService;
  let harness: MergerHarness;

  beforeAll(async () => {
    broker = await startTestBroker();
    await createTestTopics(
      broker.brokers,
      TOPIC_SPECS.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions })),
    );
    schema = await createTestSchema('field_priorities_it');
    service = await startServiceForTest(AppModule, 'profile-merger', {
      databaseUrl: schema.url,
      schema: schema.schema,
      kafkaBrokers: broker.brokers.join(','),
    });
    harness = new MergerHarness(broker.brokers, service.url);
    await harness.start();
  }, 60_000);

  afterAll(async () => {
    await harness?.stop();
    await service?.close();
    await schema?.drop();
    await broker?.stop();
  });

  it('a field priority on firstName governs given-name, where a web identify files firstName', async () => {
    const shop = await harness.admin('PUT', '/v1/priorities/sources/shop', { priority: 5, fields: { firstName: 1 } });
    expect(shop.status).toBe(200);
    expect(await shop.json()).toEqual({ sourceId: 'shop', priority: 5, fields: { 'given-name': 1 } });
    expect((await harness.admin('PUT', '/v1/priorities/sources/crm', { priority: 2 })).status).toBe(200);
    const listed = (await (await harness.admin('GET', '/v1/priorities')).json()) as { sources: unknown[] };
    expect(listed.sources).toContainEqual({ sourceId: 'shop', priority: 5, fields: { 'given-name': 1 } });

    // The shop's older identify beats the CRM's newer record on given-name only through the field priority.
    await harness.sendItems([
      identifyItem({
        profileId: 'p-bob',
        messageId: 'shop-1',
        sourceId: 'shop',
        at: T0 + 1000,
        traits: { firstName: 'Bob', lastName: 'Shopper' },
      }),
      recordItem({
        profileId: 'p-bob',
        messageId: 'crm-1',
        sourceId: 'crm',
        at: T0 + 2000,
        attributes: { first: 'Robert', last: 'Crm' },
        mapping: { first: 'given-name', last: 'surname' },
      }),
    ]);
    const bob = await harness.waitFor('/v1/profiles/p-bob', (body) => body.summary?.itemCount === 2);
    expect(bob.traits).toMatchObject({ 'given-name': 'Bob', surname: 'Crm' });
    expect(bob.traitProvenance['given-name']).toMatchObject({ sourceId: 'shop', priority: 1, messageId: 'shop-1' });
    expect(bob.traitProvenance.surname).toMatchObject({ sourceId: 'crm', priority: 2 });
  });

  it.each([
    [{ FirstName: 1 }, 'did you mean "given-name"?'],
    [{ 'consent.marketing': 1 }, 'consent takes the newest choice'],
    [{ crm_id: 1 }, 'identifiers are not traits'],
    [{ firstName: 1, 'given-name': 3 }, 'both name the field "given-name"'],
  ])('answers 400 naming the accepted fields to %j, and keeps the stored setting', async (fields, reason) => {
    expect((await harness.admin('PUT', '/v1/priorities/sources/kiosk', { priority: 7, fields: { first_name: 2 } })).status).toBe(200);
    const answer = await harness.admin('PUT', '/v1/priorities/sources/kiosk', { priority: 5, fields });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { message: string };
    expect(body.message).toContain(reason);
    if (!reason.startsWith('both'))
      expect(body.message).toContain(
        'Accepted: a trait or untagged record attribute as sources send it (e.g. plan), a semantic tag (email, phone, given-name',
      );
    const listed = (await (await harness.admin('GET', '/v1/priorities')).json()) as { sources: unknown[] };
    expect(listed.sources).toContainEqual({ sourceId: 'kiosk', priority: 7, fields: { 'given-name': 2 } });
  });
});
