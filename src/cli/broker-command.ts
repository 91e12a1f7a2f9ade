// `kafka-dup-lab broker`: a lab broker in the foreground, so a room can share one warm broker via --bootstrap.
import type { ProviderChoice } from '../broker/provider.js';
import { startBroker } from '../broker/select.js';
import { UsageError } from '../core/errors.js';
import { createProgress } from '../core/progress.js';
import { EXIT, setInterruptExitCode } from './process.js';

export interface BrokerOptions {
  broker: ProviderChoice;
  kafkaVersion: string;
}

export async function brokerCommand(options: BrokerOptions): Promise<number> {
  if (options.broker === 'external') throw new UsageError('broker starts a broker: use --broker auto, local or container');
  const broker = await startBroker({ choice: options.broker, kafkaVersion: options.kafkaVersion, progress: createProgress() });
  // Ctrl-C is how this command ends: the cleanup stops the broker, and the exit is a normal one.
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
  await new Promise<never>(() => undefined);
  return EXIT.ok;
}
