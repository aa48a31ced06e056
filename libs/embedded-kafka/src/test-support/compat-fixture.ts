/* Test support for the compatibility suites: a broker on a temp dir, kafkajs codecs, kcat and a raw socket client. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import pino from 'pino';
import { startBroker, type BrokerOptions, type RunningBroker } from '../broker';
import { decodeResponse, encodeRequest, type MessageBody } from '../protocol';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const SnappyCodec = require('kafkajs-snappy') as () => unknown;

/** kafkajs ships gzip only; snappy comes from kafkajs-snappy and lz4 is this tiny codec over lz4-napi frames. */
export function registerKafkajsCodecs(): void {
  const lz4Codec = () => ({
    compress: async (encoder: { buffer: Buffer }) => compressFrameSync(encoder.buffer),
    decompress: async (buffer: Buffer) => decompressFrameSync(buffer),
  });
  Object.assign(CompressionCodecs, { [CompressionTypes.Snappy]: SnappyCodec, [CompressionTypes.LZ4]: lz4Codec });
}

export interface CompatBroker {
  broker: RunningBroker;
  dataDir: string;
  bootstrap: string;
  kafka(clientId: string, extra?: Partial<KafkaConfig>): Kafka;
  /** Stops and starts again on the same data directory and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A broker tuned for fast tests: short group delays and session timeouts allowed. */
export async function startCompatBroker(options: Partial<BrokerOptions> = {}): Promise<CompatBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-compat-'));
  const logger = pino({ level: process.env.TESSERA_BROKER_LOG_LEVEL ?? 'silent' });
  const brokerOptions: BrokerOptions = {
    port: 0,
    dataDir,
    logger,
    groupInitialRebalanceDelayMs: 50,
    groupMinSessionTimeoutMs: 500,
    ...options,
  };
  let broker = await startBroker(brokerOptions);
  const fixture: CompatBroker = {
    broker,
    dataDir,
    bootstrap: broker.bootstrap,
    kafka: (clientId, extra = {}) =>
      new Kafka({
        clientId,
        brokers: [broker.bootstrap],
        logLevel: logLevel.NOTHING,
        retry: { retries: 5, initialRetryTime: 50 },
        ...extra,
      }),
    async restart() {
      const port = broker.port;
      await broker.stop();
      broker = await startBroker({ ...brokerOptions, port });
      fixture.broker = broker;
    },
    async stop() {
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Runs kcat with a timeout; resolves with stdout (rejects with stderr on failure). */
export function kcat(args: string[], input?: string, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('kcat', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** A bare Kafka connection speaking through our codec, for requests a well-behaved client never sends. */
export class RawKafkaClient {
  private readonly socket: net.Socket;
  private buffered = Buffer.alloc(0);
  private waiters: Array<(frame: Buffer) => void> = [];
  private correlationId = 1;
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiters.shift()?.(frame);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static connect(bootstrap: string): Promise<RawKafkaClient> {
    const [host, port] = bootstrap.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port: Number(port) }, () => resolve(new RawKafkaClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes raw bytes (a frame or garbage). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  nextFrame(): Promise<Buffer> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async request(apiKey: number, apiVersion: number, body: MessageBody): Promise<MessageBody> {
    const frame = encodeRequest({ apiKey, apiVersion, correlationId: this.correlationId++, clientId: 'raw-test' }, body);
    const response = this.nextFrame();
    this.write(frame);
    return decodeResponse(apiKey, apiVersion, await response).body;
  }

  close(): void {
    this.socket.destroy();
  }
}
