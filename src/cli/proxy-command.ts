// `kafka-dup-lab proxy --target host:port`: the chaos proxy in front of any cluster, for any client.
import { ChaosProxy, type ProxyEvent } from '../chaos/proxy.js';
import type { ProxyRule } from '../chaos/rules.js';
import { ApiKey, apiName } from '../chaos/wire.js';
import { FAULTS, type FaultUnit } from '../chaos/faults/index.js';
import { parseBootstrap } from '../broker/external.js';
import { onCleanup } from '../core/cleanup.js';
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { probeCluster } from '../kafka/client.js';
import { EXIT, setInterruptExitCode } from './process.js';

/**
 * What commander hands the command: the target, port and seed, --api, and each fault's options from
 * the registry (dropAcksEvery, delayMs, error, ...; see faultOptionKeys).
 */
export interface RuleOptions {
  /** Which requests the faults hit; without it, produce (or a fault's only API). */
  api?: string;
  [faultOption: string]: unknown;
}

export interface ProxyOptions extends RuleOptions {
  target: string;
  port: number;
  seed: number;
}

/** API names accepted by --api, lower case, from the protocol's key table. */
export function apiKeyOf(name: string): number {
  const entry = Object.entries(ApiKey).find(([n]) => n.toLowerCase() === name.toLowerCase());
  if (!entry) throw new UsageError(`--api ${name} is not a Kafka API the proxy knows; try produce, fetch, offsetcommit, joingroup, heartbeat`);
  return entry[1];
}

/** commander's key for an option: --drop-acks-every is dropAcksEvery. */
export function optionKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The proxy rules the options ask for, one fault of the registry at a time (pure, so the option logic is unit-tested). */
export function rulesFromOptions(o: RuleOptions): ProxyRule[] {
  const chosenApi = o.api === undefined ? undefined : apiKeyOf(o.api);
  const rules: ProxyRule[] = [];
  for (const unit of Object.values(FAULTS)) rules.push(...faultRules(unit, o, chosenApi));
  refuseShadowedRules(rules);
  return rules;
}

/**
 * Each request gets one fault: the first rule that chooses it, in the registry's order. A rule that
 * chooses every request of its API would leave a later rule on that API nothing, so that is refused.
 */
function refuseShadowedRules(rules: readonly ProxyRule[]): void {
  for (const [i, rule] of rules.entries()) {
    if (rule.every !== 1 && rule.probability !== 1) continue;
    const shadowed = rules.slice(i + 1).find((later) => later.api === rule.api);
    if (!shadowed) continue;
    const name = apiName(rule.api).toLowerCase();
    throw new UsageError(
      `${flagOf(rule)} takes every ${name} request, so ${flagOf(shadowed)} would never act (one fault per request): choose fewer with ${flagOf(rule, 'every')} N, or put them on different APIs`,
    );
  }
}

/** The option that made a rule, as the user typed it: --delay-ms, --drop-acks-every, ... */
function flagOf(rule: ProxyRule, form?: 'every'): string {
  const { stem, param } = FAULTS[rule.action].cli;
  if (form) return `--${stem}-every`;
  if (param?.role === 'alone' && rule.every === 1) return `--${param.name}`;
  return `--${stem}-${rule.probability !== undefined ? 'percent' : 'every'}`;
}

function faultRules(unit: FaultUnit, o: RuleOptions, chosenApi: number | undefined): ProxyRule[] {
  const { stem, param, onlyApi } = unit.cli;
  const every = o[optionKey(`${stem}-every`)] as number | undefined;
  const percent = o[optionKey(`${stem}-percent`)] as number | undefined;
  const value = param ? o[optionKey(param.name)] : undefined;
  if (every !== undefined && percent !== undefined) throw new UsageError(`--${stem}-every and --${stem}-percent: pick one`);
  const chosen = every !== undefined || percent !== undefined;
  if (param?.role === 'with' && value !== undefined && !chosen) {
    throw new UsageError(`--${param.name} ${param.purpose} of --${stem}-every or --${stem}-percent; add one of them`);
  }
  if (param?.role === 'alone' && chosen && value === undefined) {
    throw new UsageError(`--${stem}-${every !== undefined ? 'every' : 'percent'} needs --${param.name}`);
  }
  if (!chosen && !(param?.role === 'alone' && value !== undefined)) return [];
  const api = chosenApi ?? onlyApi ?? ApiKey.Produce;
  if (onlyApi !== undefined && api !== onlyApi) {
    const only = apiName(onlyApi).toLowerCase();
    throw new UsageError(`--${stem}-* works on ${only} requests only; drop --api or use --api ${only}`);
  }
  const rule: ProxyRule = { api, action: unit.action };
  if (param) {
    const number = value === undefined ? param.fallback : param.accepts.kind === 'choice' ? param.accepts.choices[value as string] : (value as number);
    if (number !== undefined) rule[param.field] = number;
  }
  if (percent !== undefined) rule.probability = percent / 100;
  else rule.every = every ?? 1;
  return [rule];
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
  process.stdout.write(
    [
      `chaos proxy for ${target}`,
      `clients connect to: ${proxy.bootstrap}   (broker addresses in Metadata and FindCoordinator answers point here too)`,
      ...(rules.length ? rules.map((r) => `fault: ${describeRule(r, apiName(r.api))}`) : ['no faults: a pass-through proxy']),
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<never>(() => undefined);
  return EXIT.ok;
}
