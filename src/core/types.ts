// The vocabulary shared by every part of the lab: messages, operations in a history, counts, scenarios and variants.

/** Every message the lab produces carries these, so the checker can tell copies and order apart. */
export interface LabMessage {
  /** Unique in the run: two records with the same id are copies of one message. */
  id: string;
  key: string;
  /** Position of this message among the messages of its key, from 0. */
  seq: number;
  /** Position among all messages of the run, from 0 (for global order). */
  globalSeq: number;
}

/** How a send ended, as the client saw it. */
export type SendOutcome =
  | 'ok' // the client got an acknowledgement
  | 'unknown' // the client could not know: connection reset, timeout (the broker may have written it)
  | 'failed'; // the broker definitely refused it

export type WorkerEvent =
  | 'start'
  | 'assigned'
  | 'killed'
  | 'stopped'
  | 'resumed'
  /** A hold ended without the client stopping the batch: `by` says what ended it. */
  | 'released'
  | 'exit'
  | 'fenced'
  | 'restarted';

/** How far a worker had got, counted by the worker itself, at a moment a prediction needs. */
export interface WorkSnapshot {
  /** Side effects it applied since it started. */
  applied: number;
  /** Of those, applied after its last successful offset commit: what a successor redoes. */
  appliedNotCommitted: number;
  /** Committed but not applied (handed off, or committed first): what a successor skips. */
  committedNotApplied: number;
  /** Messages of the current batch still to go. */
  remainingInBatch: number;
  /**
   * Side effects it applied a second time itself, before this moment (present only then): after a
   * rebalance it was given its partition again and restarted at its last commit. Each is a duplicate
   * effect that no successor's redo accounts for.
   */
  reapplied?: number;
  /**
   * Every offset it applied, per partition ("p0:0-19,40-49 p2:20-49"): only in its report at a graceful stop,
   * so a scenario can find what two workers both applied (rebalance).
   */
  appliedOffsets?: string;
}

/**
 * Why a worker reported a snapshot: it reached its crash, hold or stall point (the lab then kills,
 * holds or freezes it), its client told it a rebalance started, or (`end`) it stopped gracefully: recorded
 * when it applied some message twice itself (see WorkSnapshot.reapplied) or a scenario needs it.
 */
export type SnapshotMoment = 'crash' | 'hold' | 'stall' | 'rebalance' | 'end';

/** One entry of a history. `at` is milliseconds since the variant started. */
export type Op =
  | ({ type: 'send'; at: number; outcome: SendOutcome; error?: string; attempts?: number } & LabMessage)
  | ({ type: 'observe'; at: number; where: string; partition: number; offset: string } & LabMessage)
  | { type: 'effect'; at: number; id: string; copies: number; workers?: string[] }
  /** `unseen`: refused by the broker after the client had told the worker the commit was done. */
  | { type: 'commit'; at: number; worker: string; ok: boolean; offsets: string; error?: string; code?: string; notApplied?: number; unseen?: boolean }
  | { type: 'fault'; at: number; action: string; detail: string; affected?: number }
  /** The client retries a send: `attempt` is the retry's number (1 for the first retry). */
  | { type: 'retry'; at: number; attempt: number; delayMs: number; error: string }
  /** `by`: for a 'released' event, what ended the hold (the lab's go, or the client's own rejoin). */
  | { type: 'worker'; at: number; worker: string; event: WorkerEvent; detail?: string; code?: string; by?: 'lab' | 'rejoin' }
  | ({ type: 'snapshot'; at: number; worker: string; moment: SnapshotMoment } & WorkSnapshot)
  | { type: 'balance'; at: number; expected: number; actual: number }
  /** A consumer group's committed offset for a partition, read from the broker after its workers stopped, against the partition's end. */
  | { type: 'group-offset'; at: number; group: string; partition: number; committed: string; end: string }
  /** A fault-free measurement the runner made after the faults (msg/s), kept so a saved run can be re-checked. */
  | { type: 'measure'; at: number; name: 'throughput'; value: number }
  | { type: 'phase'; at: number; name: string; ms?: number };

export type OpType = Op['type'];

/** Counts a checker derives from a history. Scenarios pick which ones their table shows. */
export interface Counts {
  sent: number;
  acked: number;
  unknown: number;
  failed: number;
  /** Records read back, copies included ("in log"). */
  observed: number;
  duplicates: number;
  lost: number;
  outOfOrder: number;
  /** Out-of-order across all keys, by global send position (only meaningful for a single reader). */
  globalOutOfOrder: number;
  /** Unknown sends that turned out to be in the log anyway / not in it. */
  unknownInLog: number;
  unknownMissing: number;
  /** Consumer side: messages to process, side effects read back, duplicate effects, never applied. */
  messages: number;
  effects: number;
  duplicateEffects: number;
  neverApplied: number;
  balanceExpected: number;
  balanceActual: number;
  /** Messages per second of the fault-free pass, where a scenario measures it. */
  throughput: number;
  /** Dual-write: message ids whose business rows and events do not match in number. */
  disagreements: number;
  /** Dual-write: message ids with a business row but no event. */
  missingEvents: number;
}

export type CountName = keyof Counts;

/** Every count, at run time (the JSON schema, the registry test and the `check` command read it). */
export const COUNT_NAMES = [
  'sent',
  'acked',
  'unknown',
  'failed',
  'observed',
  'duplicates',
  'lost',
  'outOfOrder',
  'globalOutOfOrder',
  'unknownInLog',
  'unknownMissing',
  'messages',
  'effects',
  'duplicateEffects',
  'neverApplied',
  'balanceExpected',
  'balanceActual',
  'throughput',
  'disagreements',
  'missingEvents',
] as const satisfies readonly CountName[];

// Compile-time: every CountName is listed above (a new count that is not fails to build here).
type Unlisted = Exclude<CountName, (typeof COUNT_NAMES)[number]>;
export const COUNT_NAMES_COMPLETE: Unlisted extends never ? true : Unlisted = true;

/** What a variant promises; a promise is kept when every named count equals its value. */
export type Promise_ = Partial<Record<CountName, number>>;

/** What the pure check, prediction, promise and note make of one variant's history. */
export interface Evaluation {
  counts: Partial<Counts>;
  predicted: Partial<Counts>;
  /** 'kept' | 'broken' when the variant promises something, 'none' otherwise. */
  promise: 'kept' | 'broken' | 'none';
  brokenBy: CountName[];
  note: string;
}

export interface VariantResult {
  scenario: string;
  variant: string;
  title: string;
  why: string;
  counts: Partial<Counts>;
  predicted: Partial<Counts>;
  expect: Promise_;
  /** 'kept' | 'broken' when the variant promises something, 'none' otherwise. */
  promise: 'kept' | 'broken' | 'none';
  brokenBy: CountName[];
  note: string;
  /** Set when the variant could not run (for example: no Redis here). */
  skipped?: string;
  /** Set when the variant itself failed to run to the end. */
  error?: string;
  /** The Kafka client its workload ran with, when the run named one (--client). */
  client?: string;
  topics: string[];
  durationMs: number;
  history: Op[];
}
