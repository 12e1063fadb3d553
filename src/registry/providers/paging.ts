// Following a hosted API's pages to the end, with the same guards as the V2 listings: a page link to another
// origin or one sent before, or too many pages, means the list is not complete, and an incomplete list is never
// returned (INCOMPLETE_LIST). Each page is asked for through the session (credentials only to the registry itself).
import { RegistryError } from '../errors';
import { nextLink } from '../link';
import type { Session, SessionRequest } from '../session';
import type { HttpResponse } from '../transport';

const MAX_PAGES = 10_000;

export interface PageReader<T> {
  /** What the request needs (scope, login). */
  request: Omit<SessionRequest, 'method'>;
  /** The items of one page's answer; throws BAD_RESPONSE when it is not the documented shape. */
  items(res: HttpResponse): T[];
  /** What is listed, for messages: "the tags of app". */
  what: string;
  /** The error for an answer that is not 200. */
  refused(res: HttpResponse): RegistryError;
}

function incomplete(what: string, why: string): RegistryError {
  return new RegistryError('INCOMPLETE_LIST', `${what} is incomplete: ${why}`, {
    fix: 'Nothing was changed, since the list is incomplete. Report the registry’s paging bug.',
  });
}

/** Every page, following `Link: <…>; rel="next"` from `first` (a path on the registry). */
export async function allLinkedPages<T>(session: Session, first: string, reader: PageReader<T>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let url = (await session.baseUrl(reader.request.signal)) + first;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const res = await session.send(url, { ...reader.request, method: 'GET' });
    if (res.status !== 200) throw reader.refused(res);
    const items = reader.items(res);
    out.push(...items);
    const next = items.length ? nextLink(res.headers.link, url) : undefined;
    if (!next) return out;
    if (new URL(next).origin !== new URL(url).origin) throw incomplete(reader.what, `a next-page link names another host (${new URL(next).host})`);
    if (seen.has(next)) throw incomplete(reader.what, 'a next-page link was sent before (a paging loop)');
    seen.add(next);
    url = next;
  }
  throw incomplete(reader.what, `more than ${MAX_PAGES} pages`);
}

/**
 * Every page of an API numbered by `page` (1-based) and `page_size`: until a short or empty page, or the total the
 * `X-Total-Count` header announces. The total, when given, must be reached.
 */
export async function allNumberedPages<T>(session: Session, path: string, pageSize: number, reader: PageReader<T>): Promise<T[]> {
  const out: T[] = [];
  const base = await session.baseUrl(reader.request.signal);
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await session.send(`${base}${path}${path.includes('?') ? '&' : '?'}page=${page}&page_size=${pageSize}`, { ...reader.request, method: 'GET' });
    if (res.status !== 200) throw reader.refused(res);
    const items = reader.items(res);
    out.push(...items);
    const total = Number(res.headers['x-total-count']);
    if (Number.isFinite(total) && out.length > total) throw incomplete(reader.what, `the pages hold more items (${out.length}) than the total announced (${total})`);
    if (items.length < pageSize || (Number.isFinite(total) && out.length === total)) {
      if (Number.isFinite(total) && out.length < total) throw incomplete(reader.what, `${out.length} of ${total} items could be read`);
      return out;
    }
  }
  throw incomplete(reader.what, `more than ${MAX_PAGES} pages`);
}

/** The JSON body, or BAD_RESPONSE naming what was expected. */
export function jsonBody(res: HttpResponse, what: string, host: string): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new RegistryError('BAD_RESPONSE', `${host} sent ${what} that is not JSON`);
  }
}

/** An ISO time, or undefined. */
export function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
