// Unit tests for what the container provider asks Docker for, and the broker start script it writes.
import { describe, it, expect } from 'vitest';
import {
  CONTAINER_CONTROLLER_PORT,
  CONTAINER_KAFKA_PORT,
  START_SCRIPT,
  WAITING_LINE,
  containerSpec,
  containerStartScript,
} from '../../../src/broker/container-spec.js';

/**
 * Parses `export NAME='...'` lines as POSIX sh would: single-quoted runs joined by \' escapes, nothing
 * unquoted in between. Returns null for a line sh would read differently.
 */
function parseExport(line: string): [string, string] | null {
  const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
  if (!match) return null;
  let rest = match[2]!;
  let value = '';
  while (rest.length > 0) {
    if (rest.startsWith("\\'")) {
      value += "'";
      rest = rest.slice(2);
      continue;
    }
    if (!rest.startsWith("'")) return null;
    const end = rest.indexOf("'", 1);
    if (end < 0) return null;
    value += rest.slice(1, end);
    rest = rest.slice(end + 1);
  }
  return [match[1]!, value];
}

function exportsOf(script: string): Record<string, string> {
  const lines = script.trimEnd().split('\n');
  const env: Record<string, string> = {};
  for (const line of lines.slice(1, -1)) {
    const parsed = parseExport(line);
    if (!parsed) throw new Error(`not a safely quoted export: ${line}`);
    env[parsed[0]] = parsed[1];
  }
  return env;
}

describe('containerSpec', () => {
  it('pins the apache/kafka image for the version and exposes the client port', () => {
    const spec = containerSpec('4.1.1');
    expect(spec.image).toBe('apache/kafka:4.1.1');
    expect(spec.exposedPort).toBe(9092);
    expect(CONTAINER_KAFKA_PORT).toBe(9092);
  });

  it('says it is waiting (what testcontainers waits for), waits for the start script, then runs it', () => {
    const [flag, command] = containerSpec('3.9.1').command;
    expect(flag).toBe('-c');
    expect(command).toBe(`echo '${WAITING_LINE}'; while [ ! -f ${START_SCRIPT} ]; do sleep 0.1; done; exec sh ${START_SCRIPT}`);
  });
});

describe('containerStartScript', () => {
  const script = containerStartScript('localhost', 32768);
  const env = exportsOf(script);

  it('is a sh script that ends by handing over to the image\'s launcher', () => {
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script.endsWith('\nexec /etc/kafka/docker/run\n')).toBe(true);
  });

  it('advertises the mapped host:port to clients', () => {
    expect(env.KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://localhost:32768');
    expect(script).toContain("export KAFKA_ADVERTISED_LISTENERS='PLAINTEXT://localhost:32768'\n");
  });

  it('listens on the container ports', () => {
    expect(env.KAFKA_LISTENERS).toBe(`PLAINTEXT://0.0.0.0:${CONTAINER_KAFKA_PORT},CONTROLLER://localhost:${CONTAINER_CONTROLLER_PORT}`);
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@localhost:9093');
    expect(env.KAFKA_NODE_ID).toBe('1');
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it('sets the transaction log to replication factor 1 and min ISR 1', () => {
    expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe('1');
    expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe('1');
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe('1');
  });

  it('contains only the shebang, safely quoted exports and the exec line', () => {
    expect(Object.keys(env).length).toBeGreaterThan(10);
    for (const key of Object.keys(env)) expect(key).toMatch(/^KAFKA_/);
  });

  it('quotes values so that quotes and shell syntax in the host stay literal', () => {
    const host = `evil'$(touch /tmp/x)\`id\`;"x"`;
    const hostile = exportsOf(containerStartScript(host, 1));
    expect(hostile.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${host}:1`);
    expect(containerStartScript(host, 1)).toContain(`'PLAINTEXT://evil'\\''$(touch /tmp/x)\`id\`;"x":1'`);
  });
});
