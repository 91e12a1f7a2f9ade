// What the container provider asks Docker for, as plain data, so it can be unit-tested without Docker.
import { kraftServerProperties, toKafkaImageEnv } from './broker-settings.js';
import { kafkaImage } from './versions.js';

export const CONTAINER_KAFKA_PORT = 9092;
export const CONTAINER_CONTROLLER_PORT = 9093;
export const START_SCRIPT = '/tmp/kafka-dup-lab-start.sh';
/**
 * Printed by the container before it waits for the start script. testcontainers' start() returns when
 * it sees this line; waiting for the Kafka port instead would never end, since Kafka starts only after
 * the script (which needs the mapped port) is copied in.
 */
export const WAITING_LINE = 'kafka-dup-lab: waiting for the start script';

export interface ContainerSpec {
  image: string;
  exposedPort: number;
  /** Waits for the start script: the advertised address is only known once Docker has mapped the port. */
  command: string[];
}

export function containerSpec(version: string): ContainerSpec {
  return {
    image: kafkaImage(version),
    exposedPort: CONTAINER_KAFKA_PORT,
    command: ['-c', `echo '${WAITING_LINE}'; while [ ! -f ${START_SCRIPT} ]; do sleep 0.1; done; exec sh ${START_SCRIPT}`],
  };
}

/**
 * The script that starts the broker once the mapped address is known: it exports the image's
 * KAFKA_* settings (advertising host:mappedPort to clients) and hands over to the image's own launcher.
 */
export function containerStartScript(advertisedHost: string, mappedPort: number): string {
  const props = kraftServerProperties({
    nodeId: 1,
    listener: `0.0.0.0:${CONTAINER_KAFKA_PORT}`,
    advertised: `${advertisedHost}:${mappedPort}`,
    controller: `localhost:${CONTAINER_CONTROLLER_PORT}`,
    logDir: '/tmp/kraft-combined-logs',
  });
  const env = toKafkaImageEnv(props);
  const exports = Object.entries(env)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}'`)
    .join('\n');
  return `#!/bin/sh\n${exports}\nexec /etc/kafka/docker/run\n`;
}
