// `kafka-dup-lab broker`: a lab broker in the foreground, so a room can share one warm broker via --bootstrap.
import type { ProviderChoice } from '../broker/provider.js';
import { startBroker } from '../broker/select.js';
import { UsageError } from '../core/errors.js';
import { createProgress } from '../core/progress.js';
import { EXIT, interruptedNow, setInterruptExitCode } from './process.js';

export interface BrokerOptions {
  broker: ProviderChoice;
  kafkaVersion: string;
  kafkaImage?: string;
  port?: number;
}

export async function brokerCommand(options: BrokerOptions): Promise<number> {
  if (options.broker === 'external') throw new UsageError('broker starts a broker: use --broker auto, local or container');
  const broker = await startBroker({
    choice: options.broker,
    kafkaVersion: options.kafkaVersion,
    kafkaImage: options.kafkaImage,
    port: options.port || undefined,
    progress: createProgress(),
  });
  // Ctrl-C (or SIGTERM) is how this command ends: the cleanup stops the broker, and the exit is a normal one.
  setInterruptExitCode(EXIT.ok);
  process.stdout.write(
    [
      `${broker.description}`,
      `bootstrap: ${broker.bootstrap}`,
      '',
      `Run scenarios against it:  npx kafka-dup-lab run <scenario> --bootstrap ${broker.bootstrap}`,
      'Ctrl-C stops the broker and deletes its data.',
      '',
    ].join('\n'),
  );
  // Nothing else holds the event loop open (testcontainers' reaper may be disabled, and the broker's
  // streams are not counted on): this timer keeps the command up until a signal or the broker's end.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const why = await (broker.exited ?? new Promise<string>(() => undefined));
  clearInterval(keepAlive);
  if (interruptedNow()) return EXIT.ok;
  process.stderr.write(`kafka-dup-lab: ${why}\n`);
  await broker.stop();
  return EXIT.environment;
}
