// Writes the HTML report for `run --html` and `report --html`, and says where it is.
import { writeFileSync } from 'node:fs';
import type { ScenarioResult } from '../core/runner.js';
import { CLIENT } from '../kafka/client.js';
import { renderHtml } from '../report/html.js';
import type { ReportHeader } from '../report/json.js';
import { scenarios } from '../../scenarios/index.js';
import { version } from './version.js';

export function writeHtmlReport(file: string, runs: ScenarioResult[], header: ReportHeader): void {
  writeFileSync(file, renderHtml(runs, scenarios, { header, client: CLIENT, labVersion: version() }));
  process.stderr.write(`HTML report: ${file} (open it in a browser; it needs no network)\n`);
}
