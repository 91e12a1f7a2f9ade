// The HTML report in a real browser: produced by a real run and from its saved file, opened from disk in headless Chromium, with no request leaving the file.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestBroker } from './support/broker.js';
import { CHROMIUM, browserTestsRun, openFile } from './support/browser.js';
import { runCli } from './support/cli.js';

describe.skipIf(!browserTestsRun)(`the HTML report in headless Chromium (${CHROMIUM})`, () => {
  // Inside the describe: without a browser, no broker starts.
  const lab = useTestBroker();
  const dir = lab.dataDir;

  const producer = join(dir, 'producer-retry.html');
  const fromFile = join(dir, 'from-file.html');
  const saved = join(dir, 'producer-retry.json');

  it('run --html writes the page; report --html writes the same page from the saved run, with no broker', async () => {
    const r = await runCli(['run', 'producer-retry', '--bootstrap', lab.broker.bootstrap, '--html', producer, '--out', saved], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`HTML report: ${producer}`);
    const again = await runCli(['report', saved, '--html', fromFile]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(fromFile, 'utf8')).toBe(readFileSync(producer, 'utf8'));
  }, 120_000);

  it('renders from disk: every variant with its verdict and diagram, nothing fetched, not blank', async () => {
    const { page, requests, close } = await openFile(producer, { anchor: 'producer-retry--idempotent' });
    try {
      expect(await page.title()).toBe('kafka-dup-lab: producer-retry');
      expect(await page.locator('article').count()).toBe(5);
      expect(await page.locator('article svg.diagram').count()).toBe(5);
      // The anchor a host jumps to is on screen, with its verdict and the lost acks in its diagram.
      const idempotent = page.locator('#producer-retry--idempotent');
      expect(await idempotent.isVisible()).toBe(true);
      expect(await idempotent.locator('.badge').innerText()).toBe('✗ BROKEN (duplicates, lost)');
      expect(await idempotent.locator('svg .mark.fault').count()).toBe(5);
      const box = await idempotent.locator('svg.diagram').boundingBox();
      expect(box!.width).toBeGreaterThan(800);
      expect(box!.y).toBeLessThan(900 * 2);
      const shot = await page.screenshot({ path: join(dir, 'producer-retry-idempotent.png') });
      // A blank 1280×900 page compresses to a few kB; text, tables and a diagram do not.
      expect(shot.length).toBeGreaterThan(40_000);
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
  }, 60_000);

  it('switches to the dark theme without script, and follows the system\'s dark preference', async () => {
    const { page, close } = await openFile(producer);
    try {
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(await background()).toBe('rgb(255, 255, 255)');
      await page.locator('label[for=theme-dark]').click();
      expect(await background()).toBe('rgb(17, 20, 24)');
    } finally {
      await close();
    }
    const dark = await openFile(producer, { dark: true });
    try {
      expect(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(17, 20, 24)');
    } finally {
      await dark.close();
    }
  }, 60_000);

  it('a consumer scenario: the crash point, the SIGKILL and the duplicate rows are in the diagram', async () => {
    const file = join(dir, 'consumer-crash.html');
    const r = await runCli(['run', 'consumer-crash', '--bootstrap', lab.broker.bootstrap, '--variant', 'auto-commit', '--html', file], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    const { page, requests, close } = await openFile(file, { anchor: 'consumer-crash--auto-commit' });
    try {
      const diagram = page.locator('#consumer-crash--auto-commit svg.diagram');
      const labels = await diagram.locator('text.label.key').allTextContents();
      expect(labels).toEqual(expect.arrayContaining(['SIGKILL', expect.stringMatching(/^crash point: \d+ applied, not committed$/), expect.stringMatching(/^database: \d+ rows, \d+ extra$/)]));
      await page.screenshot({ path: join(dir, 'consumer-crash-auto-commit.png') });
      expect(requests).toEqual([]);
    } finally {
      await close();
    }
    expect(statSync(file).size).toBeLessThan(1_000_000);
  }, 120_000);
});
