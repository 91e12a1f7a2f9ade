// Who is running what on a shared broker, from the lab's topic names alone (dup-lab-<scenario>-<variant>-<suffix>-<run id>). Pure.
import { MEASURE_MARK } from '../core/runner.js';

export interface RoomRun {
  runId: string;
  scenario: string;
  topics: number;
}

/** The lab runs a broker's topics belong to, by run id and scenario; topics that are not the lab's are left out. */
export function runsOnBroker(topics: string[], scenarioNames: string[]): RoomRun[] {
  // Longest names first: "dual-write" must not be read as a scenario "dual" with variant "write-…".
  const names = [...scenarioNames].sort((a, b) => b.length - a.length);
  const runs = new Map<string, RoomRun>();
  for (const topic of topics) {
    if (!topic.startsWith('dup-lab-')) continue;
    const scenario = names.find((n) => topic.startsWith(`dup-lab-${n}-`));
    if (!scenario) continue;
    // A measurement's topics carry the run id with the runner's mark after it.
    const last = topic.slice(topic.lastIndexOf('-') + 1);
    const runId = last.endsWith(MEASURE_MARK) ? last.slice(0, -MEASURE_MARK.length) : last;
    const key = `${runId} ${scenario}`;
    const run = runs.get(key) ?? { runId, scenario, topics: 0 };
    run.topics++;
    runs.set(key, run);
  }
  return [...runs.values()].sort((a, b) => a.runId.localeCompare(b.runId) || a.scenario.localeCompare(b.scenario));
}

/** Lines for what changed between two looks at the broker: runs that appeared, and runs that are gone. */
export function roomChanges(before: RoomRun[], after: RoomRun[], time: string): string[] {
  const key = (r: RoomRun) => `${r.runId} ${r.scenario}`;
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  return [
    ...after.filter((r) => !was.has(key(r))).map((r) => `${time}  run ${r.runId}: ${r.scenario} started`),
    ...before.filter((r) => !is.has(key(r))).map((r) => `${time}  run ${r.runId}: ${r.scenario} done (its topics are gone)`),
  ];
}
