// The shape of a scenario: its story and variants (data), how one variant runs, and the pure check, prediction and note over its history.
import type { History } from './history.js';
import type { Progress } from './progress.js';
import type { SeededRandom } from './rng.js';
import type { CountName, Counts, Op, Promise_ } from './types.js';
import type { Need, Resources, SinkLocation } from './resources.js';

/**
 * Counts of a variant that timing decides, not the seed (kafkajs' retry timers against a busy CPU):
 * the relation that always holds, which the tests and the load check assert instead of a number.
 */
export interface TimingDependence {
  counts: CountName[];
  /** In words, for the row's note, `explain` and the README: "duplicates = lost". */
  relation: string;
  holds(counts: Partial<Counts>, history: readonly Op[]): boolean;
  /** The clients with which timing decides these counts; with every client when left out. */
  clients?: string[];
}

/** The variant's timing dependence with `client` (kafkajs when the run named none), if it has one. */
export function timingDependence(variant: Pick<Variant, 'varies'>, client = 'kafkajs'): TimingDependence | undefined {
  const varies = variant.varies;
  return varies && (!varies.clients || varies.clients.includes(client)) ? varies : undefined;
}

export interface Variant<S = unknown> {
  name: string;
  /** A few words for the table. */
  title: string;
  /** One line: why this setting should (or should not) help. */
  why: string;
  settings: S;
  /** What the variant promises; `{}` for a baseline that promises nothing. */
  expect: Promise_;
  /** What happened, in this variant's words, for the note (scenarios that end every note the same way). */
  lesson?: string;
  /** External services this variant needs; missing ones make the row "skipped", never silently dropped. */
  needs?: Need[];
  /** Set when timing, not the seed, decides some of its counts. */
  varies?: TimingDependence;
  /**
   * Clients that lack what this variant is made of, each with the missing feature in a few words: the row is
   * skipped with them, and says what is missing ("heartbeat(): ...").
   */
  lacking?: Record<string, string>;
}

export interface Explain {
  /** What goes wrong and why, in a few paragraphs. */
  story: string;
  /** The settings that matter, per client. */
  kafkajs: string[];
  java: string[];
  /** Where kafkajs behaves differently from the Java client. */
  kafkajsDiffers: string;
}

export interface Column {
  key: CountName;
  label: string;
  /** Show "observed (predicted p)" when the variant predicts this count. */
  predicted?: boolean;
  /** Also show each value as a share of the baseline's (the variant that promises nothing): "1345 (0.63×)", a remedy's price. */
  relativeToBaseline?: boolean;
}

/** A topic config, as the admin API takes it. */
export type TopicConfigs = Record<string, string>;

/** What a variant leaves for the runner to read back once its workload is done. */
export type ReadBackRequest =
  /** Every record of a topic, read directly (never through the proxy), as `observe` ops at `where`. */
  | { kind: 'topic'; topic: string; where: string; isolation: 'read_committed' | 'read_uncommitted' }
  /** The business database: `effect` ops per message id, and the balance against the expected one. */
  | { kind: 'effects'; sink: SinkLocation; expectedBalance: number };

/** A chaos proxy in front of the broker, as a variant sees it. */
export interface ProxyHandle {
  /** Where clients connect to go through the proxy. */
  bootstrap: string;
  /**
   * Resolves once every connection through the proxy has ended at both ends, after the clients closed
   * theirs. A broker reads a connection's next request only once it has handled the one before, so it
   * sees the client's close only after handling everything sent ahead of it: after this, a read-back
   * sees every acks=0 write that reached the broker. Rejects if connections are still open after `limitMs`.
   */
  settled(limitMs?: number): Promise<void>;
}

export interface VariantContext {
  scenario: string;
  /** The Kafka client the variant's workload uses (the clients module names them; kafkajs by default). */
  client: string;
  runId: string;
  /** The consumer group id for this variant's workers (deleted with its topics after the run). */
  groupId: string;
  /** The broker, directly: for admin and workers that are not behind the proxy. */
  bootstrap: string;
  history: History;
  rng: SeededRandom;
  messages: number;
  faults: number;
  progress: Progress;
  resources: Resources;
  /**
   * Creates a fresh topic for this variant (deleted after the run unless --keep-topics); every partition
   * has a leader. `replicas` places every partition on those brokers, the first its preferred leader.
   */
  createTopic(suffix: string, partitions: number, configs?: TopicConfigs, replicas?: number[]): Promise<string>;
  /**
   * A chaos proxy in front of the broker, following `rules` (the chaos module's rule objects); its fault
   * events go into the history. Closed after the variant.
   */
  startProxy(rules: readonly object[]): Promise<ProxyHandle>;
  /** Registers something to undo when the variant ends, however it ends. */
  defer(label: string, undo: () => Promise<void> | void): void;
}

/** What a fault-free measurement pass yields: rates only, so the runner may keep each variant's best round. */
export type MeasuredRates = Pick<Counts, 'throughput'>;

export interface Scenario<S = any> {
  name: string;
  summary: string;
  explain: Explain;
  defaultMessages: number;
  /** How many faults the scenario injects by default. */
  defaultFaults: number;
  /** Whether --faults changes the number (producer scenarios); consumer scenarios inject one fault each. */
  faultsAdjustable?: boolean;
  /** Fewer messages than this and the fault cannot land where the scenario needs it (default 100). */
  minMessages?: number;
  columns: Column[];
  /** Counts that are measurements in every variant (msg/s) or come from races the lab does not control. */
  measured?: CountName[];
  /**
   * The three numbers `run all` shows for this scenario, when its own duplicates/lost/outOfOrder counts
   * are not the ones to show (dual-write: rows and events).
   */
  summaryCounts?(counts: Partial<Counts>): Pick<Partial<Counts>, 'duplicates' | 'lost' | 'outOfOrder'>;
  /** Whether its workers write to a business database (SQLite, or PostgreSQL with --pg-url). */
  businessDatabase?: boolean;
  /** Whether variants use Kafka transactions: the runner readies the transaction coordinator first. */
  transactional?: boolean;
  /** How many variants may run at the same time on one broker (default 1). */
  parallelVariants?: number;
  variants: Variant<S>[];
  /**
   * The faults it injects, by their registry names: proxy faults ('drop-response', ...) and process
   * faults ('crash', 'broker-stall', ...). `explain` describes each; a test checks they exist.
   */
  faults: readonly string[];
  /** The clients whose workload it can run (default kafkajs only); for any other, its rows are skipped and say so. */
  clients?: readonly string[];
  /** Runs a variant's workload and faults, recording what happens in ctx.history; returns what to read back. */
  run(ctx: VariantContext, variant: Variant<S>): Promise<ReadBackRequest[]>;
  /** Pure: the counts, from the history (read-backs included). */
  check(history: readonly Op[]): Partial<Counts>;
  /** Pure: what the theory predicts, from the faults and the workers' own records in the history. */
  predict(history: readonly Op[], variant: Variant<S>): Partial<Counts>;
  /** Pure: one paragraph on what happened and why. */
  /** `client`: the Kafka client the workload ran with, by name (kafkajs unless the run named another). */
  note(variant: Variant<S>, counts: Partial<Counts>, history: readonly Op[], client: string): string;
  /**
   * Optional fault-free measurement (throughput). Prepares a variant's measurement (topics, proxy)
   * and returns one measured pass. The runner calls the passes after every variant's faults, one at
   * a time, round-robin over the variants (a warm-up round first), and keeps each variant's best
   * round: so no variant is measured while another loads the machine, or on a colder broker.
   */
  prepareMeasure?(ctx: VariantContext, variant: Variant<S>): Promise<() => Promise<MeasuredRates>>;
}
