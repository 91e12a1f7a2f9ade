// What the container provider asks the engine for, as plain data, so it can be unit-tested without an engine.
import { LAB_JVM_HEAP, kraftServerProperties, labJvmPerformance, toPropertiesFile, type BrokerLifetime } from './broker-settings.js';

/** The client listener inside the container; the engine maps it to a free host port. */
export const CONTAINER_KAFKA_PORT = 9092;
export const CONTAINER_CONTROLLER_PORT = 9093;
/** Inter-broker traffic (the transaction coordinator's markers) stays inside the container, on this port. */
export const CONTAINER_INTERNAL_PORT = 19092;
export const START_SCRIPT = '/tmp/kafka-dup-lab-start.sh';
/**
 * Printed by the container before it waits for the start script. testcontainers' start() returns when
 * it sees this line; waiting for the Kafka port instead would never end, since Kafka starts only after
 * the script (which needs the mapped port) is copied in.
 */
export const WAITING_LINE = 'kafka-dup-lab: waiting for the start script';
/** Printed by the start script, with the missing path, when the image lacks what the lab relies on. */
export const LAYOUT_MARKER = 'kafka-dup-lab: missing:';
/** Printed by the start script with the Kafka version it found in the image's libs/. */
export const VERSION_MARKER = 'kafka-dup-lab: version:';

/**
 * The only parts of the image the lab relies on: a POSIX shell, and the distribution's two launch
 * scripts under /opt/kafka/bin (which find Java themselves). Not the image's own launcher or its
 * KAFKA_* environment conventions, which have changed between releases.
 */
export const KAFKA_BIN = '/opt/kafka/bin';
const REQUIRED_SCRIPTS = ['kafka-storage.sh', 'kafka-server-start.sh'];

/** The container waits for the start script: the advertised address is only known once the engine has mapped the port. */
export const WAIT_FOR_START_SCRIPT = ['-c', `echo '${WAITING_LINE}'; while [ ! -f ${START_SCRIPT} ]; do sleep 0.1; done; exec sh ${START_SCRIPT}`];

/**
 * The script that starts the broker once the mapped address is known: it checks the layout, writes
 * server.properties (clients get host:mappedPort; inter-broker traffic a listener inside the
 * container), formats the storage, reports the image's Kafka version and hands over to Kafka.
 */
export function containerStartScript(advertised: string, mappedPort: number, clusterId: string, lifetime: BrokerLifetime = 'run'): string {
  // Both end up inside a quoted heredoc and a quoted word: only plain host and id characters may.
  if (!/^[A-Za-z0-9.:_\[\]-]+$/.test(advertised)) throw new Error(`not a host name or address: ${JSON.stringify(advertised)}`);
  if (!/^[A-Za-z0-9_-]+$/.test(clusterId)) throw new Error(`not a cluster id: ${JSON.stringify(clusterId)}`);
  const dir = '/tmp/kafka-dup-lab';
  const props = kraftServerProperties({
    nodeId: 1,
    listener: `0.0.0.0:${CONTAINER_KAFKA_PORT}`,
    advertised: `${advertised}:${mappedPort}`,
    internal: `localhost:${CONTAINER_INTERNAL_PORT}`,
    controller: `localhost:${CONTAINER_CONTROLLER_PORT}`,
    logDir: `${dir}/data`,
  });
  const checks = REQUIRED_SCRIPTS.map(
    (s) => `[ -x ${KAFKA_BIN}/${s} ] || { echo '${LAYOUT_MARKER} ${KAFKA_BIN}/${s}'; exit 64; }`,
  );
  return [
    '#!/bin/sh',
    ...checks,
    `mkdir -p ${dir}/data`,
    // A quoted heredoc: nothing in the properties is expanded by the shell.
    `cat > ${dir}/server.properties <<'KAFKA_DUP_LAB_EOF'`,
    toPropertiesFile(props).trimEnd(),
    'KAFKA_DUP_LAB_EOF',
    `jar=$(ls ${KAFKA_BIN}/../libs/ 2>/dev/null | grep -E '^kafka_[0-9.]+-[0-9][^-]*\\.jar$' | head -1)`,
    `echo "${VERSION_MARKER} $(echo "$jar" | sed -E 's/^kafka_[0-9.]+-(.*)\\.jar$/\\1/')"`,
    // The same heap, collector and JIT as the local provider (the distribution's defaults: a fixed 1 GB, G1, both compilers).
    `export KAFKA_HEAP_OPTS="\${KAFKA_HEAP_OPTS:-${LAB_JVM_HEAP.join(' ')}}"`,
    `perf="\${KAFKA_JVM_PERFORMANCE_OPTS:-${labJvmPerformance(lifetime).join(' ')}}"`,
    // The official image ships class-data-sharing archives for both tools (its launcher uses them too).
    `cds() { [ -f /opt/kafka/$1 ] && echo "-XX:SharedArchiveFile=/opt/kafka/$1"; }`,
    `KAFKA_JVM_PERFORMANCE_OPTS="$perf $(cds storage.jsa)" ${KAFKA_BIN}/kafka-storage.sh format --cluster-id='${clusterId}' -c ${dir}/server.properties || { echo 'kafka-dup-lab: storage format failed'; exit 65; }`,
    `export KAFKA_JVM_PERFORMANCE_OPTS="$perf $(cds kafka.jsa)"`,
    `exec ${KAFKA_BIN}/kafka-server-start.sh ${dir}/server.properties`,
    '',
  ].join('\n');
}
