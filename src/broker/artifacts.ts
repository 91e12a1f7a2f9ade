// Finds the Apache Kafka classpath: from KAFKA_HOME, or resolved once from Maven Central into a per-user cache.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import { onCleanup } from '../core/cleanup.js';
import { loggingArtifacts } from './versions.js';

const MAVEN_TIMEOUT_MS = 15 * 60_000;

export interface KafkaClasspath {
  classpath: string;
  /** Where it came from, for messages: "KAFKA_HOME=/opt/kafka" or the cache file. */
  source: string;
}

export function cacheRoot(): string {
  if (process.env.KAFKA_DUP_LAB_CACHE) return process.env.KAFKA_DUP_LAB_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'kafka-dup-lab');
}

export function cacheDirFor(version: string): string {
  return join(cacheRoot(), `kafka-${version}`);
}

/** The pom that makes Maven fetch the broker (kafka_2.13) and a logging binding for it. */
export function artifactPom(version: string): string {
  return pomWith('kafka-broker-classpath', version, [{ groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version }, ...loggingArtifacts(version)]);
}

export interface MavenArtifact {
  groupId: string;
  artifactId: string;
  version: string;
}

/** A pom whose only job is to depend on `deps`, for dependency:build-classpath. */
export function pomWith(artifactId: string, version: string, deps: MavenArtifact[]): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kafka-dup-lab</groupId>
  <artifactId>${artifactId}</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${deps
  .map(
    (d) =>
      `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId><version>${d.version}</version></dependency>`,
  )
  .join('\n')}
  </dependencies>
</project>
`;
}

/** A cached classpath whose jars are all still on disk, or null. Reading it needs no network. */
export function cachedClasspath(version: string, name = 'classpath.txt'): string | null {
  const file = join(cacheDirFor(version), name);
  if (!existsSync(file)) return null;
  const classpath = readFileSync(file, 'utf8').trim();
  const jars = classpath.split(':').filter(Boolean);
  if (jars.length === 0 || !jars.every((jar) => existsSync(jar))) return null;
  return classpath;
}

export async function findKafkaClasspath(version: string, progress: Progress): Promise<KafkaClasspath> {
  const home = process.env.KAFKA_HOME;
  if (home) return fromKafkaHome(home);
  const cached = cachedClasspath(version);
  if (cached) return { classpath: cached, source: join(cacheDirFor(version), 'classpath.txt') };
  const classpath = await resolveWithMaven(version, progress);
  return { classpath, source: join(cacheDirFor(version), 'classpath.txt') };
}

function fromKafkaHome(home: string): KafkaClasspath {
  const libs = join(home, 'libs');
  if (!existsSync(libs)) {
    throw new EnvironmentError(`KAFKA_HOME=${home} has no libs/ folder; point it at an unpacked Apache Kafka distribution, or unset it.`);
  }
  const jars = readdirSync(libs).filter((f) => f.endsWith('.jar'));
  return { classpath: jars.map((j) => join(libs, j)).join(':'), source: `KAFKA_HOME=${home}` };
}

async function resolveWithMaven(version: string, progress: Progress): Promise<string> {
  const what = { name: `Apache Kafka ${version}`, notFound: `Kafka ${version} could not be found on Maven Central; check --kafka-version.` };
  return resolvePomClasspath(cacheDirFor(version), 'pom.xml', artifactPom(version), 'classpath.txt', what, progress);
}

/**
 * Resolves `pom` (written into `dir` as `pomName`) with Maven and caches its classpath in `dir`/`output`.
 * `what` names it in messages ("Apache Kafka 4.1.1") and says what to do when Maven Central does not have it.
 */
export async function resolvePomClasspath(
  dir: string,
  pomName: string,
  pom: string,
  output: string,
  what: { name: string; notFound: string },
  progress: Progress,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, pomName), pom);
  const partial = join(dir, `${output}.${process.pid}.tmp`);
  progress.info(`Fetching ${what.name} from Maven Central (once; cached in ${dir})`);
  const args = ['-B', '-f', join(dir, pomName), 'dependency:build-classpath', `-Dmdep.outputFile=${partial}`];
  const { code, tail } = await runMaven(args, progress);
  if (code !== 0 || !existsSync(partial)) {
    const notFound = tail.some((l) => /Could not (find|resolve)|was not found/.test(l));
    const hint = notFound
      ? what.notFound
      : `Maven failed to fetch ${what.name}: ${tail.at(-1) ?? 'no output'}`;
    throw new EnvironmentError(hint);
  }
  // Written under a temp name and renamed, so an interrupted run never leaves a half-written cache.
  renameSync(partial, join(dir, output));
  progress.done();
  return readFileSync(join(dir, output), 'utf8').trim();
}

function runMaven(args: string[], progress: Progress): Promise<{ code: number; tail: string[] }> {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      reject(mavenMissing());
      return;
    }
    const tail: string[] = [];
    let files = 0;
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (line.includes('Downloaded from')) progress.step(`Maven Central: ${++files} files downloaded`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    // Maven has its own network timeouts; this only bounds a resolution that never ends.
    const timer = setTimeout(() => child.kill('SIGKILL'), MAVEN_TIMEOUT_MS);
    const unregister = onCleanup('maven', () => {
      child.kill('SIGKILL');
    });
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? mavenMissing() : error));
    child.on('close', (code) => {
      clearTimeout(timer);
      unregister();
      resolve({ code: code ?? 1, tail });
    });
  });
}

function mavenMissing(): EnvironmentError {
  return new EnvironmentError(
    'Maven (mvn) is needed once to fetch Apache Kafka from Maven Central: install it (apt-get install maven), or set KAFKA_HOME to an Apache Kafka distribution, or use --broker container / --bootstrap.',
  );
}
