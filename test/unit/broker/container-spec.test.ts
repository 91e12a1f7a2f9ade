// Unit tests for what the container provider asks the engine for, and the broker start script it writes.
import { spawnSync } from 'node:child_process';
import { describe, it, expect } from 'vitest';
import {
  CONTAINER_CONTROLLER_PORT,
  CONTAINER_INTERNAL_PORT,
  CONTAINER_KAFKA_PORT,
  LAYOUT_MARKER,
  START_SCRIPT,
  VERSION_MARKER,
  WAITING_LINE,
  WAIT_FOR_START_SCRIPT,
  containerStartScript,
} from '../../../src/broker/container-spec.js';

/** The server.properties the script writes: the lines of its quoted heredoc. */
function propertiesOf(script: string): Record<string, string> {
  const body = script.split("<<'KAFKA_DUP_LAB_EOF'\n")[1]!.split('\nKAFKA_DUP_LAB_EOF\n')[0]!;
  return Object.fromEntries(body.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

describe('the container command', () => {
  it('says it is waiting (what testcontainers waits for), waits for the start script, then runs it', () => {
    const [flag, command] = WAIT_FOR_START_SCRIPT;
    expect(flag).toBe('-c');
    expect(command).toBe(`echo '${WAITING_LINE}'; while [ ! -f ${START_SCRIPT} ]; do sleep 0.1; done; exec sh ${START_SCRIPT}`);
  });
});

describe('containerStartScript', () => {
  const script = containerStartScript('127.0.0.1', 32768, 'ABEiM0RVZneImaq7zN3u_w');
  const props = propertiesOf(script);

  it('is valid sh', () => {
    const check = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });

  it('advertises the mapped host:port to clients, and an address inside the container for inter-broker traffic', () => {
    expect(props['advertised.listeners']).toBe(`CLIENT://127.0.0.1:32768,INTERNAL://localhost:${CONTAINER_INTERNAL_PORT}`);
    expect(props['inter.broker.listener.name']).toBe('INTERNAL');
    expect(props.listeners).toBe(
      `CLIENT://0.0.0.0:${CONTAINER_KAFKA_PORT},INTERNAL://localhost:${CONTAINER_INTERNAL_PORT},CONTROLLER://localhost:${CONTAINER_CONTROLLER_PORT}`,
    );
    expect(props['controller.quorum.voters']).toBe(`1@localhost:${CONTAINER_CONTROLLER_PORT}`);
  });

  it('sets the transaction log to replication factor 1 and min ISR 1', () => {
    expect(props).toMatchObject({
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'offsets.topic.replication.factor': '1',
    });
  });

  it('relies only on the two launch scripts of /opt/kafka/bin, checked before use', () => {
    expect(script).toContain(`[ -x /opt/kafka/bin/kafka-storage.sh ] || { echo '${LAYOUT_MARKER} /opt/kafka/bin/kafka-storage.sh'; exit 64; }`);
    expect(script).toContain(`[ -x /opt/kafka/bin/kafka-server-start.sh ] || { echo '${LAYOUT_MARKER}`);
    expect(script).toContain("/opt/kafka/bin/kafka-storage.sh format --cluster-id='ABEiM0RVZneImaq7zN3u_w' -c /tmp/kafka-dup-lab/server.properties");
    expect(script.trimEnd().split('\n').at(-1)).toBe('exec /opt/kafka/bin/kafka-server-start.sh /tmp/kafka-dup-lab/server.properties');
    expect(script).not.toContain('/etc/kafka/docker');
  });

  it('reports the Kafka version it finds in libs/', () => {
    expect(script).toContain(VERSION_MARKER);
    const jarName = script.split('\n').find((l) => l.startsWith('echo "' + VERSION_MARKER))!;
    const version = spawnSync('sh', ['-c', `jar=kafka_2.13-4.1.1.jar; ${jarName}`], { encoding: 'utf8' }).stdout.trim();
    expect(version).toBe(`${VERSION_MARKER} 4.1.1`);
  });

  it.each([`evil'$(touch /tmp/x)`, 'a\nKAFKA_DUP_LAB_EOF\nrm -rf /', 'host name', ''])('refuses a host that is not a plain name or address: %j', (host) => {
    expect(() => containerStartScript(host, 1, 'abc')).toThrow(/not a host name or address/);
  });

  it('refuses a cluster id with quotes or spaces', () => {
    expect(() => containerStartScript('127.0.0.1', 1, "x' y")).toThrow(/not a cluster id/);
  });
});
