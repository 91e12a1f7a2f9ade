// Every client the lab drives, by name: run --client and explain read them from here.
import { confluentProducer } from './confluent-producer.js';
import { javaProducer } from './java-producer.js';
import { kafkajsProducer } from './kafkajs-producer.js';
import { platformaticProducer } from './platformatic-producer.js';
import { CLIENT_NAMES, type ClientName, type ProducerClient } from './producer-client.js';

/** A Record, so a client name without its module does not compile. */
export const PRODUCER_CLIENTS: Readonly<Record<ClientName, ProducerClient>> = { kafkajs: kafkajsProducer, platformatic: platformaticProducer, confluent: confluentProducer, java: javaProducer };

export function isClientName(name: string): name is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(name);
}

/** The producer client a variant runs with (its context names it). */
export function producerClient(name: string): ProducerClient {
  if (!isClientName(name)) throw new Error(`no client named ${name}`);
  return PRODUCER_CLIENTS[name];
}

export { CLIENT_NAMES, type ClientName, type ProducerClient } from './producer-client.js';
