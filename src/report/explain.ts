// Renders a scenario's story for `explain`: what goes wrong, the variants, the settings per client, where kafkajs differs. Pure.
import { Chalk } from 'chalk';
import type { Scenario } from '../core/scenario.js';
import { labelOf } from './cells.js';
import { findFault } from './fault-catalog.js';

/** One client's settings for each variant, as its user would write them (from the clients module). */
export interface ClientSettings {
  client: string;
  variants: { name: string; lines: string[] }[];
}

export function renderExplain(scenario: Scenario, colorLevel: 0 | 1 | 2 | 3, clientSettings: ClientSettings[] = []): string {
  const chalk = new Chalk({ level: colorLevel });
  const heading = (text: string) => chalk.bold.underline(text);
  const indent = (text: string) =>
    text
      .split('\n')
      .map((line) => (line ? `  ${line}` : ''))
      .join('\n');
  const variants = scenario.variants.map((v) => {
    const promise = Object.entries(v.expect)
      .map(([k, n]) => `${labelOf(k)} = ${n}`)
      .join(', ');
    return `  ${chalk.bold(v.name.padEnd(30))} ${v.why}${promise ? chalk.dim(` (promises ${promise})`) : ''}${v.needs?.length ? chalk.dim(` [needs ${v.needs.join(', ')}]`) : ''}`;
  });
  return [
    `${chalk.bold(scenario.name)} — ${scenario.summary}`,
    '',
    heading('What goes wrong'),
    indent(scenario.explain.story),
    '',
    heading('Variants'),
    ...variants,
    '',
    heading('Faults'),
    ...scenario.faults.map((name) => `  ${chalk.bold(name.padEnd(16))} ${findFault(name)?.summary ?? ''}`),
    chalk.dim('  every fault the lab has: kafka-dup-lab explain faults'),
    '',
    heading('Settings with kafkajs'),
    ...scenario.explain.kafkajs.map((l) => `  ${l}`),
    '',
    heading('Settings with the Java client'),
    ...scenario.explain.java.map((l) => `  ${l}`),
    '',
    heading('Where kafkajs differs'),
    indent(scenario.explain.kafkajsDiffers),
    '',
    ...clientSettings.flatMap((c) => [
      heading(`What the lab sets with --client ${c.client}`),
      ...c.variants.flatMap((v) => [`  ${chalk.bold(v.name)}`, ...v.lines.map((l) => `    ${l}`)]),
      '',
    ]),
    chalk.dim(`Run it: npx kafka-dup-lab run ${scenario.name}   (defaults: ${scenario.defaultMessages} messages, ${scenario.defaultFaults} fault${scenario.defaultFaults === 1 ? '' : 's'}, seed 42)`),
    '',
  ].join('\n');
}

export function renderList(all: Scenario[], colorLevel: 0 | 1 | 2 | 3): string {
  const chalk = new Chalk({ level: colorLevel });
  return `${all
    .map((s) => [`${chalk.bold(s.name)}  ${s.summary}`, ...s.variants.map((v) => `    ${v.name.padEnd(30)} ${chalk.dim(v.title)}`)].join('\n'))
    .join('\n\n')}\n`;
}
