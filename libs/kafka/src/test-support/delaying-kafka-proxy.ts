import type { ISocketFactory } from 'kafkajs';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Kafka API keys the tests hold back. */
export const OFFSET_COMMIT_API_KEY = 8;

/**
 * A TCP proxy in front of a real broker that holds back the responses to one Kafka API (a slow OffsetCommit, say)
 * and passes every other frame through at once. Clients reach it through `socketFactory`, so every connection,
 * including those to the address the broker advertises, goes through it. Responses are matched to requests by
 * correlation id, as kafkajs does, so a held response does not hold the ones behind it.
 */
export class DelayingKafkaProxy {
  private readonly sockets = new Set<Socket>();
  private port = 0;
  /** Requests seen per API key. */
  readonly requests = new Map<number, number>();

  private constructor(
    private readonly server: Server,
    private readonly upstream: { host: string; port: number },
    private readonly apiKey: number,
    private readonly delayMs: number,
  ) {}

  static async start(broker: string, apiKey: number, delayMs: number): Promise<DelayingKafkaProxy> {
    const [host, port] = broker.split(':');
    const server = createServer();
    const proxy = new DelayingKafkaProxy(server, { host, port: Number(port) }, apiKey, delayMs);
    server.on('connection', (client) => proxy.forward(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy.port = (server.address() as { port: number }).port;
    return proxy;
  }

  readonly socketFactory: ISocketFactory = ({ onConnect }) => connect({ host: '127.0.0.1', port: this.port }, onConnect);

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(client: Socket): void {
    const upstream = connect(this.upstream);
    const held = new Set<number>();
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => undefined);
    }
    // Request: size, api key (int16), api version (int16), correlation id (int32). Response: size, correlation id.
    onFrames(client, (frame) => {
      const apiKey = frame.readInt16BE(4);
      this.requests.set(apiKey, (this.requests.get(apiKey) ?? 0) + 1);
      if (apiKey === this.apiKey) held.add(frame.readInt32BE(8));
      upstream.write(frame);
    });
    onFrames(upstream, (frame) => {
      if (!held.delete(frame.readInt32BE(4))) return void client.write(frame);
      setTimeout(() => client.destroyed || client.write(frame), this.delayMs);
    });
  }
}

function onFrames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  });
}
