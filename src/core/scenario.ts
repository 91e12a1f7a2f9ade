// The shape of a scenario file: its story, its variants, and how one variant runs against a broker.
import type { History } from './history.js';
import type { Progress } from './progress.js';
import type { SeededRandom } from './rng.js';
import type { CountName, Counts, Promise_ } from './types.js';
import type { ChaosProxy } from '../chaos/proxy.js';
import type { ProxyRule } from '../chaos/rules.js';
import type { TopicSpec } from '../kafka/client.js';
import type { Need, Resources } from './resources.js';

export interface Variant<S = unknown> {
  name: string;
  /** A few words for the table. */
  title: string;
  /** One line: why this setting should (or should not) help. */
  why: string;
  settings: S;
  /** What the variant promises; `{}` for a baseline that promises nothing. */
  expect: Promise_;
  /** External services this variant needs; missing ones make the row "skipped", never silently dropped. */
  needs?: Need[];
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
}

export interface VariantContext {
  scenario: string;
  runId: string;
  /** The consumer group id for this variant's workers (deleted with its topics after the run). */
  groupId: string;
  /** The broker, directly: for admin and read-back. */
  bootstrap: string;
  history: History;
  rng: SeededRandom;
  messages: number;
  faults: number;
  progress: Progress;
  resources: Resources;
  /** Creates a fresh topic for this variant (deleted after the run unless --keep-topics). */
  createTopic(suffix: string, partitions: number, configs?: TopicSpec['configs']): Promise<string>;
  /** A chaos proxy in front of the broker; its fault events go into the history. Closed after the variant. */
  startProxy(rules: ProxyRule[]): Promise<ChaosProxy>;
  /** Registers something to undo when the variant ends, however it ends. */
  defer(label: string, undo: () => Promise<void> | void): void;
}

/** What a fault-free measurement pass yields: rates only, so the runner may keep each variant's best round. */
export type MeasuredRates = Pick<Counts, 'throughput'>;

export interface VariantOutcome {
  counts: Partial<Counts>;
  predicted?: Partial<Counts>;
  note: string;
}

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
  /**
   * The three numbers `run all` shows for this scenario, when its own duplicates/lost/outOfOrder counts
   * are not the ones to show (dual-write: rows and events).
   */
  summaryCounts?(counts: Partial<Counts>): Pick<Partial<Counts>, 'duplicates' | 'lost' | 'outOfOrder'>;
  /** Whether its workers write to a business database (SQLite, or PostgreSQL with --pg-url). */
  businessDatabase?: boolean;
  /** How many variants may run at the same time on one broker (default 1). */
  parallelVariants?: number;
  variants: Variant<S>[];
  runVariant(ctx: VariantContext, variant: Variant<S>): Promise<VariantOutcome>;
  /**
   * Optional fault-free measurement (throughput). Prepares a variant's measurement (topics, proxy)
   * and returns one measured pass. The runner calls the passes after every variant's faults, one at
   * a time, round-robin over the variants (a warm-up round first), and keeps each variant's best
   * round: so no variant is measured while another loads the machine, or on a colder broker.
   */
  prepareMeasure?(ctx: VariantContext, variant: Variant<S>): Promise<() => Promise<MeasuredRates>>;
}
