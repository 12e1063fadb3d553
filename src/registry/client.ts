// The registry client: one transport (keep-alive pool, retries) wrapped by one authenticator, and the
// protocol operations on top — listing, digests, manifests, blobs, delete, untag.
import { randomUUID } from 'node:crypto';
import { createAuthenticator, type AuthedRequest } from './auth';
import { mapLimit } from './concurrency';
import { badInput, isRegistryError, RegistryError } from './errors';
import { nextLink } from './link';
import { digestMatches, parseManifest, sha256Digest } from './manifest';
import { DOCKER_SCHEMA1_SIGNED, MANIFEST_ACCEPT, OCI_EMPTY, OCI_MANIFEST } from './mediatypes';
import { isDigest, parseRegistry, validateDigest, validateRepository, validateTag } from './reference';
import { createTransport, header, type HttpResponse } from './transport';
import type {
  BatchOptions,
  DeleteImpact,
  DeleteResult,
  DigestInfo,
  ListOptions,
  ManifestInfo,
  Page,
  PageOptions,
  PingResult,
  RegistryClient,
  RegistryOptions,
  UntagOptions,
} from './types';

const ACCEPT = MANIFEST_ACCEPT.join(', ');
const MAX_MANIFEST = 4 * 1024 * 1024;
const LIST_PAGE = 1000;

/** Registries run as a service: space is theirs to reclaim, and deletion is their API's business. */
const HOSTED = /(^|\.)(docker\.io|ghcr\.io|gcr\.io|pkg\.dev|azurecr\.io|amazonaws\.com|quay\.io|gitlab\.com|jfrog\.io|ocir\.io|icr\.io|digitalocean\.com)(:\d+)?$/;

/** A registry run as a service (Docker Hub, GHCR, ECR, …); anything else is treated as self-hosted distribution. */
export function isHostedRegistry(host: string): boolean {
  return HOSTED.test(host);
}

export function isLoopbackHost(host: string): boolean {
  const hostname = host.replace(/:\d+$/, '');
  return hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
}

export function createRegistryClient(options: RegistryOptions): RegistryClient {
  const address = parseRegistry(options.url);
  const host = address.host;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const logger = options.logger;
  const transport = createTransport({
    connections: concurrency + 2,
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 4,
    retryBaseMs: options.retryBaseMs ?? 250,
    retryBudgetMs: options.retryBudgetMs ?? 30_000,
    insecure: options.insecure ?? false,
    caFile: options.caFile,
    logger,
  });
  let knownBase: string | undefined = address.scheme ? `${address.scheme}://${host}` : undefined;
  let pendingBase: Promise<string> | undefined;
  const auth = createAuthenticator({
    transport,
    host,
    credentials: options.credentials,
    baseUrl: () => knownBase ?? `https://${host}`,
    logger,
  });

  /** https, unless the URL says http, or the host is loopback and https fails (as docker does). */
  function baseUrl(signal?: AbortSignal): Promise<string> {
    if (knownBase) return Promise.resolve(knownBase);
    if (!isLoopbackHost(host)) {
      knownBase = `https://${host}`;
      return Promise.resolve(knownBase);
    }
    pendingBase ??= transport
      .send({ method: 'GET', url: `https://${host}/v2/`, signal, retry: false })
      .then(
        () => `https://${host}`,
        (e) => {
          if (isRegistryError(e, 'TLS') || isRegistryError(e, 'NETWORK')) {
            logger?.debug(`https to ${host} failed (${e.message}); using http for this loopback registry`);
            return `http://${host}`;
          }
          throw e;
        },
      )
      .then((b) => (knownBase = b))
      .finally(() => (pendingBase = undefined));
    return pendingBase;
  }

  async function call(path: string, req: Omit<AuthedRequest, 'url'>): Promise<HttpResponse> {
    const url = path.startsWith('http') ? path : (await baseUrl(req.signal)) + path;
    let res = await auth.send({ ...req, url });
    // Follow redirects ourselves: Authorization goes only to the registry's own origin.
    for (let hops = 0; isRedirect(res.status) && (req.method === 'GET' || req.method === 'HEAD'); hops++) {
      const location = header(res, 'location');
      if (!location || hops >= 5) throw new RegistryError('BAD_RESPONSE', `${host} redirected ${req.method} ${new URL(url).pathname} too often or to nowhere`);
      const target = new URL(location, res.url).toString();
      const sameOrigin = new URL(target).origin === new URL(url).origin;
      res = sameOrigin ? await auth.send({ ...req, url: target }) : await transport.send({ ...req, url: target, headers: withoutAuth(req.headers) });
    }
    return res;
  }

  const repoScope = (repository: string, action: string): string => `repository:${repository}:${action}`;

  async function ping(signal?: AbortSignal): Promise<PingResult> {
    const base = await baseUrl(signal);
    const res = await call('/v2/', { method: 'GET', signal });
    if (res.status !== 200) {
      if (res.status === 404) {
        throw new RegistryError('NOT_FOUND', `${host} does not answer like a container registry (/v2/ gave 404)`, {
          status: 404,
          fix: 'Check the address: it should be the registry host, without a path.',
        });
      }
      throw statusError(res, `connect to ${host}`);
    }
    return {
      scheme: base.startsWith('https') ? 'https' : 'http',
      baseUrl: base,
      auth: auth.kind(),
      selfHostedDistribution: !isHostedRegistry(host),
    };
  }

  // ---- listing -------------------------------------------------------------------------------------------

  async function page(kind: 'catalog' | 'tags', repository: string | undefined, opts: PageOptions = {}): Promise<Page<string>> {
    const base = await baseUrl(opts.signal);
    const n = opts.pageSize ?? LIST_PAGE;
    const path = kind === 'catalog' ? `/v2/_catalog?n=${n}` : `/v2/${repository}/tags/list?n=${n}`;
    let url = base + path;
    if (opts.cursor) {
      if (new URL(opts.cursor).origin !== new URL(base).origin) throw badInput('the page cursor does not belong to this registry');
      url = opts.cursor;
    }
    const scope = kind === 'catalog' ? 'registry:catalog:*' : repoScope(repository!, 'pull');
    let res: HttpResponse;
    try {
      res = await call(url, { method: 'GET', scope, signal: opts.signal, maxBody: 64 * 1024 * 1024 });
    } catch (e) {
      if (kind === 'catalog' && isRegistryError(e, 'INSUFFICIENT_SCOPE')) throw catalogUnavailable(e);
      throw e;
    }
    if (kind === 'catalog' && (res.status === 404 || res.status === 403 || res.status === 405)) throw catalogUnavailable();
    if (res.status !== 200) throw statusError(res, kind === 'catalog' ? `list the repositories of ${host}` : `list the tags of ${repository}`, repository);
    const body = parseJson(res, kind === 'catalog' ? 'catalog' : `tag list of ${repository}`);
    const field = kind === 'catalog' ? body.repositories : body.tags;
    if (field !== null && field !== undefined && !Array.isArray(field)) {
      throw new RegistryError('BAD_RESPONSE', `${host} sent a ${kind === 'catalog' ? 'catalog' : 'tag list'} without a list in it`);
    }
    const items = ((field as unknown[] | null) ?? []).filter((x): x is string => typeof x === 'string');
    let next = items.length ? nextLink(res.headers.link, url) : undefined;
    if (next && new URL(next).origin !== new URL(base).origin) {
      logger?.warn(`${host} sent a next-page link to another host (${new URL(next).host}); not following it`);
      next = undefined;
    }
    return { items, next };
  }

  function catalogUnavailable(cause?: unknown): RegistryError {
    return new RegistryError('CATALOG_UNAVAILABLE', `the catalog is not available on ${host}: add repositories by name`, {
      cause,
      fix: 'This registry (or this account) cannot list its repositories; name the repository yourself, e.g. host/team/app.',
    });
  }

  /** All pages, guarded against registries that send Link forever: stop on a repeated URL or `last`, or an empty page; cap the count. */
  async function listAll(kind: 'catalog' | 'tags', repository: string | undefined, opts: ListOptions = {}): Promise<string[]> {
    const maxPages = opts.maxPages ?? 10_000;
    const seenUrls = new Set<string>();
    const seenLast = new Set<string>();
    const items: string[] = [];
    const seenItems = new Set<string>();
    let cursor: string | undefined;
    for (let pages = 0; ; pages++) {
      if (pages >= maxPages) {
        throw new RegistryError('BAD_RESPONSE', `${host} kept sending more pages after ${maxPages}; stopped`, {
          fix: 'The list is incomplete, so nothing was done with it. Report the registry’s paging bug, or raise the page size.',
        });
      }
      const p = await page(kind, repository, { pageSize: opts.pageSize, cursor, signal: opts.signal });
      for (const item of p.items) {
        if (!seenItems.has(item)) {
          seenItems.add(item);
          items.push(item);
        }
      }
      if (!p.next) return items;
      const last = new URL(p.next).searchParams.get('last');
      if (seenUrls.has(p.next) || (last !== null && seenLast.has(last))) {
        logger?.warn(`${host} sent a next-page link it had sent before; the list ends here`);
        return items;
      }
      seenUrls.add(p.next);
      if (last !== null) seenLast.add(last);
      cursor = p.next;
    }
  }

  // ---- manifests -----------------------------------------------------------------------------------------

  function checkRef(repository: string, ref: string): void {
    validateRepository(repository);
    if (ref.includes(':')) validateDigest(ref);
    else validateTag(ref);
  }

  async function resolve(repository: string, ref: string, signal?: AbortSignal): Promise<DigestInfo> {
    checkRef(repository, ref);
    const res = await call(`/v2/${repository}/manifests/${ref}`, {
      method: 'HEAD',
      headers: { accept: ACCEPT },
      scope: repoScope(repository, 'pull'),
      signal,
    });
    if (res.status !== 200) throw statusError(res, `resolve ${repository}:${ref}`, repository, ref);
    const digest = header(res, 'docker-content-digest');
    if (!digest || !isDigest(digest)) {
      const m = await getManifest(repository, ref, signal);
      return { digest: m.digest, mediaType: m.mediaType, size: m.raw.length };
    }
    if (isDigest(ref) && digest !== ref) {
      throw new RegistryError('DIGEST_MISMATCH', `${host} answered ${repository}@${ref} with another digest (${digest})`);
    }
    const length = Number(header(res, 'content-length'));
    return { digest, mediaType: contentType(res), size: Number.isFinite(length) && length > 0 ? length : undefined };
  }

  async function resolveMany(repository: string, tags: string[], opts: BatchOptions = {}): Promise<Map<string, DigestInfo | Error>> {
    validateRepository(repository);
    const out = new Map<string, DigestInfo | Error>();
    await mapLimit(
      tags,
      opts.concurrency ?? concurrency,
      async (tag) => {
        let result: DigestInfo | Error;
        try {
          result = await resolve(repository, tag, opts.signal);
        } catch (e) {
          if (isRegistryError(e, 'CANCELLED')) throw e;
          result = e instanceof Error ? e : new Error(String(e));
        }
        out.set(tag, result);
        opts.onResult?.(tag, result);
      },
      opts.signal,
    );
    return out;
  }

  async function getManifest(repository: string, ref: string, signal?: AbortSignal): Promise<ManifestInfo> {
    checkRef(repository, ref);
    const res = await call(`/v2/${repository}/manifests/${ref}`, {
      method: 'GET',
      headers: { accept: ACCEPT },
      scope: repoScope(repository, 'pull'),
      signal,
      maxBody: MAX_MANIFEST,
    });
    if (res.status !== 200) throw statusError(res, `read the manifest of ${repository}:${ref}`, repository, ref);
    const mediaType = contentType(res);
    const announced = header(res, 'docker-content-digest');
    // Signed schema1 manifests are hashed without their signatures: their bytes cannot be checked this way.
    if (mediaType !== DOCKER_SCHEMA1_SIGNED) {
      if (announced && isDigest(announced) && !digestMatches(res.body, announced)) {
        throw new RegistryError('DIGEST_MISMATCH', `the manifest ${host} sent for ${repository}:${ref} does not match the digest it announced (${announced})`, {
          fix: 'Something between you and the registry changed the reply, or the registry is corrupt. Nothing was done.',
        });
      }
      if (isDigest(ref) && !digestMatches(res.body, ref)) {
        throw new RegistryError('DIGEST_MISMATCH', `the manifest ${host} sent for ${repository}@${ref} does not match that digest`, {
          fix: 'Something between you and the registry changed the reply, or the registry is corrupt. Nothing was done.',
        });
      }
    }
    const digest = isDigest(ref) ? ref : announced && isDigest(announced) ? announced : sha256Digest(res.body);
    return parseManifest(res.body, digest, mediaType, `${repository}:${ref}`);
  }

  async function getBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Uint8Array> {
    validateRepository(repository);
    validateDigest(digest);
    const res = await call(`/v2/${repository}/blobs/${digest}`, { method: 'GET', scope: repoScope(repository, 'pull'), signal, maxBody: 64 * 1024 * 1024 });
    if (res.status !== 200) throw statusError(res, `read the blob ${digest} of ${repository}`, repository, digest);
    if (!digestMatches(res.body, digest)) {
      throw new RegistryError('DIGEST_MISMATCH', `the blob ${host} sent for ${repository}@${digest} does not match its digest`);
    }
    return res.body;
  }

  async function getCreated(repository: string, manifest: ManifestInfo, signal?: AbortSignal): Promise<Date | undefined> {
    if (manifest.kind !== 'image' || !manifest.configDigest) return undefined;
    const blob = await getBlob(repository, manifest.configDigest, signal);
    try {
      const created = JSON.parse(Buffer.from(blob).toString('utf8')).created;
      const date = typeof created === 'string' ? new Date(created) : undefined;
      return date && !Number.isNaN(date.getTime()) ? date : undefined;
    } catch {
      return undefined;
    }
  }

  // ---- delete --------------------------------------------------------------------------------------------

  async function deleteImpacts(repository: string, refs: string[], signal?: AbortSignal): Promise<DeleteImpact[]> {
    const targets: DigestInfo[] = [];
    for (const ref of refs) {
      const target = await resolve(repository, ref, signal);
      if (!targets.some((t) => t.digest === target.digest)) targets.push(target);
    }
    const tags = await listAll('tags', repository, { signal });
    const resolved = await resolveMany(repository, tags, { signal });
    const sharing = new Map(targets.map((t) => [t.digest, [] as string[]]));
    for (const [tag, result] of resolved) {
      if (result instanceof Error) {
        // A tag deleted meanwhile is simply gone; any other failure means we cannot promise the list is complete.
        if (isRegistryError(result, 'NOT_FOUND') || isRegistryError(result, 'MANIFEST_UNKNOWN')) continue;
        throw new RegistryError('BAD_RESPONSE', `could not check whether tag ${tag} shares the image: ${result.message}`, {
          cause: result,
          fix: 'Nothing was deleted. Try again; every tag must be checked before deleting.',
        });
      }
      sharing.get(result.digest)?.push(tag);
    }
    return targets.map((t) => ({ repository, digest: t.digest, tags: sharing.get(t.digest)!.sort(), mediaType: t.mediaType }));
  }

  async function deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<DeleteResult> {
    validateRepository(repository);
    validateDigest(digest);
    // Retried on network errors and 5xx: a DELETE that landed before the connection dropped answers 404 next time.
    const res = await call(`/v2/${repository}/manifests/${digest}`, { method: 'DELETE', scope: repoScope(repository, 'delete'), signal, retry: true });
    if (res.status === 202 || res.status === 200 || res.status === 204) return { digest, alreadyGone: false };
    if (res.status === 404) return { digest, alreadyGone: true };
    throw statusError(res, `delete ${repository}@${digest}`, repository, digest);
  }

  async function untag(repository: string, tag: string, opts: UntagOptions = {}): Promise<void> {
    validateRepository(repository);
    validateTag(tag);
    const res = await call(`/v2/${repository}/manifests/${tag}`, { method: 'DELETE', scope: repoScope(repository, 'delete'), signal: opts.signal });
    if (res.status === 202 || res.status === 200 || res.status === 204) return;
    if (res.status === 404) throw statusError(res, `untag ${repository}:${tag}`, repository, tag);
    const err = statusError(res, `untag ${repository}:${tag}`, repository, tag);
    if (err.code === 'DELETE_DISABLED' || err.code === 'UNAUTHORIZED' || err.code === 'INSUFFICIENT_SCOPE' || err.code === 'FORBIDDEN') throw err;
    if (!opts.fallback) {
      throw new RegistryError('UNTAG_UNSUPPORTED', `this registry cannot delete a tag alone (${host} answered ${res.status} to removing ${repository}:${tag})`, {
        status: res.status,
        fix: 'Delete the image by digest instead (every tag on it goes), or allow the throw-away fallback (regx untag --fallback), which points the tag at a placeholder and deletes that.',
      });
    }
    await untagByPlaceholder(repository, tag, opts.signal);
  }

  /** regctl's way: point the tag at a unique throw-away manifest, then delete that manifest. The placeholder never stays behind. */
  async function untagByPlaceholder(repository: string, tag: string, signal?: AbortSignal): Promise<void> {
    const original = await getManifest(repository, tag, signal);
    const empty = Buffer.from('{}');
    const emptyDigest = sha256Digest(empty);
    await ensureBlob(repository, empty, emptyDigest, signal);
    const descriptor = { mediaType: OCI_EMPTY, digest: emptyDigest, size: empty.length };
    const placeholder = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: descriptor,
        layers: [descriptor],
        annotations: { 'dev.registry-explorer.untag': `${tag} ${randomUUID()}` },
      }),
    );
    const placeholderDigest = sha256Digest(placeholder);
    await putManifest(repository, tag, placeholder, OCI_MANIFEST, signal);
    try {
      const del = await call(`/v2/${repository}/manifests/${placeholderDigest}`, { method: 'DELETE', scope: repoScope(repository, 'delete'), retry: true });
      if (del.status !== 202 && del.status !== 200 && del.status !== 204 && del.status !== 404) throw statusError(del, `delete the placeholder for ${repository}:${tag}`, repository);
    } catch (e) {
      // Put the tag back where it was, so the user's image is untouched and no placeholder is left.
      await putManifest(repository, tag, original.raw, original.mediaType).catch(() => undefined);
      await call(`/v2/${repository}/manifests/${placeholderDigest}`, { method: 'DELETE', scope: repoScope(repository, 'delete') }).catch(() => undefined);
      throw e;
    }
  }

  async function ensureBlob(repository: string, bytes: Uint8Array, digest: string, signal?: AbortSignal): Promise<void> {
    const scope = repoScope(repository, 'pull,push');
    const head = await call(`/v2/${repository}/blobs/${digest}`, { method: 'HEAD', scope, signal });
    if (head.status === 200) return;
    const start = await call(`/v2/${repository}/blobs/uploads/`, { method: 'POST', scope, signal, retry: false });
    const location = header(start, 'location');
    if (start.status !== 202 || !location) throw statusError(start, `upload a placeholder to ${repository}`, repository);
    const url = new URL(location, start.url);
    url.searchParams.set('digest', digest);
    const put = await call(url.toString(), {
      method: 'PUT',
      scope,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      signal,
      retry: false,
    });
    if (put.status !== 201) throw statusError(put, `upload a placeholder to ${repository}`, repository);
  }

  async function putManifest(repository: string, ref: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<void> {
    const res = await call(`/v2/${repository}/manifests/${ref}`, {
      method: 'PUT',
      scope: repoScope(repository, 'pull,push'),
      headers: { 'content-type': mediaType },
      body: bytes,
      signal,
      retry: false,
    });
    if (res.status !== 201 && res.status !== 200) throw statusError(res, `write ${repository}:${ref}`, repository, ref);
  }

  // ---- errors --------------------------------------------------------------------------------------------

  function statusError(res: HttpResponse, action: string, repository?: string, ref?: string): RegistryError {
    const { code, message } = registryErrorBody(res);
    const said = message ? ` (${code ? `${code}: ` : ''}${message})` : code ? ` (${code})` : '';
    const status = res.status;
    switch (true) {
      case status === 404 && code === 'NAME_UNKNOWN':
        return new RegistryError('NOT_FOUND', `the repository ${repository} does not exist on ${host}`, { status, fix: 'Check the repository name.' });
      case status === 404:
        return new RegistryError(code === 'MANIFEST_UNKNOWN' ? 'MANIFEST_UNKNOWN' : 'NOT_FOUND', `${repository && ref ? `${repository}${ref.includes(':') ? '@' : ':'}${ref}` : (repository ?? 'that')} was not found on ${host}`, {
          status,
          fix: 'Check the name, tag or digest; it may have been deleted already.',
        });
      case status === 405 && /^(delete|untag)/.test(action):
        return new RegistryError('DELETE_DISABLED', `deletion is disabled on ${host}`, {
          status,
          fix: isHostedRegistry(host)
            ? // Docker Hub, for one, answers 405 UNSUPPORTED to every V2 DELETE: its deletes go through its own API.
              'This hosted registry does not delete through the registry API; delete the image in its web interface or with its own API.'
            : 'Deleting images must be turned on in the registry. For the CNCF distribution registry set storage.delete.enabled: true in its config (or REGISTRY_STORAGE_DELETE_ENABLED=true) and restart it.',
        });
      case status === 401:
        return new RegistryError('UNAUTHORIZED', `${host} refused to ${action}${said}`, { status, fix: 'Check the credentials for this registry.' });
      case status === 403:
        return new RegistryError('FORBIDDEN', `${host} does not allow you to ${action}${said}`, {
          status,
          fix: 'Use an account with that permission (for deletes: delete rights on the repository).',
        });
      case status === 429:
        return new RegistryError('RATE_LIMITED', `${host} is rate-limiting requests; could not ${action}`, {
          status,
          fix: `Wait${header(res, 'retry-after') ? ` ${header(res, 'retry-after')} s` : ''} and try again, or lower the concurrency.`,
        });
      case status >= 500:
        return new RegistryError('SERVER', `${host} failed with ${status} while trying to ${action}${said}`, { status, fix: 'The registry has a problem; try again later.' });
      case status === 400 && (code === 'DIGEST_INVALID' || code === 'TAG_INVALID' || code === 'NAME_INVALID' || code === 'MANIFEST_INVALID'):
        return new RegistryError('BAD_INPUT', `${host} rejected the request to ${action}${said}`, { status });
      default:
        return new RegistryError('BAD_RESPONSE', `${host} answered ${status} when asked to ${action}${said}`, { status });
    }
  }

  function parseJson(res: HttpResponse, what: string): Record<string, unknown> {
    try {
      const v = JSON.parse(res.body.toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v)) return v;
    } catch {
      // fall through
    }
    throw new RegistryError('BAD_RESPONSE', `${host} sent a ${what} that is not valid JSON`);
  }

  return {
    host,
    ping,
    repositoriesPage: (opts) => page('catalog', undefined, opts),
    listRepositories: (opts) => listAll('catalog', undefined, opts),
    tagsPage: async (repository, opts) => {
      validateRepository(repository);
      return page('tags', repository, opts);
    },
    listTags: async (repository, opts) => {
      validateRepository(repository);
      return listAll('tags', repository, opts);
    },
    resolve,
    resolveMany,
    getManifest,
    getCreated,
    getBlob,
    deleteImpact: async (repository, ref, signal) => (await deleteImpacts(repository, [ref], signal))[0],
    deleteImpacts,
    deleteManifest,
    untag,
    close: () => transport.close(),
  };
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function withoutAuth(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() !== 'authorization') out[k] = v;
  return out;
}

function contentType(res: HttpResponse): string | undefined {
  return header(res, 'content-type')?.split(';')[0].trim();
}

/** The first `{errors:[{code,message}]}` entry of a registry error body, if any. */
function registryErrorBody(res: HttpResponse): { code?: string; message?: string } {
  if (!res.body.length) return {};
  try {
    const first = JSON.parse(res.body.toString('utf8'))?.errors?.[0];
    return {
      code: typeof first?.code === 'string' ? first.code : undefined,
      message: typeof first?.message === 'string' ? first.message.slice(0, 200) : undefined,
    };
  } catch {
    return {};
  }
}
