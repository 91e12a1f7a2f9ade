// Parses and checks command-line values, failing with one line that says what is wrong and what to do.
import { UsageError } from '../core/errors.js';
import type { Scenario, Variant } from '../core/scenario.js';
import type { ProviderChoice } from '../broker/provider.js';
import type { FaultParam } from '../chaos/faults/index.js';

export function positiveInt(flag: string, max = 1_000_000) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
      throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not "${raw}"`);
    }
    return Number(raw);
  };
}

export function nonNegativeInt(flag: string, max = 1_000_000) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || Number(raw) > max) {
      throw new UsageError(`${flag} must be a whole number from 0 to ${max}, not "${raw}"`);
    }
    return Number(raw);
  };
}

export function parsePort(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, not "${raw}"`);
  return Number(raw);
}

export function parsePercent(flag: string) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value <= 0 || value > 100) throw new UsageError(`${flag} must be a percentage above 0 and up to 100, not "${raw}"`);
    return value;
  };
}

export function parseSeed(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 0xffffffff) {
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295, not "${raw}"`);
  }
  return Number(raw);
}

/** A fault's own proxy option (--delay-ms, --error), as its registry entry says it reads. */
export function faultParamParser(param: FaultParam): (raw: string) => number | string {
  const { accepts } = param;
  if (accepts.kind === 'count') return positiveInt(`--${param.name}`, accepts.max);
  return (raw) => {
    const name = raw.toLowerCase();
    if (!Object.hasOwn(accepts.choices, name)) throw new UsageError(`--${param.name} must be one of ${Object.keys(accepts.choices).join(', ')}, not "${raw}"`);
    return name;
  };
}

const PROVIDERS: ProviderChoice[] = ['auto', 'local', 'container', 'external'];

export function parseProvider(raw: string): ProviderChoice {
  if (!PROVIDERS.includes(raw as ProviderChoice)) {
    throw new UsageError(`--broker must be one of ${PROVIDERS.join(', ')}, not "${raw}"`);
  }
  return raw as ProviderChoice;
}

/** A PostgreSQL connection URL; anything else would reach pg as a database name and fail obscurely. */
export function parsePgUrl(raw: string): string {
  if (!/^postgres(ql)?:\/\/./.test(raw)) {
    throw new UsageError(`--pg-url must be a postgres:// or postgresql:// URL, like postgres://user@localhost:5432/lab, not "${raw}"`);
  }
  return raw;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function pickVariants(scenario: Scenario, names: string[] | undefined): Variant[] {
  if (!names || names.length === 0) return scenario.variants;
  // A variant named twice runs once: two copies would share the run's topics and count each other's messages.
  return [...new Set(names)].map((name) => {
    const found = scenario.variants.find((v) => v.name === name);
    if (!found) {
      throw new UsageError(
        `${scenario.name} has no variant "${name}"; its variants are: ${scenario.variants.map((v) => v.name).join(', ')}`,
      );
    }
    return found;
  });
}
