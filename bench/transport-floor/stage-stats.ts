/** What a stage's /metrics (the libs/kafka metrics every service exposes) says about how it moved the events. */
export interface StageStats {
  /** Consumed slices, i.e. exactly-once transactions (batch_duration histogram count). */
  slices: number;
  /** Their summed duration, transaction and Kafka offset commit included. */
  sliceSeconds: number;
  /** Acknowledged sendBatch calls of the stage's producer (its relay's publishes). */
  producerSends: number;
}

/** Sums every sample of the metric `name` (whatever its labels) in a Prometheus text exposition. */
function sum(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function fetchStageStats(port: number, service: string): Promise<StageStats> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const prefix = `tessera_${service.replace(/-/g, '_')}`;
  return {
    slices: sum(text, `${prefix}_consumer_batch_duration_seconds_count`),
    sliceSeconds: sum(text, `${prefix}_consumer_batch_duration_seconds_sum`),
    producerSends: sum(text, `${prefix}_producer_batches_total`),
  };
}
