// What a process fault is: one unit per file, done to a process the lab started (a consumer worker or a broker), shared by the scenarios.
import type { ClusterControl } from '../../core/cluster.js';
import type { StopSpec } from '../worker-protocol.js';

/** A worker process as a process fault sees it (a WorkerHandle, which records each signal in the history). */
export interface FaultableWorker {
  readonly id: string;
  waitFor(type: 'stop-point', timeoutMs: number): Promise<unknown>;
  kill(): Promise<void>;
  pause(): void;
  resume(): void;
  go(): void;
}

export interface WorkerFault {
  name: 'crash' | 'stall' | 'hold';
  /** What it is, in one line, for `explain`. */
  summary: string;
  /** What the worker does at its seeded stop point, so the fault finds it there (seededStop takes it). */
  stopAction: StopSpec['action'];
  /** Waits (bounded) until the worker reports its stop point, then does the fault. */
  inject(worker: FaultableWorker, timeoutMs: number): Promise<void>;
  /** Lets the worker go on from its stop point, where it still can (a killed process cannot). */
  wake?(worker: FaultableWorker): void;
}

export interface BrokerFault {
  name: 'broker-stall' | 'broker-crash';
  summary: string;
  inject(cluster: ClusterControl, brokers: readonly number[]): Promise<void>;
  /** Undoes it: resumes the stalled, restarts the crashed on their own logs. */
  wake(cluster: ClusterControl, brokers: readonly number[]): Promise<void>;
}
