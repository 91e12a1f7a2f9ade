// Reads a topic with kcat (librdkafka), a client independent of kafkajs, to check the lab's own read-back.
import { spawnSync } from 'node:child_process';

export const kcatAvailable = spawnSync('kcat', ['-V'], { stdio: 'ignore' }).status === 0;

/** Every record value in the topic, from the beginning to the current end (librdkafka reads read_committed by default). */
export function kcatValues(bootstrap: string, topic: string, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed'): string[] {
  const args = ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%s\\n'];
  const result = spawnSync('kcat', args, {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`kcat failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}
