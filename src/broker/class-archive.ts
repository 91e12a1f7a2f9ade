// A class-data-sharing (AppCDS) archive of the broker's classes, made once per Kafka version and Java build: later broker JVMs start about a second sooner.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onCleanup } from '../core/cleanup.js';
import { whichPath } from '../resources/on-path.js';
import { cacheDirFor } from './artifacts.js';

/** Raised when what the training run does changes, so older archives are made again. */
const TRAINING = 2;

/**
 * Without the archive a JVM parses and verifies every Kafka, Scala and JDK class it loads at every
 * start; with it they are mapped from one file. An archive only fits the Java build that made it, so its name
 * carries that build (the java binary's real path, size and time); -Xlog:cds=off keeps a Java that
 * refuses it anyway (an upgrade in place) quiet: it then starts as it would without one.
 */
export function classArchiveFile(version: string, java: string): string | undefined {
  const found = whichPath(java);
  if (!found) return undefined;
  const binary = realpathSync(found);
  const { size, mtimeMs } = statSync(binary);
  const build = createHash('sha256').update(`${binary}\0${size}\0${mtimeMs}`).digest('hex').slice(0, 12);
  return join(cacheDirFor(version), `broker-classes-t${TRAINING}-${build}.jsa`);
}

/** The JVM flags that use the archive, or none when there is no archive yet. */
export function useClassArchive(file: string | undefined): string[] {
  return file && existsSync(file) ? [`-XX:SharedArchiveFile=${file}`, ...QUIET_CDS] : [];
}

const QUIET_CDS = ['-Xlog:cds=off', '-Xlog:cds+dynamic=off'];

/**
 * Makes the archive: runs the broker JVM with -XX:ArchiveClassesAtExit until it says `readyLine`,
 * then `whenReady` (a few requests, so their classes are loaded too), then stops it with SIGTERM;
 * the JVM writes the archive as it exits. Written under a temporary name and renamed, so a broker
 * never maps half a file. Failing is harmless: brokers then start without it.
 */
export async function makeClassArchive(spec: {
  file: string;
  java: string;
  args: string[];
  readyLine: string;
  whenReady: () => Promise<void>;
  timeoutMs: number;
}): Promise<boolean> {
  const staging = `${spec.file}.${process.pid}.tmp`;
  const child = spawn(spec.java, [`-XX:ArchiveClassesAtExit=${staging}`, ...QUIET_CDS, ...spec.args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const unregister = onCleanup('class archive JVM', () => {
    child.kill('SIGKILL');
    rmSync(staging, { force: true });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => undefined); // no java: the exit below reports it
  try {
    const ready = await new Promise<boolean>((resolve) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4096);
        if (output.includes(spec.readyLine)) resolve(true);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(() => resolve(false));
      setTimeout(() => resolve(false), spec.timeoutMs).unref();
    });
    if (ready) await spec.whenReady().catch(() => undefined);
    child.kill(ready ? 'SIGTERM' : 'SIGKILL');
    const timer = setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs);
    await exited;
    clearTimeout(timer);
    if (!ready || !existsSync(staging)) return false;
    renameSync(staging, spec.file);
    return true;
  } finally {
    rmSync(staging, { force: true });
    unregister();
  }
}
