// Makes sure the broker image is on the engine before a run: present, or pulled once with progress.
import type { Progress } from '../core/progress.js';
import { imagePresent, pullImage } from './runtime.js';

/** Pulls `image` unless the engine has it; progress in MB on a terminal, one line otherwise. */
export async function ensureImage(image: string, progress: Progress): Promise<'present' | 'pulled'> {
  if (await imagePresent(image)) return 'present';
  progress.info(`Pulling ${image} (once; later runs use the engine's copy)`);
  const started = performance.now();
  await pullImage(image, (downloaded, total) => progress.step(`Pulling ${image}: ${mb(downloaded)} of ${mb(total)} MB`));
  progress.done();
  progress.info(`Pulled ${image} in ${Math.round((performance.now() - started) / 1000)} s`);
  return 'pulled';
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}
