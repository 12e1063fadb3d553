// A FAKE of GitHub's REST API for container packages, for tests. It is not GitHub: it is built from GitHub's published
// description (github/rest-api-description, descriptions/api.github.com: the `packages` operations, schemas
// `package`, `package-version`, `basic-error`, API version 2022-11-28). Its state is a REAL docker-registry 2.8.2
// (auth 'none', deletion enabled): every repository `owner/name` whose owner is one of the fake's users or
// organisations is the container package `name` of that owner, and every manifest the registry stores (untagged ones,
// platform children and signatures included: registry-storage.ts) is one version, named by its digest, with its tags.
// Deleting a version deletes the manifest in the registry (DELETE /v2/…/manifests/{digest}), tags and all.
//
// Routes: GET /user, /user/orgs; GET {P}/packages?package_type=container; GET {P}/packages/container/{name},
// …/versions, …/versions/{id}; DELETE …/versions/{id} → 204; POST …/versions/{id}/restore → 204 (read:packages and
// write:packages, as documented; 404 for a version not deleted, unknown, or deleted over 30 days ago);
// P = /user, /orgs/{org}, /users/{username}. Paging by
// `page` and `per_page` (default 30, at most 100) with a `Link` header of absolute URLs (rel next, last, first, prev).
// Every answer to a known token carries x-ratelimit-limit/remaining/used/reset/resource and X-OAuth-Scopes, and the
// package routes X-Accepted-OAuth-Scopes. Errors are `{message, documentation_url}`.
//
// Where the description is silent the fake chooses, and says so (FAKE-CHOICE):
// - Scope errors: 403 with the message "You need at least SCOPE scope to …". read:packages for reads (write:packages
//   includes it), delete:packages and read:packages for a delete.
// - Organisation members may read and delete their organisation's packages; anyone else gets 404 for them, as for
//   another user's packages on a delete.
// - Versions are listed newest first (manifest write time), then by digest. updated_at is the latest of the manifest's
//   write time and its tags' push times. Ids are numbers handed out in that order on first sight, never reused.
// - A used-up quota answers 403 "API rate limit exceeded…" with x-ratelimit-remaining 0 (no Retry-After).
// - A deleted version is kept for its restore: its manifest bytes (read from the registry before the DELETE), its tags
//   and id. With `dropBlobs(true)` (GitHub may remove the data at once) the DELETE also removes from the repository
//   the blobs no other manifest of it references (V2 DELETE …/blobs/{digest}), and keeps their bytes. A restore puts
//   all of it back into the real registry (blobs, the manifest by digest, each tag that names nothing else now: a
//   tag pushed to another image meanwhile stays there) and gives the version its old id again. A restore over 30 days
//   after the deletion (see ageDeletion), of a version not deleted, or by another user than a user package's owner
//   answers 404 "Not Found", as the description's 404 for the endpoint; the package itself need not be listed then.
// The request log keeps the Authorization scheme only; the token never appears in it.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { listenOnLoopback } from './loopback';
import type { TestRegistry } from './registry';
import { storedBlob, storedRepositories, storedRepository, type StoredRepository } from './registry-storage';
import { FULL_ACCEPT, seedRequest } from './seed';

export interface FakeGithubUser {
  login: string;
  token: string;
  /** The classic token's scopes. Default read:packages, write:packages, delete:packages. */
  scopes?: string[];
  /** Organisations the user is a member of. */
  orgs?: string[];
}
export interface FakeGhcrOptions {
  /** A real registry, auth 'none', deletion enabled: its storage is the packages' state. */
  registry: TestRegistry;
  users: FakeGithubUser[];
  /** Organisation logins (their members are named on the users). */
  orgs?: string[];
  /** Requests an hour per token (x-ratelimit-limit). Default 5000. */
  rateLimit?: number;
}
/** An answer forced onto the next requests whose path matches (`times`, default 1). */
export interface ForcedAnswer {
  status: number;
  message?: string;
  retryAfter?: number;
  headers?: Record<string, string>;
  path?: RegExp;
  method?: string;
  times?: number;
}
export type FakeGhcrLogEntry = { method: string; url: string; authorization?: string; accept?: string; apiVersion?: string; status: number };
export interface FakeGhcr {
  url: string;
  host: string;
  log: FakeGhcrLogEntry[];
  requests(filter?: { method?: string; path?: string | RegExp }): FakeGhcrLogEntry[];
  force(answer: ForcedAnswer): void;
  /** Rewrites every Link URL the fake sends (a hostile or broken API); undefined: none. */
  rewriteLinks(fn: ((url: string) => string) | undefined): void;
  /** Sets what is left of a token's quota this hour. */
  setRemaining(login: string, remaining: number): void;
  /** The version id of a manifest (as listed), for tests. */
  versionId(repository: string, digest: string): number | undefined;
  /** From now on, whether a version's DELETE also removes the blobs only it references (as GitHub may). */
  dropBlobs(on: boolean): void;
  /** Moves a deletion `days` into the past (a restore over 30 days after it answers 404). */
  ageDeletion(repository: string, digest: string, days: number): void;
  /** The deleted versions kept for a restore: repository, digest, id, tags. */
  deletedVersions(): { repository: string; digest: string; id: number; tags: string[] }[];
  stop(): Promise<void>;
}

export const GITHUB_PAGE_MAX = 100;
const GITHUB_PAGE_DEFAULT = 30;
const DOCS = 'https://docs.github.com/rest/packages/packages';
const DEFAULT_SCOPES = ['read:packages', 'write:packages', 'delete:packages'];
const RESTORE_WINDOW_MS = 30 * 24 * 3600 * 1000;

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
const error = (status: number, message: string, headers?: Record<string, string>): Reply => ({ status, headers, body: { message, documentation_url: DOCS } });
const notFound = (): Reply => error(404, 'Not Found');

type Owner = { login: string; type: 'User' | 'Organization'; id: number };
type Version = { id: number; digest: string; tags: string[]; created: Date; updated: Date };
type Pkg = { owner: Owner; name: string; repository: string; id: number };
type Who = { user: FakeGithubUser; id: number };
/** A deleted version, kept for its restore: what the registry held of it, and the blobs the DELETE removed. */
type Deleted = { pkg: Pkg; id: number; digest: string; mediaType: string; bytes: Buffer; tags: string[]; blobs: { digest: string; bytes: Buffer }[]; deletedAt: Date };

/** The blobs a manifest references (config, layers, an artifact's blobs). */
function blobDigests(json: Record<string, unknown>): string[] {
  const descriptors = [json.config, ...(Array.isArray(json.layers) ? json.layers : []), ...(Array.isArray(json.blobs) ? json.blobs : [])];
  return descriptors.flatMap((d) => (d && typeof (d as { digest?: unknown }).digest === 'string' ? [(d as { digest: string }).digest] : []));
}

export async function startFakeGhcr(options: FakeGhcrOptions): Promise<FakeGhcr> {
  const reg = options.registry;
  if (reg.auth !== 'none' || !reg.deleteEnabled) throw new Error('fake GHCR needs a registry with auth none and deletion enabled');
  const limit = options.rateLimit ?? 5000;
  const log: FakeGhcrLogEntry[] = [];
  const forced: ForcedAnswer[] = [];
  let linkRewrite: ((url: string) => string) | undefined;
  let host = '';
  let nextId = 1000;
  const ids = new Map<string, number>();
  const idOf = (key: string): number => ids.get(key) ?? (ids.set(key, nextId++), nextId - 1);
  const owners = new Map<string, Owner>();
  for (const u of options.users) owners.set(u.login.toLowerCase(), { login: u.login, type: 'User', id: idOf(`owner:${u.login.toLowerCase()}`) });
  for (const o of options.orgs ?? []) owners.set(o.toLowerCase(), { login: o, type: 'Organization', id: idOf(`owner:${o.toLowerCase()}`) });
  const windowEnd = Math.floor(Date.now() / 1000) + 3600;
  const used = new Map<string, number>();
  const deleted = new Map<number, Deleted>();
  let dropping = false;

  // ---- state from the registry's storage

  function packagesOf(owner: Owner): Pkg[] {
    const prefix = `${owner.login.toLowerCase()}/`;
    return storedRepositories(reg.dataDir)
      .filter((r) => r.startsWith(prefix))
      .map((repository) => ({ owner, name: repository.slice(prefix.length), repository, id: idOf(`pkg:${repository}`) }));
  }

  function versionsOf(r: StoredRepository): Version[] {
    const rows = r.manifests
      .map((m) => {
        const tags = r.tags.filter((t) => t.digest === m.digest);
        const updated = Math.max(m.createdAt.getTime(), ...tags.map((t) => t.pushedAt.getTime()));
        return { digest: m.digest, tags: tags.map((t) => t.tag).sort(), created: m.createdAt, updated: new Date(updated) };
      })
      .sort((a, b) => b.created.getTime() - a.created.getTime() || (a.digest < b.digest ? -1 : 1));
    // Ids in the order first seen, oldest first (a version pushed later has a larger id).
    for (const v of [...rows].reverse()) idOf(`ver:${r.name}@${v.digest}`);
    return rows.map((v) => ({ ...v, id: idOf(`ver:${r.name}@${v.digest}`) }));
  }

  // ---- bodies (description: package, package-version)

  const api = (): string => `http://${host}`;
  const ownerBody = (o: Owner): Record<string, unknown> => ({ login: o.login, id: o.id, type: o.type, url: `${api()}/users/${o.login}` });
  const packageBody = (p: Pkg): Record<string, unknown> => ({
    id: p.id,
    name: p.name,
    package_type: 'container',
    owner: ownerBody(p.owner),
    version_count: storedRepository(reg.dataDir, p.repository).manifests.length,
    visibility: 'private',
    url: `${api()}/${p.owner.type === 'User' ? 'users' : 'orgs'}/${p.owner.login}/packages/container/${encodeURIComponent(p.name)}`,
    html_url: `https://github.com/${p.owner.login}/packages/container/package/${encodeURIComponent(p.name)}`,
    created_at: new Date(0).toISOString(),
    updated_at: new Date().toISOString(),
  });
  const versionBody = (p: Pkg, v: Version): Record<string, unknown> => ({
    id: v.id,
    name: v.digest,
    url: `${api()}/packages/container/${encodeURIComponent(p.name)}/versions/${v.id}`,
    package_html_url: `https://github.com/${p.owner.login}/packages/container/package/${encodeURIComponent(p.name)}`,
    html_url: `https://github.com/${p.owner.login}/packages/container/${encodeURIComponent(p.name)}/${v.id}`,
    created_at: v.created.toISOString(),
    updated_at: v.updated.toISOString(),
    metadata: { package_type: 'container', container: { tags: v.tags } },
  });

  // ---- paging

  function page<T>(items: T[], url: URL, body: (t: T) => unknown): Reply {
    const perRaw = url.searchParams.get('per_page');
    const pageRaw = url.searchParams.get('page');
    const per = Math.min(perRaw === null ? GITHUB_PAGE_DEFAULT : Number(perRaw), GITHUB_PAGE_MAX);
    const n = pageRaw === null ? 1 : Number(pageRaw);
    if (!Number.isInteger(per) || per < 1 || !Number.isInteger(n) || n < 1) return error(422, 'Invalid request. per_page and page are positive integers.');
    const last = Math.max(1, Math.ceil(items.length / per));
    const at = (k: number): string => {
      const q = new URLSearchParams(url.searchParams);
      q.set('page', String(k));
      const link = `${api()}${url.pathname}?${q}`;
      return linkRewrite ? linkRewrite(link) : link;
    };
    const links = [...(n < last ? [`<${at(n + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`] : []), ...(n > 1 ? [`<${at(1)}>; rel="first"`, `<${at(n - 1)}>; rel="prev"`] : [])];
    return { status: 200, headers: links.length ? { Link: links.join(', ') } : {}, body: items.slice((n - 1) * per, n * per).map(body) };
  }

  // ---- who, scopes, quota

  function whoIs(req: IncomingMessage): Who | Reply {
    const m = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return error(401, 'Requires authentication');
    const user = options.users.find((u) => u.token === m[1]);
    return user ? { user, id: owners.get(user.login.toLowerCase())!.id } : error(401, 'Bad credentials');
  }
  const scopesOf = (u: FakeGithubUser): string[] => u.scopes ?? DEFAULT_SCOPES;
  const hasScope = (u: FakeGithubUser, s: string): boolean => scopesOf(u).includes(s) || (s === 'read:packages' && scopesOf(u).includes('write:packages'));
  function quotaHeaders(u: FakeGithubUser): Record<string, string> {
    const n = used.get(u.login) ?? 0;
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - n)),
      'x-ratelimit-used': String(n),
      'x-ratelimit-reset': String(windowEnd),
      'x-ratelimit-resource': 'core',
      'X-OAuth-Scopes': scopesOf(u).join(', '),
    };
  }
  function needScopes(who: Who, scopes: string[], doing: string): Reply | undefined {
    const missing = scopes.find((s) => !hasScope(who.user, s));
    return missing ? error(403, `You need at least ${missing} scope to ${doing}.`, { 'X-Accepted-OAuth-Scopes': scopes.join(', ') }) : undefined;
  }

  // ---- routes

  /** The owner a prefix names, for this user, or a 404. */
  function ownerOf(who: Who, kind: string, login: string | undefined): Owner | Reply {
    if (kind === 'user') return owners.get(who.user.login.toLowerCase())!;
    const o = owners.get((login ?? '').toLowerCase());
    if (!o || (kind === 'orgs' && o.type !== 'Organization') || (kind === 'users' && o.type !== 'User')) return notFound();
    if (o.type === 'Organization' && !(who.user.orgs ?? []).some((x) => x.toLowerCase() === o.login.toLowerCase())) return notFound();
    return o;
  }

  function packagesRoute(who: Who, owner: Owner, rest: string[], method: string, url: URL): Promise<Reply> | Reply {
    const read = needScopes(who, ['read:packages'], 'list packages');
    if (rest.length === 0) {
      if (method !== 'GET') return notFound();
      if (read) return read;
      const type = url.searchParams.get('package_type');
      if (type === null) return error(422, 'Invalid request. package_type is required.');
      return page(type === 'container' ? packagesOf(owner) : [], url, packageBody);
    }
    if (rest[0] !== 'container' || rest.length < 2) return notFound();
    if (rest.length === 5 && rest[2] === 'versions' && rest[4] === 'restore') return method === 'POST' ? restoreRoute(who, owner, rest[1], rest[3]) : notFound();
    const p = packagesOf(owner).find((x) => x.name === rest[1]);
    if (!p) return read ?? notFound();
    if (rest.length === 2) return method === 'GET' ? (read ?? { status: 200, body: packageBody(p) }) : notFound();
    if (rest[2] !== 'versions' || rest.length > 4) return notFound();
    const all = versionsOf(storedRepository(reg.dataDir, p.repository));
    if (rest.length === 3) return method !== 'GET' ? notFound() : (read ?? page(all, url, (v) => versionBody(p, v)));
    const v = all.find((x) => String(x.id) === rest[3]);
    if (method === 'GET') return read ?? (v ? { status: 200, body: versionBody(p, v) } : notFound());
    if (method !== 'DELETE') return notFound();
    const denied = needScopes(who, ['read:packages', 'delete:packages'], 'delete a package version');
    if (denied) return denied;
    if (owner.type === 'User' && owner.login.toLowerCase() !== who.user.login.toLowerCase()) return notFound();
    return v ? deleteVersion(p, v) : notFound();
  }

  /** The version's manifest deleted in the real registry (its tags go with it), kept for a restore: 204. */
  async function deleteVersion(p: Pkg, v: Version): Promise<Reply> {
    const repo = p.repository;
    const got = await seedRequest(reg, 'GET', `/v2/${repo}/manifests/${v.digest}`, { repo, headers: { accept: FULL_ACCEPT } });
    if (got.status === 404) return notFound();
    if (got.status !== 200) return error(500, `the registry answered ${got.status}`);
    const res = await seedRequest(reg, 'DELETE', `/v2/${repo}/manifests/${v.digest}`, { repo });
    if (res.status === 404) return notFound();
    if (res.status !== 202) return error(500, `the registry answered ${res.status}`);
    const kept: Deleted = { pkg: p, id: v.id, digest: v.digest, mediaType: got.headers.get('content-type') ?? '', bytes: got.body, tags: [...v.tags], blobs: [], deletedAt: new Date() };
    if (dropping) kept.blobs = await dropOwnBlobs(repo, JSON.parse(got.body.toString('utf8')) as Record<string, unknown>);
    deleted.set(v.id, kept);
    return { status: 204 };
  }

  /** Removes from the repository the blobs of `json` no manifest left in it references; their bytes, kept. */
  async function dropOwnBlobs(repo: string, json: Record<string, unknown>): Promise<{ digest: string; bytes: Buffer }[]> {
    const shared = new Set(storedRepository(reg.dataDir, repo).manifests.flatMap((m) => blobDigests(m.json)));
    const out: { digest: string; bytes: Buffer }[] = [];
    for (const digest of new Set(blobDigests(json))) {
      const bytes = storedBlob(reg.dataDir, digest);
      if (shared.has(digest) || !bytes) continue;
      const res = await seedRequest(reg, 'DELETE', `/v2/${repo}/blobs/${digest}`, { repo });
      if (res.status !== 202) throw new Error(`fake GHCR: the registry answered ${res.status} to deleting blob ${digest}`);
      out.push({ digest, bytes });
    }
    return out;
  }

  /** POST …/versions/{id}/restore: the deleted version back in the registry, blobs, manifest and free tags: 204. */
  async function restoreRoute(who: Who, owner: Owner, name: string, id: string): Promise<Reply> {
    const denied = needScopes(who, ['read:packages', 'write:packages'], 'restore a package version');
    if (denied) return denied;
    if (owner.type === 'User' && owner.login.toLowerCase() !== who.user.login.toLowerCase()) return notFound();
    const d = deleted.get(Number(id));
    if (!d || String(d.id) !== id || d.pkg.owner.login !== owner.login || d.pkg.name !== name) return notFound();
    if (Date.now() - d.deletedAt.getTime() > RESTORE_WINDOW_MS) return notFound();
    const repo = d.pkg.repository;
    for (const b of d.blobs) await uploadBlob(repo, b.bytes, b.digest);
    const put = await seedRequest(reg, 'PUT', `/v2/${repo}/manifests/${d.digest}`, { repo, body: d.bytes, headers: { 'Content-Type': d.mediaType } });
    if (put.status !== 201) return error(500, `the registry answered ${put.status} to the manifest`);
    const taken = new Set(storedRepository(reg.dataDir, repo).tags.map((t) => t.tag));
    for (const tag of d.tags.filter((t) => !taken.has(t))) {
      const res = await seedRequest(reg, 'PUT', `/v2/${repo}/manifests/${tag}`, { repo, body: d.bytes, headers: { 'Content-Type': d.mediaType } });
      if (res.status !== 201) return error(500, `the registry answered ${res.status} to tag ${tag}`);
    }
    deleted.delete(d.id);
    return { status: 204 };
  }

  /** A monolithic upload of a blob the DELETE removed (POST, then PUT ?digest=). */
  async function uploadBlob(repo: string, bytes: Buffer, digest: string): Promise<void> {
    const start = await seedRequest(reg, 'POST', `/v2/${repo}/blobs/uploads/`, { repo });
    if (start.status !== 202) throw new Error(`fake GHCR: the registry answered ${start.status} to an upload`);
    const location = new URL(start.headers.get('location') ?? '', `${reg.url}/`);
    location.searchParams.set('digest', digest);
    const put = await seedRequest(reg, 'PUT', location.toString(), { repo, body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    if (put.status !== 201) throw new Error(`fake GHCR: the registry answered ${put.status} to blob ${digest}`);
  }

  async function route(who: Who, method: string, segments: string[], url: URL): Promise<Reply> {
    const [first, second] = segments;
    if (first === 'user' && segments.length === 1) return method === 'GET' ? { status: 200, body: { login: who.user.login, id: who.id, type: 'User' } } : notFound();
    if (first === 'user' && second === 'orgs' && segments.length === 2) {
      const orgs = (who.user.orgs ?? []).map((o) => owners.get(o.toLowerCase())).filter((o): o is Owner => o !== undefined);
      return method === 'GET' ? page(orgs, url, (o) => ({ login: o.login, id: o.id, url: `${api()}/orgs/${o.login}` })) : notFound();
    }
    const kind = first === 'user' ? 'user' : first;
    const rest = first === 'user' ? segments.slice(1) : segments.slice(2);
    if (!['user', 'orgs', 'users'].includes(kind) || rest[0] !== 'packages') return notFound();
    const owner = ownerOf(who, kind, first === 'user' ? undefined : second);
    if ('status' in owner) return owner;
    return packagesRoute(who, owner, rest.slice(1), method, url);
  }

  function forcedFor(method: string, path: string): ForcedAnswer | undefined {
    const i = forced.findIndex((f) => (f.path === undefined || f.path.test(path)) && (f.method === undefined || f.method.toUpperCase() === method));
    if (i < 0) return undefined;
    const f = forced[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) forced.splice(i, 1);
    return f;
  }

  async function handle(req: IncomingMessage, url: URL): Promise<Reply> {
    const method = req.method ?? 'GET';
    const f = forcedFor(method, url.pathname);
    if (f) return error(f.status, f.message ?? (f.status === 401 ? 'Bad credentials' : f.status === 429 ? 'You have exceeded a secondary rate limit.' : 'Forbidden'), { ...(f.retryAfter !== undefined ? { 'Retry-After': String(f.retryAfter) } : {}), ...f.headers });
    const who = whoIs(req);
    if ('status' in who) return who;
    const headers = quotaHeaders(who.user);
    if ((used.get(who.user.login) ?? 0) >= limit) return error(403, `API rate limit exceeded for user ID ${who.id}.`, headers);
    used.set(who.user.login, (used.get(who.user.login) ?? 0) + 1);
    let segments: string[];
    try {
      segments = url.pathname.split('/').slice(1).map(decodeURIComponent); // a package name's `/` comes as %2F
    } catch {
      return notFound();
    }
    const r = await route(who, method, segments, url);
    return { ...r, headers: { ...quotaHeaders(who.user), ...(r.headers ?? {}) } };
  }

  function send(res: ServerResponse, r: Reply, record: FakeGhcrLogEntry): void {
    const data = r.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(r.body));
    record.status = r.status;
    res.writeHead(r.status, { ...(r.body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }), ...r.headers, 'Content-Length': String(data.length) });
    res.end(data);
  }

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const scheme = req.headers.authorization?.split(' ')[0];
      const logged = (req.url ?? '/').replace(/([?&](?:access_token|token|password)=)[^&]*/gi, '$1REDACTED');
      const record: FakeGhcrLogEntry = {
        method: req.method ?? '',
        url: logged,
        ...(scheme ? { authorization: scheme } : {}),
        ...(typeof req.headers.accept === 'string' ? { accept: req.headers.accept } : {}),
        ...(typeof req.headers['x-github-api-version'] === 'string' ? { apiVersion: req.headers['x-github-api-version'] } : {}),
        status: 0,
      };
      log.push(record);
      handle(req, new URL(req.url ?? '/', `http://${host}`))
        .then((r) => send(res, r, record))
        .catch((err: unknown) => send(res, error(500, `fake GHCR failed: ${(err as Error).message}`), record));
    });
  });
  const listening = await listenOnLoopback(server);
  host = listening.host;

  const fake: FakeGhcr = {
    url: `http://${host}`,
    host,
    log,
    requests: (filter = {}) =>
      log.filter((r) => {
        const p = r.url.split('?')[0];
        const pathOk = filter.path === undefined || (typeof filter.path === 'string' ? p.startsWith(filter.path) : filter.path.test(p));
        return pathOk && (filter.method === undefined || r.method === filter.method.toUpperCase());
      }),
    force: (answer) => void forced.push({ ...answer }),
    rewriteLinks: (fn) => void (linkRewrite = fn),
    setRemaining: (login, remaining) => void used.set(login, Math.max(0, limit - remaining)),
    versionId: (repository, digest) => ids.get(`ver:${repository}@${digest}`),
    dropBlobs: (on) => void (dropping = on),
    ageDeletion: (repository, digest, days) => {
      for (const d of deleted.values()) if (d.pkg.repository === repository && d.digest === digest) d.deletedAt = new Date(d.deletedAt.getTime() - days * 24 * 3600 * 1000);
    },
    deletedVersions: () => [...deleted.values()].map((d) => ({ repository: d.pkg.repository, digest: d.digest, id: d.id, tags: [...d.tags] })),
    stop: listening.stop,
  };
  Object.defineProperty(fake, inspect.custom, { value: () => `FakeGhcr(${fake.url})`, enumerable: false });
  return fake;
}

/** A token that looks like a classic PAT (`ghp_…`). */
export function fakeClassicToken(): string {
  return `ghp_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
}
