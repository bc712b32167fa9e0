/**
 * Errors are values: every failure a user can cause is a `NexusError` with a stable code, a message
 * that says what to do, and (when it comes from a file) the position at fault.
 */
export interface SourcePosition {
  file: string;
  line?: number;
  col?: number;
}

/** One problem found in a file: printed as `path:line:col: message`. */
export interface Diagnostic extends SourcePosition {
  code: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.col ?? 1}`;
  return `${where}: ${d.message}`;
}

export class NexusError extends Error {
  override readonly name = 'NexusError';
  readonly code: string;
  readonly diagnostics: Diagnostic[];
  /** Process exit status the CLI uses when this error ends a command. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: { diagnostics?: Diagnostic[]; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.diagnostics = options.diagnostics ?? [];
    this.exitCode = options.exitCode ?? 1;
  }
}

export function isNexusError(e: unknown): e is NexusError {
  return e instanceof NexusError;
}

/** Turns whatever was thrown into an Error, keeping it as the cause. */
export function coerceError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export type Result<T, E = NexusError> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
