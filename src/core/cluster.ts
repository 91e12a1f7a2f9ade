// A cluster whose broker processes the lab itself started, so a scenario may stall, crash and restart them.

export interface ClusterControl {
  /** The broker node ids (the controller is not among them: it is never touched). */
  brokerIds: readonly number[];
  /** host:port of one broker, for a client that must talk to that broker alone. */
  addressOf(brokerId: number): string;
  /** SIGSTOP: the JVM stops on the spot, as in a long GC pause or a frozen VM; its sockets stay open. */
  stall(brokerId: number): void;
  /** SIGCONT after stall(). */
  resume(brokerId: number): void;
  /** SIGKILL: a crash, no controlled shutdown. Its log stays on disk for restart(). */
  crash(brokerId: number): Promise<void>;
  /** Starts a crashed broker again on its own log; resolves once the cluster counts it among its live brokers. */
  restart(brokerId: number): Promise<void>;
  /** Brokers crashed and not restarted yet. */
  down(): number[];
  /**
   * Every broker running, unstalled and counted live again: resumes the stalled, restarts the crashed.
   * Throws, saying why, when a node exited on its own (the cluster cannot be whole again).
   */
  restore(): Promise<void>;
}
