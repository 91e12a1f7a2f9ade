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

/** Compiled class folders by sources and classpath (null: javac failed), shared by the programs among those sources. */
const compiled = new Map<string, Promise<string | null>>();
/** javac takes a few seconds here; past this it is stuck, and the source launcher is the way. */
const JAVAC_LIMIT_MS = 60_000;

/**
 * The launch for `sources` (.java files, the main class's first) against `classpath`: compiled into the cache of
 * Kafka `version` on first use (javac beside the java the lab runs), then reused, by every main class among the
 * same sources. The source launcher compiles on every start, about a second of CPU per JVM; variants start their
 * JVMs side by side on two cores.
 */
export async function javaLaunch(sources: string | string[], classpath: string, version: string): Promise<JavaLaunch> {
  const files = typeof sources === 'string' ? [sources] : sources;
  const main = basename(files[0]!, '.java');
  const sorted = [...files].sort();
  const key = `${sorted.join(':')}\n${classpath}`;
  let classes = compiled.get(key);
  if (!classes) {
    classes = compile(sorted, classpath, version);
    compiled.set(key, classes);
  }
  const dir = await classes;
  if (dir === null || !existsSync(join(dir, `${main}.class`))) return sourceLauncher(files, classpath);
  return { classpath: classpath ? `${classpath}:${dir}` : dir, main };
}

/** The folder of the sources' classes in the cache, compiled now if they are not there; null when javac failed. */
async function compile(sources: string[], classpath: string, version: string): Promise<string | null> {
  // The JDK is part of the key: classes compiled by a newer javac do not load on an older JVM.
  const jdk = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8', timeout: 10_000 }).stderr ?? '';
  const hash = createHash('sha256');
  for (const source of sources) hash.update(basename(source)).update(readFileSync(source));
  hash.update(classpath).update(jdk);
  const target = join(cacheDirFor(version), 'lab-java', hash.digest('hex').slice(0, 16));
  const complete = () => sources.every((source) => existsSync(join(target, `${basename(source, '.java')}.class`)));
  if (complete()) return target;
  mkdirSync(dirname(target), { recursive: true });
  // Compiled beside the target and renamed into place: another lab compiling the same source at once does no harm.
  const staging = mkdtempSync(`${target}-`);
  try {
    const javac = join(dirname(javaCommand()) === '.' ? '' : dirname(javaCommand()), 'javac');
    const ok = await new Promise<boolean>((resolve) => {
      const child = spawn(javac, ['-d', staging, '-cp', classpath, ...sources], { stdio: 'ignore' });
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
    if (!ok) return null;
    try {
      renameSync(staging, target);
    } catch {
      // Someone else put it there first.
    }
    return complete() ? target : null;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Without javac's classes: the JDK's source launcher runs a one-file program; a program of several files needs javac. */
function sourceLauncher(sources: string[], classpath: string): JavaLaunch {
  if (sources.length > 1) throw new Error(`javac could not compile ${basename(sources[0]!)} and the files beside it: the Java worker needs a JDK 17+ with javac`);
  return { classpath, main: sources[0]! };
}
