// The lab's Java programs are compiled once into the cache, keyed by their source, and then start without the source launcher.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { javaLaunch } from '../../../src/clients/java-classes.js';

const hasJavac = spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0;
let dir: string;
const savedCache = process.env.KAFKA_DUP_LAB_CACHE;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-dup-lab-java-classes-'));
  process.env.KAFKA_DUP_LAB_CACHE = join(dir, 'cache');
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.KAFKA_DUP_LAB_CACHE;
  else process.env.KAFKA_DUP_LAB_CACHE = savedCache;
  rmSync(dir, { recursive: true, force: true });
});

function source(name: string, says: string): string {
  const file = join(dir, `${name}.java`);
  writeFileSync(file, `public class ${name} { public static void main(String[] a) { System.out.println("${says}"); } }\n`);
  return file;
}

describe.runIf(hasJavac)('javaLaunch', () => {
  it('compiles into the cache once, and the JVM starts the class', async () => {
    const file = source('Hello', 'hello');
    const launch = await javaLaunch(file, '', '0.0.0');
    expect(launch.main).toBe('Hello');
    const classDir = launch.classpath.split(':').at(-1)!;
    expect(classDir.startsWith(join(dir, 'cache', 'kafka-0.0.0', 'lab-java'))).toBe(true);
    expect(existsSync(join(classDir, 'Hello.class'))).toBe(true);
    expect(spawnSync('java', ['-cp', launch.classpath, launch.main], { encoding: 'utf8' }).stdout.trim()).toBe('hello');
    expect(await javaLaunch(file, '', '0.0.0')).toEqual(launch);
  });

  it('a new lab process finds the classes on disk and does not compile again', async () => {
    const file = source('Cached', 'cached');
    const first = await javaLaunch(file, '', '0.0.0');
    const classFile = join(first.classpath.split(':').at(-1)!, 'Cached.class');
    const compiledAt = statSync(classFile).mtimeMs;
    // A fresh module (a new lab process) whose spawn is watched: javac must not run.
    vi.resetModules();
    const spawned: string[] = [];
    vi.doMock('node:child_process', async (original) => {
      const real = await original<typeof import('node:child_process')>();
      return { ...real, spawn: (command: string, ...rest: unknown[]) => (spawned.push(command), (real.spawn as (...a: unknown[]) => unknown)(command, ...rest)) };
    });
    try {
      const { javaLaunch: freshLaunch } = await import('../../../src/clients/java-classes.js');
      const again = await freshLaunch(file, '', '0.0.0');
      expect(again).not.toBe(first);
      expect(again).toEqual(first);
    } finally {
      vi.doUnmock('node:child_process');
    }
    expect(spawned).toEqual([]);
    expect(statSync(classFile).mtimeMs).toBe(compiledAt);
  });

  it('a source that does not compile falls back to the source launcher on the file itself', async () => {
    const file = join(dir, 'Broken.java');
    writeFileSync(file, 'public class Broken { not java }\n');
    expect(await javaLaunch(file, '', '0.0.0')).toEqual({ classpath: '', main: file });
  });
});

describe.runIf(hasJavac)('javaLaunch with several files', () => {
  it('compiles them together; the first names the main class', async () => {
    const helper = join(dir, 'Greeting.java');
    writeFileSync(helper, 'final class Greeting { static String text() { return "hi from two files"; } }\n');
    const main = join(dir, 'TwoFiles.java');
    writeFileSync(main, 'public class TwoFiles { public static void main(String[] a) { System.out.println(Greeting.text()); } }\n');
    const launch = await javaLaunch([main, helper], '', '0.0.0');
    expect(launch.main).toBe('TwoFiles');
    expect(spawnSync('java', ['-cp', launch.classpath, launch.main], { encoding: 'utf8' }).stdout.trim()).toBe('hi from two files');
    // Another main class among the same files shares the compiled classes.
    const other = await javaLaunch([helper, main], '', '0.0.0');
    expect(other).toEqual({ classpath: launch.classpath, main: 'Greeting' });
  });

  it('a program of several files that does not compile is an error naming it (the source launcher runs one file only)', async () => {
    const helper = join(dir, 'Missing.java');
    writeFileSync(helper, 'final class Missing { broken }\n');
    const main = join(dir, 'NeedsMissing.java');
    writeFileSync(main, 'public class NeedsMissing { public static void main(String[] a) { } }\n');
    await expect(javaLaunch([main, helper], '', '0.0.0')).rejects.toThrow(/javac could not compile NeedsMissing\.java/);
  });
});
