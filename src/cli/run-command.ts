// `kafka-dup-lab run <scenario|all>`: start (or reach) a broker, run the variants, print tables, Markdown or JSON.
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProviderChoice, RunningBroker } from '../broker/provider.js';
import { checkBrokerRequest, startBroker } from '../broker/select.js';
import { DEFAULT_KAFKA_VERSION } from '../broker/versions.js';
import { runCleanups } from '../core/cleanup.js';
import { UsageError } from '../core/errors.js';
import { createProgress } from '../core/progress.js';
import { runVariants, type ScenarioResult, type ScenarioRun } from '../core/runner.js';
import { inWindows } from '../core/windows.js';
import { timed } from '../core/timings.js';
import { toJsonReport, type ReportHeader } from '../report/json.js';
import { labCapabilities } from '../lab/capabilities.js';
import type { Scenario, Variant } from '../core/scenario.js';
import { prepareResources, redact } from '../resources/prepare.js';
import { findScenario, scenarios } from '../../scenarios/index.js';
import type { Resources } from '../core/resources.js';
import { CLIENT_NAMES, isClientName, PRODUCER_CLIENTS, type ClientName } from '../clients/index.js';
import { CLUSTER_BROKERS, clusterForRun } from './cluster-for-run.js';
import { writeHtmlReport } from './html-output.js';
import { renderEnd, renderScenario } from './output.js';
import { checkWritable } from './writable.js';
import { pickVariants } from './parse.js';
import { EXIT, interruptedNow } from './process.js';

export interface RunOptions {
  variant?: string[];
  messages?: number;
  faults?: number;
  seed: number;
  broker: ProviderChoice;
  bootstrap?: string;
  /** --brokers: 3 starts a local cluster for the whole run. */
  brokers?: number;
  kafkaVersion: string;
  kafkaImage?: string;
  json?: boolean;
  markdown?: boolean;
  timeline?: boolean;
  keepTopics?: boolean;
  keepData?: string;
  html?: string;
  /** false with --no-throughput. */
  throughput?: boolean;
  out?: string;
  strict?: boolean;
  redisUrl?: string;
  pgUrl?: string;
  /** --client, repeatable: kafkajs, platformatic, confluent, java, or all; left out, kafkajs without naming it. */
  client?: string[];
}

interface Plan {
  scenario: Scenario;
  variants: Variant[];
  /** Set when the run names its clients: one plan per scenario and client. */
  client?: ClientName;
}

/** The clients --client names, in the registry's order; undefined when the option is left out. */
export function clientsOf(names: string[] | undefined): ClientName[] | undefined {
  if (!names?.length) return undefined;
  for (const name of names) {
    if (name !== 'all' && !isClientName(name)) throw new UsageError(`--client ${name} is not a client the lab drives; pick ${CLIENT_NAMES.join(', ')}, or all`);
  }
  return CLIENT_NAMES.filter((c) => names.includes('all') || names.includes(c));
}

/** A scenario plan per client, scenario by scenario. */
function perClient(plans: Plan[], clients: ClientName[] | undefined): Plan[] {
  return clients ? plans.flatMap((p) => clients.map((client) => ({ ...p, client }))) : plans;
}

/** Whether a plan's client can run the scenario's workload (its rows are skipped otherwise). */
const clientRuns = (p: Plan) => !p.client || (p.scenario.clients ?? ['kafkajs']).includes(p.client);

/**
 * Scenarios of "run all" that run at once. Their variants mostly wait (retry back-offs, request and
 * session timeouts), so three side by side keep two cores busy without starving each other; every
 * count is the same as alone (the load check holds them under a full CPU load too).
 */
const SCENARIOS_AT_ONCE = 3;

/** Checks everything that can be checked before a broker starts. */
function plan(name: string, options: RunOptions): Plan[] {
  if (options.json && options.markdown) throw new UsageError('--json and --markdown are two outputs: pick one');
  if (name === 'all') {
    if (options.variant?.length) throw new UsageError('--variant goes with one scenario, not with "run all"');
    return scenarios.map((scenario) => ({ scenario, variants: scenario.variants }));
  }
  const scenario = findScenario(name);
  if (!scenario) {
    throw new UsageError(`unknown scenario "${name}"; run "kafka-dup-lab list" to see them (${scenarios.map((s) => s.name).join(', ')}, or all)`);
  }
  if (options.faults !== undefined && !scenario.faultsAdjustable) {
    throw new UsageError(
      `${scenario.name} injects ${scenario.defaultFaults} fault per variant; --faults applies to ${listOf(scenarios.filter((s) => s.faultsAdjustable).map((s) => s.name))}`,
    );
  }
  return [{ scenario, variants: pickVariants(scenario, options.variant) }];
}

/** "a", "a and b", "a, b and c". */
function listOf(names: string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The checks that need the plans: a database for --pg-url, enough messages for every scenario. */
function checkPlans(plans: Plan[], options: RunOptions): void {
  if (options.pgUrl && !plans.some((p) => p.scenario.businessDatabase)) {
    const users = scenarios.filter((s) => s.businessDatabase).map((s) => s.name);
    throw new UsageError(`--pg-url goes with a scenario that writes to a business database: ${listOf(users)}`);
  }
  if (options.messages === undefined) return;
  for (const { scenario } of plans) {
    const min = scenario.minMessages ?? 100;
    if (options.messages < min) throw new UsageError(`--messages ${options.messages} is too few for ${scenario.name}: it needs at least ${min}`);
  }
}

export async function runCommand(name: string, options: RunOptions): Promise<number> {
  const plans = perClient(plan(name, options), clientsOf(options.client));
  checkPlans(plans, options);
  const needsCluster = (p: Plan) => clientRuns(p) && p.variants.some((v) => v.needs?.includes('cluster'));
  const onlyClusterPlans = !options.bootstrap && plans.every(needsCluster);
  if (onlyClusterPlans && options.broker === 'container') {
    throw new UsageError(`${listOf(plans.map((p) => p.scenario.name))} needs a cluster of ${CLUSTER_BROKERS} brokers, and the container provider starts one broker, not a cluster yet: use --broker local (Java 17+)`);
  }
  const brokerRequest = {
    choice: options.broker,
    bootstrap: options.bootstrap,
    // A run of scenarios that all crash brokers starts the cluster they need as its broker, and no other.
    brokers: options.brokers ?? (onlyClusterPlans ? CLUSTER_BROKERS : undefined),
    kafkaVersion: options.kafkaVersion ?? DEFAULT_KAFKA_VERSION,
    kafkaImage: options.kafkaImage,
  };
  checkBrokerRequest(brokerRequest);
  checkWritable('--out', options.out);
  checkWritable('--html', options.html);
  checkKeepData(options.keepData, plans);
  // Live progress only on a terminal: with stdout piped (or --json), only the one-time notices show.
  const progress = createProgress({ live: process.stdout.isTTY === true && !options.json });
  // Redis and PostgreSQL first: a wrong --redis-url or --pg-url is found before a broker starts.
  const needs = new Set(plans.flatMap((p) => p.variants.flatMap((v) => v.needs ?? [])));
  needs.delete('cluster'); // started per scenario, below
  const prepared = await timed('services (Redis, PostgreSQL)', () => prepareResources(needs, { redisUrl: options.redisUrl, pgUrl: options.pgUrl }, progress));
  let broker: RunningBroker;
  try {
    broker = await timed('broker start', () => startBroker({ ...brokerRequest, progress }));
  } catch (error) {
    await prepared.stop();
    throw error;
  }
  const runs: ScenarioResult[] = [];
  const brokerOf = new Map<Plan, RunningBroker>();
  const clientOf = await describeClients(plans);
  try {
    const runPlan = async (plan: Plan) => {
      // A scenario that crashes brokers gets a cluster the lab controls, started for it when the run's broker is not one.
      const cluster = needsCluster(plan) ? await timed('cluster start', () => clusterForRun(broker, brokerRequest.kafkaVersion, progress)) : undefined;
      const planBroker = cluster?.broker ?? broker;
      brokerOf.set(plan, planBroker);
      try {
        return await runPlanOn(plan, planBroker, cluster ? { cluster: cluster.resource } : {});
      } finally {
        await cluster?.stop();
      }
    };
    const runPlanOn = ({ scenario, variants, client }: Plan, planBroker: RunningBroker, extra: Partial<Resources>) =>
      timed(`scenario ${scenario.name}`, () =>
        runVariants({
          scenario,
          variants,
          bootstrap: planBroker.bootstrap,
          seed: options.seed,
          messages: options.messages ?? scenario.defaultMessages,
          // "run all --faults n" changes only the scenarios whose fault count is adjustable.
          faults: scenario.faultsAdjustable ? (options.faults ?? scenario.defaultFaults) : scenario.defaultFaults,
          keepTopics: options.keepTopics ?? false,
          deleteOnInterrupt: planBroker.provider === 'external',
          measure: options.throughput !== false,
          progress,
          resources: { ...prepared.resources, ...extra, keepDataDir: options.keepData ? resolve(options.keepData) : undefined },
          lab: labCapabilities,
          client: client ? clientOf.get(client) : undefined,
        }),
      );
    // Each scenario's table as soon as it and every one before it are done: a workshop room does not wait for all of them.
    const done: (ScenarioRun | undefined)[] = new Array(plans.length);
    const printReady = () => {
      while (runs.length < plans.length && done[runs.length] && !done[runs.length]!.measurePending) {
        const run = done[runs.length]!.result;
        runs.push(run);
        const plan = plans[runs.length - 1]!;
        process.stdout.write(renderScenario(plan.scenario, run, header(brokerOf.get(plan) ?? broker, options), options));
      }
    };
    const runIndex = async (i: number) => {
      if (interruptedNow()) return;
      done[i] = await runPlan(plans[i]!);
      if (!interruptedNow()) printReady();
    };
    // A scenario that stalls and crashes brokers runs alone when its cluster is the run's broker
    // (--brokers 3): the other scenarios' topics live on those brokers too.
    const crashesSharedBrokers = (i: number) => broker.control !== undefined && needsCluster(plans[i]!);
    const indexes = startOrder(plans);
    await inWindows(indexes.filter((i) => !crashesSharedBrokers(i)), SCENARIOS_AT_ONCE, runIndex);
    await inWindows(indexes.filter(crashesSharedBrokers), 1, runIndex);
    // The msg/s passes last, one scenario at a time, with nothing else running.
    for (const run of done) {
      if (interruptedNow()) break;
      await run?.measure();
      printReady();
    }
    // Ctrl-C: the variants after it did not run; no table for them (the signal handler exits with 130).
    if (interruptedNow()) return EXIT.interrupted;
  } finally {
    await timed('stop services', () => prepared.stop());
    await timed('broker stop', () => broker.stop());
    await runCleanups();
  }

  if (options.out) writeFileSync(options.out, `${JSON.stringify(toJsonReport(runs, header(broker, options), { history: true }), null, 2)}\n`);
  process.stdout.write(renderEnd(runs, header(broker, options), options));
  if (options.html) writeHtmlReport(options.html, runs, header(broker, options));
  const broken = runs.some((run) => run.results.some((r) => r.promise === 'broken' || r.error));
  return options.strict && broken ? EXIT.promiseBroken : EXIT.ok;
}

/**
 * The order plans start in (tables still print in plan order): scenario by scenario, and within a scenario the
 * Java client's plan first. Its JVMs start slowest and it stalls on each lost request for a request timeout, so
 * started last it alone would run on long after the others (producer-retry --client all: 33 s, 26 s started first).
 */
export function startOrder(plans: readonly Pick<Plan, 'scenario' | 'client'>[]): number[] {
  const scenarioAt = new Map<string, number>();
  plans.forEach((p, i) => {
    if (!scenarioAt.has(p.scenario.name)) scenarioAt.set(p.scenario.name, i);
  });
  const rank = (i: number) => scenarioAt.get(plans[i]!.scenario.name)! * 2 + (plans[i]!.client === 'java' ? 0 : 1);
  return plans.map((_, i) => i).sort((a, b) => rank(a) - rank(b) || a - b);
}

/** Each named client's library and, when it cannot run here, why (its rows then say so). */
async function describeClients(plans: Plan[]): Promise<Map<ClientName, { name: ClientName; library: string; unavailable?: string }>> {
  const names = [...new Set(plans.flatMap((p) => (p.client ? [p.client] : [])))];
  const described = await Promise.all(
    names.map(async (name) => {
      const client = PRODUCER_CLIENTS[name];
      const unavailable = await client.unavailable();
      return [name, { name, library: await client.library(), ...(unavailable ? { unavailable } : {}) }] as const;
    }),
  );
  return new Map(described);
}

/** --keep-data needs a database to keep, and a folder the lab may create or write. */
function checkKeepData(dir: string | undefined, plans: Plan[]): void {
  if (!dir) return;
  if (!plans.some((p) => p.scenario.businessDatabase)) {
    throw new UsageError(`--keep-data keeps business databases; it goes with ${listOf(scenarios.filter((s) => s.businessDatabase).map((s) => s.name))}`);
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--keep-data ${dir}: cannot create or write that folder; pick another`);
  }
}

/** Where this run's broker and services live; the services only when they are not the defaults. */
function header(broker: RunningBroker, options: RunOptions): ReportHeader {
  const services: string[] = [];
  if (options.pgUrl) services.push(`business database: PostgreSQL at ${redact(options.pgUrl)}`);
  if (options.redisUrl) services.push(`redis: ${redact(options.redisUrl)}`);
  return { broker, services };
}
