// The kafka-dup-lab command line: commands, options and help.
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_KAFKA_VERSION } from '../broker/versions.js';
import { FAULTS } from '../chaos/faults/index.js';
import { sweepStaleTempDirs } from '../core/temp.js';
import { recordSpan, writeTimings } from '../core/timings.js';
import { brokerCommand } from './broker-command.js';
import { checkCommand } from './check-command.js';
import { doctorCommand } from './doctor-command.js';
import { explainCommand, listCommand } from './info-commands.js';
import { collect, nonNegativeInt, parsePercent, parsePgUrl, faultParamParser, parsePort, parseProvider, parseSeed, positiveInt } from './parse.js';
import { EXIT, commanderErrorLine, exitCodeFor, finalExitCode, installSignalHandlers, interruptedNow } from './process.js';
import { prepareCommand } from './prepare-command.js';
import { proxyCommand } from './proxy-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { version } from './version.js';

const EXIT_CODES = `
Exit codes:
  0  done (a broken promise is a result, not an error, unless --strict)
  1  environment problem: no Java, broker or service unreachable, ...
  2  usage error: unknown scenario, variant or option, bad value
  3  --strict and a variant broke its promise (or could not run)
  130  interrupted (Ctrl-C); everything the lab started is stopped first`;

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('kafka-dup-lab')
    .description('Reproduce Kafka duplication, loss and reordering against a real broker, and count them per mitigation.')
    .version(version(), '-V, --version')
    .configureOutput({ outputError: (text, write) => write(commanderErrorLine(text)) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab list
  $ kafka-dup-lab explain producer-retry
  $ kafka-dup-lab run producer-retry
  $ kafka-dup-lab run all --markdown > results.md
  $ kafka-dup-lab run all --out results.json && kafka-dup-lab check results.json
  $ kafka-dup-lab run producer-retry --html report.html
  $ kafka-dup-lab broker                      # one warm broker for a room
  $ kafka-dup-lab prepare                     # before a workshop: fetch Kafka / the image once
  $ kafka-dup-lab doctor
${EXIT_CODES}`,
    );

  const brokerOption = () => new Option('--broker <provider>', 'auto | local | container | external').default('auto').argParser(parseProvider);
  const brokersOption = () =>
    new Option('--brokers <n>', 'local provider: 1 broker, or 3 (a KRaft cluster: a controller and three brokers, topics replicated three times)').argParser(
      positiveInt('--brokers', 9),
    );
  const imageOption = () =>
    new Option(
      '--kafka-image <ref>',
      "the container broker's image: a mirror, a private registry, one pulled earlier (default: $KAFKA_DUP_LAB_KAFKA_IMAGE, else apache/kafka:<version>)",
    );

  program
    .command('run')
    .argument('<scenario>', 'a scenario name (see "list"), or "all"')
    .description("run a scenario's variants against a real broker and print what happened")
    .option('--variant <name>', 'run only this variant (repeatable)', collect)
    .option('--messages <n>', "messages per variant (default: the scenario's)", positiveInt('--messages', 20_000))
    .option('--faults <n>', "faults to inject per variant (default: the scenario's)", nonNegativeInt('--faults', 1000))
    .option('--seed <n>', 'fixes every random choice', parseSeed, 42)
    .option('--client <name>', 'the Kafka client the workload uses: kafkajs (default), platformatic, confluent, java, or all (repeatable; one table per client)', collect)
    .addOption(brokerOption())
    .option('--bootstrap <host:port>', 'use a running cluster (implies --broker external)')
    .addOption(brokersOption())
    .option('--kafka-version <version>', 'Apache Kafka version for local/container brokers', DEFAULT_KAFKA_VERSION)
    .addOption(imageOption())
    .option('--json', 'print results as JSON on stdout (schema kafka-dup-lab/run/v1; progress stays on stderr)')
    .option('--markdown', 'print results as Markdown tables, to paste into slides')
    .option('--timeline', "also print each variant's faults, retries, failed sends, crashes and commits in order")
    .option('--keep-topics', "leave the run's topics on the broker and name them")
    .option('--no-throughput', 'skip the fault-free msg/s passes (reorder), for a quicker run')
    .option('--keep-data <dir>', "keep each variant's business database in <dir> (SQLite files; with --pg-url, its schemas), to look at with sqlite3 or psql")
    .option('--out <file>', "also write the results with every variant's full history as JSON")
    .option('--html <file>', 'also write a self-contained HTML report (tables and a diagram per variant) for a projector or print')
    .option('--strict', `exit ${EXIT.promiseBroken} when a variant breaks its promise (for CI)`)
    .option('--redis-url <url>', 'Redis for the Redis variants (default: a local redis-server, else a container)')
    .option('--pg-url <url>', 'PostgreSQL for the business database (default: SQLite files)', parsePgUrl)
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab run producer-retry
  $ kafka-dup-lab run producer-retry --variant idempotent --seed 7 --timeline
  $ kafka-dup-lab run consumer-crash --pg-url postgres://postgres@localhost/lab
  $ kafka-dup-lab run leader-failover          # starts its own three-broker cluster
  $ kafka-dup-lab run producer-retry --client all   # the same faults with each client
  $ kafka-dup-lab run all --bootstrap 127.0.0.1:9092 --json > results.json
${EXIT_CODES}`,
    )
    .action(async (name: string, options) => setExit(await runCommand(name, options)));

  program
    .command('check')
    .argument('<results.json>', 'a file saved with "run ... --out"')
    .description('recompute every count, prediction, verdict and note from a saved run\'s histories, with no broker, and print the tables again')
    .option('--json', 'print the recomputed results as JSON')
    .option('--markdown', 'print them as Markdown tables')
    .option('--timeline', "also print each variant's timeline")
    .option('--strict', `exit ${EXIT.promiseBroken} when a variant breaks its promise`)
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab run all --out results.json
  $ kafka-dup-lab check results.json                 # the same tables, offline
  $ kafka-dup-lab check results.json --markdown > slides.md
What changed (an edited history, a newer lab) is named on stderr.`,
    )
    .action(async (file: string, options) => setExit(await checkCommand(file, options)));

  program
    .command('report')
    .argument('<results.json>', 'a file saved with "run ... --out"')
    .description('the self-contained HTML report of a saved run, recomputed from its histories, with no broker')
    .option('--html <file>', 'where to write the page')
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab run all --out results.json
  $ kafka-dup-lab report results.json --html report.html     # prepare the slides once, open from disk`,
    )
    .action(async (file: string, options) => setExit(await reportCommand(file, options)));

  program
    .command('list')
    .description('list the scenarios and their variants')
    .addHelpText('after', '\nExample:\n  $ kafka-dup-lab list')
    .action(() => setExit(listCommand()));

  program
    .command('explain')
    .argument('<scenario>', "a scenario name, or 'faults' for every fault the lab can inject")
    .description('what goes wrong and why, the variants, the faults, the settings for kafkajs and for the Java client')
    .addHelpText('after', '\nExamples:\n  $ kafka-dup-lab explain consumer-crash\n  $ kafka-dup-lab explain faults')
    .action((name: string) => setExit(explainCommand(name)));

  program
    .command('broker')
    .description('start a lab broker in the foreground and print its address; Ctrl-C stops it')
    .addOption(brokerOption())
    .option('--kafka-version <version>', 'Apache Kafka version', DEFAULT_KAFKA_VERSION)
    .addOption(brokersOption())
    .addOption(imageOption())
    .option('--port <n>', 'the port clients connect to (default: a free one)', parsePort)
    .option('--share', "for the whole room: listen on every interface and advertise this machine's network address (default: loopback only)")
    .option('--advertise <host>', 'with --share: the name or address attendees connect to (default: the first network address found)')
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab broker                       # then, in other terminals:
  $ kafka-dup-lab run producer-retry --bootstrap 127.0.0.1:<port>
  $ kafka-dup-lab broker --broker container --port 9092
  $ kafka-dup-lab broker --brokers 3                  # a local three-broker cluster
  $ kafka-dup-lab broker --share --port 9092          # hand out the printed bootstrap to the room`,
    )
    .action(async (options) => setExit(await brokerCommand(options)));

  program
    .command('prepare')
    .description('fetch what a run needs ahead of time (Kafka jars, the broker image), so a room with bad Wi-Fi works offline')
    .addOption(brokerOption())
    .option('--kafka-version <version>', 'Apache Kafka version', DEFAULT_KAFKA_VERSION)
    .addOption(imageOption())
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab prepare                      # whatever works here: local JVM, container, or both
  $ kafka-dup-lab prepare --broker container --kafka-image registry.example.com/apache/kafka:4.1.1`,
    )
    .action(async (options) => setExit(await prepareCommand(options)));

  const proxy = program
    .command('proxy')
    .description('the chaos proxy in front of any cluster, for any client (your service, a Java app, kcat)')
    .requiredOption('--target <host:port>', 'the real cluster')
    .option('--port <n>', 'port to listen on (0: any free port)', parsePort, 0)
    .option('--api <name>', "which requests the faults hit: produce (default; a fault that works on one API only, that one), fetch, offsetcommit, ...");
  // Every fault of the registry, the same way: --<stem>-every, --<stem>-percent, and its own option if it has one.
  for (const { cli } of Object.values(FAULTS)) {
    proxy.option(`--${cli.stem}-every <n>`, cli.every, positiveInt(`--${cli.stem}-every`));
    proxy.option(`--${cli.stem}-percent <p>`, 'the same at random (seeded), in percent', parsePercent(`--${cli.stem}-percent`));
    if (cli.param) proxy.option(`--${cli.param.name} <${cli.param.value}>`, cli.param.help, faultParamParser(cli.param));
  }
  proxy
    .option('--seed <n>', 'fixes the random choices', parseSeed, 42)
    .addHelpText(
      'after',
      `
Examples:
  $ kafka-dup-lab proxy --target 127.0.0.1:9092 --drop-acks-every 10
      then point your service, or any Java producer, at the printed address
  $ kafka-dup-lab proxy --target 127.0.0.1:9092 --error-after-append-every 10
      each 10th produce is written, and the producer is told NOT_LEADER_OR_FOLLOWER: it sends it again
  $ kafka-dup-lab proxy --target 127.0.0.1:9092 --api offsetcommit --delay-ms 3000
      each offset commit reaches the broker 3 s late: a client whose request timeout is shorter gives
      up on a commit the broker then applies
  $ kafka-dup-lab proxy --target 127.0.0.1:9092 --duplicate-fetch-every 1
  $ kcat -C -b 127.0.0.1:<printed port> -t orders -e
      every fetch answer carries its first record batch twice; kcat prints those records twice

One fault per request: when two options choose the same request, the first in the list above acts.

kcat -P (librdkafka) gives up when the only broker connection resets ("All broker connections are
down"), so it cannot show a retry after a lost ack (--drop-acks-*); the Java producer reconnects and
retries. An error answer (--error-after-append-*) keeps the connection, and kcat retries it.`,
    )
    .action(async (options) => setExit(await proxyCommand(options)));

  program
    .command('doctor')
    .description('which broker providers work here; Java, Maven, the container engine and image, Redis, the Kafka cache, stale lab containers')
    .option('--kafka-version <version>', 'the Kafka version whose image and cache to check', DEFAULT_KAFKA_VERSION)
    .addOption(imageOption())
    .addHelpText('after', '\nExample:\n  $ kafka-dup-lab doctor')
    .action(async (options) => setExit(await doctorCommand(options)));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  // From the process's start to here: node itself and the lab's imports.
  recordSpan('node start and imports', 0);
  installSignalHandlers();
  sweepStaleTempDirs();
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Help and --version end with exit code 0; anything commander rejects is a usage error.
    if (error instanceof CommanderError) code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // After Ctrl-C an error is most likely the interruption itself (a killed worker): no line for it.
    else code = interruptedNow() ? EXIT.interrupted : exitCodeFor(error);
  }
  writeTimings();
  return finalExitCode(code);
}
