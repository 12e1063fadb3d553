// Requests to Docker Hub's API with the login's bearer token (renewed once when the API answers 401), and Hub's
// paging: every list answers `{count, next, previous, results}`, and `next` is the absolute URL of the next page.
// The pages are followed with the guards of the V2 listings (paging.ts): a next link to another origin, a link sent
// before, or too many pages means the list is not complete; so does a walk that ends with other than `count` distinct
// items (an item added or removed between pages shifts Hub's numbered pages). An incomplete list is never returned.
import { RegistryError } from '../errors';
import type { Operation } from '../status';
import type { HttpRequest, HttpResponse } from '../transport';
import type { ApiSession } from './api';
import { HUB, hubError, rememberQuota, type QuotaMemory } from './dockerhub-errors';
import type { HubLogin } from './dockerhub-login';

const MAX_PAGES = 10_000;
/** Hub's largest page (the published description: "Max of 100"). */
export const HUB_PAGE_SIZE = 100;

export interface HubApi {
  /** Sends with the login's token; after a 401, once more with a new token. `loggedIn`: a token was sent. */
  call(target: string, req: { method?: HttpRequest['method']; signal?: AbortSignal }): Promise<{ res: HttpResponse; loggedIn: boolean }>;
  /** The error for an unwanted answer, in plain words. */
  refused(res: HttpResponse, op: Operation, loggedIn: boolean): RegistryError;
  readonly origin: string;
}

export function createHubApi(api: ApiSession, login: HubLogin, quota: QuotaMemory): HubApi {
  async function once(target: string, method: HttpRequest['method'], authorization: string | undefined, signal?: AbortSignal): Promise<HttpResponse> {
    const res = await api.send(target, { method, authorization, signal });
    rememberQuota(quota, res);
    return res;
  }
  return {
    origin: api.origin,
    call: async (target, { method = 'GET', signal }) => {
      const first = await login.authorization(signal);
      const res = await once(target, method, first, signal);
      if (res.status !== 401 || first === undefined) return { res, loggedIn: first !== undefined };
      // The token expired early or was revoked: one new exchange, one more try.
      login.forget(first);
      const second = await login.authorization(signal);
      return { res: await once(target, method, second, signal), loggedIn: second !== undefined };
    },
    refused: (res, op, loggedIn) => hubError(res, op, api.secrets(), quota, loggedIn),
  };
}

function incomplete(what: string, why: string): RegistryError {
  return new RegistryError('INCOMPLETE_LIST', `${what} is incomplete: ${why}`, {
    fix: 'Nothing was changed, since the list is incomplete. Try again; if it stays so, report it to Docker.',
  });
}

export interface HubPageReader<T> {
  /** What is listed, for messages: "the tag list of team/app". */
  what: string;
  op: Operation;
  /** The items of one page's `results`. */
  items(results: Record<string, unknown>[]): T[];
  /** What makes an item distinct (its name). */
  key(item: T): string;
  signal?: AbortSignal;
}

interface HubPage {
  results: Record<string, unknown>[];
  next?: string;
  count?: number;
}

function pageOf(res: HttpResponse, what: string): HubPage {
  let body: { results?: unknown; next?: unknown; count?: unknown };
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new RegistryError('BAD_RESPONSE', `${HUB} sent ${what} that is not JSON`);
  }
  if (!body || typeof body !== 'object' || !Array.isArray(body.results)) throw new RegistryError('BAD_RESPONSE', `${HUB} sent ${what} without a "results" list`);
  if (body.next !== undefined && body.next !== null && typeof body.next !== 'string') throw new RegistryError('BAD_RESPONSE', `${HUB} sent ${what} with a "next" that is not a link`);
  return {
    results: body.results.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object'),
    next: typeof body.next === 'string' && body.next ? body.next : undefined,
    count: typeof body.count === 'number' && Number.isInteger(body.count) ? body.count : undefined,
  };
}

/** Every item of a Hub list from `first` (a path on the API), following `next` to the end, or INCOMPLETE_LIST. */
export async function allHubPages<T>(hub: HubApi, first: string, reader: HubPageReader<T>): Promise<T[]> {
  const byKey = new Map<string, T>();
  const seen = new Set<string>();
  let url = `${first}`;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const { res, loggedIn } = await hub.call(url, { signal: reader.signal });
    if (res.status !== 200) throw hub.refused(res, reader.op, loggedIn);
    const page = pageOf(res, reader.what);
    for (const item of reader.items(page.results)) byKey.set(reader.key(item), item);
    if (!page.next) {
      if (page.count !== undefined && page.count !== byKey.size) throw incomplete(reader.what, `${byKey.size} distinct items were read where ${HUB} counts ${page.count} (did it change while it was read?)`);
      return [...byKey.values()];
    }
    const next = new URL(page.next, new URL(res.url));
    if (next.origin !== hub.origin) throw incomplete(reader.what, `a next-page link names another host (${next.host})`);
    if (seen.has(next.href)) throw incomplete(reader.what, 'a next-page link was sent before (a paging loop)');
    seen.add(next.href);
    url = next.href;
  }
  throw incomplete(reader.what, `more than ${MAX_PAGES} pages`);
}
