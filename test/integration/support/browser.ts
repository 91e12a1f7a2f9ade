// Opens a page in a real headless Chromium (Debian's chromium, driven by playwright-core) and records every request it makes.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.KAFKA_DUP_LAB_TEST_CHROMIUM ?? '/usr/bin/chromium';
/** CI sets KAFKA_DUP_LAB_REQUIRE_BROWSER=1: there a missing Chromium fails the tests instead of skipping them. */
export const browserTestsRun = existsSync(CHROMIUM) || process.env.KAFKA_DUP_LAB_REQUIRE_BROWSER === '1';

export interface OpenedPage {
  page: Page;
  /** Every URL the page asked for that is not the file itself. */
  requests: string[];
  close(): Promise<void>;
}

export async function openFile(file: string, options: { anchor?: string; dark?: boolean } = {}): Promise<OpenedPage> {
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As root in a sandbox-less machine; the background services would try the network on their own.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: options.dark ? 'dark' : 'light' });
  const requests: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(`file://${file}`)) requests.push(r.url());
  });
  await page.goto(`file://${file}${options.anchor ? `#${options.anchor}` : ''}`);
  return { page, requests, close: () => browser.close() };
}
