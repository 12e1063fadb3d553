// When to send a request again and how long to wait first: which answers and failures are passing faults, the
// backoff between attempts (exponential with jitter, or the server's Retry-After as seconds or an HTTP date), and
// the two bounds every retry loop keeps: a number of retries and a budget of time, waits included.
import { sleep } from './concurrency';
import type { RegistryError } from './errors';

export interface RetryPolicy {
  retries: number;
  /** First backoff delay; doubles each retry, with jitter. */
  retryBaseMs: number;
  /** No single wait longer than this, and no retrying past this much time in all (attempts and waits). */
  retryBudgetMs: number;
}

/** Longest backoff of our own between two attempts; a server's Retry-After may ask for more (up to the budget). */
const MAX_BACKOFF_MS = 10_000;

/** Answers worth another try: rate limiting and the 5xx a proxy or a busy registry sends in passing. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Retry-After as seconds or an HTTP date, in ms from now (0 for a date in the past); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names a day or month in letters; anything else (a negative or fractional number) is unreadable.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - Date.now());
}

/**
 * The wait before attempt `attempt + 1`: the server's Retry-After when it gives one, never more than the budget;
 * otherwise exponential backoff with jitter (half fixed, half random), never more than MAX_BACKOFF_MS.
 */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.retryBudgetMs);
  const ceiling = Math.min(policy.retryBaseMs * 2 ** attempt, MAX_BACKOFF_MS);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** One attempt's outcome: an answer (any status), or a failure that is a RegistryError. */
export type Outcome<T> = { answer: T; failure?: undefined } | { answer?: undefined; failure: RegistryError };

export interface RetryLoop<T> {
  /** Sends once. Throws for failures that must not be retried. */
  attempt(): Promise<Outcome<T>>;
  /** Whether this outcome is a passing fault worth another attempt. */
  retryable(outcome: Outcome<T>): boolean;
  /** The server's Retry-After for this answer, in ms, if it gave one. */
  retryAfterMs(answer: T): number | undefined;
  /** For the debug log: why the next attempt is made. */
  describe(outcome: Outcome<T>, waitMs: number): string;
  /** False: a single attempt (requests that are not safe to send twice). */
  retry: boolean;
  signal?: AbortSignal;
  onRetry?(message: string): void;
}

/**
 * Attempts until an outcome is not retryable, or the retries or the time budget run out. The last answer is
 * returned as it is (the caller words its status); the last failure is thrown. Waits end early on abort.
 */
export async function withRetries<T>(loop: RetryLoop<T>, policy: RetryPolicy): Promise<T> {
  const giveUpAt = Date.now() + policy.retryBudgetMs;
  for (let attempt = 0; ; attempt++) {
    const outcome = await loop.attempt();
    const last = !loop.retry || !loop.retryable(outcome) || attempt >= policy.retries;
    const wait = last ? 0 : backoffMs(attempt, outcome.answer === undefined ? undefined : loop.retryAfterMs(outcome.answer), policy);
    if (last || Date.now() + wait > giveUpAt) {
      if (outcome.failure) throw outcome.failure;
      return outcome.answer;
    }
    loop.onRetry?.(loop.describe(outcome, wait));
    await sleep(wait, loop.signal);
  }
}
