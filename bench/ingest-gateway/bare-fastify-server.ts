import Fastify from 'fastify';

/**
 * The baseline of the single-call comparison: Fastify with its default JSON parser and no logger, answering
 * POST /v1/track with 200 `{ "success": true }` after parsing the same body the gateway gets. No auth, no Kafka.
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 0);
  const app = Fastify({ logger: false, bodyLimit: 32 * 1024 });
  app.post('/v1/track', async (request) => {
    if (typeof request.body !== 'object' || request.body === null) throw new Error('expected an object');
    return { success: true };
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.listen({ port, host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
