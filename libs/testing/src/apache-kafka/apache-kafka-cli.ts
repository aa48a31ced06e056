import { startApacheKafka } from './apache-kafka-cluster';

/**
 * `npm run kafka:apache -- --port 9092 --data-dir .data/apache-kafka`: one Apache Kafka broker (KRaft) in the
 * foreground, topic auto-creation off as in docker-compose, until SIGTERM or SIGINT (then a controlled shutdown).
 * The dev stack runs it as its broker with TESSERA_KAFKA=apache.
 */
async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const port = Number(arg('port') ?? 9092);
  const dataDir = arg('data-dir');
  if (!dataDir) throw new Error('--data-dir is required');
  const cluster = await startApacheKafka({ dataDir, brokerPorts: [port] });
  console.log(
    `apache kafka ${cluster.version} listening on ${cluster.brokers.join(',')} (data in ${dataDir}, log in ${dataDir}/node-1/server.log)`,
  );
  const shutdown = () => void cluster.stop({ graceful: true }).then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
