// Walks the scenario registry: names, variants, columns and promises agree with the counts, the labels, the JSON schema and the README.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarios, findScenario } from '../../../scenarios/index.js';
import { packageRoot } from '../../../src/core/paths.js';
import { COUNT_NAMES, type CountName } from '../../../src/core/types.js';

const schema = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'run-v1.schema.json'), 'utf8'));
const countPattern = new RegExp(Object.keys(schema.$defs.counts.patternProperties)[0]!);
const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
const known = new Set<string>(COUNT_NAMES);
const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

describe('the scenario registry', () => {
  it('has unique, kebab-case scenario names that findScenario finds', () => {
    const names = scenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(kebab);
      expect(findScenario(name)?.name).toBe(name);
    }
  });

  it('the JSON schema accepts exactly the counts the lab has', () => {
    for (const name of COUNT_NAMES) expect(countPattern.test(name), name).toBe(true);
    const inSchema = countPattern.source.replace(/^\^\(|\)\$$/g, '').split('|');
    expect(inSchema.sort()).toEqual([...COUNT_NAMES].sort());
  });

  describe.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const columns = scenario.columns.map((c) => c.key);

    it('has a summary, a story, settings for kafkajs and Java, and the pure check, predict and note', () => {
      expect(scenario.summary.length).toBeGreaterThan(20);
      expect(scenario.explain.story.length).toBeGreaterThan(100);
      expect(scenario.explain.kafkajs.length).toBeGreaterThan(0);
      expect(scenario.explain.java.length).toBeGreaterThan(0);
      for (const fn of [scenario.run, scenario.check, scenario.predict, scenario.note]) expect(typeof fn).toBe('function');
    });

    it('shows only known counts, each once, with a label', () => {
      for (const column of scenario.columns) {
        expect(known.has(column.key), column.key).toBe(true);
        expect(column.label.length).toBeGreaterThan(0);
      }
      expect(new Set(columns).size).toBe(columns.length);
      for (const name of scenario.measured ?? []) expect(known.has(name), name).toBe(true);
    });

    it('has at least two variants with unique kebab-case names; the first is the baseline', () => {
      const names = scenario.variants.map((v) => v.name);
      expect(names.length).toBeGreaterThanOrEqual(2);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(kebab);
      expect(scenario.variants.slice(1).some((v) => Object.keys(v.expect).length > 0), 'some remedy promises something').toBe(true);
    });

    it('promises only counts its table shows, and names the counts timing decides', () => {
      for (const variant of scenario.variants) {
        for (const key of Object.keys(variant.expect) as CountName[]) {
          expect(columns, `${variant.name} promises ${key}`).toContain(key);
        }
        for (const key of variant.varies?.counts ?? []) expect(known.has(key), `${variant.name}: ${key}`).toBe(true);
        expect(variant.title.length, variant.name).toBeGreaterThan(0);
        expect(variant.why.length, variant.name).toBeGreaterThan(0);
      }
    });

    it('is in the README: the scenarios table and the walkthrough', () => {
      expect(readme).toMatch(new RegExp(`^\\| \`${scenario.name}\` \\|`, 'm'));
      for (const variant of scenario.variants) expect(readme, `${scenario.name} ${variant.name}`).toContain(`**${variant.name}**`);
    });
  });
});
