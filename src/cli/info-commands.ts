// `kafka-dup-lab list`, `explain <scenario>` and `explain faults`: what the lab can show, without running anything.
import { UsageError } from '../core/errors.js';
import { renderExplain, renderList } from '../report/explain.js';
import { renderFaultCatalog } from '../report/fault-catalog.js';
import { isClientName, PRODUCER_CLIENTS } from '../clients/index.js';
import type { ProducerSettings } from '../workload/producer-workload.js';
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
  // Each client a producer scenario runs with: the settings the lab gives it, variant by variant (a consumer
  // scenario's client settings are its workers', described in its story).
  const producerScenario = scenario.variants.every((v) => typeof (v.settings as Partial<ProducerSettings>).concurrency === 'number');
  const clients = producerScenario ? (scenario.clients ?? []).filter(isClientName) : [];
  const settings = clients.map((client) => ({
    client,
    variants: scenario.variants.map((v) => {
      const s = v.settings as ProducerSettings;
      return { name: v.name, lines: [`(${s.concurrency} send${s.concurrency === 1 ? '' : 's'} open at once, one message each)`, ...PRODUCER_CLIENTS[client].settingsFor(s)] };
    }),
  }));
  process.stdout.write(renderExplain(scenario, colorLevel(), settings));
  return EXIT.ok;
}
