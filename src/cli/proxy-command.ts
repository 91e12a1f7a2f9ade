// `kafka-dup-lab proxy --target host:port`: the chaos proxy in front of any cluster, for any client.
import { ChaosProxy, type ProxyEvent } from '../chaos/proxy.js';
import type { ProxyRule } from '../chaos/rules.js';
import { ApiKey, apiName } from '../chaos/wire.js';
import { FAULTS } from '../chaos/faults/index.js';
import { DEFAULT_PRODUCE_ERROR, PRODUCE_ERRORS, type ProduceErrorName } from '../chaos/produce-error.js';
import { parseBootstrap } from '../broker/external.js';
import { onCleanup } from '../core/cleanup.js';
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { probeCluster } from '../kafka/client.js';
import { EXIT, setInterruptExitCode } from './process.js';

export interface ProxyOptions {
  target: string;
  port: number;
  api: string;
  dropAcksEvery?: number;
  dropAcksPercent?: number;
  dropRequestsEvery?: number;
  dropRequestsPercent?: number;
  errorAfterAppendEvery?: number;
  errorAfterAppendPercent?: number;
  /** The error those answers carry (default not_leader_or_follower). */
  error?: ProduceErrorName;
  delayMs?: number;
  delayEvery?: number;
  seed: number;
}

/** API names accepted by --api, lower case, from the protocol's key table. */
export function apiKeyOf(name: string): number {
  const entry = Object.entries(ApiKey).find(([n]) => n.toLowerCase() === name.toLowerCase());
  if (!entry) throw new UsageError(`--api ${name} is not a Kafka API the proxy knows; try produce, fetch, offsetcommit, joingroup, heartbeat`);
  return entry[1];
}

/** The proxy rules the options ask for (pure, so the option logic is unit-tested). */
export function rulesFromOptions(o: Omit<ProxyOptions, 'target' | 'port' | 'seed'>): ProxyRule[] {
  const api = apiKeyOf(o.api);
  if (o.dropAcksEvery !== undefined && o.dropAcksPercent !== undefined) throw new UsageError('--drop-acks-every and --drop-acks-percent: pick one');
  if (o.dropRequestsEvery !== undefined && o.dropRequestsPercent !== undefined) throw new UsageError('--drop-requests-every and --drop-requests-percent: pick one');
  if (o.errorAfterAppendEvery !== undefined && o.errorAfterAppendPercent !== undefined) throw new UsageError('--error-after-append-every and --error-after-append-percent: pick one');
  const errorAfterAppend = o.errorAfterAppendEvery !== undefined || o.errorAfterAppendPercent !== undefined;
  if (o.error !== undefined && !errorAfterAppend) throw new UsageError('--error names the error of --error-after-append-every or --error-after-append-percent; add one of them');
  if (errorAfterAppend && api !== ApiKey.Produce) throw new UsageError('--error-after-append-* works on produce requests only; drop --api or use --api produce');
  if (o.delayEvery !== undefined && o.delayMs === undefined) throw new UsageError('--delay-every needs --delay-ms');
  const rules: ProxyRule[] = [];
  if (o.dropAcksEvery !== undefined) rules.push({ api, action: 'drop-response', every: o.dropAcksEvery });
  if (o.dropAcksPercent !== undefined) rules.push({ api, action: 'drop-response', probability: o.dropAcksPercent / 100 });
  if (o.dropRequestsEvery !== undefined) rules.push({ api, action: 'drop-request', every: o.dropRequestsEvery });
  if (o.dropRequestsPercent !== undefined) rules.push({ api, action: 'drop-request', probability: o.dropRequestsPercent / 100 });
  const errorCode = PRODUCE_ERRORS[o.error ?? DEFAULT_PRODUCE_ERROR];
  if (o.errorAfterAppendEvery !== undefined) rules.push({ api, action: 'error-response', every: o.errorAfterAppendEvery, errorCode });
  if (o.errorAfterAppendPercent !== undefined) rules.push({ api, action: 'error-response', probability: o.errorAfterAppendPercent / 100, errorCode });
  if (o.delayMs !== undefined) rules.push({ api, action: 'delay', delayMs: o.delayMs, every: o.delayEvery ?? 1 });
  return rules;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ... */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

export function describeRule(rule: ProxyRule, apiName: string): string {
  const which =
    rule.every !== undefined
      ? rule.every === 1
        ? `every ${apiName}`
        : `every ${ordinal(rule.every)} ${apiName}`
      : `${Number(((rule.probability ?? 0) * 100).toFixed(6))}% of ${apiName} requests (seeded)`;
  return FAULTS[rule.action].describe(which, rule);
}

export async function proxyCommand(options: ProxyOptions): Promise<number> {
  const target = parseBootstrap(options.target).join(',');
  const rules = rulesFromOptions(options);
  try {
    await probeCluster(target, 8_000);
  } catch (error) {
    throw new EnvironmentError(`Cannot reach Kafka at ${target} (${errorMessage(error)}); check --target.`);
  }
  const print = (event: ProxyEvent) => process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${event.action.padEnd(14)} ${event.detail}\n`);
  let proxy: ChaosProxy;
  try {
    proxy = await ChaosProxy.start({ upstream: target, rules, seed: options.seed, port: options.port, onEvent: print });
  } catch (error) {
    throw new EnvironmentError(`Cannot listen on port ${options.port}: ${errorMessage(error)}; pick another with --port.`);
  }
  onCleanup('chaos proxy', async () => {
    await proxy.close();
    const frames = Object.entries(proxy.framesSeen())
      .map(([api, n]) => `${api} ${n}`)
      .join(', ');
    process.stdout.write(`\nproxy stopped; requests seen: ${frames || 'none'}\n`);
  });
  setInterruptExitCode(EXIT.ok);
  const name = apiName(apiKeyOf(options.api));
  process.stdout.write(
    [
      `chaos proxy for ${target}`,
      `clients connect to: ${proxy.bootstrap}   (broker addresses in Metadata and FindCoordinator answers point here too)`,
      ...(rules.length ? rules.map((r) => `fault: ${describeRule(r, name)}`) : ['no faults: a pass-through proxy']),
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<never>(() => undefined);
  return EXIT.ok;
}
