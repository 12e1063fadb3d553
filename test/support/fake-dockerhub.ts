// A FAKE Docker Hub API (hub.docker.com) for tests. It is not Docker Hub: it is built from Hub's published API
// description, docker/docs content/reference/api/hub/latest.yaml ("spec" below), and from the live shape noted in the
// project's provider notes. It serves accounts, organisations, repositories and tags from in-memory state the test
// seeds; the tags' digests are meant to be REAL ones: `importFromRegistry` reads them (with push times and sizes) from
// a real docker-registry's storage (registry-storage.ts), and untag then removes the tag there too, as the fake ACR
// does, so the registry's own V2 answers 404 for it afterwards.
//
// Where the spec is silent the fake chooses, and says so (FAKE-CHOICE):
// - Routes not in the spec, as Docker's hub-tool calls them: GET /v2/user/orgs/ → paginated `{orgname}`;
//   DELETE /v2/repositories/{ns}/{repo}/tags/{tag}/ → 204. GET /v2/namespaces/{ns}/repositories (live API).
// - Tags (spec#tag): the live shape by default (top-level `digest`, `media_type`, `images` as a list); `shape:
//   'documented'` sends spec#tag as written (no top-level digest, `images` one object); `'platforms'` a multi-platform
//   tag without a top-level digest (its digest is unknowable). Order: newest `last_updated` first, then by name.
// - Paging (spec#page): 1-based `page`, `page_size` default 10, above 100 answers 400; `next` is an absolute URL.
// - Access: a PAT's scopes rank repo:public_read < repo:read < repo:write < repo:admin ("Read, Write, Delete");
//   untag needs repo:admin. A private repository is 404 to anyone outside its namespace, 403 to a member whose token
//   reads public repositories only. No or a bad token on untag or /v2/user/orgs/: 401. An organisation account (an
//   organisation access token) gets 403 from /v2/user/orgs/.
// - Tokens: HS256 JWTs with `exp` (spec: 10 minutes; `tokenTtlSeconds` changes it); `revokeTokens()` makes every
//   token issued so far answer 401. Rate limit: spec's X-RateLimit-Limit/Remaining/Reset on every answer; past the
//   limit 429 `{detail: "Rate limit exceeded"}` with X-Retry-After (spec: a unix time) and Retry-After (seconds).
// The request log keeps method, path and query, the Authorization scheme (never its value) and the status; request
// bodies (the token exchange's secret) are never logged.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { listenOnLoopback } from './loopback';
import type { TestRegistry } from './registry';
import { storedRepository } from './registry-storage';

export type HubScope = 'repo:public_read' | 'repo:read' | 'repo:write' | 'repo:admin';
export interface FakeHubAccount {
  /** A Docker ID, or an organisation name for an organisation access token. */
  username: string;
  /** The personal (or organisation) access token: `secret` of POST /v2/auth/token. */
  secret: string;
  /** Default ['repo:admin'] ("Read, Write, Delete"). */
  scopes?: HubScope[];
  /** Organisations the user belongs to. */
  orgs?: string[];
  /** 'org': an organisation access token, logged in as the organisation itself. */
  kind?: 'user' | 'org';
}
export interface FakeHubImage {
  digest: string;
  size?: number;
  mediaType?: string;
  pushed?: Date;
  /** For a multi-platform tag: its platform images; default one linux/amd64 image of `digest`. */
  platforms?: { os: string; architecture: string; digest: string; size?: number }[];
}
export type FakeHubTagShape = 'live' | 'documented' | 'platforms';
export interface FakeDockerHubOptions {
  accounts?: FakeHubAccount[];
  /** Access token lifetime; default 600 (spec: "expires in 10 minutes"). */
  tokenTtlSeconds?: number;
  /** Requests a minute; default 10000. */
  rateLimit?: number;
  /** A real registry whose storage `importFromRegistry` reads and untag changes. */
  registry?: TestRegistry;
}
export type FakeHubLogEntry = { method: string; url: string; authorization?: string; status: number };
export type FakeHubReply = { status: number; headers?: Record<string, string>; body?: unknown };
export interface FakeDockerHub {
  url: string;
  host: string;
  tokenTtlSeconds: number;
  /** 'other-host': next links name another host; 'loop': every next link is page 2. */
  pagingFault?: 'other-host' | 'loop';
  addRepository(repository: string, options?: { private?: boolean }): void;
  setTag(repository: string, tag: string, image: FakeHubImage, shape?: FakeHubTagShape): void;
  /** Every tag of `repository` in the real registry, with its digest, push time and size; returns the tag count. */
  importFromRegistry(repository: string, options?: { private?: boolean; as?: string }): number;
  tags(repository: string): string[];
  revokeTokens(): void;
  /** The next `times` requests matching answer `reply` (before any other check). */
  failNext(match: { method?: string; path?: string | RegExp }, reply: FakeHubReply, times?: number): void;
  /** Starts a new rate-limit window of a minute with `n` requests left. */
  setRemaining(n: number): void;
  log: FakeHubLogEntry[];
  requests(filter?: { method?: string; path?: string | RegExp }): FakeHubLogEntry[];
  stop(): Promise<void>;
}

type Tag = FakeHubImage & { name: string; shape: FakeHubTagShape; pushed: Date };
type Repo = { ns: string; name: string; private: boolean; tags: Map<string, Tag>; storage?: string };
type Who = { kind: 'anonymous' } | { kind: 'invalid' } | { kind: 'account'; account: FakeHubAccount };
const RANK: Record<HubScope, number> = { 'repo:public_read': 0, 'repo:read': 1, 'repo:write': 2, 'repo:admin': 3 };
const PAGE_MAX = 100;

const error = (status: number, detail: string): FakeHubReply => ({ status, body: { detail, message: detail } });
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function scopeRank(account: FakeHubAccount): number {
  return Math.max(...(account.scopes ?? ['repo:admin']).map((s) => RANK[s]));
}

function tagBody(t: Tag): Record<string, unknown> {
  const when = t.pushed.toISOString();
  const platforms = t.platforms ?? [{ os: 'linux', architecture: 'amd64', digest: t.digest, size: t.size }];
  const images = platforms.map((p) => ({ architecture: p.architecture, os: p.os, digest: p.digest, size: p.size ?? 0, status: 'active', last_pushed: when, last_pulled: null }));
  const base = { name: t.name, full_size: t.size ?? 0, last_updated: when, tag_last_pushed: when, tag_last_pulled: null, tag_status: 'active', v2: true };
  if (t.shape === 'documented') return { ...base, images: images[0] };
  if (t.shape === 'platforms') return { ...base, images };
  return { ...base, digest: t.digest, media_type: t.mediaType ?? 'application/vnd.oci.image.manifest.v1+json', content_type: 'image', images };
}

/** Size of an image as Hub's full_size counts it: config and layers; for anything else the manifest's own bytes. */
function storedSize(json: Record<string, unknown>, bytes: Buffer): number {
  const config = json.config as { size?: number } | undefined;
  const layers = (json.layers as { size?: number }[] | undefined) ?? [];
  return config ? (config.size ?? 0) + layers.reduce((s, l) => s + (l.size ?? 0), 0) : bytes.length;
}

export async function startFakeDockerHub(options: FakeDockerHubOptions = {}): Promise<FakeDockerHub> {
  const accounts = options.accounts ?? [];
  const key = randomBytes(32);
  const repos = new Map<string, Repo>();
  const faults: { match: { method?: string; path?: string | RegExp }; reply: FakeHubReply; times: number }[] = [];
  const log: FakeHubLogEntry[] = [];
  const limit = options.rateLimit ?? 10_000;
  let generation = 0;
  let window = { endsAt: 0, used: 0 };

  const sign = (data: string): string => createHmac('sha256', key).update(data).digest('base64url');
  function issue(account: FakeHubAccount): string {
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: account.username, iat: now, exp: now + fake.tokenTtlSeconds, gen: generation, jti: randomBytes(8).toString('hex') })}`;
    return `${body}.${sign(body)}`;
  }
  function who(req: IncomingMessage): Who {
    const auth = req.headers.authorization;
    if (!auth) return { kind: 'anonymous' };
    const [scheme, token = ''] = auth.split(' ');
    const [h, p, sig = ''] = token.split('.');
    const want = Buffer.from(sign(`${h}.${p}`));
    if (scheme.toLowerCase() !== 'bearer' || want.length !== sig.length || !timingSafeEqual(want, Buffer.from(sig))) return { kind: 'invalid' };
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { sub: string; exp: number; gen: number };
    const account = accounts.find((a) => a.username === claims.sub);
    if (!account || claims.exp <= Date.now() / 1000 || claims.gen !== generation) return { kind: 'invalid' };
    return { kind: 'account', account };
  }
  const member = (a: FakeHubAccount, ns: string): boolean => a.username.toLowerCase() === ns || (a.orgs ?? []).some((o) => o.toLowerCase() === ns);

  /** 200 if `w` may read `repo`, else the answer the fake gives. */
  function readable(w: Who, repo: Repo): FakeHubReply | undefined {
    if (w.kind === 'invalid') return error(401, 'authentication credentials are invalid or expired');
    if (!repo.private) return undefined;
    if (w.kind !== 'account' || !member(w.account, repo.ns)) return error(404, 'object not found');
    return scopeRank(w.account) >= RANK['repo:read'] ? undefined : error(403, 'insufficient scope for this repository');
  }

  function page<T>(items: T[], q: URLSearchParams, path: string): FakeHubReply {
    const size = Number(q.get('page_size') ?? 10);
    const number = Number(q.get('page') ?? 1);
    if (!Number.isInteger(size) || size < 1 || size > PAGE_MAX) return error(400, `page_size must be between 1 and ${PAGE_MAX}`);
    if (!Number.isInteger(number) || number < 1) return error(400, 'invalid page');
    const more = number * size < items.length;
    const base = fake.pagingFault === 'other-host' ? 'http://hub.elsewhere.invalid' : fake.url;
    const nextPage = fake.pagingFault === 'loop' ? 2 : number + 1;
    const link = (n: number): string => `${base}${path}?page=${n}&page_size=${size}`;
    return { status: 200, body: { count: items.length, next: more ? link(nextPage) : null, previous: number > 1 ? link(number - 1) : null, results: items.slice((number - 1) * size, number * size) } };
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function tokenRoute(req: IncomingMessage): Promise<FakeHubReply> {
    let body: { identifier?: unknown; secret?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return error(400, 'the body is not JSON');
    }
    const account = accounts.find((a) => a.username === body.identifier && a.secret === body.secret);
    if (!account) return error(401, 'Incorrect authentication credentials');
    return { status: 200, body: { access_token: issue(account) } };
  }

  function tagsRoute(w: Who, repo: Repo | undefined, q: URLSearchParams, path: string): FakeHubReply {
    if (!repo) return w.kind === 'invalid' ? error(401, 'authentication credentials are invalid or expired') : error(404, 'object not found');
    const refused = readable(w, repo);
    if (refused) return refused;
    const sorted = [...repo.tags.values()].sort((a, b) => b.pushed.getTime() - a.pushed.getTime() || a.name.localeCompare(b.name));
    return page(sorted.map(tagBody), q, path);
  }

  function untagRoute(w: Who, repo: Repo | undefined, tag: string): FakeHubReply {
    if (w.kind !== 'account') return error(401, 'authentication required');
    if (!repo || (repo.private && !member(w.account, repo.ns))) return error(404, 'object not found');
    if (!member(w.account, repo.ns) || scopeRank(w.account) < RANK['repo:admin']) return error(403, 'insufficient scope: delete needs a token with Read, Write, Delete access');
    if (!repo.tags.delete(tag)) return error(404, 'tag not found');
    if (repo.storage && options.registry) rmSync(join(options.registry.dataDir, 'docker/registry/v2/repositories', repo.storage, '_manifests/tags', tag), { recursive: true, force: true });
    return { status: 204 };
  }

  function orgsRoute(w: Who, q: URLSearchParams, path: string): FakeHubReply {
    if (w.kind !== 'account') return error(401, 'authentication required');
    if (w.account.kind === 'org') return error(403, 'an organization access token cannot list organizations');
    return page((w.account.orgs ?? []).map((o) => ({ orgname: o, full_name: o, type: 'Org' })), q, path);
  }

  function reposRoute(w: Who, ns: string, q: URLSearchParams, path: string): FakeHubReply {
    if (w.kind === 'invalid') return error(401, 'authentication credentials are invalid or expired');
    const known = [...repos.values()].filter((r) => r.ns === ns);
    if (!known.length && !accounts.some((a) => a.username.toLowerCase() === ns || (a.orgs ?? []).includes(ns))) return error(404, 'namespace not found');
    const visible = known.filter((r) => readable(w, r) === undefined).sort((a, b) => a.name.localeCompare(b.name));
    return page(visible.map((r) => ({ name: r.name, namespace: r.ns, repository_type: 'image', is_private: r.private, last_updated: new Date().toISOString(), pull_count: 0, storage_size: 0 })), q, path);
  }

  async function route(req: IncomingMessage, url: URL): Promise<FakeHubReply> {
    const path = url.pathname;
    const w = who(req);
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/v2/auth/token') return tokenRoute(req);
    let m = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags\/?$/.exec(path);
    if (m && method === 'GET') return tagsRoute(w, repos.get(`${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`), url.searchParams, path);
    m = /^\/v2\/namespaces\/([^/]+)\/repositories\/?$/.exec(path);
    if (m && method === 'GET') return reposRoute(w, decodeURIComponent(m[1]), url.searchParams, path);
    m = /^\/v2\/repositories\/([^/]+)\/([^/]+)\/tags\/([^/]+)\/$/.exec(path);
    if (m && method === 'DELETE') return untagRoute(w, repos.get(`${decodeURIComponent(m[1])}/${decodeURIComponent(m[2])}`), decodeURIComponent(m[3]));
    if (path === '/v2/user/orgs/' && method === 'GET') return orgsRoute(w, url.searchParams, path);
    return error(404, 'page not found');
  }

  function rateHeaders(): { headers: Record<string, string>; exceeded: boolean } {
    const now = Date.now();
    if (now >= window.endsAt) window = { endsAt: now + 60_000, used: 0 };
    window.used++;
    const reset = String(Math.ceil(window.endsAt / 1000));
    const headers = { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(Math.max(0, limit - window.used)), 'x-ratelimit-reset': reset };
    return { headers, exceeded: window.used > limit };
  }

  function takeFault(method: string, path: string): FakeHubReply | undefined {
    const i = faults.findIndex((f) => (!f.match.method || f.match.method === method) && (!f.match.path || (typeof f.match.path === 'string' ? path === f.match.path : f.match.path.test(path))));
    if (i < 0) return undefined;
    const f = faults[i];
    if (--f.times <= 0) faults.splice(i, 1);
    return f.reply;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const rate = rateHeaders();
    let reply: FakeHubReply;
    if (rate.exceeded) {
      const seconds = Math.max(1, Math.ceil((window.endsAt - Date.now()) / 1000));
      reply = { status: 429, headers: { 'x-retry-after': rate.headers['x-ratelimit-reset'], 'retry-after': String(seconds) }, body: { detail: 'Rate limit exceeded', error: false } };
    } else {
      reply = takeFault(method, url.pathname) ?? (await route(req, url));
    }
    req.resume();
    const scheme = req.headers.authorization?.split(' ')[0];
    log.push({ method, url: url.pathname + url.search, ...(scheme ? { authorization: scheme } : {}), status: reply.status });
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { ...rate.headers, ...(body ? { 'content-type': 'application/json' } : {}), ...(reply.headers ?? {}) });
    res.end(body);
  }

  function repoOf(repository: string, create?: { private?: boolean }): Repo {
    const [ns, name] = repository.split('/');
    let repo = repos.get(repository);
    if (!repo) {
      if (!create) throw new Error(`fake Docker Hub: no repository ${repository}`);
      repo = { ns, name, private: create.private ?? false, tags: new Map() };
      repos.set(repository, repo);
    }
    return repo;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const listening = await listenOnLoopback(server);
  const fake: FakeDockerHub = {
    url: `http://${listening.host}`,
    host: listening.host,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 600,
    addRepository: (repository, opts = {}) => void repoOf(repository, opts),
    setTag: (repository, tag, image, shape = 'live') => {
      repoOf(repository, {}).tags.set(tag, { ...image, name: tag, shape, pushed: image.pushed ?? new Date() });
    },
    importFromRegistry: (repository, opts = {}) => {
      if (!options.registry) throw new Error('fake Docker Hub: importFromRegistry needs options.registry');
      const stored = storedRepository(options.registry.dataDir, repository);
      const repo = repoOf(opts.as ?? repository, opts);
      repo.storage = repository;
      for (const t of stored.tags) {
        const m = stored.manifests.find((x) => x.digest === t.digest);
        repo.tags.set(t.tag, { name: t.tag, digest: t.digest, mediaType: m?.mediaType, size: m ? storedSize(m.json, m.bytes) : undefined, pushed: t.pushedAt, shape: 'live' });
      }
      return stored.tags.length;
    },
    tags: (repository) => [...repoOf(repository).tags.keys()].sort(),
    revokeTokens: () => void generation++,
    failNext: (match, reply, times = 1) => void faults.push({ match, reply, times }),
    setRemaining: (n) => void (window = { endsAt: Date.now() + 60_000, used: limit - n }),
    log,
    requests: (filter = {}) =>
      log.filter((e) => (!filter.method || e.method === filter.method) && (!filter.path || (typeof filter.path === 'string' ? e.url.split('?')[0] === filter.path : filter.path.test(e.url)))),
    stop: () => listening.stop(),
  };
  return fake;
}
