// The lab's Java programs compiled once into the cache (keyed by their source), so each JVM starts without compiling.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cacheDirFor } from '../broker/artifacts.js';
import { javaCommand } from '../broker/local.js';
import { onCleanup } from '../core/cleanup.js';

/** How to start a program: its main class from compiled classes, or (no javac here) the JDK's source launcher on the .java file. */
export interface JavaLaunch {
  classpath: string;
  main: string;
}

const compiled = new Map<string, Promise<JavaLaunch>>();
/** javac takes a few seconds here; past this it is stuck, and the source launcher is the way. */
const JAVAC_LIMIT_MS = 60_000;

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
  // The JDK is part of the key: classes compiled by a newer javac do not load on an older JVM.
  const jdk = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8', timeout: 10_000 }).stderr ?? '';
  const hash = createHash('sha256').update(readFileSync(source)).update(classpath).update(jdk).digest('hex').slice(0, 16);
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
      // Ctrl-C or a hung compiler: no javac left behind, no staging folder (the finally below runs after the close).
      const unregister = onCleanup('javac', () => {
        child.kill('SIGKILL');
      });
      const limit = setTimeout(() => child.kill('SIGKILL'), JAVAC_LIMIT_MS);
      child.on('error', () => resolve(false));
      child.on('close', (code) => {
        clearTimeout(limit);
        unregister();
        resolve(code === 0);
      });
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
