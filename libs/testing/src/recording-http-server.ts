import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type ScriptedReply =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers (until the server stops): a hanging destination. */
  | 'hang'
  /** Drops the connection without an answer. */
  | 'reset';

export type Responder = (request: RecordedRequest, index: number) => ScriptedReply;

/** A real HTTP server on a free port that records what it receives and answers as scripted: a destination (webhook, ad-platform API) for tests. */
export class RecordingHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private responder: Responder = () => ({ status: 200 })) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const index = this.requests.push(recorded) - 1;
        this.reply(res, this.responder(recorded, index));
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private reply(res: ServerResponse, scripted: ScriptedReply): void {
    if (scripted === 'hang') return;
    if (scripted === 'reset') {
      res.socket?.destroy();
      return;
    }
    const body = scripted.body === undefined ? '' : typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body);
    res.writeHead(scripted.status, {
      'content-type': typeof scripted.body === 'string' ? 'text/plain' : 'application/json',
      ...scripted.headers,
    });
    res.end(body);
  }
}
