// A FAKE GitLab for tests. It is not GitLab: it is built from GitLab's published descriptions, gitlabhq/gitlabhq
// doc/api/container_registry.md ("api doc") and gitlab-org/container-registry docs/spec/gitlab/api.md ("v1 spec"). Two
// loopback servers, as GitLab runs on two hosts: the INSTANCE (`instanceUrl`: a REST API v4 subset — projects, registry
// repositories, tag list, tag details, tag delete — and the token realm `/jwt/auth`, service `container_registry`) and
// the REGISTRY (`url`: its Bearer challenge names that realm; /v2/ is forwarded to a REAL docker-registry 2.8.2, auth
// 'none'; the `gitlab/v1` tag list of the metadata database is built from that registry's storage, registry-storage.ts).
// FAKE-CHOICE where the descriptions are silent:
// - Scopes: API reads need read_api or api, DELETE needs api (else 403 insufficient_scope, GitLab's OAuth answer).
//   Registry actions: pull with read_registry, write_registry, read_api or api; push and delete with write_registry or
//   api. A CI job token (user gitlab-ci-token) reaches only its project's registry endpoints and images (401 elsewhere,
//   as GitLab answers routes that take no job token). Nobody gets the V2 catalog (no admin); anonymous gets nothing.
// - Tag delete (api doc: 200) removes the tag's folder in the registry's storage, as distribution's tagStore.Untag
//   does: the tag is really gone, its manifest stays.
// - Tag details: `created_at` is the image config's `created` (build time; null for an index), as GitLab reads it
//   without the metadata database; `total_size` is config + layers (null for an index).
// - gitlab/v1 `size_bytes`: config + layers (an index: the sum over its images); `created_at` when the tag was first
//   written, `updated_at` its last write when later, `published_at` the later of the two.
// - `pageMax` (default 100, GitLab's cap) lowers the REST API's largest page, to test paging with little data.
// The request log keeps the kind of credential only (PRIVATE-TOKEN, JOB-TOKEN, Bearer, Basic), never its value.
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { listenOnLoopback } from './loopback';
import type { TestRegistry } from './registry';
import { storedBlob, storedRepositories, storedRepository, type StoredManifest, type StoredRepository } from './registry-storage';

export interface FakeGitlabToken {
  /** The secret: a personal/project/group access token, or a CI job token. */
  token: string;
  /** `api`, `read_api`, `read_registry`, `write_registry`. Ignored for a job token. */
  scopes: string[];
  /** Project paths the token's user is a member of. Default: every project. */
  projects?: string[];
  /** A CI job token of the first of `projects` (its user name is gitlab-ci-token). */
  job?: boolean;
}
export interface FakeGitlabOptions {
  /** A real registry, auth 'none': /v2/ is forwarded there, state is read from registry.dataDir. */
  registry: TestRegistry;
  /** Project paths (`group/app`); a stored repository belongs to the longest project path it starts with. */
  projects: string[];
  tokens: FakeGitlabToken[];
  /** Whether the registry has the metadata database (gitlab/v1). Default true. */
  metadataDatabase?: boolean;
  pageMax?: number;
}
export type FakeGitlabLogEntry = { server: 'gitlab' | 'registry'; method: string; url: string; credential?: string; status: number };
export type PagingFault = 'none' | 'loop' | 'other-host' | 'short';
export interface FakeGitlab {
  /** The registry: `http://127.0.0.1:PORT`. */
  url: string;
  host: string;
  /** The GitLab instance (API and /jwt/auth). */
  instanceUrl: string;
  setMetadataDatabase(on: boolean): void;
  /** At most `limit` API requests per window (RateLimit-* headers on every answer, then 429); undefined: no limit. */
  setRateLimit(limit: number | undefined, windowSeconds?: number): void;
  /** Breaks the REST API's paging: a next link sent before, one to another host, or an X-Total above the truth. */
  setPagingFault(fault: PagingFault): void;
  log: FakeGitlabLogEntry[];
  requests(filter?: { server?: 'gitlab' | 'registry'; method?: string; path?: string | RegExp }): FakeGitlabLogEntry[];
  stop(): Promise<void>;
}

export const JOB_USER = 'gitlab-ci-token';
const SERVICE = 'container_registry';
type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
type Access = { type: string; name: string; actions: string[] };
const message = (status: number, text: string): Reply => ({ status, body: { message: text } });
const registryError = (status: number, code: string, text: string, headers?: Record<string, string>): Reply => ({ status, headers, body: { errors: [{ code, message: text }] } });

// ---------------------------------------------------------------- tokens for the registry (HS256, docker `access`)

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function signer(key: Buffer): { issue(access: Access[]): string; verify(token: string): Access[] | undefined } {
  const sign = (data: string): string => createHmac('sha256', key).update(data).digest('base64url');
  return {
    issue: (access) => {
      const body = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64({ aud: SERVICE, exp: Math.floor(Date.now() / 1000) + 300, access })}`;
      return `${body}.${sign(body)}`;
    },
    verify: (token) => {
      const [h, p, sig] = token.split('.');
      if (!sig || sign(`${h}.${p}`) !== sig) return undefined;
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { exp: number; access: Access[] };
      return claims.exp > Date.now() / 1000 ? claims.access : undefined;
    },
  };
}

// ---------------------------------------------------------------- state from the real registry's storage

type Descriptor = { digest: string; size?: number };
/** When the image was built: its config's `created`. */
const builtAt = (bytes: Buffer | undefined): unknown => (bytes ? (JSON.parse(bytes.toString('utf8')) as { created?: unknown }).created : undefined);
function imageSize(m: StoredManifest | undefined): number {
  const layers = (m?.json.layers as Descriptor[] | undefined) ?? [];
  return ((m?.json.config as Descriptor | undefined)?.size ?? 0) + layers.reduce((s, l) => s + (l.size ?? 0), 0);
}
/** When a tag was first written: the oldest of its index links (one per digest it has pointed at). */
function tagCreated(dataDir: string, repo: string, tag: string, fallback: Date): Date {
  const dir = join(dataDir, 'docker/registry/v2/repositories', repo, '_manifests/tags', tag, 'index/sha256');
  let min = fallback.getTime();
  try {
    for (const hex of readdirSync(dir)) min = Math.min(min, statSync(join(dir, hex, 'link')).mtimeMs);
  } catch {
    // no index: the last write stands
  }
  return new Date(min);
}

// ---------------------------------------------------------------- the servers

export async function startFakeGitlab(options: FakeGitlabOptions): Promise<FakeGitlab> {
  const reg = options.registry;
  if (reg.auth !== 'none') throw new Error(`fake GitLab needs a registry with auth 'none', got ${reg.auth}`);
  const projects = options.projects.map((path, i) => ({ id: 101 + i, path }));
  const repoIds = new Map<string, number>();
  const tokens = signer(randomBytes(32));
  const log: FakeGitlabLogEntry[] = [];
  const pageMax = options.pageMax ?? 100;
  let metadata = options.metadataDatabase ?? true;
  let fault: PagingFault = 'none';
  let rate: { limit: number; window: number; used: number; resetAt: number } | undefined;
  let gitlabHost = '';
  let registryHost = '';

  const projectOf = (repo: string): (typeof projects)[number] | undefined =>
    projects.filter((p) => repo === p.path || repo.startsWith(`${p.path}/`)).sort((a, b) => b.path.length - a.path.length)[0];
  const memberOf = (t: FakeGitlabToken, path: string): boolean => (t.job ? t.projects?.[0] === path : (t.projects?.includes(path) ?? true));
  const repoId = (path: string): number => repoIds.get(path) ?? (repoIds.set(path, repoIds.size + 1), repoIds.size);
  const reposOf = (project: string): StoredRepository[] => storedRepositories(reg.dataDir).filter((r) => projectOf(r)?.path === project).map((r) => storedRepository(reg.dataDir, r));

  // ---- /jwt/auth and the registry's authorisation

  function grant(t: FakeGitlabToken | undefined, want: Access): Access {
    const project = want.type === 'repository' ? projectOf(want.name) : undefined;
    if (!t || !project || !memberOf(t, project.path)) return { ...want, actions: [] };
    const has = (...s: string[]): boolean => t.job === true || s.some((x) => t.scopes.includes(x));
    const allowed = [...(has('read_registry', 'write_registry', 'read_api', 'api') ? ['pull'] : []), ...(has('write_registry', 'api') ? ['push', 'delete'] : [])];
    return { ...want, actions: want.actions.includes('*') ? allowed : want.actions.filter((a) => allowed.includes(a)) };
  }

  function jwtAuth(req: IncomingMessage, url: URL): Reply {
    const auth = req.headers.authorization ?? '';
    let t: FakeGitlabToken | undefined;
    if (/^basic /i.test(auth)) {
      const raw = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const [user, secret] = [raw.slice(0, raw.indexOf(':')), raw.slice(raw.indexOf(':') + 1)];
      t = options.tokens.find((x) => x.token === secret && (x.job === true) === (user === JOB_USER));
      if (!t) return registryError(401, 'UNAUTHORIZED', 'HTTP Basic: Access denied');
    }
    if (url.searchParams.get('service') !== SERVICE) return registryError(401, 'UNAUTHORIZED', 'unknown service');
    const access = url.searchParams.getAll('scope').flatMap((v) => v.split(' ')).filter(Boolean).map((s) => {
      const parts = s.split(':');
      return grant(t, { type: parts[0], name: parts.slice(1, -1).join(':'), actions: (parts[parts.length - 1] ?? '').split(',') });
    });
    return { status: 200, body: { token: tokens.issue(access) } };
  }

  function challenge(scope: string | undefined, error?: string): Reply {
    const params = [`realm="http://${gitlabHost}/jwt/auth"`, `service="${SERVICE}"`, ...(scope ? [`scope="${scope}"`] : []), ...(error ? [`error="${error}"`] : [])];
    return registryError(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': `Bearer ${params.join(',')}` });
  }

  /** undefined when the registry request may go on; `need` null: any valid token. */
  function authorize(req: IncomingMessage, need: Access | null): Reply | undefined {
    const auth = req.headers.authorization ?? '';
    const granted = /^bearer /i.test(auth) ? tokens.verify(auth.slice(7).trim()) : undefined;
    const scope = need ? `${need.type}:${need.name}:${need.actions.join(',')}` : undefined;
    if (granted === undefined) return challenge(scope, auth ? 'invalid_token' : undefined);
    if (!need) return undefined;
    const ok = granted.some((g) => g.type === need.type && g.name === need.name && need.actions.every((a) => g.actions.includes(a)));
    return ok ? undefined : challenge(scope, 'insufficient_scope');
  }

  // ---- the registry side: gitlab/v1 (v1 spec) and /v2/ forwarded

  function v1TagBody(r: StoredRepository, t: StoredRepository['tags'][number]): Record<string, unknown> {
    const m = r.manifests.find((x) => x.digest === t.digest);
    const children = (m?.json.manifests as Descriptor[] | undefined) ?? undefined;
    const size = children ? children.reduce((s, c) => s + imageSize(r.manifests.find((x) => x.digest === c.digest)), 0) : imageSize(m);
    const created = tagCreated(reg.dataDir, r.name, t.tag, t.pushedAt);
    const updated = t.pushedAt.getTime() > created.getTime() ? t.pushedAt.toISOString() : undefined;
    const config = (m?.json.config as Descriptor | undefined)?.digest;
    const media = m?.mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
    const times = { created_at: created.toISOString(), ...(updated ? { updated_at: updated } : {}), published_at: updated ?? created.toISOString() };
    return { name: t.tag, digest: t.digest, ...(config ? { config_digest: config } : {}), media_type: media, size_bytes: size, ...times };
  }

  function v1TagList(repo: string, url: URL): Reply {
    const r = storedRepository(reg.dataDir, repo);
    if (!r.manifests.length) return registryError(404, 'NAME_UNKNOWN', 'repository name not known to registry');
    const nRaw = url.searchParams.get('n') ?? '100';
    const n = Number(nRaw);
    if (!/^\d+$/.test(nRaw) || n < 1 || n > 1000) return registryError(400, 'INVALID_QUERY_PARAMETER_VALUE', 'the value of a query parameter is invalid');
    const last = url.searchParams.get('last') ?? '';
    const rest = [...r.tags].sort((a, b) => (a.tag < b.tag ? -1 : 1)).filter((t) => t.tag > last);
    const page = rest.slice(0, n);
    const link = rest.length > n ? { Link: `<http://${registryHost}/gitlab/v1/repositories/${repo}/tags/list/?n=${n}&last=${page[page.length - 1].tag}>; rel="next"` } : undefined;
    return { status: 200, headers: link, body: page.map((t) => v1TagBody(r, t)) };
  }

  function gitlabV1(req: IncomingMessage, url: URL): Reply {
    if (!metadata) return { status: 404, body: undefined }; // no metadata database: the routes are not there
    if (!url.pathname.endsWith('/')) return { status: 301, headers: { Location: `${url.pathname}/${url.search}` } }; // v1 spec: strict slash
    if (url.pathname === '/gitlab/v1/') return authorize(req, null) ?? { status: 200 };
    const m = /^\/gitlab\/v1\/repositories\/(.+)\/tags\/list\/$/.exec(url.pathname);
    if (!m) return registryError(404, 'NOT_FOUND', 'not found');
    return authorize(req, { type: 'repository', name: m[1], actions: ['pull'] }) ?? v1TagList(m[1], url);
  }

  function v2Need(method: string, path: string): Access | null {
    if (path === '/v2/_catalog') return { type: 'registry', name: 'catalog', actions: ['*'] };
    const m = /^\/v2\/(.+)\/(manifests|blobs|tags|referrers)\//.exec(path);
    if (!m) return null;
    const action = method === 'DELETE' ? 'delete' : method === 'GET' || method === 'HEAD' ? 'pull' : 'push';
    return { type: 'repository', name: m[1], actions: action === 'push' ? ['pull', 'push'] : [action] };
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, record: FakeGitlabLogEntry): void {
    const headers = { ...req.headers, host: registryHost };
    delete headers.authorization;
    const upstream = httpRequest({ host: '127.0.0.1', port: reg.port, method: req.method, path: req.url, headers }, (answer) => {
      record.status = answer.statusCode ?? 502;
      res.writeHead(record.status, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }

  // ---- the instance: REST API v4 (api doc)

  type Row = Record<string, unknown>;
  type Page = { items: Row[]; headers: Record<string, string> };
  /** Offset pages (page, per_page; X-Total, X-Next-Page, Link) or keyset by id (id_after; Link next only). */
  function paginate(all: Row[], url: URL): Page | Reply {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20) || 20, pageMax);
    const linkTo = (q: Record<string, string>): string => {
      const u = new URL(url.toString());
      for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
      if (fault === 'other-host') u.host = 'gitlab.invalid';
      return u.toString();
    };
    const headers: Record<string, string> = { 'X-Per-Page': String(perPage) };
    if (url.searchParams.get('pagination') === 'keyset') {
      if (url.searchParams.get('order_by') !== 'id') return message(405, '405 Method Not Allowed');
      const after = Number(url.searchParams.get('id_after') ?? 0);
      const rest = all.filter((r) => (r.id as number) > after);
      const items = rest.slice(0, perPage);
      const next = fault === 'loop' && after > 0 ? url.toString() : linkTo({ id_after: String(items[items.length - 1]?.id ?? 0) });
      if (rest.length > perPage) headers.Link = `<${next}>; rel="next"`;
      return { items, headers };
    }
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(all.length / perPage));
    const items = all.slice((page - 1) * perPage, page * perPage);
    Object.assign(headers, { 'X-Page': String(page), 'X-Total': String(all.length + (fault === 'short' ? 1 : 0)), 'X-Total-Pages': String(pages), 'X-Next-Page': page < pages ? String(page + 1) : '' });
    const links = [`<${linkTo({ page: '1' })}>; rel="first"`, `<${linkTo({ page: String(pages) })}>; rel="last"`];
    if (page < pages) links.unshift(`<${fault === 'loop' && page > 1 ? url.toString() : linkTo({ page: String(page + 1) })}>; rel="next"`);
    headers.Link = links.join(', ');
    return { items, headers };
  }
  const listReply = (p: Page | Reply): Reply => ('status' in p ? p : { status: 200, headers: p.headers, body: p.items });

  function apiToken(req: IncomingMessage): FakeGitlabToken | undefined {
    const job = req.headers['job-token'];
    if (typeof job === 'string') return options.tokens.find((t) => t.job && t.token === job);
    const given = req.headers['private-token'] ?? /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    return typeof given === 'string' ? options.tokens.find((t) => !t.job && t.token === given) : undefined;
  }

  function rateLimited(): { reply?: Reply; headers: Record<string, string> } {
    if (!rate) return { headers: {} };
    const now = Date.now();
    if (now >= rate.resetAt) Object.assign(rate, { used: 0, resetAt: now + rate.window * 1000 });
    rate.used++;
    const reset = Math.ceil(rate.resetAt / 1000);
    const headers = { 'RateLimit-Limit': String(rate.limit), 'RateLimit-Remaining': String(Math.max(0, rate.limit - rate.used)), 'RateLimit-Reset': String(reset), 'RateLimit-Observed': String(rate.used) };
    if (rate.used <= rate.limit) return { headers };
    return { headers, reply: { status: 429, headers: { 'Retry-After': String(Math.max(1, reset - Math.floor(now / 1000))), 'Content-Type': 'text/plain' }, body: 'Retry later\n' } };
  }

  type Project = (typeof projects)[number];
  const projectJson = (p: Project): Row => ({ id: p.id, name: p.path.split('/').pop(), path: p.path.split('/').pop(), path_with_namespace: p.path, container_registry_access_level: 'enabled' });
  const repoJson = (p: Project, r: StoredRepository): Row => ({ id: repoId(r.name), name: r.name.slice(p.path.length + 1), path: r.name, project_id: p.id, location: `${registryHost}/${r.name}` });
  const tagRow = (r: StoredRepository, tag: string): Row => ({ name: tag, path: `${r.name}:${tag}`, location: `${registryHost}/${r.name}:${tag}` });
  function tagDetails(r: StoredRepository, t: StoredRepository['tags'][number]): Row {
    const m = r.manifests.find((x) => x.digest === t.digest);
    const config = (m?.json.config as Descriptor | undefined)?.digest;
    const built = config ? builtAt(storedBlob(reg.dataDir, config)) : undefined;
    const hex = config?.replace(/^sha256:/, '');
    const sizes = { created_at: typeof built === 'string' ? built : null, total_size: config ? imageSize(m) : null };
    return { ...tagRow(r, t.tag), revision: hex ?? null, short_revision: hex?.slice(0, 9) ?? null, digest: t.digest, ...sizes };
  }

  function api(req: IncomingMessage, url: URL, path: string): Reply {
    const t = apiToken(req);
    if (!t) return message(401, '401 Unauthorized');
    const method = req.method ?? 'GET';
    const scope = method === 'GET' ? ['read_api', 'api'] : ['api'];
    const why = { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: scope.join(' ') };
    const oauth = `Bearer realm="Protected by OAuth 2.0", ${Object.entries(why).map(([k, v]) => `${k}="${v}"`).join(', ')}`;
    if (!t.job && !scope.some((s) => t.scopes.includes(s))) return { status: 403, headers: { 'WWW-Authenticate': oauth }, body: why };
    const list = (rows: Row[]): Reply => (method === 'GET' ? listReply(paginate(rows, url)) : message(405, '405 Method Not Allowed'));
    if (path === '/api/v4/projects') return t.job ? message(401, '401 Unauthorized') : list(projects.filter((p) => memberOf(t, p.path)).map(projectJson));
    const m = /^\/api\/v4\/projects\/([^/]+)\/registry\/repositories(?:\/(\d+)\/tags(?:\/([^/]+))?)?$/.exec(path);
    if (!m) return t.job ? message(401, '401 Unauthorized') : message(404, '404 Not Found');
    const key = decodeURIComponent(m[1]);
    const p = projects.find((x) => String(x.id) === key || x.path === key);
    if (!p || !memberOf(t, p.path)) return message(404, '404 Project Not Found');
    const repos = reposOf(p.path);
    if (m[2] === undefined) return list(repos.map((r) => repoJson(p, r)));
    const r = repos.find((x) => repoId(x.name) === Number(m[2]));
    if (!r) return message(404, '404 Repository Not Found');
    if (m[3] === undefined) return list([...r.tags].sort((a, b) => (a.tag < b.tag ? -1 : 1)).map((x) => tagRow(r, x.tag)));
    const tag = r.tags.find((x) => x.tag === decodeURIComponent(m[3]));
    if (!tag) return message(404, '404 Tag Not Found');
    if (method === 'GET') return { status: 200, body: tagDetails(r, tag) };
    if (method !== 'DELETE') return message(405, '405 Method Not Allowed');
    rmSync(join(reg.dataDir, 'docker/registry/v2/repositories', r.name, '_manifests/tags', tag.tag), { recursive: true, force: true });
    return { status: 200 };
  }

  // ---- plumbing

  function send(res: ServerResponse, r: Reply, record: FakeGitlabLogEntry, extra: Record<string, string> = {}): void {
    const data = r.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    const type = r.body === undefined || typeof r.body === 'string' ? {} : { 'Content-Type': 'application/json' };
    record.status = r.status;
    res.writeHead(r.status, { ...type, ...extra, ...r.headers, 'Content-Length': String(data.length) });
    res.end(res.req?.method === 'HEAD' ? undefined : data);
  }

  function handleGitlab(rq: IncomingMessage, res: ServerResponse, record: FakeGitlabLogEntry): void {
    const url = new URL(rq.url ?? '/', `http://${gitlabHost}`);
    if (url.pathname === '/jwt/auth') return send(res, jwtAuth(rq, url), record);
    if (!url.pathname.startsWith('/api/v4/')) return send(res, message(404, '404 Not Found'), record);
    const limited = rateLimited();
    send(res, limited.reply ?? api(rq, url, url.pathname), record, limited.headers);
  }

  function handleRegistry(rq: IncomingMessage, res: ServerResponse, body: Buffer, record: FakeGitlabLogEntry): void {
    const url = new URL(rq.url ?? '/', `http://${registryHost}`);
    if (url.pathname.startsWith('/gitlab/v1/')) return send(res, gitlabV1(rq, url), record);
    if (!url.pathname.startsWith('/v2/')) return send(res, { status: 404, body: '404 page not found\n' }, record);
    const denied = authorize(rq, v2Need(rq.method ?? 'GET', url.pathname));
    if (denied) return send(res, denied, record);
    forward(rq, res, body, record);
  }

  const serve = (server: 'gitlab' | 'registry') =>
    createServer((rq, res) => {
      const chunks: Buffer[] = [];
      rq.on('data', (c: Buffer) => chunks.push(c));
      rq.on('error', () => undefined);
      rq.on('end', () => {
        const credential = ['job-token', 'private-token'].find((h) => rq.headers[h] !== undefined)?.toUpperCase() ?? rq.headers.authorization?.split(' ')[0];
        const record: FakeGitlabLogEntry = { server, method: rq.method ?? '', url: (rq.url ?? '/').replace(/([?&](?:private_token|job_token|access_token|password)=)[^&]*/gi, '$1REDACTED'), ...(credential ? { credential } : {}), status: 0 };
        log.push(record);
        try {
          if (server === 'gitlab') handleGitlab(rq, res, record);
          else handleRegistry(rq, res, Buffer.concat(chunks), record);
        } catch (err) {
          if (!res.headersSent) send(res, message(500, `500 fake GitLab failed: ${(err as Error).message}`), record);
          else res.destroy();
        }
      });
    });
  const instance = await listenOnLoopback(serve('gitlab'));
  const registry = await listenOnLoopback(serve('registry'));
  gitlabHost = instance.host;
  registryHost = registry.host;

  const fake: FakeGitlab = {
    url: `http://${registryHost}`,
    host: registryHost,
    instanceUrl: `http://${gitlabHost}`,
    setMetadataDatabase: (on) => void (metadata = on),
    setRateLimit: (limit, windowSeconds = 60) => void (rate = limit === undefined ? undefined : { limit, window: windowSeconds, used: 0, resetAt: Date.now() + windowSeconds * 1000 }),
    setPagingFault: (f) => void (fault = f),
    log,
    requests: (filter = {}) =>
      log.filter((r) => {
        const p = r.url.split('?')[0];
        const pathOk = filter.path === undefined || (typeof filter.path === 'string' ? p.startsWith(filter.path) : filter.path.test(p));
        return pathOk && (filter.server === undefined || r.server === filter.server) && (filter.method === undefined || r.method === filter.method.toUpperCase());
      }),
    stop: async () => void (await Promise.all([instance.stop(), registry.stop()])),
  };
  Object.defineProperty(fake, inspect.custom, { value: () => `FakeGitlab(${fake.url}, instance ${fake.instanceUrl})`, enumerable: false });
  return fake;
}
