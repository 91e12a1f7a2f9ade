// The kafka-dup-lab command line: commands, options and help.
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_KAFKA_VERSION } from '../broker/versions.js';
import { scenarios } from '../../scenarios/index.js';
import { collect, nonNegativeInt, parseProvider, parseSeed, positiveInt } from './parse.js';
import { EXIT, exitCodeFor, installSignalHandlers } from './process.js';
import { brokerCommand } from './broker-command.js';
import { runCommand } from './run-command.js';
import { version } from './version.js';
import { sweepStaleTempDirs } from '../core/temp.js';

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('kafka-dup-lab')
    .description('Reproduce Kafka duplication, loss and reordering against a real broker, and count them per mitigation.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('run')
    .argument('<scenario>', 'a scenario name (see "list")')
    .description('run a scenario\'s variants against a real broker and print what happened')
    .option('--variant <name>', 'run only this variant (repeatable)', collect)
    .option('--messages <n>', 'messages per variant (default: the scenario\'s)', positiveInt('--messages', 100_000))
    .option('--faults <n>', 'faults to inject per variant (default: the scenario\'s)', nonNegativeInt('--faults', 1000))
    .option('--seed <n>', 'fixes every random choice', parseSeed, 42)
    .addOption(new Option('--broker <provider>', 'auto | local | container | external').default('auto').argParser(parseProvider))
    .option('--bootstrap <host:port>', 'use a running cluster (implies --broker external)')
    .option('--kafka-version <version>', 'Apache Kafka version for local/container brokers', DEFAULT_KAFKA_VERSION)
    .option('--json', 'print results as JSON on stdout (progress stays on stderr)')
    .option('--keep-topics', 'leave the run\'s topics on the broker and name them')
    .option('--out <file>', 'also write the results with every variant\'s full history as JSON')
    .option('--strict', `exit ${EXIT.promiseBroken} when a variant breaks its promise (for CI)`)
    .option('--redis-url <url>', 'Redis for the Redis variants (default: a local redis-server, else a container)')
    .option('--pg-url <url>', 'PostgreSQL for the business database (default: SQLite files)')
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab run producer-retry
  $ kafka-dup-lab run producer-retry --variant idempotent --seed 7
  $ kafka-dup-lab run producer-retry --bootstrap localhost:9092 --json`,
    )
    .action(async (name: string, options) => setExit(await runCommand(name, options)));

  program
    .command('broker')
    .description('start a lab broker in the foreground and print its address; Ctrl-C stops it')
    .addOption(new Option('--broker <provider>', 'auto | local | container').default('auto').argParser(parseProvider))
    .option('--kafka-version <version>', 'Apache Kafka version', DEFAULT_KAFKA_VERSION)
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab broker                       # then, in other terminals:
  $ kafka-dup-lab run producer-retry --bootstrap 127.0.0.1:<port>`,
    )
    .action(async (options) => setExit(await brokerCommand(options)));

  program
    .command('list')
    .description('list the scenarios and their variants')
    .action(() => {
      for (const s of scenarios) {
        process.stdout.write(`${s.name}  ${s.summary}\n`);
        for (const v of s.variants) process.stdout.write(`    ${v.name.padEnd(24)} ${v.why}\n`);
      }
    });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  installSignalHandlers();
  sweepStaleTempDirs();
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with exit code 0; anything commander rejects is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return exitCodeFor(error);
  }
}
