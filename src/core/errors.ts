// Errors that reach the user as one clear line: usage mistakes (exit 2) and environment problems (exit 1).

/** The user asked for something that does not exist or is malformed. Exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The machine lacks something the run needs (Java, Docker, a reachable broker). Exit code 1. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
