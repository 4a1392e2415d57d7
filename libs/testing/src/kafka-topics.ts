import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

export const kafka = (brokers = process.env.KAFKA_BROKERS!.split(',')): Kafka =>
  new Kafka({ clientId: 'hallmark-tests', brokers, logLevel: logLevel.NOTHING });

/** Every record currently in `topic`, read from the beginning by a throw-away consumer group. */
export async function readTopic(
  topic: string,
  brokers?: string[],
): Promise<Array<KafkaMessage & { partition: number }>> {
  const k = kafka(brokers);
  const admin = k.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const wanted = new Map(ends.map((e) => [e.partition, Number(e.high)]));
  const total = [...wanted.values()].reduce((a, b) => a + b, 0);
  const out: Array<KafkaMessage & { partition: number }> = [];
  if (total === 0) return out;
  const consumer = k.consumer({ groupId: `test-reader-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read only ${out.length} of ${total} records of ${topic}`)), 20000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (Number(message.offset) < (wanted.get(partition) ?? 0)) out.push({ ...message, partition });
        if (out.length >= total) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}
