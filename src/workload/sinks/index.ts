// Opens, prepares and reads back the business database wherever it lives (SQLite file or PostgreSQL schema).
import { dropPostgresSchema, initPostgres, openPostgresSink, readPostgresEffects } from './postgres-sink.js';
import type { EffectsReadBack, Sink, SinkLocation } from './sink.js';
import { initSqlite, openSqliteSink, readSqliteEffects } from './sqlite-sink.js';

export type { EffectsReadBack, Sink, SinkLocation } from './sink.js';

export async function initSink(location: SinkLocation): Promise<void> {
  if (location.kind === 'sqlite') initSqlite(location.file);
  else await initPostgres(location.url, location.schema);
}

export async function openSink(location: SinkLocation): Promise<Sink> {
  return location.kind === 'sqlite' ? openSqliteSink(location.file) : openPostgresSink(location.url, location.schema);
}

export async function readEffects(location: SinkLocation): Promise<EffectsReadBack> {
  return location.kind === 'sqlite' ? readSqliteEffects(location.file) : readPostgresEffects(location.url, location.schema);
}

/** Removes a variant's data (the SQLite file goes with the run's work dir). */
export async function dropSink(location: SinkLocation): Promise<void> {
  if (location.kind === 'postgres') await dropPostgresSchema(location.url, location.schema);
}
