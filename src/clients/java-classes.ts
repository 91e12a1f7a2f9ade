// The lab's Java programs compiled once into the cache (keyed by their source), so each JVM starts without compiling.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cacheDirFor } from '../broker/artifacts.js';
import { javaCommand } from '../broker/local.js';

/** How to start a program: its main class from compiled classes, or (no javac here) the JDK's source launcher on the .java file. */
export interface JavaLaunch {
  classpath: string;
  main: string;
}

const compiled = new Map<string, Promise<JavaLaunch>>();

/**
 * The launch for `source` (a .java file) against `classpath`: compiled into the cache of Kafka `version` on
 * first use (javac beside the java the lab runs), then reused. The source launcher compiles on every start,
 * about a second of CPU per JVM; variants start their JVMs side by side on two cores.
 */
export function javaLaunch(source: string, classpath: string, version: string): Promise<JavaLaunch> {
  const key = `${source}\n${classpath}`;
  let launch = compiled.get(key);
  if (!launch) {
    launch = compile(source, classpath, version);
    compiled.set(key, launch);
  }
  return launch;
}

async function compile(source: string, classpath: string, version: string): Promise<JavaLaunch> {
  const main = basename(source, '.java');
  const hash = createHash('sha256').update(readFileSync(source)).update(classpath).digest('hex').slice(0, 16);
  const target = join(cacheDirFor(version), 'lab-java', hash);
  const withClasses = { classpath: classpath ? `${classpath}:${target}` : target, main };
  if (existsSync(join(target, `${main}.class`))) return withClasses;
  mkdirSync(dirname(target), { recursive: true });
  // Compiled beside the target and renamed into place: another lab compiling the same source at once does no harm.
  const staging = mkdtempSync(`${target}-`);
  try {
    const javac = join(dirname(javaCommand()) === '.' ? '' : dirname(javaCommand()), 'javac');
    const ok = await new Promise<boolean>((resolve) => {
      const child = spawn(javac, ['-d', staging, '-cp', classpath, source], { stdio: 'ignore' });
      child.on('error', () => resolve(false));
      child.on('close', (code) => resolve(code === 0));
    });
    if (!ok) return { classpath, main: source };
    try {
      renameSync(staging, target);
    } catch {
      // Someone else put it there first.
    }
    return existsSync(join(target, `${main}.class`)) ? withClasses : { classpath, main: source };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
