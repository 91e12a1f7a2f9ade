// Every fault the lab can inject, from the proxy's and the process faults' registries: what `explain` prints. Pure.
import { Chalk } from 'chalk';
import { FAULTS } from '../chaos/faults/index.js';
import { apiName } from '../chaos/wire.js';
import { BROKER_FAULTS, WORKER_FAULTS } from '../workload/process-faults/index.js';

export interface CatalogEntry {
  name: string;
  kind: 'proxy' | 'worker process' | 'broker process';
  summary: string;
  /** The proxy command's options for it, when it is a proxy fault. */
  options?: string;
}

export function faultCatalog(): CatalogEntry[] {
  const proxy = Object.values(FAULTS).map((unit): CatalogEntry => {
    const { stem, param, onlyApi } = unit.cli;
    const options = [`--${stem}-every <n>`, `--${stem}-percent <p>`, ...(param ? [`--${param.name} <${param.value}>`] : [])].join(', ');
    return { name: unit.action, kind: 'proxy', summary: unit.summary, options: onlyApi === undefined ? options : `${options} (${apiName(onlyApi)} only)` };
  });
  const workers = Object.values(WORKER_FAULTS).map((u): CatalogEntry => ({ name: u.name, kind: 'worker process', summary: u.summary }));
  const brokers = Object.values(BROKER_FAULTS).map((u): CatalogEntry => ({ name: u.name, kind: 'broker process', summary: u.summary }));
  return [...proxy, ...workers, ...brokers];
}

export function findFault(name: string): CatalogEntry | undefined {
  return faultCatalog().find((f) => f.name === name);
}

/** `explain faults`: each fault, what it does, and how to use it on the proxy command. */
export function renderFaultCatalog(colorLevel: 0 | 1 | 2 | 3): string {
  const chalk = new Chalk({ level: colorLevel });
  const lines = ['The faults the lab injects', ''];
  for (const kind of ['proxy', 'worker process', 'broker process'] as const) {
    lines.push(chalk.bold.underline(kind === 'proxy' ? 'In the chaos proxy (kafka-dup-lab proxy, any client)' : kind === 'worker process' ? 'To a worker process the lab started' : 'To a broker of a cluster the lab started (--brokers 3)'));
    for (const f of faultCatalog().filter((e) => e.kind === kind)) {
      lines.push(`  ${chalk.bold(f.name.padEnd(16))} ${f.summary}`);
      if (f.options) lines.push(`  ${''.padEnd(16)} ${chalk.dim(f.options)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
