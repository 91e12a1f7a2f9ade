// Pure evaluation of a variant's promise ("expect: { duplicates: 0 }") against its observed counts.
import type { CountName, Counts, Promise_ } from '../core/types.js';

export interface PromiseVerdict {
  promise: 'kept' | 'broken' | 'none';
  brokenBy: CountName[];
}

export function judgePromise(expect: Promise_, counts: Partial<Counts>): PromiseVerdict {
  const names = Object.keys(expect) as CountName[];
  if (names.length === 0) return { promise: 'none', brokenBy: [] };
  const brokenBy = names.filter((name) => counts[name] !== expect[name]);
  return { promise: brokenBy.length === 0 ? 'kept' : 'broken', brokenBy };
}
