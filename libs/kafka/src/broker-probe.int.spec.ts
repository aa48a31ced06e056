import { startTestBroker, type TestBroker } from '@tessera/testing';
import { createServer, type Server, type Socket } from 'node:net';
import { BrokerProbe } from './broker-probe';

/**
 * The readiness probe behind the `kafka` check (issue 12, fault 2): it answers from a real round trip, and it
 * answers in bounded time when the broker is gone or accepts connections without answering.
 */
describe('BrokerProbe', () => {
  let broker: TestBroker;
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    broker = await startTestBroker();
    // Accepts connections and never answers: a hung broker, or a black hole behind a proxy.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    await broker?.stop();
  });

  it('passes against a broker that answers', async () => {
    const probe = new BrokerProbe({ client: { clientId: 'probe-ok', brokers: broker.brokers } });
    try {
      await expect(probe.check()).resolves.toBeUndefined();
      await expect(probe.check()).resolves.toBeUndefined();
    } finally {
      await probe.close();
    }
  });

  it('fails within its timeout, every time, when the broker accepts connections but never answers', async () => {
    const port = (silent.address() as { port: number }).port;
    const probe = new BrokerProbe({ client: { clientId: 'probe-silent', brokers: [`127.0.0.1:${port}`] }, timeoutMs: 300 });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const started = Date.now();
        await expect(probe.check()).rejects.toThrow(/did not answer a metadata request: no answer within 300 ms/);
        expect(Date.now() - started).toBeLessThan(1_500);
      }
    } finally {
      await probe.close();
    }
  });

  it('fails at once, without retrying in the background, when nothing listens', async () => {
    const stopped = await startTestBroker();
    const brokers = stopped.brokers;
    await stopped.stop();
    const probe = new BrokerProbe({ client: { clientId: 'probe-gone', brokers }, timeoutMs: 1_000 });
    try {
      const started = Date.now();
      await expect(probe.check()).rejects.toThrow(/did not answer a metadata request: .*ECONNREFUSED|Connection error/);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await probe.close();
    }
  });
});
