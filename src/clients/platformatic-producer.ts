// The @platformatic/kafka producer (pure TypeScript, Node 22.22+) behind the producer interface; the only module that imports it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { SendOutcome } from '../core/types.js';
import { encodeMessage } from '../workload/messages.js';
import { sendAll, type ProduceRun, type ProducerSettings } from '../workload/producer-workload.js';
import { platformaticErrorTree } from './platformatic-errors.js';
import type { ProducerClient } from './producer-client.js';

type Platformatic = typeof import('@platformatic/kafka');

/** The lab's retry wait for every client: kafkajs' 300 ms first retry (platformatic's own default is 1 s). */
const RETRY_DELAY_MS = 300;

let loaded: Promise<Platformatic | Error> | undefined;
/** Loaded on first use: a run that never asks for this client never pays for its import. */
function load(): Promise<Platformatic | Error> {
  loaded ??= import('@platformatic/kafka').catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  return loaded;
}

/** The options the lab gives platformatic's Producer for the settings (printed by explain too). */
function producerOptions(settings: ProducerSettings): { idempotent: boolean; retries: number; retryDelay: number; maxInflights?: number; requestTimeout?: number } {
  return {
    idempotent: settings.idempotent,
    retries: settings.retries,
    retryDelay: RETRY_DELAY_MS,
    ...(settings.maxInFlight === undefined ? {} : { maxInflights: settings.maxInFlight }),
    // The client's wait for an answer (network/connection.js, 30 s by default); its `timeout` is the broker's acks timeout.
    ...(settings.requestTimeout === undefined ? {} : { requestTimeout: settings.requestTimeout }),
  };
}

/**
 * What a failed send tells its caller, from platformatic's errors (src/errors.ts): a network error or a
 * timeout leaves the outcome open, as do NOT_LEADER_OR_FOLLOWER and REQUEST_TIMED_OUT answers (the
 * write may have happened: KAFKA-13574); any other broker answer is a refusal.
 */
export function platformaticOutcome(error: unknown): SendOutcome {
  let protocolRefusal = false;
  for (const e of platformaticErrorTree(error)) {
    if (e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT') return 'unknown';
    if (e.apiId === 'NOT_LEADER_OR_FOLLOWER' || e.apiId === 'REQUEST_TIMED_OUT' || e.apiId === 'NETWORK_EXCEPTION') return 'unknown';
    if (e.code === 'PLT_KFK_PROTOCOL') protocolRefusal = true;
  }
  return protocolRefusal ? 'failed' : 'unknown';
}

/** The innermost message of a platformatic error, with its protocol error id when it has one. */
function describe(error: unknown): string {
  let e = error as { message?: string; apiId?: string; errors?: unknown[]; cause?: unknown } | undefined;
  for (let i = 0; i < 10 && e && (e.errors?.length || e.cause); i++) e = (e.errors?.at(-1) ?? e.cause) as typeof e;
  return `${e?.message ?? String(error)}${e?.apiId ? ` (${e.apiId})` : ''}`;
}

export const platformaticProducer: ProducerClient = {
  name: 'platformatic',
  async library() {
    try {
      // Its package.json is not among its exports: found beside the entry point it resolves to (dist/index.js).
      const entry = createRequire(import.meta.url).resolve('@platformatic/kafka');
      return `@platformatic/kafka ${(JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version}`;
    } catch {
      return '@platformatic/kafka (not installed)';
    }
  },
  async unavailable() {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    if (major < 22 || (major === 22 && minor < 22)) return `@platformatic/kafka needs Node.js 22.22+ or 24, this is ${process.version}`;
    const lib = await load();
    return lib instanceof Error ? `@platformatic/kafka is not installed here (${lib.message.split('\n')[0]}); npm install @platformatic/kafka` : null;
  },
  settingsFor(settings) {
    const o = producerOptions(settings);
    const fields = Object.entries(o).map(([k, v]) => `${k}: ${v}`);
    return [
      `new Producer({ ${fields.join(', ')} })   // repeatOnStaleMetadata: true by default, retries or not`,
      `producer.send({ acks: ${settings.acks ?? -1}, messages: [{ topic, key, value }] })`,
    ];
  },
  async produce(run: ProduceRun): Promise<number> {
    const lib = await load();
    if (lib instanceof Error) throw lib;
    const producer = new lib.Producer({
      clientId: run.clientId,
      bootstrapBrokers: run.via.split(','),
      serializers: lib.stringSerializers,
      autocreateTopics: false,
      ...producerOptions(run.settings),
    });
    const acks = run.settings.acks ?? -1;
    const started = performance.now();
    try {
      await sendAll(
        run.messages,
        run.settings.concurrency,
        (m) => producer.send({ acks, messages: [{ topic: run.topic, key: m.key, value: encodeMessage(m) }] }).then(() => undefined),
        run.history,
        (error) => ({ outcome: platformaticOutcome(error), error: describe(error) }),
      );
      const elapsed = performance.now() - started;
      return elapsed;
    } finally {
      await producer.close().catch(() => undefined);
    }
  },
};
