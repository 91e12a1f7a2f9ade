// Unit tests for the Maven pom that fetches the broker and for reading the cached classpath (temp dir only).
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactPom, cacheDirFor, cacheRoot, cachedClasspath } from '../../../src/broker/artifacts.js';

/** The <dependency> elements of a pom, as groupId:artifactId:version. */
const dependencies = (pom: string): string[] =>
  [...pom.matchAll(/<dependency><groupId>([^<]+)<\/groupId><artifactId>([^<]+)<\/artifactId><version>([^<]+)<\/version><\/dependency>/g)].map(
    (m) => `${m[1]}:${m[2]}:${m[3]}`,
  );

describe('artifactPom', () => {
  it('asks for kafka_2.13 at the version and the log4j2 binding on 4.x', () => {
    const deps = dependencies(artifactPom('4.1.1'));
    expect(deps).toHaveLength(2);
    expect(deps[0]).toBe('org.apache.kafka:kafka_2.13:4.1.1');
    expect(deps[1]).toMatch(/^org\.apache\.logging\.log4j:log4j-slf4j-impl:/);
  });

  it('asks for the reload4j binding on 3.9', () => {
    const pom = artifactPom('3.9.1');
    const deps = dependencies(pom);
    expect(deps[0]).toBe('org.apache.kafka:kafka_2.13:3.9.1');
    expect(deps[1]).toMatch(/^org\.slf4j:slf4j-reload4j:/);
    expect(pom).not.toContain('log4j-slf4j-impl');
  });

  it('is a pom-packaged project whose elements are balanced', () => {
    const pom = artifactPom('4.1.1');
    expect(pom).toContain('<project xmlns="http://maven.apache.org/POM/4.0.0">');
    expect(pom).toContain('<modelVersion>4.0.0</modelVersion>');
    expect(pom).toContain('<packaging>pom</packaging>');
    for (const tag of ['project', 'dependencies', 'dependency', 'groupId', 'artifactId', 'version']) {
      const opened = pom.split(new RegExp(`<${tag}[ >]`)).length - 1;
      const closed = pom.split(`</${tag}>`).length - 1;
      expect(opened, tag).toBe(closed);
    }
  });
});

describe('cachedClasspath', () => {
  let dir: string;
  let saved: string | undefined;

  beforeEach(() => {
    saved = process.env.KAFKA_DUP_LAB_CACHE;
    dir = mkdtempSync(join(tmpdir(), 'kafka-dup-lab-unit-'));
    process.env.KAFKA_DUP_LAB_CACHE = dir;
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.KAFKA_DUP_LAB_CACHE;
    else process.env.KAFKA_DUP_LAB_CACHE = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const writeJar = (name: string): string => {
    const path = join(dir, name);
    writeFileSync(path, 'not really a jar');
    return path;
  };
  const writeClasspath = (version: string, text: string): void => {
    mkdirSync(cacheDirFor(version), { recursive: true });
    writeFileSync(join(cacheDirFor(version), 'classpath.txt'), text);
  };

  it('keeps the cache under KAFKA_DUP_LAB_CACHE, one folder per version', () => {
    expect(cacheRoot()).toBe(dir);
    expect(cacheDirFor('4.1.1')).toBe(join(dir, 'kafka-4.1.1'));
  });

  it('is null when there is no cache file', () => {
    expect(cachedClasspath('4.1.1')).toBeNull();
  });

  it('returns the cached classpath when every jar is on disk', () => {
    const a = writeJar('a.jar');
    const b = writeJar('b.jar');
    writeClasspath('4.1.1', `${a}:${b}\n`);
    expect(cachedClasspath('4.1.1')).toBe(`${a}:${b}`);
    // Another version has its own cache.
    expect(cachedClasspath('3.9.1')).toBeNull();
  });

  it('is null when a listed jar is missing', () => {
    const a = writeJar('a.jar');
    writeClasspath('4.1.1', `${a}:${join(dir, 'gone.jar')}`);
    expect(cachedClasspath('4.1.1')).toBeNull();
  });

  it('is null for an empty cache file', () => {
    writeClasspath('4.1.1', '\n');
    expect(cachedClasspath('4.1.1')).toBeNull();
  });
});
