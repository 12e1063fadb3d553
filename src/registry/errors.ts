// Errors are values: what went wrong (message), why (cause), and what to do about it (fix), in plain words.
// They never carry a secret: callers build messages from hosts, repositories, tags and status codes only.

export type ErrorCode =
  | 'BAD_INPUT' // the user's input is malformed (reference, range, regex, flag)
  | 'NETWORK' // connection refused, reset, DNS
  | 'TLS' // certificate problems
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'UNAUTHORIZED' // 401: no or wrong credentials
  | 'FORBIDDEN' // 403
  | 'INSUFFICIENT_SCOPE' // token lacks an action
  | 'NOT_FOUND' // repository or tag unknown
  | 'MANIFEST_UNKNOWN'
  | 'ALREADY_GONE' // 404 on a DELETE that was retried or raced
  | 'DELETE_DISABLED' // 405 UNSUPPORTED on DELETE
  | 'UNTAG_UNSUPPORTED' // registry cannot delete a tag alone
  | 'CATALOG_UNAVAILABLE'
  | 'DIGEST_MISMATCH'
  | 'BAD_RESPONSE' // malformed reply
  | 'RATE_LIMITED'
  | 'SERVER' // 5xx
  | 'UNSAFE_AUTH'; // realm or redirect would leak credentials

export interface ErrorDetails {
  cause?: unknown;
  fix?: string;
  status?: number;
  /** The scope that was missing, for INSUFFICIENT_SCOPE. */
  scope?: string;
}

export class RegistryError extends Error {
  readonly code: ErrorCode;
  readonly fix?: string;
  readonly status?: number;
  readonly scope?: string;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.fix = details.fix;
    this.status = details.status;
    this.scope = details.scope;
  }
}

export function isRegistryError(e: unknown, code?: ErrorCode): e is RegistryError {
  return e instanceof RegistryError && (code === undefined || e.code === code);
}

/** One or two plain lines for a person: the message, then the fix when there is one. */
export function describeError(e: unknown): { message: string; fix?: string } {
  if (e instanceof RegistryError) return { message: e.message, fix: e.fix };
  if (e instanceof Error) return { message: e.message };
  return { message: String(e) };
}

export function badInput(message: string, fix?: string): RegistryError {
  return new RegistryError('BAD_INPUT', message, { fix });
}
