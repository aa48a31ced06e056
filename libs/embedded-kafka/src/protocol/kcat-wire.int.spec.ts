import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { promisify } from 'node:util';
import { ApiKey } from './api-keys';
import { apiVersionsResponseBody } from './api-versions-table';
import type { MessageBody } from './message-body';
import { decodeRequest } from './request-codec';
import type { RequestHeader } from './headers/request-header';
import { encodeResponse } from './response-codec';

/**
 * librdkafka (kcat) against a scripted single-partition responder built on this codec only: it checks that a real
 * non-Java client negotiates flexible versions with our ApiVersions table, and parses what we encode.
 * Not a broker: just enough answers for metadata, one produce and one consume.
 */
const KCAT = '/usr/bin/kcat';
const run = promisify(execFile);
const TOPIC_ID = Buffer.alloc(16, 0x11);

class ScriptedResponder {
  readonly seen: Array<{ apiKey: number; apiVersion: number }> = [];
  private stored: Buffer | null = null;
  private readonly server: Server = createServer((socket) => this.serve(socket));

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    let pending = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        const { header, body } = decodeRequest(frame);
        this.seen.push({ apiKey: header.apiKey, apiVersion: header.apiVersion });
        const answer = this.answer(header, body, (socket.address() as AddressInfo).port);
        if (answer) socket.write(encodeResponse(header, answer));
        else if (!(header.apiKey === ApiKey.Produce && body.acks === 0)) socket.destroy();
      }
    });
  }

  private answer(header: RequestHeader, body: MessageBody, port: number): MessageBody | undefined {
    switch (header.apiKey) {
      case ApiKey.ApiVersions:
        return apiVersionsResponseBody();
      case ApiKey.Metadata:
        return {
          brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }],
          clusterId: 'tessera-test',
          controllerId: 1,
          topics: (body.topics ?? [{ name: 'orders' }]).map((t: MessageBody) => ({
            errorCode: 0,
            name: t.name,
            topicId: TOPIC_ID,
            partitions: [
              { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
            ],
          })),
        };
      case ApiKey.Produce: {
        const topic = body.topicData[0];
        this.stored = Buffer.from(topic.partitionData[0].records);
        return {
          responses: [
            {
              name: topic.name,
              partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n }],
            },
          ],
        };
      }
      case ApiKey.ListOffsets:
        return {
          topics: body.topics.map((t: MessageBody) => ({
            name: t.name,
            partitions: t.partitions.map((p: MessageBody) => ({
              partitionIndex: p.partitionIndex,
              errorCode: 0,
              timestamp: -1n,
              offset: p.timestamp === -1n ? 1n : 0n,
              oldStyleOffsets: [0n],
            })),
          })),
        };
      case ApiKey.Fetch:
        return {
          responses: body.topics.map((t: MessageBody) => ({
            topic: t.topic,
            topicId: t.topicId,
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 1n,
                lastStableOffset: 1n,
                logStartOffset: 0n,
                records: t.partitions[0].fetchOffset === 0n ? this.stored : null,
              },
            ],
          })),
        };
      default:
        return undefined;
    }
  }
}

// kcat is a prerequisite (.ci/run installs it): a missing kcat fails here rather than skipping silently.
describe('librdkafka (kcat) speaks to this codec', () => {
  it('has kcat installed', () => {
    expect(existsSync(KCAT)).toBe(true);
  });

  const responder = new ScriptedResponder();
  let broker = '';

  beforeAll(async () => {
    broker = `127.0.0.1:${await responder.listen()}`;
  });
  afterAll(() => responder.close());

  it('lists metadata', async () => {
    const { stdout } = await run(KCAT, ['-b', broker, '-L', '-J', '-t', 'orders'], { timeout: 20000 });
    const metadata = JSON.parse(stdout);
    expect(metadata.brokers).toEqual([{ id: 1, name: broker }]);
    expect(metadata.topics).toEqual([
      expect.objectContaining({
        topic: 'orders',
        partitions: [expect.objectContaining({ partition: 0, leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] })],
      }),
    ]);
    const apiVersions = responder.seen.find((s) => s.apiKey === ApiKey.ApiVersions);
    expect(apiVersions?.apiVersion).toBeGreaterThanOrEqual(3);
  });

  it('produces a message and consumes it back', async () => {
    await run('sh', ['-c', `printf 'hello-librdkafka' | ${KCAT} -b ${broker} -P -t orders -p 0`], { timeout: 20000 });
    const { stdout } = await run(KCAT, ['-b', broker, '-C', '-t', 'orders', '-p', '0', '-o', 'beginning', '-c', '1', '-e', '-f', '%s'], {
      timeout: 20000,
    });
    expect(stdout).toBe('hello-librdkafka');
    const used = new Map(responder.seen.map((s) => [ApiKey[s.apiKey], s.apiVersion]));
    expect([...used.keys()]).toEqual(expect.arrayContaining(['ApiVersions', 'Metadata', 'Produce', 'Fetch']));
  });
});
