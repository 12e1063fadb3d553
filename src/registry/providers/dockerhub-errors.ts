// Docker Hub's API answers in plain words: what was refused, and what the user can do about it (a token with more
// access, a login, a wait until the rate limit resets). Hub's error bodies are `{detail, message}`; what they say is
// quoted only after redaction. The rate-limit headers of every answer are remembered for `quota()`.
import { RegistryError } from '../errors';
import { redact } from '../redact';
import { operationText, refText, waitText, type Operation } from '../status';
import { header, parseRetryAfter, type HttpResponse } from '../transport';
import type { Quota } from './types';

/** What the messages call the service: the API may sit behind the user's `apiUrl`, but it is Docker Hub's API. */
export const HUB = 'Docker Hub';

/** The last `X-RateLimit-*` headers seen. */
export interface QuotaMemory {
  last?: Quota;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/** A unix time in seconds (`X-RateLimit-Reset`, `X-Retry-After`) as a date. */
function unixTime(value: string | undefined): Date | undefined {
  const seconds = count(value);
  return seconds === undefined ? undefined : new Date(seconds * 1000);
}

export function rememberQuota(memory: QuotaMemory, res: HttpResponse): void {
  const limit = count(header(res, 'x-ratelimit-limit'));
  const remaining = count(header(res, 'x-ratelimit-remaining'));
  if (limit === undefined || remaining === undefined) return;
  memory.last = { limit, remaining, resetsAt: unixTime(header(res, 'x-ratelimit-reset')) };
}

/** Hub's own words from an error body, redacted and cut short, as ` (…)`; empty when it said nothing. */
function hubSaid(res: HttpResponse, secrets: Iterable<string>): string {
  try {
    const body = JSON.parse(res.body.toString('utf8')) as { detail?: unknown; message?: unknown };
    const text = typeof body.detail === 'string' && body.detail ? body.detail : typeof body.message === 'string' ? body.message : '';
    return text ? ` (${redact(text, secrets).slice(0, 200)})` : '';
  } catch {
    return '';
  }
}

/** When the rate limit lets requests through again: X-Retry-After (unix time, Hub's own), Retry-After, X-RateLimit-Reset. */
function resetAt(res: HttpResponse): Date | undefined {
  const hubRetry = unixTime(header(res, 'x-retry-after'));
  if (hubRetry) return hubRetry;
  const wait = parseRetryAfter(header(res, 'retry-after'));
  if (wait !== undefined) return new Date(Date.now() + wait);
  return unixTime(header(res, 'x-ratelimit-reset'));
}

function rateLimited(res: HttpResponse, action: string, memory: QuotaMemory): RegistryError {
  const at = resetAt(res);
  const limit = count(header(res, 'x-ratelimit-limit')) ?? memory.last?.limit;
  const when = at ? `Its limit resets in ${waitText(at.getTime() - Date.now())} (at ${at.toISOString().slice(11, 19)} UTC); try again then` : 'Wait a minute and try again';
  return new RegistryError('RATE_LIMITED', `${HUB}’s API is rate-limiting requests${limit ? ` (${limit} a minute)` : ''}; could not ${action}`, {
    status: res.status,
    fix: `${when}, or lower the concurrency.`,
  });
}

function forbiddenFix(op: Operation): string {
  if (op.verb === 'untag' || op.verb === 'delete') {
    return 'Deleting tags needs an access token with “Read, Write, Delete” access: create a personal access token with that access in Docker Hub (Account settings → Personal access tokens) and log in with it, or use an organisation access token allowed to delete in that repository.';
  }
  return 'The access token cannot read this: a “Public Repo Read-only” token reads public repositories only. Log in with a personal access token with at least “Read-only” access, or an organisation access token allowed to read the repository.';
}

function notFound(res: HttpResponse, op: Operation): RegistryError {
  if (op.verb === 'untag' || op.verb === 'delete') {
    return new RegistryError('NOT_FOUND', `${refText(op.repository, op.ref)} was not found on ${HUB}`, { status: res.status, fix: 'It may have been removed already.' });
  }
  const what = 'repository' in op ? `the repository ${op.repository}` : 'that namespace';
  return new RegistryError('NOT_FOUND', `${what} does not exist on ${HUB}, or this login cannot see it`, {
    status: res.status,
    fix: 'Check the name (official images are library/NAME); a private repository needs a login that can read it.',
  });
}

/**
 * The error for an API answer that is not the one wanted. `loggedIn`: whether the request carried a token (a 401 then
 * means the login is refused; without one, that a login is needed).
 */
export function hubError(res: HttpResponse, op: Operation, secrets: Iterable<string>, memory: QuotaMemory, loggedIn = true): RegistryError {
  const action = operationText(op, HUB);
  const said = hubSaid(res, secrets);
  const status = res.status;
  if (status === 401 && !loggedIn) {
    return new RegistryError('UNAUTHORIZED', `${HUB} asks for a login to ${action}${said}`, {
      status,
      need: 'login',
      fix: 'Log in with your Docker ID and a personal access token (Docker Hub → Account settings → Personal access tokens).',
    });
  }
  if (status === 401) {
    return new RegistryError('UNAUTHORIZED', `${HUB} refused the login’s access token to ${action}${said}`, {
      status,
      need: 'credentials',
      fix: 'Check the username and the access token (it may have expired or been revoked), then log in again.',
    });
  }
  if (status === 403) return new RegistryError('FORBIDDEN', `${HUB} does not allow this login to ${action}${said}`, { status, need: 'permission', fix: forbiddenFix(op) });
  if (status === 404) return notFound(res, op);
  if (status === 429) return rateLimited(res, action, memory);
  if (status >= 500) return new RegistryError('SERVER', `${HUB} failed with ${status} while trying to ${action}${said}`, { status, fix: 'Docker Hub has a problem; try again later.' });
  return new RegistryError('BAD_RESPONSE', `${HUB} answered ${status} when asked to ${action}${said}`, { status });
}
