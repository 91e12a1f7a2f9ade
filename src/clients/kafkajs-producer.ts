// The kafkajs producer (the lab's default client) behind the producer interface.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { producerConfig, runProducer } from '../workload/producer-workload.js';
import type { ProducerClient } from './producer-client.js';

export const kafkajsProducer: ProducerClient = {
  name: 'kafkajs',
  async library() {
    const path = createRequire(import.meta.url).resolve('kafkajs/package.json');
    return `kafkajs ${(JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version}`;
  },
  unavailable: async () => null,
  settingsFor(settings) {
    const c = producerConfig(settings);
    return [
      `kafka.producer({ idempotent: ${c.idempotent}, maxInFlightRequests: ${c.maxInFlightRequests ?? 'undefined /* unlimited */'}, retry: { retries: ${settings.retries} } })`,
      `new Kafka({ requestTimeout: ${settings.requestTimeout ?? 30_000} })`,
      `producer.send({ topic, acks: ${settings.acks ?? -1}, messages: [message] })`,
    ];
  },
  produce: runProducer,
};
