// `kafka-dup-lab list`, `explain <scenario>` and `explain faults`: what the lab can show, without running anything.
import { UsageError } from '../core/errors.js';
import { renderExplain, renderList } from '../report/explain.js';
import { renderFaultCatalog } from '../report/fault-catalog.js';
import { findScenario, scenarios } from '../../scenarios/index.js';
import { EXIT } from './process.js';
import { colorLevel } from './tty.js';

export function listCommand(): number {
  process.stdout.write(renderList(scenarios, colorLevel()));
  return EXIT.ok;
}

export function explainCommand(name: string): number {
  if (name === 'faults') {
    process.stdout.write(renderFaultCatalog(colorLevel()));
    return EXIT.ok;
  }
  const scenario = findScenario(name);
  if (!scenario) throw new UsageError(`unknown scenario "${name}"; the scenarios are: ${scenarios.map((s) => s.name).join(', ')} (or explain faults)`);
  process.stdout.write(renderExplain(scenario, colorLevel()));
  return EXIT.ok;
}
