// Decides, frame by frame, what the chaos proxy does: forward, drop the response, drop the request, answer with an error, delay, or repeat a fetched batch. Pure.
import { SeededRandom } from '../core/rng.js';

export type FaultAction =
  /** Forward the request; when the broker's response comes back, drop it and reset the connection (a lost ack). */
  | 'drop-response'
  /** Never forward the request (a lost request): the client waits until its request timeout. */
  | 'drop-request'
  /**
   * Forward the request and let the broker append it; answer the client with `errorCode` instead of
   * the broker's success, on a connection that stays up (Produce only): a retry of a write that happened.
   */
  | 'error-response'
  /** Hold the request (and the ones behind it on that connection) for `delayMs`, then forward. */
  | 'delay'
  /**
   * Forward the Fetch request; in the broker's answer, repeat its first record batch right after itself
   * (Fetch only): one consumer receives those records twice, and the log holds them once.
   */
  | 'duplicate-fetch';

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
  /** The Kafka error code an `error-response` answers with. */
  errorCode?: number;
  /** Stop after this many hits. */
  limit?: number;
}

export interface Decision {
  action: FaultAction | 'forward';
  /** Which frame of this API this was (1-based), for the history. */
  ordinal: number;
  delayMs?: number;
  errorCode?: number;
  rule?: number;
}

/** Counts frames per API and applies the first matching rule. Same seed, same frames: same decisions. */
export class RuleEngine {
  private readonly seen = new Map<number, number>();
  private hits: number[] = [];
  /** Whether any rule draws a random number, so the common case (no such rule) allocates nothing per frame. */
  private drawing = false;
  private readonly rng: SeededRandom;

  constructor(
    private rules: ProxyRule[],
    seed: number,
  ) {
    this.rng = new SeededRandom(seed).fork('chaos-proxy');
    this.setRules(rules);
  }

  /** Replaces the rules; ordinals keep counting from where they are. */
  setRules(rules: ProxyRule[]): void {
    this.rules = rules;
    this.hits = rules.map(() => 0);
    this.drawing = rules.some((r) => r.probability !== undefined);
  }

  /** Counts a frame that no rule may touch (one on a connection about to be reset); returns its ordinal. */
  count(apiKey: number): number {
    const ordinal = (this.seen.get(apiKey) ?? 0) + 1;
    this.seen.set(apiKey, ordinal);
    return ordinal;
  }

  decide(apiKey: number): Decision {
    const ordinal = this.count(apiKey);
    // Every probabilistic rule of this API draws once per frame, whether or not an earlier rule wins,
    // so adding or removing another rule never shifts the random sequence.
    const draws = this.drawing ? this.rules.map((r) => (r.api === apiKey && r.probability !== undefined ? this.rng.next() : 1)) : undefined;
    for (const [index, rule] of this.rules.entries()) {
      if (rule.api !== apiKey) continue;
      if (rule.limit !== undefined && this.hits[index]! >= rule.limit) continue;
      if (!matches(rule, ordinal, draws?.[index] ?? 1)) continue;
      this.hits[index]!++;
      return { action: rule.action, ordinal, delayMs: rule.delayMs, errorCode: rule.errorCode, rule: index };
    }
    return { action: 'forward', ordinal };
  }

  /** How many frames of each API passed through so far. */
  framesSeen(): ReadonlyMap<number, number> {
    return this.seen;
  }
}

function matches(rule: ProxyRule, ordinal: number, draw: number): boolean {
  if (rule.ordinals) return rule.ordinals.includes(ordinal);
  if (rule.every !== undefined) return rule.every > 0 && ordinal % rule.every === 0;
  if (rule.probability !== undefined) return draw < rule.probability;
  return true;
}
