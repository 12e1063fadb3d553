// Listing the catalog and a repository's tags: one page at a time, or every page.
//
// Safety rule: a list that is not known to be complete may be shown to someone browsing (marked incomplete),
// but can never drive a deletion. `listAll` therefore throws INCOMPLETE_LIST where `browseAll` returns what it
// read with the reason. Not complete: a next-page link that cannot be followed, a link sent before (a loop),
// the page cap reached, or a page that failed after the first.
//
// Next-page links come from the server. One that names another origin is never requested there: when its path
// is this same listing (a reverse proxy writing its internal host into Link is the usual cause), the page is read
// from the registry's own origin, with the registry's credentials; any other link leaves the list incomplete.
import { isRegistryError, RegistryError, describeError } from './errors';
import { nextLink } from './link';
import type { Session } from './session';
import { statusError } from './status';
import type { HttpResponse } from './transport';
import type { ListOptions, Listing, Page, PageOptions } from './types';

export type ListKind = 'catalog' | 'tags';

const LIST_PAGE = 1000;
const MAX_LIST_BODY = 64 * 1024 * 1024;

export interface Lister {
  page(kind: ListKind, repository: string | undefined, options?: PageOptions): Promise<Page<string>>;
  /** Every page it can read; `incomplete` says why when it could not read them all. Page 1 failing throws. */
  browseAll(kind: ListKind, repository: string | undefined, options?: ListOptions): Promise<Listing>;
  /** Every page, or INCOMPLETE_LIST: for anything that acts on the list. */
  listAll(kind: ListKind, repository: string | undefined, options?: ListOptions): Promise<string[]>;
}

function listPath(kind: ListKind, repository: string | undefined): string {
  return kind === 'catalog' ? '/v2/_catalog' : `/v2/${repository}/tags/list`;
}

export function createLister(session: Session): Lister {
  const { host, logger } = session;

  function catalogUnavailable(cause?: unknown): RegistryError {
    return new RegistryError('CATALOG_UNAVAILABLE', `the catalog is not available on ${host}: add repositories by name`, {
      cause,
      fix: 'This registry (or this account) cannot list its repositories; name the repository yourself, e.g. host/team/app.',
    });
  }

  /** Where the page after `pageUrl` is: on the registry's own origin, or undefined with why not. */
  function followable(next: string, pageUrl: string, path: string): { url?: string; why?: string } {
    const target = new URL(next);
    const own = new URL(pageUrl);
    if (target.origin === own.origin) return { url: next };
    if (target.pathname !== path) return { why: `the registry sent a next-page link to another host (${target.host}) that is not this listing` };
    const rebased = new URL(target.pathname + target.search, own.origin).toString();
    logger?.warn(`${host} sent a next-page link to another host (${target.host}); reading that page from ${own.host} instead`);
    return { url: rebased };
  }

  async function page(kind: ListKind, repository: string | undefined, opts: PageOptions = {}): Promise<Page<string>> {
    const base = await session.baseUrl(opts.signal);
    const path = listPath(kind, repository);
    let url = `${base}${path}?n=${opts.pageSize ?? LIST_PAGE}`;
    if (opts.cursor) {
      if (new URL(opts.cursor).origin !== new URL(base).origin) throw new RegistryError('BAD_INPUT', 'the page cursor does not belong to this registry');
      url = opts.cursor;
    }
    const op = kind === 'catalog' ? ({ verb: 'list-repositories' } as const) : ({ verb: 'list-tags', repository: repository! } as const);
    const scope = kind === 'catalog' ? 'registry:catalog:*' : `repository:${repository}:pull`;
    let res: HttpResponse;
    try {
      res = await session.send(url, { method: 'GET', scope, signal: opts.signal, maxBody: MAX_LIST_BODY });
    } catch (e) {
      if (kind === 'catalog' && isRegistryError(e, 'INSUFFICIENT_SCOPE')) throw catalogUnavailable(e);
      throw e;
    }
    if (kind === 'catalog' && (res.status === 404 || res.status === 403 || res.status === 405)) throw catalogUnavailable();
    if (res.status !== 200) throw statusError(res, op, host, session.secrets());
    const items = listItems(res, kind, repository, host);
    const link = items.length ? nextLink(res.headers.link, url) : undefined;
    if (!link) return { items };
    const { url: next, why } = followable(link, url, path);
    return next ? { items, next } : { items, stoppedBecause: why };
  }

  async function browseAll(kind: ListKind, repository: string | undefined, opts: ListOptions = {}): Promise<Listing> {
    const maxPages = opts.maxPages ?? 10_000;
    const seenUrls = new Set<string>();
    const seenLast = new Set<string>();
    const seenItems = new Set<string>();
    const items: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; ; pages++) {
      if (pages >= maxPages) {
        return { items, incomplete: { why: `${host} kept sending more pages after ${maxPages}`, fix: 'Report the registry’s paging bug, or raise the page size.' } };
      }
      let p: Page<string>;
      try {
        p = await page(kind, repository, { pageSize: opts.pageSize, cursor, signal: opts.signal });
      } catch (e) {
        if (pages === 0 || isRegistryError(e, 'CANCELLED')) throw e;
        return { items, incomplete: { why: `page ${pages + 1} could not be read (${describeError(e).message})`, fix: 'Try again.' } };
      }
      for (const item of p.items) {
        if (seenItems.has(item)) continue;
        seenItems.add(item);
        items.push(item);
      }
      if (p.stoppedBecause) return { items, incomplete: { why: p.stoppedBecause, fix: 'Fix the proxy or registry so its Link headers name its own address.' } };
      if (!p.next) return { items };
      const last = new URL(p.next).searchParams.get('last');
      if (seenUrls.has(p.next) || (last !== null && seenLast.has(last))) {
        logger?.warn(`${host} sent a next-page link it had sent before; the list may be incomplete`);
        return { items, incomplete: { why: `${host} sent a next-page link it had sent before (a paging loop)`, fix: 'Report the registry’s paging bug.' } };
      }
      seenUrls.add(p.next);
      if (last !== null) seenLast.add(last);
      cursor = p.next;
    }
  }

  async function listAll(kind: ListKind, repository: string | undefined, opts: ListOptions = {}): Promise<string[]> {
    const listing = await browseAll(kind, repository, opts);
    if (!listing.incomplete) return listing.items;
    const what = kind === 'catalog' ? `the repository list of ${host}` : `the tag list of ${repository}`;
    throw new RegistryError('INCOMPLETE_LIST', `${what} is incomplete: ${listing.incomplete.why}`, {
      fix: `Nothing was changed, since the list is incomplete: only a complete list shows which tags share an image. ${listing.incomplete.fix}`,
    });
  }

  return { page, browseAll, listAll };
}

function listItems(res: HttpResponse, kind: ListKind, repository: string | undefined, host: string): string[] {
  const what = kind === 'catalog' ? 'catalog' : `tag list of ${repository}`;
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    body = undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RegistryError('BAD_RESPONSE', `${host} sent a ${what} that is not valid JSON`);
  const field = kind === 'catalog' ? (body as { repositories?: unknown }).repositories : (body as { tags?: unknown }).tags;
  if (field !== null && field !== undefined && !Array.isArray(field)) {
    throw new RegistryError('BAD_RESPONSE', `${host} sent a ${kind === 'catalog' ? 'catalog' : 'tag list'} without a list in it`);
  }
  return ((field as unknown[] | null) ?? []).filter((x): x is string => typeof x === 'string');
}
