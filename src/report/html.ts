// The report as one self-contained HTML page for a projector or print: inline CSS and SVG, no script, no network. Pure.
import type { ScenarioResult } from '../core/runner.js';
import type { Scenario } from '../core/scenario.js';
import type { VariantResult } from '../core/types.js';
import { countCell, noteLine, promiseCell } from './cells.js';
import { escapeXml as esc, renderDiagram } from './html-diagram.js';
import type { ReportHeader } from './json.js';
import { summaryRows } from './summary.js';

export interface HtmlContext {
  header: ReportHeader;
  /** The client the counts are about, e.g. "kafkajs 2.2.4". */
  client: string;
  /** The lab's version, for the footer. */
  labVersion: string;
}

/** The anchor of a variant's section: "#producer-retry--idempotent", so a host can jump to it. */
export function variantAnchor(scenario: string, variant: string): string {
  return `${scenario}--${variant}`;
}

export function renderHtml(runs: ScenarioResult[], scenarios: Scenario[], context: HtmlContext): string {
  const sections = runs.map((run) => {
    const scenario = scenarios.find((s) => s.name === run.scenario);
    return scenario ? scenarioSection(scenario, run) : '';
  });
  const contents = runs
    .map(
      (run) =>
        `<li><a href="#${esc(run.scenario)}">${esc(run.scenario)}</a>: ${run.results
          .map((r) => `<a href="#${esc(variantAnchor(run.scenario, r.variant))}">${esc(r.variant)}</a>`)
          .join(', ')}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kafka-dup-lab: ${esc(runs.map((r) => r.scenario).join(', '))}</title>
<style>${STYLE}</style>
</head>
<body>
<input type="radio" name="theme" id="theme-auto" checked><input type="radio" name="theme" id="theme-light"><input type="radio" name="theme" id="theme-dark">
<div class="page">
<header>
<h1>kafka-dup-lab</h1>
<p class="run">broker: ${esc(context.header.broker.description)} · client: ${esc(context.client)}${(context.header.services ?? []).map((s) => ` · ${esc(s)}`).join('')}</p>
<p class="themes">theme: <label for="theme-auto">auto</label> <label for="theme-light">light</label> <label for="theme-dark">dark</label></p>
<nav><ol>${contents}</ol></nav>
</header>
${sections.join('\n')}
${runs.length > 1 ? summarySection(runs, scenarios) : ''}
<footer>kafka-dup-lab ${esc(context.labVersion)}: every count read back from a real broker; "pred" is what the theory predicts from the faults and the workers' own records.</footer>
</div>
</body>
</html>
`;
}

function scenarioSection(scenario: Scenario, run: ScenarioResult): string {
  const head = ['variant', ...scenario.columns.map((c) => c.label), 'promise'];
  const rows = run.results.map(
    (r) =>
      `<tr><th scope="row"><a href="#${esc(variantAnchor(run.scenario, r.variant))}">${esc(r.variant)}</a></th>${scenario.columns
        .map((c) => `<td>${esc(countCell(r, c, run.results))}</td>`)
        .join('')}<td>${promiseBadge(r)}</td></tr>`,
  );
  return `<section id="${esc(run.scenario)}">
<h2>${esc(run.scenario)}</h2>
<p class="summary">${esc(run.summary)}</p>
<p class="run">seed ${run.seed} · ${run.messages} messages · ${run.faults} fault${run.faults === 1 ? '' : 's'}</p>
<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>
${run.results.map((r) => variantArticle(scenario, run, r)).join('\n')}
</section>`;
}

function variantArticle(scenario: Scenario, run: ScenarioResult, r: VariantResult): string {
  const id = variantAnchor(run.scenario, r.variant);
  // The counts that carry a prediction, or the promise, first: the moment that made the difference.
  const highlighted = scenario.columns.filter((c) => c.predicted || c.key in r.expect);
  const facts = highlighted
    .map((c) => `<span class="fact${c.key in r.expect && r.brokenBy.includes(c.key) ? ' broken' : ''}"><b>${esc(countCell(r, c))}</b> ${esc(c.label)}</span>`)
    .join(' ');
  const diagram = r.skipped || r.error ? '' : renderDiagram(r, `${run.scenario} ${r.variant}: what happened, in time`);
  return `<article id="${esc(id)}">
<h3><a href="#${esc(id)}">${esc(r.variant)}</a> ${promiseBadge(r)}</h3>
<p class="why">${esc(r.title)}: ${esc(r.why)}</p>
${facts ? `<p class="facts">${facts}</p>` : ''}
<p class="note">${esc(noteLine(r))}</p>
${diagram}
</article>`;
}

function promiseBadge(r: VariantResult): string {
  const text = promiseCell(r);
  const kind = r.skipped ? 'skipped' : r.error ? 'error' : r.promise;
  const mark = kind === 'kept' ? '✓ ' : kind === 'broken' || kind === 'error' ? '✗ ' : '';
  return `<span class="badge ${kind}">${mark}${esc(text)}</span>`;
}

function summarySection(runs: ScenarioResult[], scenarios: Scenario[]): string {
  const rows = summaryRows(runs, scenarios).map(
    (row) =>
      `<tr><th scope="row"><a href="#${esc(variantAnchor(row.scenario, row.variant))}">${esc(row.scenario)} / ${esc(row.variant)}</a></th><td>${esc(row.duplicates)}</td><td>${esc(row.lost)}</td><td>${esc(row.outOfOrder)}</td><td>${esc(row.promise)}</td></tr>`,
  );
  return `<section id="summary"><h2>Summary</h2>
<table><thead><tr><th scope="col">scenario / variant</th><th scope="col">duplicates</th><th scope="col">lost</th><th scope="col">out-of-order</th><th scope="col">promise</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

/**
 * Large type for a projector; the Okabe–Ito palette (safe for colour-blind eyes) with shapes and
 * marks (✓ ✗, diamonds, crosses) that keep their meaning in grayscale and print; light, dark, or the
 * system's choice, switched without script.
 */
const STYLE = `
:root { --bg: #ffffff; --fg: #111111; --muted: #555555; --lane: #f3f3f3; --lane2: #e9e9e9; --line: #888888;
  --ok: #007a5a; --bad: #c0392b; --accent: #d55e00; --bar: #0072b2; --worker: #444444; }
@media (prefers-color-scheme: dark) { :root { --bg: #111418; --fg: #eeeeee; --muted: #aaaaaa; --lane: #1c2128; --lane2: #232a33;
  --line: #777777; --ok: #3ddc97; --bad: #ff7a6b; --accent: #ff9e4a; --bar: #56b4e9; --worker: #dddddd; } }
body:has(#theme-light:checked) { --bg: #ffffff; --fg: #111111; --muted: #555555; --lane: #f3f3f3; --lane2: #e9e9e9; --line: #888888;
  --ok: #007a5a; --bad: #c0392b; --accent: #d55e00; --bar: #0072b2; --worker: #444444; }
body:has(#theme-dark:checked) { --bg: #111418; --fg: #eeeeee; --muted: #aaaaaa; --lane: #1c2128; --lane2: #232a33;
  --line: #777777; --ok: #3ddc97; --bad: #ff7a6b; --accent: #ff9e4a; --bar: #56b4e9; --worker: #dddddd; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 20px/1.45 system-ui, "DejaVu Sans", sans-serif; }
input[name=theme] { position: absolute; left: -1000px; }
.page { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 2.2em; margin: 0 0 8px; } h2 { font-size: 1.7em; margin: 48px 0 4px; border-bottom: 3px solid var(--line); }
h3 { font-size: 1.3em; margin: 32px 0 4px; } a { color: inherit; } h3 a { text-decoration: none; }
.run, .why, .themes, footer { color: var(--muted); font-size: 0.85em; } .summary { font-size: 1.1em; margin: 4px 0; }
.themes label { border: 1px solid var(--line); border-radius: 6px; padding: 2px 10px; cursor: pointer; }
nav ol { font-size: 0.85em; padding-left: 1.2em; }
table { border-collapse: collapse; margin: 12px 0; font-size: 0.85em; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; } thead th { background: var(--lane2); }
.badge { display: inline-block; border-radius: 6px; padding: 0 8px; font-size: 0.8em; font-weight: 700; border: 2px solid currentColor; }
.badge.kept { color: var(--ok); } .badge.broken, .badge.error { color: var(--bad); } .badge.none, .badge.skipped { color: var(--muted); border-style: dashed; }
.facts .fact { margin-right: 24px; font-size: 1.1em; } .facts .fact.broken b { color: var(--bad); text-decoration: underline; }
.note { max-width: 60em; }
svg.diagram { width: 100%; height: auto; margin: 8px 0 16px; font: 13px system-ui, "DejaVu Sans", sans-serif; }
svg .lane { fill: var(--lane); } svg .lane.odd { fill: var(--lane2); } svg .track { stroke: var(--line); stroke-width: 1; }
svg .lane-title { fill: var(--fg); font-weight: 700; } svg .label { fill: var(--muted); } svg .label.key { fill: var(--fg); font-weight: 700; }
svg .axis { fill: var(--muted); } svg .gap { stroke: var(--muted); stroke-width: 2; stroke-dasharray: 4 4; }
svg .mark { fill: var(--worker); stroke: var(--worker); stroke-width: 2; } svg .mark.bar { fill: var(--bar); stroke: none; opacity: 0.8; }
svg .mark.key { fill: var(--accent); stroke: var(--accent); stroke-width: 3; }
svg .mark.kill, svg .mark.refused, svg .mark.pause, svg .mark.flag { fill: none; stroke-width: 3; }
svg .mark.commit { fill: var(--ok); stroke: none; } svg .mark.read { fill: none; stroke-width: 2; } svg .mark.read.key { fill: none; stroke-width: 4; }
svg .mark.retry { fill: var(--bg); } svg .retry-arrow { fill: var(--worker); stroke: none; }
@media print { body { font-size: 12pt; } .themes, input { display: none; } article, svg { break-inside: avoid; } }
`;
