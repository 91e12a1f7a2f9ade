// The Kafka versions the lab pins, in one place: the default broker, the container image, the logging binding.

/** A current Apache Kafka 4.x release; override with --kafka-version. */
export const DEFAULT_KAFKA_VERSION = '4.1.1';

/**
 * The container image for a Kafka version: the official Apache image (KRaft by default), unless
 * KAFKA_DUP_LAB_KAFKA_IMAGE names another (a mirror, a private registry) for every run on this machine.
 */
export function kafkaImage(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_DUP_LAB_KAFKA_IMAGE || `apache/kafka:${version}`;
}

export interface KafkaLine {
  major: number;
  minor: number;
}

export function parseKafkaVersion(version: string): KafkaLine | null {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** The oldest line the lab supports: KRaft-only brokers with the settings it writes. */
export function isSupportedKafkaVersion(version: string): boolean {
  const line = parseKafkaVersion(version);
  if (!line) return false;
  return line.major >= 4 || (line.major === 3 && line.minor >= 9);
}

/**
 * The slf4j binding to put beside the broker, or it logs nothing: Kafka 4.x ships log4j2 behind
 * slf4j 1.7, Kafka 3.9 ships no binding and expects reload4j.
 */
export function loggingArtifacts(version: string): { groupId: string; artifactId: string; version: string }[] {
  const line = parseKafkaVersion(version);
  if (line && line.major >= 4) {
    return [{ groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: '2.24.3' }];
  }
  return [{ groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' }];
}
