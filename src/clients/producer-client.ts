// A Kafka client as the producer scenarios use it: one module per client, and only that module imports its library.
import type { ProduceRun, ProducerSettings } from '../workload/producer-workload.js';

/** The clients the lab can drive; kafkajs is the default (the requested stack). */
export const CLIENT_NAMES = ['kafkajs', 'platformatic', 'confluent', 'java'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

export interface ProducerClient {
  name: ClientName;
  /** The npm package and its version, e.g. "kafkajs 2.2.4", for headers and reports. */
  library(): Promise<string>;
  /** Why it cannot run here (not installed, Node too old), in one line with what to do; null when it can. */
  unavailable(): Promise<string | null>;
  /** Its own settings for the lab's, one option per line, as its user would write them (for explain). */
  settingsFor(settings: ProducerSettings): string[];
  /**
   * Sends every message with at most settings.concurrency sends open, one message per send, and
   * records how each ended as the client saw it (ok, unknown, failed). Resolves with the sends' wall
   * time in ms. acks=0 runs end with an acks=all record, so the read-back sees what reached the broker.
   */
  produce(run: ProduceRun): Promise<number>;
}
