// Following a hosted service's own API (api.ts: Docker Hub, GitHub, GitLab) to its last page by `Link: <…>; rel="next"`,
// with the guards of the V2 listings and of paging.ts: a next link to another origin, a link sent before, or too many
// pages means the list is not complete, and an incomplete list is never returned (INCOMPLETE_LIST). The next link is
// checked before anything is sent, so the API's Authorization never follows it elsewhere.
import { RegistryError } from '../errors';
import { nextLink } from '../link';
import type { HttpResponse } from '../transport';
import type { ApiRequest, ApiSession } from './api';

export const MAX_API_PAGES = 10_000;

export interface ApiPageReader<T> {
  /** What each page's request carries (Authorization, headers, signal); the method is GET. */
  request?: Omit<ApiRequest, 'method'>;
  /** The items of one page's answer; throws BAD_RESPONSE when it is not the documented shape. */
  items(res: HttpResponse): T[];
  /** What is listed, for messages: "the packages of acme". */
  what: string;
  /** The error for an answer that is not 200. */
  refused(res: HttpResponse): RegistryError;
  /** The total the service announces (GitLab's X-Total), when it does: the pages must hold exactly that many. */
  announced?(res: HttpResponse): number | undefined;
}

/** Sends a request on the API: an ApiSession, or the provider's own wrapper around one (to read rate limits, say). */
export type ApiSender = Pick<ApiSession, 'send'>;

export function incompleteList(what: string, why: string): RegistryError {
  return new RegistryError('INCOMPLETE_LIST', `${what} is incomplete: ${why}`, {
    fix: 'Nothing was changed, since the list is incomplete. Report the paging bug to the service (or to the proxy in front of it).',
  });
}

/** The checked next page after `res`, or undefined on the last page. Throws INCOMPLETE_LIST for a link not to follow. */
function checkedNext(res: HttpResponse, itemCount: number, seen: Set<string>, what: string): string | undefined {
  const next = itemCount ? nextLink(res.headers.link, res.url) : undefined;
  if (!next) return undefined;
  const here = new URL(res.url);
  const there = new URL(next);
  if (there.origin !== here.origin) throw incompleteList(what, `a next-page link names another host (${there.host})`);
  if (seen.has(next)) throw incompleteList(what, 'a next-page link was sent before (a paging loop)');
  seen.add(next);
  return next;
}

/** Every item of every page from `first` (a path on the API, or an absolute URL on its origin), following `Link`. */
export async function allApiPages<T>(api: ApiSender, first: string, reader: ApiPageReader<T>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let target = first;
  let total: number | undefined;
  for (let pages = 0; pages < MAX_API_PAGES; pages++) {
    const res = await api.send(target, { ...reader.request, method: 'GET' });
    if (res.status !== 200) throw reader.refused(res);
    const items = reader.items(res);
    out.push(...items);
    total ??= reader.announced?.(res);
    seen.add(res.url);
    const next = checkedNext(res, items.length, seen, reader.what);
    if (next) {
      target = next;
      continue;
    }
    if (total !== undefined && out.length !== total) throw incompleteList(reader.what, `${out.length} items were read of the ${total} announced`);
    return out;
  }
  throw incompleteList(reader.what, `more than ${MAX_API_PAGES} pages`);
}
