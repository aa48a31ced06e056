import * as net from 'node:net';
import type { BrokerContext } from './broker-context';
import { KafkaConnection } from './kafka-connection';

/** The TCP listener: one KafkaConnection per socket, all closed on stop. */
export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Set<KafkaConnection>();

  constructor(ctx: BrokerContext) {
    this.server = net.createServer((socket) => {
      const connection = new KafkaConnection(socket, ctx);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
    this.server.on('error', (error) => ctx.logger.error({ err: error }, 'kafka listener error'));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    this.connections.clear();
    await closed;
  }
}
