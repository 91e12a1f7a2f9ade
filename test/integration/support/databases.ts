// Reads the business databases with the databases' own command-line clients (sqlite3, psql, redis-cli): no lab code in between.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VariantResult } from '../../../src/core/types.js';

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

export interface Effects {
  /** Rows applied, in all. */
  rows: number;
  /** Distinct message ids applied. */
  messages: number;
  balance: number;
}

const EFFECTS_SQL = "SELECT COUNT(*), COUNT(DISTINCT message_id), (SELECT balance FROM account WHERE id = 1) FROM applied_orders";

function parseEffects(line: string): Effects {
  const [rows, messages, balance] = line.split('|').map(Number);
  return { rows: rows!, messages: messages!, balance: balance! };
}

/** The SQLite file a variant kept with --keep-data (resources.keepDataDir): <dir>/<scenario>-<variant>/<variant>.db. */
export function keptSqliteFile(keepDir: string, scenario: string, variant: string): string {
  const dir = join(keepDir, `${scenario}-${variant}`);
  const file = readdirSync(dir).find((f) => f.endsWith('.db'));
  if (!file) throw new Error(`no SQLite file in ${dir}`);
  return join(dir, file);
}

export function sqliteEffects(file: string): Effects {
  return parseEffects(run('sqlite3', ['-separator', '|', file, EFFECTS_SQL]));
}

/** The same from a PostgreSQL schema the lab left in place (--keep-data with --pg-url). */
export function psqlEffects(url: string, schema: string): Effects {
  const sql = EFFECTS_SQL.replace(/FROM (applied_orders|account)/g, `FROM ${schema}.$1`);
  return parseEffects(run('psql', [url, '-At', '-F', '|', '-c', sql]));
}

export function psqlSchemas(url: string, prefix: string): string[] {
  return run('psql', [url, '-At', '-c', `SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '${prefix}%' ORDER BY 1`])
    .split('\n')
    .filter(Boolean);
}

/** Redis keys matching a pattern, with redis-cli. */
export function redisKeys(url: string, pattern: string): string[] {
  return run('redis-cli', ['-u', url, '--scan', '--pattern', pattern]).split('\n').filter(Boolean);
}

/** The effect counts the lab reported for a variant, in sqliteEffectCounts' shape: what sqlite3 must read again. */
export function labEffectCounts(r: VariantResult): { effects?: number; duplicateEffects?: number; neverApplied?: number; balanceActual?: number } {
  return { effects: r.counts.effects, duplicateEffects: r.counts.duplicateEffects, neverApplied: r.counts.neverApplied, balanceActual: r.counts.balanceActual };
}

/** A kept SQLite business database as sqlite3 reads it, in the lab's terms: effects, duplicate effects, never applied, balance. */
export function sqliteEffectCounts(file: string, messages: number): { effects: number; duplicateEffects: number; neverApplied: number; balanceActual: number } {
  const e = sqliteEffects(file);
  return { effects: e.rows, duplicateEffects: e.rows - e.messages, neverApplied: messages - e.messages, balanceActual: e.balance };
}
