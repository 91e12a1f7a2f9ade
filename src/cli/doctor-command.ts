// `kafka-dup-lab doctor`: which broker providers work here, and what is found or missing.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { kafkaImage } from '../broker/versions.js';
import { diagnose, gatherFacts } from './doctor.js';
import { EXIT } from './process.js';
import { colorLevel } from './tty.js';

export async function doctorCommand(options: { kafkaVersion: string; kafkaImage?: string }): Promise<number> {
  const { rows, localWorks, containerWorks } = diagnose(await gatherFacts(options.kafkaImage ?? kafkaImage(options.kafkaVersion)));
  const chalk = new Chalk({ level: colorLevel() });
  const table = new Table({ head: ['check', 'status', 'detail'].map((h) => chalk.bold(h)), style: { head: [], border: [] } });
  const paint = { ok: chalk.green, missing: chalk.red, note: chalk.yellow };
  for (const row of rows) table.push([row.check, paint[row.status](row.status), row.detail]);
  process.stdout.write(`${table.toString()}\n`);
  if (localWorks || containerWorks) return EXIT.ok;
  process.stderr.write('kafka-dup-lab: no broker provider works here; install Java 17+ and Maven, or start Docker, or use --bootstrap.\n');
  return EXIT.environment;
}
