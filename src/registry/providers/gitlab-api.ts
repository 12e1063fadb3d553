// GitLab's REST API (`{instance}/api/v4`) for the gitlab provider: where the instance is (the user's API URL, or the
// origin of the registry's `/jwt/auth` token realm), how the registry login authenticates there (its password as a
// PRIVATE-TOKEN, or as a JOB-TOKEN for the user `gitlab-ci-token`), GitLab's answers in plain words (a missing
// `read_api` or `api` scope named, 429 with when to try again), its pages (Link rel="next", keyset or offset, with
// the guards of every listing: no loop, no other host, the announced X-Total reached), and its RateLimit-* headers.
import { findChallenge, parseChallenges } from '../challenge';
import { RegistryError } from '../errors';
import { redact } from '../redact';
import type { Session } from '../session';
import { waitText } from '../status';
import { header, parseRetryAfter, type HttpResponse } from '../transport';
import { apiOrigin, createApiSession, type ApiSession } from './api';
import { allApiPages, incompleteList } from './api-paging';
import { jsonBody } from './paging';
import type { Quota } from './types';
import type { Credential } from '../types';

export const JOB_TOKEN_USER = 'gitlab-ci-token';

/** What a request is for, in words after "to" ("list the projects"), and whether it writes (then `api` is needed). */
export interface GitlabOp {
  action: string;
  /** What a 404 means, for the message: "the tag app:v1". */
  what?: string;
  write?: boolean;
}

export interface GitlabApi {
  /** A JSON answer (2xx), or a RegistryError in plain words. */
  json(path: string, op: GitlabOp, signal?: AbortSignal): Promise<unknown>;
  /** Every page from `first`, each page's JSON through `items`. */
  pages<T>(first: string, op: GitlabOp, items: (body: unknown) => T[], signal?: AbortSignal): Promise<T[]>;
  /** A DELETE that must succeed. */
  remove(path: string, op: GitlabOp, signal?: AbortSignal): Promise<void>;
  /** The login is a CI job token. */
  isJobToken(): Promise<boolean>;
  quota(): Quota | undefined;
}

/** The GitLab instance of a registry: the origin (and relative root) of its `/jwt/auth` realm. */
async function instanceFromRealm(session: Session, signal?: AbortSignal): Promise<string> {
  if (session.host === 'registry.gitlab.com') return 'https://gitlab.com';
  const res = await session.send('/v2/', { method: 'GET', login: 'none', signal });
  const realmText = findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer')?.params.realm;
  let realm: URL | undefined;
  try {
    realm = new URL(realmText ?? '');
  } catch {
    realm = undefined;
  }
  if (!realm || !realm.pathname.endsWith('/jwt/auth')) {
    throw new RegistryError('NOT_SUPPORTED', `${session.host} does not name its GitLab instance (its token realm is not a GitLab /jwt/auth)`, {
      fix: 'Give the GitLab instance’s address as the API URL, e.g. https://gitlab.example.com.',
    });
  }
  const registry = new URL(await session.baseUrl(signal));
  if (realm.protocol === 'http:' && (registry.protocol === 'https:' || realm.hostname !== registry.hostname)) {
    throw new RegistryError('UNSAFE_AUTH', `${session.host} names a GitLab instance on plain http (${realm.host}); the token was not sent there`, {
      fix: 'Refused so the token cannot be read on the network. Give the instance’s https address as the API URL.',
    });
  }
  return `${realm.origin}${realm.pathname.slice(0, -'/jwt/auth'.length)}`;
}

/** `{instance}/api/v4`, whether the user's API URL names the instance or its API. */
async function apiBase(session: Session, signal?: AbortSignal): Promise<string> {
  const instance = session.hosted.apiUrl !== undefined ? apiOrigin(session, '') : apiOrigin(session, await instanceFromRealm(session, signal));
  return `${instance.replace(/\/api\/v4$/, '')}/api/v4`;
}

/** GitLab's own words in an error answer (`message`, or `error` and `error_description`), redacted and short. */
function said(res: HttpResponse, secrets: Iterable<string>): string {
  try {
    const body = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    const text = [body.message, body.error_description ?? body.error].find((v) => typeof v === 'string' && v) as string | undefined;
    return text ? ` (${redact(text, secrets).slice(0, 200)})` : '';
  } catch {
    return '';
  }
}

function insufficientScope(res: HttpResponse): boolean {
  if (findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer')?.params.error === 'insufficient_scope') return true;
  try {
    return (JSON.parse(res.body.toString('utf8')) as { error?: unknown })?.error === 'insufficient_scope';
  } catch {
    return false;
  }
}

/** How long until GitLab takes requests again: Retry-After, else RateLimit-Reset (Unix seconds). */
function waitMs(res: HttpResponse): number | undefined {
  const after = parseRetryAfter(header(res, 'retry-after'));
  if (after !== undefined) return after;
  const reset = Number(header(res, 'ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined;
}

interface Who {
  host: string;
  job: boolean;
  username?: string;
  secrets: string[];
}

/** A GitLab answer that is not the one wanted, in plain words. */
export function gitlabError(res: HttpResponse, op: GitlabOp, who: Who): RegistryError {
  const { status } = res;
  const at = `GitLab at ${who.host}`;
  const words = said(res, who.secrets);
  const scope = op.write ? 'api' : 'read_api';
  if (status === 401) {
    return who.job
      ? new RegistryError('UNAUTHORIZED', `${at} rejected the CI job token${words}`, {
          status,
          need: 'credentials',
          fix: 'A CI job token works only while its job runs, and only for its own project.',
        })
      : new RegistryError('UNAUTHORIZED', `${at} rejected the token${who.username ? ` of the user ${who.username}` : ''}${words}`, {
          status,
          need: 'credentials',
          fix: `Log in with a personal, project or group access token with the ${scope} scope as the password; a deploy token or an account password is not taken by GitLab’s API.`,
        });
  }
  if (status === 403 && insufficientScope(res)) {
    return new RegistryError('INSUFFICIENT_SCOPE', `the token lacks the ${scope} scope ${at} needs to ${op.action}`, {
      status,
      scope,
      need: 'permission',
      fix: `Log in with an access token that has the ${scope} scope.`,
    });
  }
  if (status === 403) {
    return new RegistryError('FORBIDDEN', `${at} does not allow you to ${op.action}${words}`, {
      status,
      need: 'permission',
      fix: op.write
        ? 'The tag may be protected (Settings → Packages and registries → Protected container tags), or the token’s user needs the Developer role or above, with a token that has the api scope.'
        : 'The token’s user needs access to the project (the Reporter role or above), with a token that has the read_api scope.',
    });
  }
  if (status === 404) {
    return new RegistryError('NOT_FOUND', `${op.what ?? 'that'} was not found on ${at}`, { status, fix: 'Check the name; it may have been deleted already, or the token cannot see its project.' });
  }
  if (status === 429) {
    const wait = waitMs(res);
    return new RegistryError('RATE_LIMITED', `${at} is rate-limiting requests; could not ${op.action}`, {
      status,
      fix: `${wait === undefined ? 'Wait a little' : `Wait ${waitText(wait)}`} and try again, or lower the concurrency.`,
    });
  }
  if (status >= 500) return new RegistryError('SERVER', `${at} failed with ${status} while trying to ${op.action}${words}`, { status, fix: 'GitLab has a problem; try again later.' });
  return new RegistryError('BAD_RESPONSE', `${at} answered ${status} when asked to ${op.action}${words}`, { status });
}

export function createGitlabApi(session: Session): GitlabApi {
  let pendingApi: Promise<ApiSession & { base: string }> | undefined;
  let pendingCredential: Promise<Credential | undefined> | undefined;
  let last: Quota | undefined;
  /** Asked once per client: a credential helper may be slow. */
  const credential = (): Promise<Credential | undefined> => {
    pendingCredential ??= session.hosted.credential();
    pendingCredential.catch(() => (pendingCredential = undefined));
    return pendingCredential;
  };
  const api = (signal?: AbortSignal): Promise<ApiSession & { base: string }> => {
    pendingApi ??= apiBase(session, signal).then((base) => ({ ...createApiSession(session, base), base }));
    pendingApi.catch(() => (pendingApi = undefined));
    return pendingApi;
  };

  async function login(a: ApiSession): Promise<{ headers: Record<string, string>; who: Who }> {
    const cred = await credential();
    const host = new URL(a.origin).host;
    if (!cred?.password) {
      throw new RegistryError('UNAUTHORIZED', `GitLab’s API at ${host} needs a token, and the login for ${session.host} has none`, {
        need: 'login',
        fix: 'Log in with a personal, project or group access token (scope read_api, or api to untag) as the password.',
      });
    }
    a.keepSecret(cred.password);
    const job = cred.username === JOB_TOKEN_USER;
    return { headers: job ? { 'JOB-TOKEN': cred.password } : { 'PRIVATE-TOKEN': cred.password }, who: { host, job, username: cred.username, secrets: a.secrets() } };
  }

  function remember(res: HttpResponse): void {
    const [limit, remaining, reset] = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((h) => Number(header(res, h) ?? NaN));
    if (!Number.isFinite(limit) || !Number.isFinite(remaining)) return;
    last = { limit, remaining, ...(Number.isFinite(reset) && reset > 0 ? { resetsAt: new Date(reset * 1000) } : {}) };
  }

  /** One request; the answer when 2xx, else the error. */
  async function call(target: string, op: GitlabOp, method: 'GET' | 'DELETE', signal?: AbortSignal): Promise<HttpResponse> {
    const a = await api(signal);
    const { headers, who } = await login(a);
    const res = await a.send(target, { method, headers, signal });
    remember(res);
    if (res.status >= 200 && res.status < 300) return res;
    throw gitlabError(res, op, { ...who, secrets: a.secrets() });
  }

  /** Every page of a GitLab list (Link rel="next"), refused as incomplete unless it holds the X-Total announced. */
  async function pages<T>(first: string, op: GitlabOp, items: (body: unknown) => T[], signal?: AbortSignal): Promise<T[]> {
    const a = await api(signal);
    const what = `the answer to "${op.action}"`;
    return allApiPages({ send: (target) => call(target, op, 'GET', signal) }, `${a.base}${first}`, {
      what,
      items: (res) => items(jsonBody(res, `an answer to "${op.action}"`, a.host)),
      announced: (res) => {
        const total = Number(header(res, 'x-total'));
        return header(res, 'x-total') !== undefined && Number.isFinite(total) ? total : undefined;
      },
      refused: (res) => incompleteList(what, `GitLab answered ${res.status} for a page`),
    });
  }

  return {
    json: async (path, op, signal) => {
      const a = await api(signal);
      return jsonBody(await call(path, op, 'GET', signal), `an answer to "${op.action}"`, a.host);
    },
    pages,
    remove: async (path, op, signal) => void (await call(path, op, 'DELETE', signal)),
    isJobToken: async () => (await credential())?.username === JOB_TOKEN_USER,
    quota: () => last,
  };
}
