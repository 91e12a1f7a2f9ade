// Decides, frame by frame, what the chaos proxy does: forward, drop the response, drop the request, or delay. Pure.
import { SeededRandom } from '../core/rng.js';

export type FaultAction =
  /** Forward the request; when the broker's response comes back, drop it and reset the connection (a lost ack). */
  | 'drop-response'
  /** Never forward the request (a lost request): the client waits until its request timeout. */
  | 'drop-request'
  /** Hold the request (and the ones behind it on that connection) for `delayMs`, then forward. */
  | 'delay';

export interface ProxyRule {
  /** Kafka API key the rule applies to (0 Produce, 1 Fetch, 8 OffsetCommit, ...). */
  api: number;
  action: FaultAction;
  /** 1-based positions among the frames of this API that the rule hits (the 3rd Produce: [3]). */
  ordinals?: number[];
  /** Hit every Nth frame of this API. */
  every?: number;
  /** Hit each frame with this probability (seeded). */
  probability?: number;
  delayMs?: number;
  /** Stop after this many hits. */
  limit?: number;
  /**
   * After a hit, the rule rests this long; an ordinal that comes due meanwhile hits the first frame
   * after the rest. Lets a client's retries settle before the next fault, so faults do not overlap.
   */
  cooldownMs?: number;
}

export interface Decision {
  action: FaultAction | 'forward';
  /** Which frame of this API this was (1-based), for the history. */
  ordinal: number;
  delayMs?: number;
  rule?: number;
}

/** Counts frames per API and applies the first matching rule. Same seed, same frames: same decisions. */
export class RuleEngine {
  private readonly seen = new Map<number, number>();
  private state: { hits: number; lastHitAt: number; nextOrdinal: number }[] = [];
  private readonly rng: SeededRandom;

  constructor(
    private rules: ProxyRule[],
    seed: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rng = new SeededRandom(seed).fork('chaos-proxy');
    this.setRules(rules);
  }

  /** Replaces the rules; ordinals keep counting from where they are. */
  setRules(rules: ProxyRule[]): void {
    this.rules = rules.map((r) => (r.ordinals ? { ...r, ordinals: [...r.ordinals].sort((a, b) => a - b) } : r));
    this.state = rules.map(() => ({ hits: 0, lastHitAt: Number.NEGATIVE_INFINITY, nextOrdinal: 0 }));
  }

  decide(apiKey: number): Decision {
    const ordinal = (this.seen.get(apiKey) ?? 0) + 1;
    this.seen.set(apiKey, ordinal);
    const now = this.now();
    for (const [index, rule] of this.rules.entries()) {
      const state = this.state[index]!;
      if (rule.api !== apiKey) continue;
      if (rule.limit !== undefined && state.hits >= rule.limit) continue;
      if (now - state.lastHitAt < (rule.cooldownMs ?? 0)) continue;
      if (!this.matches(rule, state, ordinal)) continue;
      state.hits++;
      state.lastHitAt = now;
      return { action: rule.action, ordinal, delayMs: rule.delayMs, rule: index };
    }
    return { action: 'forward', ordinal };
  }

  /** How many frames of each API passed through so far. */
  framesSeen(): ReadonlyMap<number, number> {
    return this.seen;
  }

  private matches(rule: ProxyRule, state: { nextOrdinal: number }, ordinal: number): boolean {
    if (rule.ordinals) {
      // The next ordinal due (ordinals are sorted); a cooldown may have pushed it past its frame.
      const due = rule.ordinals[state.nextOrdinal];
      if (due === undefined || ordinal < due) return false;
      state.nextOrdinal++;
      return true;
    }
    if (rule.every !== undefined) return rule.every > 0 && ordinal % rule.every === 0;
    // Drawn only for probabilistic rules, so adding other rules does not shift the sequence.
    if (rule.probability !== undefined) return this.rng.next() < rule.probability;
    return true;
  }
}
