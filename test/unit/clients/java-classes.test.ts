// The lab's Java programs are compiled once into the cache, keyed by their source, and then start without the source launcher.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(await javaLaunch(file, '', '0.0.0')).toBe(launch);
  });

  it('a source that does not compile falls back to the source launcher on the file itself', async () => {
    const file = join(dir, 'Broken.java');
    writeFileSync(file, 'public class Broken { not java }\n');
    expect(await javaLaunch(file, '', '0.0.0')).toEqual({ classpath: '', main: file });
  });
});
