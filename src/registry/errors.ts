// Errors are values: what went wrong (message), why (cause), and what is needed to fix it (fix), in plain words.
// They never carry a secret: messages are built from hosts, repositories, tags and status codes, and any text a
// server sends is redacted before it is quoted. The engine never names a face's flags or buttons: when the user
// must supply something, `need` says what, and each face (regx, the extension) words how to give it.

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
  | 'DELETE_DISABLED' // 405 on a delete or untag
  | 'LOCKED' // the image or tag is locked (ACR) or immutable (Harbor): this one may not be deleted
  | 'UNTAG_UNSUPPORTED' // registry cannot delete a tag alone
  | 'CATALOG_UNAVAILABLE'
  | 'NOT_SUPPORTED' // the registry (its API) cannot do what was asked, e.g. list untagged manifests over V2
  | 'INCOMPLETE_LIST' // a listing that is not known to be complete, asked for where only a complete one will do
  | 'DIGEST_MISMATCH'
  | 'BAD_RESPONSE' // malformed reply
  | 'RATE_LIMITED'
  | 'SERVER' // 5xx
  | 'UNSAFE_AUTH'; // realm or redirect would leak credentials

/**
 * What the user must supply for the operation to work; each face says how to give it.
 * `login`: nobody is logged in and the registry wants someone; `credentials`: the login given was rejected;
 * `permission`: the login works but lacks a right (e.g. delete).
 */
export type Need = 'login' | 'credentials' | 'permission';

export interface ErrorDetails {
  cause?: unknown;
  fix?: string;
  status?: number;
  /** The scope that was missing, for INSUFFICIENT_SCOPE. */
  scope?: string;
  need?: Need;
}

export class RegistryError extends Error {
  readonly code: ErrorCode;
  readonly fix?: string;
  readonly status?: number;
  readonly scope?: string;
  readonly need?: Need;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.fix = details.fix;
    this.status = details.status;
    this.scope = details.scope;
    this.need = details.need;
  }
}

export function isRegistryError(e: unknown, code?: ErrorCode): e is RegistryError {
  return e instanceof RegistryError && (code === undefined || e.code === code);
}

/** The message and the fix of any thrown value (or of a `{message, fix}` record), for a face to lay out as it likes. */
export function describeError(e: unknown): { message: string; fix?: string } {
  if (e instanceof RegistryError) return { message: e.message, fix: e.fix };
  if (e instanceof Error) return { message: e.message };
  if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
    const { message, fix } = e as { message: string; fix?: unknown };
    return { message, fix: typeof fix === 'string' ? fix : undefined };
  }
  return { message: String(e) };
}

/** One sentence for a person: "message. Fix" (or just the message). */
export function errorSentence(e: unknown): string {
  const { message, fix } = describeError(e);
  return fix ? `${message}. ${fix}` : message;
}

/** Engine messages start in lower case (they read well after "regx: "); a toast or a tree row is a sentence. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Codes that every further delete in the same repository would meet too: a batch stops at the first. */
const STOPS_BATCH: ReadonlySet<ErrorCode> = new Set(['DELETE_DISABLED', 'UNAUTHORIZED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'UNSAFE_AUTH']);

export function stopsBatch(e: unknown): e is RegistryError {
  return e instanceof RegistryError && STOPS_BATCH.has(e.code);
}

/** A 404: the tag, digest or repository is not (or no longer) there. */
export function isGone(e: unknown): e is RegistryError {
  return isRegistryError(e, 'NOT_FOUND') || isRegistryError(e, 'MANIFEST_UNKNOWN');
}

/** New logins or other rights could help (401, 403, a missing scope). */
export function isAuthError(e: unknown): e is RegistryError {
  return isRegistryError(e, 'UNAUTHORIZED') || isRegistryError(e, 'FORBIDDEN') || isRegistryError(e, 'INSUFFICIENT_SCOPE');
}

export function badInput(message: string, fix?: string): RegistryError {
  return new RegistryError('BAD_INPUT', message, { fix });
}
