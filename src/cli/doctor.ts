// Gathers what `doctor` reports: Java, Maven, Docker, Redis, kcat, and the Kafka artifact cache on this machine.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, cachedClasspath } from '../broker/artifacts.js';
import { imagePresent, labContainers, probeContainerRuntime, reaperSettings } from '../containers/runtime.js';
import { javaCommand } from '../broker/local.js';
import { DEFAULT_KAFKA_VERSION } from '../broker/versions.js';
import { onPath } from '../resources/on-path.js';

export interface DoctorFacts {
  node: string;
  /** `java -version`'s first line, or undefined when there is no Java. */
  java?: string;
  javaMajor?: number;
  maven?: string;
  kafkaHome?: string;
  cachedVersions: string[];
  defaultVersionCached: boolean;
  containerRuntime: boolean;
  /** Why no container engine answers, when none does. */
  containerReason?: string;
  /** With an engine: the broker image a container run would use, and whether the engine has it. */
  kafkaImage?: { ref: string; present: boolean };
  /** With an engine: testcontainers' reaper, and whether its image is here. */
  reaper?: { enabled: boolean; image: string; present: boolean };
  /** With an engine: the lab's containers on it. */
  labContainers?: { id: string; role: string; state: string; ownerPid: number; orphaned: boolean }[];
  redisServer: boolean;
  kcat: boolean;
}

/** The first line of a command's output that matches `wanted` (java may first print "Picked up JAVA_TOOL_OPTIONS"). */
function firstLine(command: string, args: string[], wanted = /\S/): string | undefined {
  if (!onPath(command)) return undefined;
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.split('\n').find((l) => wanted.test(l))?.trim();
}

/** The major version in `java -version` output: "17.0.15" -> 17, "1.8.0_392" -> 8. */
export function javaMajor(line: string | undefined): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(line ?? '');
  if (!match) return undefined;
  const major = Number(match[1]) === 1 ? Number(match[2]) : Number(match[1]);
  return Number.isNaN(major) ? undefined : major;
}

/** What the engine holds for the lab: the image a run would use, the reaper's, and the lab's containers. */
async function containerFacts(image: string): Promise<Pick<DoctorFacts, 'kafkaImage' | 'reaper' | 'labContainers'>> {
  const reaper = await reaperSettings();
  return {
    kafkaImage: { ref: image, present: await imagePresent(image) },
    reaper: { ...reaper, present: reaper.enabled && (await imagePresent(reaper.image)) },
    labContainers: await labContainers().catch(() => []),
  };
}

export async function gatherFacts(kafkaImageRef: string): Promise<DoctorFacts> {
  const java = firstLine(javaCommand(), ['-version'], /version "/);
  const runtime = await probeContainerRuntime();
  const root = cacheRoot();
  const cachedVersions = existsSync(root)
    ? readdirSync(root)
        .filter((d) => d.startsWith('kafka-') && existsSync(join(root, d, 'classpath.txt')))
        .map((d) => d.slice('kafka-'.length))
    : [];
  return {
    node: process.version,
    java,
    javaMajor: javaMajor(java),
    maven: firstLine('mvn', ['-v'])?.replace(/\x1b\[[0-9;]*m/g, ''),
    kafkaHome: process.env.KAFKA_HOME,
    cachedVersions,
    defaultVersionCached: cachedClasspath(DEFAULT_KAFKA_VERSION) !== null,
    containerRuntime: runtime.ok,
    containerReason: runtime.ok ? undefined : runtime.reason,
    ...(runtime.ok ? await containerFacts(kafkaImageRef) : {}),
    redisServer: onPath('redis-server'),
    kcat: onPath('kcat'),
  };
}

export type Status = 'ok' | 'missing' | 'note';

export interface DoctorRow {
  check: string;
  status: Status;
  detail: string;
}

/** End of life of each Node.js line (nodejs.org release schedule). */
const NODE_END_OF_LIFE: Record<number, string> = { 18: '2025-04-30', 20: '2026-04-30', 22: '2027-04-30', 24: '2028-04-30', 26: '2029-04-30' };

/** The lines the lab is tested on (package.json "engines"): 22.22+ (testcontainers 12) and 24. */
function nodeSupported(major: number, minor: number): boolean {
  return (major === 22 && minor >= 22) || major === 24;
}

/** The Node.js row: the version, whether the lab is tested on it, and whether its line is past end of life on `today`. */
export function nodeRow(version: string, today: string): DoctorRow {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const eol = NODE_END_OF_LIFE[major];
  const pastEol = eol !== undefined && today > eol;
  if (major < 22 || (major === 22 && minor < 22)) {
    return {
      check: 'node',
      status: 'missing',
      detail: `${version}${pastEol ? ` (past end of life since ${eol})` : ''}: the lab needs Node.js 22.22+ or 24 (README, Quick start: one line puts Node 24 from the npm registry on the PATH)`,
    };
  }
  if (pastEol) return { check: 'node', status: 'note', detail: `${version}: past end of life since ${eol}; move to Node.js 24` };
  if (!nodeSupported(major, minor)) return { check: 'node', status: 'note', detail: `${version}: not a line the lab is tested on (22.22+ and 24)` };
  return { check: 'node', status: 'ok', detail: version };
}

/** Turns the facts into rows and says whether any broker provider works here. Pure. */
export function diagnose(f: DoctorFacts, today = new Date().toISOString().slice(0, 10)): { rows: DoctorRow[]; localWorks: boolean; containerWorks: boolean } {
  const javaOk = (f.javaMajor ?? 0) >= 17;
  const canFetch = Boolean(f.kafkaHome) || f.defaultVersionCached || Boolean(f.maven);
  const localWorks = javaOk && canFetch;
  const rows: DoctorRow[] = [
    nodeRow(f.node, today),
    {
      check: 'java',
      status: javaOk ? 'ok' : 'missing',
      detail: f.java ? `${f.java}${javaOk ? '' : ' (Kafka 4 needs Java 17+)'}` : 'not found: apt-get install openjdk-17-jre-headless',
    },
    { check: 'maven', status: f.maven ? 'ok' : f.kafkaHome || f.defaultVersionCached ? 'note' : 'missing', detail: f.maven ?? 'not found (needed once to fetch Kafka, unless cached or KAFKA_HOME)' },
    { check: 'KAFKA_HOME', status: 'note', detail: f.kafkaHome ?? 'not set (Kafka comes from Maven Central)' },
    {
      check: 'kafka cache',
      status: f.defaultVersionCached ? 'ok' : 'note',
      detail: f.cachedVersions.length ? `cached: ${f.cachedVersions.join(', ')}${f.defaultVersionCached ? '' : ` (default ${DEFAULT_KAFKA_VERSION} not yet)`}` : `empty: the first run fetches Kafka ${DEFAULT_KAFKA_VERSION}`,
    },
    { check: 'container runtime', status: f.containerRuntime ? 'ok' : 'missing', detail: f.containerRuntime ? 'Docker/Podman answers' : (f.containerReason ?? 'none answers') },
    { check: 'redis-server', status: f.redisServer ? 'ok' : 'note', detail: f.redisServer ? 'found' : 'not found: Redis variants need --redis-url, redis-server or Docker' },
    { check: 'kcat', status: f.kcat ? 'ok' : 'note', detail: f.kcat ? 'found (an independent client to check topics)' : 'not found (optional)' },
    { check: 'provider local', status: localWorks ? 'ok' : 'missing', detail: localWorks ? 'works: --broker local' : 'needs Java 17+ and Maven (or a cached Kafka, or KAFKA_HOME)' },
    { check: 'provider container', status: f.containerRuntime ? 'ok' : 'missing', detail: f.containerRuntime ? 'works: --broker container' : 'needs Docker or Podman' },
    { check: 'provider external', status: 'note', detail: 'always: --bootstrap host:port' },
    ...containerRows(f),
  ];
  return { rows, localWorks, containerWorks: f.containerRuntime };
}

/** With an engine: is the image here (else the first run pulls it), the reaper, and stale lab containers. */
function containerRows(f: DoctorFacts): DoctorRow[] {
  if (!f.containerRuntime) return [];
  const rows: DoctorRow[] = [];
  if (f.kafkaImage) {
    rows.push({
      check: 'kafka image',
      status: f.kafkaImage.present ? 'ok' : 'note',
      detail: f.kafkaImage.present ? `${f.kafkaImage.ref} is here` : `${f.kafkaImage.ref} not pulled yet: the first container run pulls it, or "kafka-dup-lab prepare" now`,
    });
  }
  if (f.reaper) {
    rows.push({
      check: 'reaper',
      status: !f.reaper.enabled || f.reaper.present ? 'ok' : 'note',
      detail: !f.reaper.enabled
        ? 'disabled (TESTCONTAINERS_RYUK_DISABLED=true): the lab removes its containers itself'
        : f.reaper.present
          ? `${f.reaper.image} is here`
          : `${f.reaper.image} not pulled yet: testcontainers pulls it on the first container run ("kafka-dup-lab prepare" now)`,
    });
  }
  const stale = (f.labContainers ?? []).filter((c) => c.orphaned);
  const live = (f.labContainers ?? []).filter((c) => !c.orphaned);
  rows.push({
    check: 'lab containers',
    status: stale.length ? 'missing' : 'ok',
    detail: [
      live.length ? `${live.length} in use by a running lab` : '',
      stale.length
        ? `${stale.length} left by a lab that died (${stale.map((c) => `${c.role} ${c.id}`).join(', ')}): docker rm -f ${stale.map((c) => c.id).join(' ')}`
        : 'none left behind',
    ]
      .filter(Boolean)
      .join('; '),
  });
  return rows;
}
