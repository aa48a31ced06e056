/**
 * Slices a service's consumer applied and the messages they held, per topic, from its /metrics (the runner's
 * `consumer_batch_duration_seconds` count is one per slice, `consumer_messages_total` counts every outcome). The
 * counters run from the service's start; nothing is consumed before the bench produces, so they are the run's.
 */
export interface TopicSlices {
  topic: string;
  slices: number;
  messages: number;
}

const labelOf = (labels: string, name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(labels)?.[1];

export async function consumerSlices(metricsUrl: string): Promise<TopicSlices[]> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  const byTopic = new Map<string, TopicSlices>();
  const entry = (topic: string): TopicSlices => {
    let found = byTopic.get(topic);
    if (!found) byTopic.set(topic, (found = { topic, slices: 0, messages: 0 }));
    return found;
  };
  for (const line of (await response.text()).split('\n')) {
    const match = /^tessera_\w+?_consumer_(batch_duration_seconds_count|messages_total)\{([^}]*)\} (\S+)$/.exec(line);
    const topic = match && labelOf(match[2], 'topic');
    if (!match || !topic) continue;
    if (match[1] === 'messages_total') entry(topic).messages += Number(match[3]);
    else entry(topic).slices += Number(match[3]);
  }
  return [...byTopic.values()].sort((a, b) => (a.topic < b.topic ? -1 : 1));
}

/** `topic: N slices, M messages (mean K a slice)` for each topic, on one line. */
export function formatSlices(service: string, topics: readonly TopicSlices[]): string {
  const parts = topics.map(
    (t) => `${t.topic} ${t.slices} slices, ${t.messages} messages (mean ${t.slices > 0 ? Math.round(t.messages / t.slices) : 0} a slice)`,
  );
  return `${service} consumer: ${parts.join('; ') || 'no slices'}`;
}
