// Walks a @platformatic/kafka error: it nests what went wrong in `errors` (its MultipleErrors, AggregateError) and `cause`.

export interface PlatformaticErrorLike {
  code?: string;
  apiId?: string;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
}

/** The error and every error nested in it, each once, outermost first. */
export function platformaticErrorTree(error: unknown): PlatformaticErrorLike[] {
  const seen = new Set<unknown>();
  const found: PlatformaticErrorLike[] = [];
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const e = stack.pop() as PlatformaticErrorLike | undefined;
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    found.push(e);
    stack.push(...(e.errors ?? []), e.cause);
  }
  return found;
}
