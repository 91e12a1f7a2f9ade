// Unit tests for the cleanup registry: order, failures, and cleanups registered while cleanups run.
import { describe, it, expect } from 'vitest';
import { cleanupsRunning, onCleanup, onCleanupInBackground, runCleanups } from '../../../src/core/cleanup.js';

describe('runCleanups', () => {
  it('runs the newest first and forgets what it ran', async () => {
    const ran: string[] = [];
    onCleanup('a', () => void ran.push('a'));
    onCleanup('b', () => void ran.push('b'));
    expect(await runCleanups()).toEqual([]);
    expect(ran).toEqual(['b', 'a']);
    await runCleanups();
    expect(ran).toEqual(['b', 'a']);
  });

  it('skips an unregistered cleanup', async () => {
    const ran: string[] = [];
    const unregister = onCleanup('gone', () => void ran.push('gone'));
    unregister();
    await runCleanups();
    expect(ran).toEqual([]);
  });

  it('reports failures and timeouts by label and still runs the rest', async () => {
    const ran: string[] = [];
    onCleanup('first', () => void ran.push('first'));
    onCleanup('hangs', () => new Promise<void>(() => undefined));
    onCleanup('throws', () => {
      throw new Error('boom');
    });
    expect(await runCleanups(50)).toEqual(['throws: boom', 'hangs: timed out']);
    expect(ran).toEqual(['first']);
  });

  it('runs cleanups registered while it runs (work that was in flight at Ctrl-C)', async () => {
    const ran: string[] = [];
    let runningSeen = false;
    onCleanup('slow', async () => {
      runningSeen = cleanupsRunning();
      // Meanwhile a variant that was in flight creates a temp dir and registers its removal.
      onCleanup('late', () => void ran.push('late'));
      ran.push('slow');
    });
    await runCleanups();
    expect(ran).toEqual(['slow', 'late']);
    expect(runningSeen).toBe(true);
    expect(cleanupsRunning()).toBe(false);
  });

  it('overlaps background cleanups with each other and the rest, and still awaits them', async () => {
    const events: string[] = [];
    const slow = (name: string) => async () => {
      events.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 20));
      events.push(`end ${name}`);
    };
    onCleanup('first registered', () => void events.push('first registered'));
    onCleanupInBackground('a', slow('a'));
    onCleanupInBackground('b', slow('b'));
    await runCleanups();
    // Newest first; neither waited for the other, nor held up the older cleanup; both were awaited.
    expect(events).toEqual(['start b', 'start a', 'first registered', 'end b', 'end a']);
  });

  it('gives up on a cleanup that keeps registering more, after a bounded number of rounds', async () => {
    let runs = 0;
    let stop = false;
    const again = () => {
      runs++;
      if (!stop) onCleanup('again', again);
    };
    onCleanup('again', again);
    await runCleanups();
    expect(runs).toBe(5);
    // The one left over is still registered and runs next time.
    stop = true;
    await runCleanups();
    expect(runs).toBe(6);
  });
});
