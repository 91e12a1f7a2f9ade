// `kafka-dup-lab prepare`: fetch everything a run needs ahead of time, so a room with bad Wi-Fi works offline afterwards.
import type { ProviderChoice } from '../broker/provider.js';
import { prepareLocalBroker } from '../broker/local.js';
import { checkBrokerRequest, javaAvailable } from '../broker/select.js';
import { DEFAULT_KAFKA_VERSION, kafkaImage } from '../broker/versions.js';
import { JDBC_DRIVERS, jdbcDriversClasspath } from '../clients/java-worker.js';
import { ensureImage } from '../containers/image.js';
import { ImageUnavailable, probeContainerRuntime, reaperSettings } from '../containers/runtime.js';
import { EnvironmentError, UsageError, errorMessage } from '../core/errors.js';
import { createProgress, type Progress } from '../core/progress.js';
import { onPath } from '../resources/on-path.js';
import { REDIS_IMAGE } from '../resources/redis-container.js';
import { EXIT } from './process.js';

export interface PrepareOptions {
  broker: ProviderChoice;
  kafkaVersion: string;
  kafkaImage?: string;
}

type Line = { what: string; ok: boolean; detail: string };

export async function prepareCommand(options: PrepareOptions): Promise<number> {
  if (options.broker === 'external') throw new UsageError('prepare gets a lab broker ready: use --broker auto, local or container');
  checkBrokerRequest({ choice: options.broker, kafkaVersion: options.kafkaVersion, kafkaImage: options.kafkaImage });
  const progress = createProgress();
  const lines: Line[] = [];
  const wantLocal = options.broker === 'local' || (options.broker === 'auto' && !options.kafkaImage && javaAvailable());
  const runtime = options.broker === 'local' ? undefined : await probeContainerRuntime();
  const wantContainer = options.broker === 'container' || (options.broker === 'auto' && runtime?.ok === true);

  if (wantLocal) {
    lines.push(await attempt(`Kafka ${options.kafkaVersion} for the local JVM`, () => prepareLocal(options.kafkaVersion, progress)));
    // The Java client's consumer worker writes the business database through JDBC (run consumer-crash --client java).
    if (options.kafkaVersion === DEFAULT_KAFKA_VERSION) lines.push(await attempt('JDBC drivers for the Java client\'s worker', () => prepareJdbcDrivers(progress)));
  }
  if (wantContainer) {
    if (!runtime?.ok) throw new EnvironmentError(`--broker container: ${runtime?.reason ?? 'no container engine'}; start the engine, or prepare --broker local.`);
    lines.push(...(await prepareContainers(options.kafkaImage ?? kafkaImage(options.kafkaVersion), progress)));
  }
  if (!wantLocal && !wantContainer) {
    throw new EnvironmentError('nothing to prepare here: the local broker needs Java 17+ and Maven, the container broker a Docker or Podman engine.');
  }
  for (const line of lines) process.stdout.write(`${line.ok ? 'ready  ' : 'FAILED '} ${line.what}: ${line.detail}\n`);
  const failed = lines.filter((l) => !l.ok);
  if (failed.length === 0) {
    process.stdout.write('Everything a run needs is here; runs need no network from now on.\n');
    return EXIT.ok;
  }
  process.stderr.write(`kafka-dup-lab: ${failed.length} of ${lines.length} not ready (the FAILED lines above say why)\n`);
  return EXIT.environment;
}

async function prepareLocal(version: string, progress: Progress): Promise<string> {
  const source = await prepareLocalBroker(version, progress);
  return `jars, a formatted storage template and a class-data archive of the broker (${source})`;
}

async function prepareJdbcDrivers(progress: Progress): Promise<string> {
  const jars = (await jdbcDriversClasspath(progress)).split(':').filter(Boolean);
  return `${JDBC_DRIVERS.map((d) => `${d.artifactId} ${d.version}`).join(', ')} (${jars.length} jars)`;
}

/** The broker image; the reaper's image when testcontainers will start one; Redis' when there is no redis-server. */
async function prepareContainers(image: string, progress: Progress): Promise<Line[]> {
  const lines = [await attempt(`image ${image}`, async () => ensureImage(image, progress))];
  const reaper = await reaperSettings();
  if (reaper.enabled) {
    lines.push(
      await attempt(`image ${reaper.image} (testcontainers' reaper)`, async () => {
        try {
          return await ensureImage(reaper.image, progress);
        } catch (error) {
          if (!(error instanceof ImageUnavailable)) throw error;
          throw new Error(`${error.reason}; or set TESTCONTAINERS_RYUK_DISABLED=true (the lab removes its own containers)`);
        }
      }),
    );
  }
  if (!onPath('redis-server')) lines.push(await attempt(`image ${REDIS_IMAGE} (Redis variants)`, async () => ensureImage(REDIS_IMAGE, progress)));
  return lines;
}

async function attempt(what: string, work: () => Promise<string>): Promise<Line> {
  try {
    return { what, ok: true, detail: await work() };
  } catch (error) {
    return { what, ok: false, detail: errorMessage(error) };
  }
}
