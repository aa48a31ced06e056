import type { Admin, Message, Producer } from 'kafkajs';

/** The offsets `groupId` has committed on `topic`, summed over its partitions (none committed counts 0). */
export async function committed(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return entry.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** The end offsets (high watermarks) of `topic`, summed over its partitions: how many records it holds. */
export async function endOffset(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

/** Produces messages[from, to) to `topic` in acknowledged (acks=-1) requests of 2,000, one after the other. */
export async function produceRange(
  producer: Producer,
  topic: string,
  messages: readonly Message[],
  from = 0,
  to = messages.length,
): Promise<void> {
  for (let i = from; i < to; i += 2000) await producer.send({ topic, acks: -1, messages: messages.slice(i, Math.min(i + 2000, to)) });
}
