// Unit tests for the fault registries as `explain` reads them: every unit under its own name, each one described, each scenario's faults known.
import { describe, expect, it } from 'vitest';
import { scenarios } from '../../../scenarios/index.js';
import { FAULTS } from '../../../src/chaos/faults/index.js';
import { faultCatalog, findFault, renderFaultCatalog } from '../../../src/report/fault-catalog.js';
import { BROKER_FAULTS, WORKER_FAULTS } from '../../../src/workload/process-faults/index.js';

describe('the fault registries', () => {
  it('register every unit under its own name', () => {
    for (const [key, unit] of Object.entries(FAULTS)) expect(unit.action).toBe(key);
    for (const [key, unit] of Object.entries(WORKER_FAULTS)) expect(unit.name).toBe(key);
    for (const [key, unit] of Object.entries(BROKER_FAULTS)) expect(unit.name).toBe(key);
  });

  it('give every fault a unique name, a summary, and each proxy fault its own option stem', () => {
    const catalog = faultCatalog();
    expect(new Set(catalog.map((f) => f.name)).size).toBe(catalog.length);
    for (const f of catalog) expect(f.summary.length, f.name).toBeGreaterThan(40);
    const stems = Object.values(FAULTS).map((u) => u.cli.stem);
    expect(new Set(stems).size).toBe(stems.length);
  });

  it('a worker fault stops the worker where it waits for that fault', () => {
    expect(WORKER_FAULTS.crash.stopAction).toBe('crash');
    expect(WORKER_FAULTS.stall.stopAction).toBe('stall');
    expect(WORKER_FAULTS.hold.stopAction).toBe('hold');
    expect(WORKER_FAULTS.crash.wake).toBeUndefined();
    expect(WORKER_FAULTS.stall.wake).toBeDefined();
  });
});

describe('scenarios and their faults', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s names faults that exist', (_, scenario) => {
    expect(scenario.faults.length).toBeGreaterThan(0);
    for (const name of scenario.faults) expect(findFault(name), name).toBeDefined();
  });

  it('every fault is used by a scenario', () => {
    const used = new Set(scenarios.flatMap((s) => s.faults));
    expect(faultCatalog().filter((f) => !used.has(f.name)).map((f) => f.name)).toEqual([]);
  });
});

describe('renderFaultCatalog', () => {
  it('lists each fault with its summary, and the proxy options of proxy faults', () => {
    const text = renderFaultCatalog(0);
    for (const f of faultCatalog()) expect(text).toContain(`  ${f.name.padEnd(16)} ${f.summary}`);
    expect(text).toContain('--duplicate-fetch-every <n>, --duplicate-fetch-percent <p> (Fetch only)');
    expect(text).toContain('--error-after-append-every <n>, --error-after-append-percent <p>, --error <name> (Produce only)');
    expect(text).toContain('--delay-every <n>, --delay-percent <p>, --delay-ms <ms>');
  });
});
