// `kafka-dup-lab broker`: a lab broker in the foreground, so a room can share one warm broker via --bootstrap.
import type { ProviderChoice } from '../broker/provider.js';
import { startBroker } from '../broker/select.js';
import { shareSettings } from '../broker/share.js';
import { onCleanup } from '../core/cleanup.js';
import { UsageError } from '../core/errors.js';
import { createProgress } from '../core/progress.js';
import { watchTopics } from '../kafka/client.js';
import { roomChanges, runsOnBroker, type RoomRun } from '../report/room.js';
import { scenarios } from '../../scenarios/index.js';
import { EXIT, interruptedNow, setInterruptExitCode } from './process.js';

export interface BrokerOptions {
  broker: ProviderChoice;
  kafkaVersion: string;
  kafkaImage?: string;
  port?: number;
  share?: boolean;
  advertise?: string;
  brokers?: number;
}

/** How often the broker command looks at who is running what. */
const ROOM_LOOK_MS = 2_000;

export async function brokerCommand(options: BrokerOptions): Promise<number> {
  if (options.broker === 'external') throw new UsageError('broker starts a broker: use --broker auto, local or container');
  if (options.advertise && !options.share) throw new UsageError('--advertise goes with --share');
  const share = options.share ? shareSettings(options.advertise) : undefined;
  const broker = await startBroker({
    choice: options.broker,
    kafkaVersion: options.kafkaVersion,
    kafkaImage: options.kafkaImage,
    port: options.port || undefined,
    share,
    brokers: options.brokers,
    // A room's broker: both JIT compilers, which pay back over many runs (see labJvmPerformance).
    lifetime: 'session',
    progress: createProgress(),
  });
  // Ctrl-C (or SIGTERM) is how this command ends: the cleanup stops the broker, and the exit is a normal one.
  setInterruptExitCode(EXIT.ok);
  process.stdout.write(
    [
      `${broker.description}`,
      `bootstrap: ${broker.bootstrap}`,
      ...(share
        ? [`warning: this broker accepts anyone who can reach ${share.advertise} (no authentication, no encryption); stop it when the session ends.`]
        : []),
      '',
      `Run scenarios against it:  npx kafka-dup-lab run <scenario> --bootstrap ${broker.bootstrap}`,
      ...(broker.control
        ? ['leader-failover crashes brokers, so it runs only on a cluster its own run starts: against this one its rows say skipped.']
        : []),
      'Ctrl-C stops the broker and deletes its data. Runs appear below as they start and end.',
      '',
    ].join('\n'),
  );
  let room: RoomRun[] = [];
  const stopWatching = watchTopics(broker.bootstrap, ROOM_LOOK_MS, (topics) => {
    const now = runsOnBroker(topics, scenarios.map((s) => s.name));
    for (const line of roomChanges(room, now, new Date().toTimeString().slice(0, 8))) process.stdout.write(`${line}\n`);
    room = now;
  });
  const unregister = onCleanup('room view', stopWatching);
  // Nothing else holds the event loop open (testcontainers' reaper may be disabled, and the broker's
  // streams are not counted on): this timer keeps the command up until a signal or the broker's end.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const why = await (broker.exited ?? new Promise<string>(() => undefined));
  clearInterval(keepAlive);
  if (interruptedNow()) return EXIT.ok;
  unregister();
  await stopWatching();
  process.stderr.write(`kafka-dup-lab: ${why}\n`);
  await broker.stop();
  return EXIT.environment;
}
