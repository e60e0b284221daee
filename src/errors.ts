/**
 * A problem with the user's input or options. Front ends print `message` as one line and exit
 * non-zero; they never print a stack trace for it.
 */
export class SdiError extends Error {
  /** Process exit status the CLI uses for this error (2 = bad input or option). */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'SdiError';
    this.exitCode = exitCode;
  }
}

/** Throws an {@link SdiError} with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SdiError(message);
}
