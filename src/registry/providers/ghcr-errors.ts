// GitHub's REST answers that are not the one wanted, in plain words (ghcr.ts): a bad token (401), a token without the
// scope the request needs (403 naming it in X-Accepted-OAuth-Scopes or its message), the rate limit (403/429 with
// Retry-After, or the hour's quota used up: x-ratelimit-remaining 0 until x-ratelimit-reset), no rights (403), an
// unknown package (404). GitHub's own message is quoted after redaction; the token never is.
import { RegistryError } from '../errors';
import { redact } from '../redact';
import { waitText } from '../status';
import { header, parseRetryAfter, type HttpResponse } from '../transport';
import type { Quota } from './types';

/** What was asked, for messages and for the scope it needs. */
export interface GithubAsk {
  /** After "could not": "list the versions of octo/app". */
  what: string;
  /** The classic token scope the request needs. */
  scope: 'read:packages' | 'delete:packages';
}

export const TOKEN_PAGE = 'github.com → Settings → Developer settings → Personal access tokens (classic)';

/** GitHub's `{message}` of an error answer, redacted and cut short; '' when there is none. */
export function githubMessage(res: HttpResponse, secrets: Iterable<string>): string {
  try {
    const message = JSON.parse(res.body.toString('utf8'))?.message;
    return typeof message === 'string' && message ? redact(message, secrets).slice(0, 200) : '';
  } catch {
    return '';
  }
}

/** The quota GitHub's `x-ratelimit-*` headers state, or undefined when they are absent or unreadable. */
export function quotaOf(res: HttpResponse): Quota | undefined {
  const limit = Number(header(res, 'x-ratelimit-limit'));
  const remaining = Number(header(res, 'x-ratelimit-remaining'));
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || header(res, 'x-ratelimit-limit') === undefined) return undefined;
  const reset = Number(header(res, 'x-ratelimit-reset'));
  return { limit, remaining, ...(Number.isFinite(reset) && reset > 0 ? { resetsAt: new Date(reset * 1000) } : {}) };
}

/** "14:05 UTC (in 12 minutes)". */
function resetText(at: Date): string {
  return `${at.toISOString().slice(11, 16)} UTC (in ${waitText(at.getTime() - Date.now())})`;
}

function rateLimited(res: HttpResponse, ask: GithubAsk, host: string): RegistryError | undefined {
  const wait = parseRetryAfter(header(res, 'retry-after'));
  const quota = quotaOf(res);
  const usedUp = quota?.remaining === 0;
  if (res.status !== 429 && wait === undefined && !usedUp) return undefined;
  const message = `GitHub’s API is limiting the requests of this token; could not ${ask.what} on ${host}`;
  if (wait !== undefined) return new RegistryError('RATE_LIMITED', message, { status: res.status, fix: `Wait ${waitText(wait)} and try again, or lower the concurrency.` });
  if (usedUp && quota?.resetsAt) {
    return new RegistryError('RATE_LIMITED', message, {
      status: res.status,
      fix: `The token’s ${quota.limit} requests an hour are used up; they are renewed at ${resetText(quota.resetsAt)}. Try again then.`,
    });
  }
  return new RegistryError('RATE_LIMITED', message, { status: res.status, fix: 'Wait a few minutes and try again, or lower the concurrency.' });
}

export const scopeList = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/**
 * The scope a 403 says is missing: with the token's scopes (X-OAuth-Scopes), the first of those the request needs
 * (its own, read:packages beside delete:packages, X-Accepted-OAuth-Scopes, one the message names) the token lacks;
 * without them, the scope the message names. write:packages includes read:packages.
 */
function missingScope(res: HttpResponse, ask: GithubAsk, said: string): string | undefined {
  const named = said.match(/\b(?:read|write|delete):packages\b/)?.[0];
  const grantedHeader = header(res, 'x-oauth-scopes');
  if (grantedHeader === undefined) return named;
  const granted = scopeList(grantedHeader);
  const has = (s: string): boolean => granted.includes(s) || (s === 'read:packages' && granted.includes('write:packages'));
  const needed = [ask.scope, ...(ask.scope === 'delete:packages' ? ['read:packages'] : []), ...scopeList(header(res, 'x-accepted-oauth-scopes')), ...(named ? [named] : [])];
  return needed.filter((s) => s.endsWith(':packages')).find((s) => !has(s));
}

/** The error for a GitHub answer that is not the one wanted, while doing `ask`. */
export function githubError(res: HttpResponse, ask: GithubAsk, host: string, secrets: Iterable<string>): RegistryError {
  const said = githubMessage(res, secrets);
  const quoted = said ? ` (GitHub said: ${said})` : '';
  const status = res.status;
  if (status === 401) {
    return new RegistryError('UNAUTHORIZED', `GitHub did not accept the token for ${host}: it is wrong, expired or revoked; could not ${ask.what}${quoted}`, {
      status,
      need: 'credentials',
      fix: `Log in with a valid personal access token (classic) with the read:packages scope (and delete:packages to delete); make one at ${TOKEN_PAGE}.`,
    });
  }
  if (status === 403 || status === 429) {
    const limited = rateLimited(res, ask, host);
    if (limited) return limited;
  }
  if (status === 403) {
    const scope = missingScope(res, ask, said);
    if (scope) {
      return new RegistryError('INSUFFICIENT_SCOPE', `the GitHub token for ${host} lacks the ${scope} scope needed to ${ask.what}`, {
        status,
        scope,
        need: 'permission',
        fix: `Add the ${scope} scope to the personal access token (classic) at ${TOKEN_PAGE}, or make a new one with it, and log in with it.`,
      });
    }
    return new RegistryError('FORBIDDEN', `GitHub does not allow this login to ${ask.what}${quoted}`, {
      status,
      need: 'permission',
      fix:
        ask.scope === 'delete:packages'
          ? 'Deleting a package version needs admin rights on the package (in an organisation, an admin of the package or of the organisation).'
          : 'The login needs read access to the package (and, in an organisation with SAML single sign-on, the token authorised for it).',
    });
  }
  if (status === 404) {
    return new RegistryError('NOT_FOUND', `GitHub knows no such package, or this login cannot see it; could not ${ask.what}`, {
      status,
      fix: 'Check the owner and package name (ghcr.io/OWNER/PACKAGE), and that the token’s account can see the package.',
    });
  }
  if (status >= 500) return new RegistryError('SERVER', `GitHub’s API failed with ${status} while trying to ${ask.what}${quoted}`, { status, fix: 'GitHub has a problem; try again later.' });
  return new RegistryError('BAD_RESPONSE', `GitHub’s API answered ${status} when asked to ${ask.what}${quoted}`, { status });
}
