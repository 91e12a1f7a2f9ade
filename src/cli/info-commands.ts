// `kafka-dup-lab list` and `kafka-dup-lab explain <scenario>`: what the lab can show, without running anything.
import { UsageError } from '../core/errors.js';
import { renderExplain, renderList } from '../report/explain.js';
import { findScenario, scenarios } from '../../scenarios/index.js';
import { EXIT } from './process.js';
import { colorLevel } from './tty.js';

export function listCommand(): number {
  process.stdout.write(renderList(scenarios, colorLevel()));
  return EXIT.ok;
}

export function explainCommand(name: string): number {
  const scenario = findScenario(name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}"; the scenarios are: ${scenarios.map((s) => s.name).join(', ')}`);
  process.stdout.write(renderExplain(scenario, colorLevel()));
  return EXIT.ok;
}
