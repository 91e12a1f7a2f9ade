// Unit tests for `doctor`'s pure parts: the Java major version, and the rows and verdicts for hand-built machines.
import { describe, it, expect } from 'vitest';
import { diagnose, javaMajor, nodeRow, type DoctorFacts, type DoctorRow, type Status } from '../../../src/cli/doctor.js';
import { DEFAULT_KAFKA_VERSION } from '../../../src/broker/versions.js';

describe('javaMajor', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21.0.2" 2024-01-16 LTS', 21],
    ['java version "21" 2023-09-19', 21],
    ['openjdk version "11.0.22" 2024-01-16', 11],
    ['openjdk version "1.8.0_392"', 8],
    ['java version "1.7.0_80"', 7],
    ['openjdk version "25-ea" 2025-09-16', 25],
    ['version "17.0.15"', 17],
  ])('reads %j as %d', (line, major) => {
    expect(javaMajor(line)).toBe(major);
  });

  it.each([
    undefined,
    '',
    'garbage',
    '17.0.15', // no `version "` before it
    'Picked up JAVA_TOOL_OPTIONS: -Xmx1g',
    'openjdk version 17.0.15',
    'openjdk version "abc"',
  ])('reads %j as undefined', (line) => {
    expect(javaMajor(line)).toBeUndefined();
  });

  it('reads a bare legacy "1" as undefined, not NaN', () => {
    expect(javaMajor('java version "1"')).toBeUndefined();
  });
});

const NOTHING: DoctorFacts = {
  node: 'v24.22.3',
  cachedVersions: [],
  defaultVersionCached: false,
  containerRuntime: false,
  redisServer: false,
  kcat: false,
};

const JAVA_17 = { java: 'openjdk version "17.0.15" 2025-04-15', javaMajor: 17 };
const JAVA_11 = { java: 'openjdk version "11.0.22" 2024-01-16', javaMajor: 11 };
const MAVEN = 'Apache Maven 3.9.9';

const statuses = (rows: DoctorRow[]): Record<string, Status> => Object.fromEntries(rows.map((r) => [r.check, r.status]));
const detail = (rows: DoctorRow[], check: string) => rows.find((r) => r.check === check)?.detail;

describe('diagnose', () => {
  it('reports a machine with nothing: no provider but external works', () => {
    const { rows, localWorks, containerWorks } = diagnose(NOTHING);
    expect(localWorks).toBe(false);
    expect(containerWorks).toBe(false);
    expect(rows).toEqual<DoctorRow[]>([
      { check: 'node', status: 'ok', detail: 'v24.22.3' },
      { check: 'java', status: 'missing', detail: 'not found: apt-get install openjdk-17-jre-headless' },
      { check: 'maven', status: 'missing', detail: 'not found (needed once to fetch Kafka, unless cached or KAFKA_HOME)' },
      { check: 'KAFKA_HOME', status: 'note', detail: 'not set (Kafka comes from Maven Central)' },
      { check: 'kafka cache', status: 'note', detail: `empty: the first run fetches Kafka ${DEFAULT_KAFKA_VERSION}` },
      { check: 'container runtime', status: 'missing', detail: 'none answers' },
      { check: 'redis-server', status: 'note', detail: 'not found: Redis variants need --redis-url, redis-server or Docker' },
      { check: 'kcat', status: 'note', detail: 'not found (optional)' },
      { check: 'provider local', status: 'missing', detail: 'needs Java 17+ and Maven (or a cached Kafka, or KAFKA_HOME)' },
      { check: 'provider container', status: 'missing', detail: 'needs Docker or Podman' },
      { check: 'provider external', status: 'note', detail: 'always: --bootstrap host:port' },
    ]);
  });

  it('reports a machine with only Docker: the container provider works, local does not', () => {
    const { rows, localWorks, containerWorks } = diagnose({ ...NOTHING, containerRuntime: true });
    expect(localWorks).toBe(false);
    expect(containerWorks).toBe(true);
    expect(statuses(rows)).toMatchObject({
      java: 'missing',
      maven: 'missing',
      'container runtime': 'ok',
      'provider local': 'missing',
      'provider container': 'ok',
      'provider external': 'note',
    });
    expect(detail(rows, 'container runtime')).toBe('Docker/Podman answers');
    expect(detail(rows, 'provider container')).toBe('works: --broker container');
  });

  it('refuses Java 11 even with Maven, and says why', () => {
    const { rows, localWorks } = diagnose({ ...NOTHING, ...JAVA_11, maven: MAVEN });
    expect(localWorks).toBe(false);
    expect(rows[1]).toEqual({ check: 'java', status: 'missing', detail: 'openjdk version "11.0.22" 2024-01-16 (Kafka 4 needs Java 17+)' });
    expect(statuses(rows)).toMatchObject({ maven: 'ok', 'provider local': 'missing' });
    expect(detail(rows, 'maven')).toBe(MAVEN);
  });

  it('refuses Java 8 (1.8) and a Java line it cannot read', () => {
    expect(diagnose({ ...NOTHING, java: 'openjdk version "1.8.0_392"', javaMajor: 8, maven: MAVEN }).localWorks).toBe(false);
    const unreadable = diagnose({ ...NOTHING, java: 'something odd', maven: MAVEN });
    expect(unreadable.localWorks).toBe(false);
    expect(unreadable.rows[1]).toEqual({ check: 'java', status: 'missing', detail: 'something odd (Kafka 4 needs Java 17+)' });
  });

  it('refuses Java 17 with no way to get Kafka', () => {
    const { rows, localWorks } = diagnose({ ...NOTHING, ...JAVA_17 });
    expect(localWorks).toBe(false);
    expect(rows[1]).toEqual({ check: 'java', status: 'ok', detail: JAVA_17.java });
    expect(statuses(rows)).toMatchObject({ maven: 'missing', 'provider local': 'missing' });
  });

  it.each<[string, Partial<DoctorFacts>]>([
    ['Maven', { maven: MAVEN }],
    ['a cached default Kafka', { cachedVersions: [DEFAULT_KAFKA_VERSION], defaultVersionCached: true }],
    ['KAFKA_HOME', { kafkaHome: '/opt/kafka' }],
  ])('accepts Java 17 with %s', (_way, facts) => {
    const { rows, localWorks } = diagnose({ ...NOTHING, ...JAVA_17, ...facts });
    expect(localWorks).toBe(true);
    expect(rows.find((r) => r.check === 'provider local')).toEqual({ check: 'provider local', status: 'ok', detail: 'works: --broker local' });
  });

  it('accepts Java 21', () => {
    expect(diagnose({ ...NOTHING, java: 'openjdk version "21.0.2"', javaMajor: 21, maven: MAVEN }).localWorks).toBe(true);
  });

  it('makes a missing Maven only a note when Kafka comes from the cache or KAFKA_HOME', () => {
    const cached = diagnose({ ...NOTHING, ...JAVA_17, cachedVersions: [DEFAULT_KAFKA_VERSION], defaultVersionCached: true }).rows;
    expect(statuses(cached)).toMatchObject({ maven: 'note', 'kafka cache': 'ok' });
    expect(detail(cached, 'kafka cache')).toBe(`cached: ${DEFAULT_KAFKA_VERSION}`);
    const home = diagnose({ ...NOTHING, ...JAVA_17, kafkaHome: '/opt/kafka' }).rows;
    expect(statuses(home)).toMatchObject({ maven: 'note', KAFKA_HOME: 'note' });
    expect(detail(home, 'KAFKA_HOME')).toBe('/opt/kafka');
  });

  it('does not count a cache of other versions as a way to get the default Kafka', () => {
    const { rows, localWorks } = diagnose({ ...NOTHING, ...JAVA_17, cachedVersions: ['3.9.1', '4.0.0'] });
    expect(localWorks).toBe(false);
    expect(rows.find((r) => r.check === 'kafka cache')).toEqual({
      check: 'kafka cache',
      status: 'note',
      detail: `cached: 3.9.1, 4.0.0 (default ${DEFAULT_KAFKA_VERSION} not yet)`,
    });
    expect(statuses(rows).maven).toBe('missing');
  });

  it('reports a fully equipped machine as all ok, but for the notes that are always notes', () => {
    const { rows, localWorks, containerWorks } = diagnose({
      node: 'v22.23.5',
      ...JAVA_17,
      maven: MAVEN,
      kafkaHome: '/opt/kafka',
      cachedVersions: [DEFAULT_KAFKA_VERSION],
      defaultVersionCached: true,
      containerRuntime: true,
      redisServer: true,
      kcat: true,
    });
    expect(localWorks).toBe(true);
    expect(containerWorks).toBe(true);
    expect(rows.filter((r) => r.status !== 'ok').map((r) => r.check)).toEqual(['KAFKA_HOME', 'provider external']);
    expect(detail(rows, 'redis-server')).toBe('found');
    expect(detail(rows, 'kcat')).toBe('found (an independent client to check topics)');
  });

  it('always returns the same eleven checks, in the same order, and the container checks where an engine answers', () => {
    const checks = ['node', 'java', 'maven', 'KAFKA_HOME', 'kafka cache', 'container runtime', 'redis-server', 'kcat', 'provider local', 'provider container', 'provider external'];
    expect(diagnose(NOTHING).rows.map((r) => r.check)).toEqual(checks);
    expect(diagnose({ ...NOTHING, ...JAVA_17, maven: MAVEN }).rows.map((r) => r.check)).toEqual(checks);
    expect(diagnose({ ...NOTHING, ...ENGINE }).rows.map((r) => r.check)).toEqual([...checks, 'kafka image', 'reaper', 'lab containers']);
  });
});

const ENGINE: Partial<DoctorFacts> = {
  containerRuntime: true,
  kafkaImage: { ref: 'apache/kafka:4.1.1', present: true },
  reaper: { enabled: false, image: 'testcontainers/ryuk:0.14.0', present: false },
  labContainers: [],
};

describe('diagnose, container checks', () => {
  it('says why no engine answers', () => {
    const reason = 'the container engine at /var/run/docker.sock does not answer (is it stopped?): connect ECONNREFUSED';
    expect(detail(diagnose({ ...NOTHING, containerReason: reason }).rows, 'container runtime')).toBe(reason);
  });

  it('says when the image is not pulled yet, and how to pull it now', () => {
    const rows = diagnose({ ...NOTHING, ...ENGINE, kafkaImage: { ref: 'apache/kafka:4.1.1', present: false } }).rows;
    expect(statuses(rows)['kafka image']).toBe('note');
    expect(detail(rows, 'kafka image')).toBe('apache/kafka:4.1.1 not pulled yet: the first container run pulls it, or "kafka-dup-lab prepare" now');
    expect(detail(diagnose({ ...NOTHING, ...ENGINE }).rows, 'kafka image')).toBe('apache/kafka:4.1.1 is here');
  });

  it('reports the reaper: disabled, here, or still to pull', () => {
    expect(detail(diagnose({ ...NOTHING, ...ENGINE }).rows, 'reaper')).toMatch(/^disabled \(TESTCONTAINERS_RYUK_DISABLED=true\)/);
    const toPull = diagnose({ ...NOTHING, ...ENGINE, reaper: { enabled: true, image: 'testcontainers/ryuk:0.14.0', present: false } }).rows;
    expect(statuses(toPull).reaper).toBe('note');
    expect(detail(toPull, 'reaper')).toMatch(/^testcontainers\/ryuk:0.14.0 not pulled yet/);
  });

  it('lists containers left by a lab that died, with the command that removes them', () => {
    const rows = diagnose({
      ...NOTHING,
      ...ENGINE,
      labContainers: [
        { id: 'aaaaaaaaaaaa', role: 'broker', state: 'running', ownerPid: 999999, orphaned: true },
        { id: 'bbbbbbbbbbbb', role: 'redis', state: 'exited', ownerPid: 999998, orphaned: true },
        { id: 'cccccccccccc', role: 'broker', state: 'running', ownerPid: 1, orphaned: false },
      ],
    }).rows;
    expect(statuses(rows)['lab containers']).toBe('missing');
    expect(detail(rows, 'lab containers')).toBe(
      '1 in use by a running lab; 2 left by a lab that died (broker aaaaaaaaaaaa, redis bbbbbbbbbbbb): docker rm -f aaaaaaaaaaaa bbbbbbbbbbbb',
    );
    expect(detail(diagnose({ ...NOTHING, ...ENGINE }).rows, 'lab containers')).toBe('none left behind');
  });
});

describe('nodeRow', () => {
  const today = '2026-12-02';

  it.each(['v24.22.3', 'v22.22.0', 'v22.23.5'])('%s: a tested line, ok', (version) => {
    expect(nodeRow(version, today)).toEqual({ check: 'node', status: 'ok', detail: version });
  });

  it('Node 20: past end of life, and too old for the lab; says how to get 24 in one step', () => {
    const row = nodeRow('v20.20.2', today);
    expect(row.status).toBe('missing');
    expect(row.detail).toBe('v20.20.2 (past end of life since 2026-04-30): the lab needs Node.js 22.22+ or 24 (README, Quick start: one line puts Node 24 from the npm registry on the PATH)');
  });

  it('Node 22 before 22.22 is too old (testcontainers 12)', () => {
    expect(nodeRow('v22.12.0', today).status).toBe('missing');
  });

  it('a line past its end of life is a note; so is an untested line', () => {
    expect(nodeRow('v22.23.5', '2027-05-01')).toEqual({ check: 'node', status: 'note', detail: 'v22.23.5: past end of life since 2027-04-30; move to Node.js 24' });
    expect(nodeRow('v26.1.0', today)).toEqual({ check: 'node', status: 'note', detail: 'v26.1.0: not a line the lab is tested on (22.22+ and 24)' });
  });
});
