import { kcat, registerKafkajsCodecs, startCompatBroker, type CompatBroker } from '../test-support/compat-fixture';

registerKafkajsCodecs();

/** librdkafka (kcat) is the second client the broker must fool; it negotiates newer versions than kafkajs. */
describe('kcat (librdkafka) against the embedded broker', () => {
  let fixture: CompatBroker;

  beforeAll(async () => {
    fixture = await startCompatBroker({ defaultPartitions: 2 });
  });

  afterAll(() => fixture.stop());

  it('lists metadata with this broker as controller', async () => {
    await kcat(['-b', fixture.bootstrap, '-P', '-t', 'kcat-meta'], 'hello\n');
    const out = await kcat(['-b', fixture.bootstrap, '-L', '-t', 'kcat-meta']);
    expect(out).toContain(`broker 1 at ${fixture.bootstrap} (controller)`);
    expect(out).toContain('topic "kcat-meta" with 2 partitions');
    expect(out).toContain('partition 1, leader 1, replicas: 1, isrs: 1');
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('produces and consumes %s batches with keys and headers', async (codec) => {
    const topic = `kcat-${codec}`;
    const lines = Array.from({ length: 50 }, (_, i) => `key${i}:value-${codec}-${i}`);
    await kcat(
      ['-b', fixture.bootstrap, '-P', '-t', topic, '-p', '0', '-K:', '-z', codec, '-H', 'origin=kcat', '-X', 'acks=all'],
      `${lines.join('\n')}\n`,
    );
    const out = await kcat(['-b', fixture.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k:%s|%h|%o\n']);
    expect(out.trim().split('\n')).toEqual(lines.map((line, i) => `${line}|origin=kcat|${i}`));
  });

  it('consumes kafkajs-produced batches and a kcat consumer group commits its position', async () => {
    const producer = fixture.kafka('mixed').producer();
    await producer.connect();
    await producer.send({
      topic: 'kcat-mixed',
      messages: [
        { key: 'a', value: '1', partition: 0 },
        { key: 'b', value: '2', partition: 0 },
      ],
    });
    await producer.disconnect();
    const group = [
      '-b',
      fixture.bootstrap,
      '-G',
      'kcat-group',
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      'session.timeout.ms=6000',
      '-e',
      '-q',
      '-f',
      '%s\n',
      'kcat-mixed',
    ];
    expect((await kcat(group)).trim().split('\n').sort()).toEqual(['1', '2']);
    const admin = fixture.kafka('mixed-admin').admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: 'kcat-group', topics: ['kcat-mixed'] });
      expect(offsets[0].partitions.find((p) => p.partition === 0)?.offset).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });
});
