// A FAKE Azure Container Registry data plane for tests. It is not ACR: it is built from ACR's published API
// description, Azure/azure-rest-api-specs specification/containerregistry/data-plane/Azure.ContainerRegistry/stable/
// 2021-07-01/containerregistry.json ("spec" below; its definitions are named spec#Name). It keeps the V2 part real:
// /v2/ is forwarded to a REAL docker-registry 2.8.2 (auth 'none'), and every /acr/v1/ answer is built from that
// registry's storage (registry-storage.ts), so digests, deletes, tags and untagged manifests are the registry's own.
//
// Where the spec is silent the fake chooses, and says so (FAKE-CHOICE):
// - Untag: 2.8.2 has no HTTP untag, but its storage has one (tagStore.Untag removes the tag's folder). The fake does
//   the same in the registry's storage, so the tag is really gone (the registry's own V2 answers 404 for it, its
//   tags/list and registry-storage.ts no longer show it) while the manifest stays. No overlay to keep in step.
// - Page size: the spec gives `n` no maximum; ACR's own clients (acr-cli, az) ask for 100. Default and cap: 100.
// - imageSize: the spec says only "Image size". Image: config + layers sizes. Index: its own manifest's byte length
//   (its platform children are listed on their own, so summing them would count them twice).
// - Not in the spec: DELETE /acr/v1/{name}/_manifests/{digest} (a manifest is deleted with DELETE
//   /v2/{name}/manifests/{digest}); it answers 405 UNSUPPORTED, as any other route the spec lacks.
// - readEnabled / listEnabled are stored and reported, not enforced; deleteEnabled / writeEnabled are enforced.
// - Auth: Bearer tokens this fake signed (HS256 JWTs with a docker-style `access` claim), and Basic as well (spec
//   `security`: registry_auth basic or registry_oauth2). POST /oauth2/exchange (AAD token → refresh token) has no
//   AAD behind it: 405 like other unimplemented routes. A user's grants: every action asked, or for a readOnly
//   user pull and metadata_read (and the catalog, which is a read too).
// The request log keeps the Authorization scheme only; token, password and refresh_token values never appear.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { TestRegistry } from './registry';
import { storedBlob, storedRepositories, storedRepository, type StoredManifest, type StoredRepository } from './registry-storage';

export interface FakeAcrUser {
  username: string;
  password: string;
  /** Only `pull`, `metadata_read` (and the catalog) are granted. */
  readOnly?: boolean;
}
export interface FakeAcrOptions {
  /** A real registry, auth 'none': /v2/ is forwarded there, state is read from registry.dataDir. */
  registry: TestRegistry;
  /** Basic logins accepted at the token endpoint and on the API (spec `security`: registry_auth). Default: one generated user. */
  users?: FakeAcrUser[];
  /** Accepted by POST /oauth2/token grant_type=refresh_token, and as Basic password of 00000000-0000-0000-0000-000000000000. */
  refreshTokens?: string[];
  /** GET /oauth2/token without credentials grants pull. Default false. */
  anonymousPull?: boolean;
  /** Access token lifetime (JWT `exp`). Default 3600. */
  tokenTtlSeconds?: number;
}
/** spec#TagChangeableAttributes, spec#ManifestChangeableAttributes, spec#RepositoryChangeableAttributes. */
export type ChangeableAttributes = Record<'deleteEnabled' | 'writeEnabled' | 'readEnabled' | 'listEnabled', boolean>;
/** One request: method, path and query (secrets redacted), the Authorization scheme (never its value), status sent. */
export type FakeAcrLogEntry = { method: string; url: string; authorization?: string; status: number };
export interface FakeAcr {
  url: string;
  host: string;
  users: FakeAcrUser[];
  /** Like `az acr repository update --delete-enabled/--write-enabled`: on a tag, a digest, or ('' ) the repository. */
  setAttributes(repository: string, ref: string, attrs: Partial<ChangeableAttributes>): void;
  log: FakeAcrLogEntry[];
  requests(filter?: { method?: string; path?: string | RegExp }): FakeAcrLogEntry[];
  stop(): Promise<void>;
}

export const ACR_REFRESH_USER = '00000000-0000-0000-0000-000000000000';
/** FAKE-CHOICE (spec silent): default and largest page. */
export const ACR_PAGE_MAX = 100;
const NAME_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^\w[\w.-]{0,127}$/;
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const DEFAULT_ATTRS: ChangeableAttributes = { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true };

// ---------------------------------------------------------------- answers (spec#AcrErrors everywhere)

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
function acrError(status: number, code: string, message: string, detail?: unknown, headers?: Record<string, string>): Reply {
  return { status, headers, body: { errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }] } };
}
const unsupported = (): Reply => acrError(405, 'UNSUPPORTED', 'The operation is unsupported.');
// Code, status and `detail: {}` as ACR answers a locked delete (seen in Azure/acr-cli issue #70).
const disallowed = (): Reply => acrError(405, 'REGISTRY_DISALLOWED_OPERATION', 'The operation is disallowed on this registry, repository or image.', {});
const nameUnknown = (name: string): Reply => acrError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
const badRequest = (message: string): Reply => acrError(400, 'BAD_REQUEST', message); // FAKE-CHOICE: code

// ---------------------------------------------------------------- scopes and tokens

type Access = { type: string; name: string; actions: string[] };
type Who = { kind: 'user'; user: FakeAcrUser } | { kind: 'refresh' } | { kind: 'anonymous' };

/** `scope` may be sent more than once, and one value may hold several space-separated scopes (spec /oauth2/token). */
function parseScopes(values: string[]): Access[] {
  const out: Access[] = [];
  for (const s of values.flatMap((v) => v.split(' ')).filter(Boolean)) {
    const parts = s.split(':');
    if (parts.length < 3) continue;
    out.push({ type: parts[0], name: parts.slice(1, -1).join(':'), actions: parts[parts.length - 1].split(',').filter(Boolean) });
  }
  return out;
}

/** What `who` may do of what `want` asks: everything for a full user or refresh token; pull/metadata_read read-only. */
function grant(who: Who, want: Access): Access {
  if (want.type === 'registry') return { ...want, actions: who.kind === 'anonymous' ? [] : want.actions.filter((a) => a === '*') };
  const allowed = who.kind === 'anonymous' ? ['pull'] : who.kind === 'user' && who.user.readOnly ? ['pull', 'metadata_read'] : undefined;
  if (allowed === undefined) return want;
  return { ...want, actions: want.actions.includes('*') ? allowed : want.actions.filter((a) => allowed.includes(a)) };
}

function covers(granted: Access[], need: { type: string; name: string; action: string }): boolean {
  return granted.some((g) => g.type === need.type && (g.name === need.name || g.name === '*') && (g.actions.includes(need.action) || g.actions.includes('*')));
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

class Tokens {
  private readonly key = randomBytes(32);
  constructor(private readonly ttl: number) {}
  /** A JWT (HS256) in the docker token format ACR uses: `access` lists what was granted. */
  issue(host: string, subject: string, access: Access[]): string {
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64({ jti: randomBytes(8).toString('hex'), sub: subject, iss: host, aud: host, iat: now, nbf: now, exp: now + this.ttl, access })}`;
    return `${body}.${this.sign(body)}`;
  }
  /** The granted access, or undefined for a token this fake did not sign, or one expired. */
  verify(host: string, token: string): Access[] | undefined {
    const [h, p, sig] = token.split('.');
    const want = Buffer.from(this.sign(`${h}.${p}`));
    if (sig === undefined || want.length !== sig.length || !timingSafeEqual(want, Buffer.from(sig))) return undefined;
    const claims = readJson(Buffer.from(p, 'base64url')) as { exp?: number; aud?: string; access?: Access[] };
    return (claims.exp ?? 0) > Date.now() / 1000 && claims.aud === host ? claims.access : undefined;
  }
  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

// ---------------------------------------------------------------- state from the real registry's storage

const tagsDir = (dataDir: string, repo: string): string => join(dataDir, 'docker/registry/v2/repositories', repo, '_manifests/tags');

/** When a tag was first made: the oldest of its index links (one per digest it has pointed at). */
function tagCreated(dataDir: string, repo: string, tag: string, fallback: Date): Date {
  const dir = join(tagsDir(dataDir, repo), tag, 'index/sha256');
  let min = fallback.getTime();
  try {
    for (const hex of readdirSync(dir)) min = Math.min(min, statSync(join(dir, hex, 'link')).mtimeMs);
  } catch {
    // no index (or it changed meanwhile): the last push time stands
  }
  return new Date(min);
}

type Descriptor = { digest: string; size?: number; mediaType?: string; platform?: { architecture?: string; os?: string } };
const isIndex = (m: StoredManifest): boolean => Array.isArray(m.json.manifests);

/** spec#ManifestAttributesBase of a stored manifest; `references` (spec#ManifestAttributes_manifest_references) on request. */
function manifestBody(dataDir: string, repo: StoredRepository, m: StoredManifest, attrs: ChangeableAttributes, withReferences: boolean): Record<string, unknown> {
  const tags = repo.tags.filter((t) => t.digest === m.digest).map((t) => t.tag).sort();
  const time = m.createdAt.toISOString();
  const base: Record<string, unknown> = { digest: m.digest, createdTime: time, lastUpdateTime: time };
  if (isIndex(m)) {
    const children = m.json.manifests as Descriptor[];
    Object.assign(base, { imageSize: m.bytes.length, mediaType: m.mediaType ?? 'application/vnd.oci.image.index.v1+json' });
    if (withReferences) base.references = children.map((d) => ({ digest: d.digest, architecture: d.platform?.architecture, os: d.platform?.os }));
  } else {
    const config = m.json.config as Descriptor | undefined;
    const layers = (m.json.layers as Descriptor[] | undefined) ?? [];
    const platform = config ? readJson(storedBlob(dataDir, config.digest)) : {};
    Object.assign(base, {
      imageSize: (config?.size ?? 0) + layers.reduce((s, l) => s + (l.size ?? 0), 0),
      ...(typeof platform.architecture === 'string' ? { architecture: platform.architecture } : {}),
      ...(typeof platform.os === 'string' ? { os: platform.os } : {}),
      mediaType: m.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
      ...(config?.mediaType ? { configMediaType: config.mediaType } : {}),
    });
  }
  // Untagged: `tags` left out (it is optional in spec#ManifestAttributesBase).
  return { ...base, ...(tags.length ? { tags } : {}), changeableAttributes: attrs };
}

function readJson(bytes: Buffer | undefined): Record<string, unknown> {
  try {
    return bytes ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------- paging (spec x-ms-pageable + Link header)

type Sortable = { key: string; time: number };
/**
 * One page of `items` by `n` (default and cap ACR_PAGE_MAX) after `last`. Without orderby, by key (tag name, digest,
 * repository), and `last` means "lexically after" (spec QueryLast). With orderby=timedesc|timeasc (spec#TagOrderBy,
 * spec#ManifestOrderBy: by lastUpdateTime), `last` names the last item seen; the next page starts after it in that
 * order, found by the item, or by where it stood when the fake gave it out (so a delete between pages keeps paging).
 */
function paginate<T extends Sortable>(items: T[], q: URLSearchParams, path: string, cursors: Map<string, Sortable>): Reply | { page: T[]; link?: string } {
  const orderby = q.get('orderby') ?? 'none';
  if (!['none', 'timedesc', 'timeasc'].includes(orderby)) return badRequest(`unknown orderby ${orderby}`);
  const nRaw = q.get('n');
  const n = nRaw === null ? ACR_PAGE_MAX : Number(nRaw);
  if (!Number.isInteger(n) || n < 1) return acrError(400, 'PAGINATION_NUMBER_INVALID', 'invalid number of results requested');
  const byKey = (a: Sortable, b: Sortable): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const sign = orderby === 'timedesc' ? -1 : 1;
  const cmp = orderby === 'none' ? byKey : (a: Sortable, b: Sortable): number => sign * (a.time - b.time) || byKey(a, b);
  const sorted = [...items].sort(cmp);
  const last = q.get('last');
  let rest = sorted;
  if (last !== null && last !== '') {
    const at = orderby === 'none' ? { key: last, time: 0 } : (sorted.find((i) => i.key === last) ?? cursors.get(`${path}\n${orderby}\n${last}`));
    rest = at === undefined ? [] : sorted.filter((i) => cmp(i, at) > 0);
  }
  const page = rest.slice(0, Math.min(n, ACR_PAGE_MAX));
  if (rest.length <= page.length) return { page };
  const end = page[page.length - 1];
  cursors.set(`${path}\n${orderby}\n${end.key}`, { key: end.key, time: end.time });
  const query = new URLSearchParams({ last: end.key, n: String(Math.min(n, ACR_PAGE_MAX)), ...(orderby !== 'none' ? { orderby } : {}) });
  return { page, link: `<${path}?${query}>; rel="next"` };
}

// ---------------------------------------------------------------- the server

export async function startFakeAcr(options: FakeAcrOptions): Promise<FakeAcr> {
  const reg = options.registry;
  if (reg.auth !== 'none') throw new Error(`fake ACR needs a registry with auth 'none', got ${reg.auth}`);
  const users: FakeAcrUser[] = options.users ?? [{ username: 'acr-admin', password: `pw-${randomBytes(15).toString('base64url')}` }];
  const refreshTokens = new Set(options.refreshTokens ?? []);
  const attrs = new Map<string, Partial<ChangeableAttributes>>(); // r:repo, m:repo@digest, t:repo:tag
  const cursors = new Map<string, Sortable>();
  const log: FakeAcrLogEntry[] = [];
  let host = '';
  const tokens = new Tokens(options.tokenTtlSeconds ?? 3600);

  const attrsOf = (key: string): ChangeableAttributes => ({ ...DEFAULT_ATTRS, ...attrs.get(key) });
  const locked = (...keys: string[]): boolean => keys.some((k) => !attrsOf(k).deleteEnabled || !attrsOf(k).writeEnabled);
  const setAttrs = (key: string, a: Partial<ChangeableAttributes>): void => void attrs.set(key, { ...attrs.get(key), ...a });
  const dropTag = (repo: string, tag: string): void => void attrs.delete(`t:${repo}:${tag}`);

  /** Basic (known user, or the refresh-token user) → who; undefined for a wrong login. */
  function basicLogin(header: string): Who | undefined {
    const raw = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const [name, password] = [raw.slice(0, raw.indexOf(':')), raw.slice(raw.indexOf(':') + 1)];
    if (name === ACR_REFRESH_USER && refreshTokens.has(password)) return { kind: 'refresh' };
    const user = users.find((u) => u.username === name && u.password === password);
    return user ? { kind: 'user', user } : undefined;
  }
  const subject = (who: Who): string => (who.kind === 'user' ? who.user.username : who.kind === 'refresh' ? ACR_REFRESH_USER : 'anonymous');

  /** spec GET /oauth2/token (Basic, scope in the query) and POST /oauth2/token (form: grant_type=refresh_token | password). */
  function tokenEndpoint(req: IncomingMessage, url: URL, body: Buffer): Reply {
    const auth = req.headers.authorization;
    let who: Who | undefined;
    let params = url.searchParams;
    if (req.method === 'GET') {
      who = auth === undefined ? (options.anonymousPull ? { kind: 'anonymous' } : undefined) : /^basic /i.test(auth) ? basicLogin(auth) : undefined;
    } else if (req.method === 'POST') {
      params = new URLSearchParams(body.toString('utf8'));
      const grantType = params.get('grant_type');
      if (grantType === 'refresh_token') who = refreshTokens.has(params.get('refresh_token') ?? '') ? { kind: 'refresh' } : undefined;
      else if (grantType === 'password') who = basicLogin(`Basic ${Buffer.from(`${params.get('username')}:${params.get('password')}`).toString('base64')}`);
      else return badRequest(`unsupported grant_type ${grantType ?? '(none)'}`);
    } else return unsupported();
    if (who === undefined) return acrError(401, 'UNAUTHORIZED', 'authentication required');
    if (params.get('service') !== host) return acrError(401, 'UNAUTHORIZED', `unknown service ${params.get('service') ?? '(none)'}`); // FAKE-CHOICE
    const granted = parseScopes(params.getAll('scope')).map((s) => grant(who, s));
    return { status: 200, body: { access_token: tokens.issue(host, subject(who), granted) } }; // spec#AccessToken
  }

  /** The scope a /v2/ or /acr/v1/ request needs (as put in the challenge); null: any valid credential. */
  function needed(method: string, path: string, repo: string | undefined): { type: string; name: string; action: string } | null {
    if (path === '/v2/_catalog' || path === '/acr/v1/_catalog') return { type: 'registry', name: 'catalog', action: '*' };
    if (repo === undefined) return null;
    const v2 = path.startsWith('/v2/');
    const action =
      method === 'DELETE' ? 'delete' : v2 ? (['GET', 'HEAD'].includes(method) ? 'pull' : 'push') : method === 'PATCH' ? 'metadata_write' : 'metadata_read';
    return { type: 'repository', name: repo, action };
  }

  function challenge(need: ReturnType<typeof needed>, error?: string): Reply {
    const scope = need === null ? '' : `,scope="${need.type}:${need.name}:${need.action === 'push' ? 'push,pull' : need.action}"`;
    const header = `Bearer realm="http://${host}/oauth2/token",service="${host}"${scope}${error ? `,error="${error}"` : ''}`;
    return acrError(401, 'UNAUTHORIZED', 'authentication required', undefined, { 'WWW-Authenticate': header });
  }

  /** undefined when allowed, else the 401 to send. Bearer tokens from this fake, or Basic (spec `security`). */
  function authorize(req: IncomingMessage, path: string, repo: string | undefined): Reply | undefined {
    const need = needed(req.method ?? 'GET', path, repo);
    const auth = req.headers.authorization ?? '';
    let granted: Access[] | undefined;
    if (/^bearer /i.test(auth)) granted = tokens.verify(host, auth.slice(7).trim());
    else if (/^basic /i.test(auth)) {
      const who = basicLogin(auth);
      granted = who && need ? [grant(who, { type: need.type, name: need.name, actions: [need.action] })] : who ? [] : undefined;
    }
    if (granted === undefined) return challenge(need, auth ? 'invalid_token' : undefined);
    return need === null || covers(granted, need) ? undefined : challenge(need, 'insufficient_scope');
  }

  // ---- /acr/v1/ routes (state from storage)

  function repoOr404(name: string): StoredRepository | Reply {
    if (!NAME_RE.test(name)) return nameUnknown(name);
    const r = storedRepository(reg.dataDir, name);
    return r.manifests.length ? r : nameUnknown(name);
  }
  const tagBody = (r: StoredRepository, t: StoredRepository['tags'][number]): Record<string, unknown> => ({
    name: t.tag,
    digest: t.digest,
    createdTime: tagCreated(reg.dataDir, r.name, t.tag, t.pushedAt).toISOString(),
    lastUpdateTime: t.pushedAt.toISOString(),
    signed: false,
    changeableAttributes: attrsOf(`t:${r.name}:${t.tag}`),
  }); // spec#TagAttributesBase

  /** A PATCH body (spec#TagChangeableAttributes and its kin) applied to `key`; a 400 when it is not booleans. */
  function patch(body: Buffer, key: string): Reply | undefined {
    const v = readJson(body);
    const given = Object.keys(DEFAULT_ATTRS).filter((k) => v[k] !== undefined);
    if (given.some((k) => typeof v[k] !== 'boolean')) return badRequest('changeable attributes are booleans');
    setAttrs(key, Object.fromEntries(given.map((k) => [k, v[k]])));
  }
  const listReply = <T>(p: Reply | { page: T[]; link?: string }, body: (page: T[]) => unknown): Reply =>
    'status' in p ? p : { status: 200, headers: p.link ? { Link: p.link } : {}, body: body(p.page) };

  /** spec /acr/v1/_catalog GET → spec#Repositories. */
  function catalog(url: URL): Reply {
    const p = paginate(storedRepositories(reg.dataDir).map((key) => ({ key, time: 0 })), url.searchParams, '/acr/v1/_catalog', cursors);
    return listReply(p, (page) => ({ repositories: page.map((i) => i.key) }));
  }

  /** spec /acr/v1/{name} GET/PATCH → spec#RepositoryAttributes. */
  function repository(method: string, r: StoredRepository, body: Buffer): Reply {
    if (method !== 'GET' && method !== 'PATCH') return unsupported();
    const bad = method === 'PATCH' ? patch(body, `r:${r.name}`) : undefined;
    if (bad) return bad;
    const times = r.manifests.map((m) => m.createdAt.getTime()).concat(r.tags.map((t) => t.pushedAt.getTime()));
    const [created, updated] = [new Date(Math.min(...times)).toISOString(), new Date(Math.max(...times)).toISOString()];
    const out = { registry: host, imageName: r.name, createdTime: created, lastUpdateTime: updated, manifestCount: r.manifests.length, tagCount: r.tags.length };
    return { status: 200, body: { ...out, changeableAttributes: attrsOf(`r:${r.name}`) } };
  }

  /** spec /acr/v1/{name}/_tags GET (n, last, orderby, digest) → spec#TagList. */
  function tagList(r: StoredRepository, url: URL): Reply {
    const digest = url.searchParams.get('digest');
    const items = r.tags.filter((t) => digest === null || t.digest === digest).map((t) => ({ key: t.tag, time: t.pushedAt.getTime(), t }));
    const p = paginate(items, url.searchParams, `/acr/v1/${r.name}/_tags`, cursors);
    return listReply(p, (page) => ({ registry: host, imageName: r.name, tags: page.map((i) => tagBody(r, i.t)) }));
  }

  /** spec /acr/v1/{name}/_tags/{reference} GET/PATCH (→ spec#TagAttributes) and DELETE (202, the tag only). */
  function tag(method: string, r: StoredRepository, name: string, body: Buffer): Reply {
    const t = TAG_RE.test(name) ? r.tags.find((x) => x.tag === name) : undefined;
    if (t === undefined) return acrError(404, 'TAG_UNKNOWN', 'the specified tag does not exist', { name: `${r.name}:${name}` });
    if (method === 'DELETE') {
      if (locked(`r:${r.name}`, `t:${r.name}:${name}`)) return disallowed();
      rmSync(join(tagsDir(reg.dataDir, r.name), name), { recursive: true, force: true }); // what distribution's tagStore.Untag does
      dropTag(r.name, name);
      return { status: 202 };
    }
    if (method !== 'GET' && method !== 'PATCH') return unsupported();
    const bad = method === 'PATCH' ? patch(body, `t:${r.name}:${name}`) : undefined;
    return bad ?? { status: 200, body: { registry: host, imageName: r.name, tag: tagBody(r, t) } };
  }

  /** spec /acr/v1/{name}/_manifests GET (n, last, orderby) → spec#AcrManifests: every stored manifest, untagged too. */
  function manifestList(r: StoredRepository, url: URL): Reply {
    const items = r.manifests.map((m) => ({ key: m.digest, time: m.createdAt.getTime(), m }));
    const p = paginate(items, url.searchParams, `/acr/v1/${r.name}/_manifests`, cursors);
    const body = (i: (typeof items)[number]): unknown => manifestBody(reg.dataDir, r, i.m, attrsOf(`m:${r.name}@${i.m.digest}`), false);
    return listReply(p, (page) => ({ registry: host, imageName: r.name, manifests: page.map(body) }));
  }

  /** spec /acr/v1/{name}/_manifests/{digest} GET/PATCH → spec#ManifestAttributes (with references for an index). */
  function manifest(method: string, r: StoredRepository, digest: string, body: Buffer): Reply {
    if (method !== 'GET' && method !== 'PATCH') return unsupported();
    const m = r.manifests.find((x) => x.digest === digest);
    if (m === undefined) return acrError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { name: r.name, digest });
    const bad = method === 'PATCH' ? patch(body, `m:${r.name}@${digest}`) : undefined;
    return bad ?? { status: 200, body: { registry: host, imageName: r.name, manifest: manifestBody(reg.dataDir, r, m, attrsOf(`m:${r.name}@${digest}`), true) } };
  }

  function acrV1(method: string, path: string, url: URL, body: Buffer): Reply {
    if (path === '/acr/v1/_catalog') return method === 'GET' ? catalog(url) : unsupported();
    const m = /^\/acr\/v1\/(.+?)(?:\/_(tags|manifests)(?:\/([^/]+))?)?$/.exec(path);
    if (m === null) return unsupported();
    const r = repoOr404(m[1]);
    if ('status' in r) return r;
    if (m[2] === undefined) return repository(method, r, body);
    if (m[3] === undefined) return method !== 'GET' ? unsupported() : m[2] === 'tags' ? tagList(r, url) : manifestList(r, url);
    return m[2] === 'tags' ? tag(method, r, m[3], body) : manifest(method, r, m[3], body);
  }

  // ---- /v2/: forwarded to the real registry, but for deletes and writes ACR refuses on locked images

  /** spec /v2/{name}/manifests/{reference} DELETE and PUT on a locked image → 405 REGISTRY_DISALLOWED_OPERATION. */
  function v2Guard(method: string, repo: string, kind: string, ref: string): Reply | undefined {
    if (kind !== 'manifests' || !NAME_RE.test(repo)) return undefined;
    if (method === 'DELETE' && DIGEST_RE.test(ref)) {
      const tags = storedRepository(reg.dataDir, repo).tags.filter((t) => t.digest === ref);
      if (locked(`r:${repo}`, `m:${repo}@${ref}`, ...tags.map((t) => `t:${repo}:${t.tag}`))) return disallowed();
    }
    if (method === 'PUT' && !attrsOf(`r:${repo}`).writeEnabled) return disallowed();
    if (method === 'PUT' && TAG_RE.test(ref) && !attrsOf(`t:${repo}:${ref}`).writeEnabled) return disallowed();
    return undefined;
  }

  /** After a manifest DELETE the registry accepted, its attributes and its tags' go with it. */
  function afterDelete(repo: string, digest: string, tagsBefore: string[]): void {
    attrs.delete(`m:${repo}@${digest}`);
    const left = new Set(storedRepository(reg.dataDir, repo).tags.map((t) => t.tag));
    for (const t of tagsBefore) if (!left.has(t)) dropTag(repo, t);
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, record: FakeAcrLogEntry, done?: (status: number) => void): void {
    const headers = { ...req.headers, host }; // the registry builds Location URLs from Host: they point back here
    delete headers.authorization;
    const upstream = httpRequest({ host: '127.0.0.1', port: reg.port, method: req.method, path: req.url, headers }, (answer) => {
      record.status = answer.statusCode ?? 502;
      done?.(record.status);
      res.writeHead(record.status, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }

  function send(res: ServerResponse, r: Reply, record: FakeAcrLogEntry, head: boolean): void {
    const data = r.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(r.body));
    const type = r.body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' };
    record.status = r.status;
    res.writeHead(r.status, { ...type, ...r.headers, 'Content-Length': String(data.length) });
    res.end(head ? undefined : data);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer, record: FakeAcrLogEntry): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', `http://${host}`);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname); // `name` may come %2F-encoded: the spec's ImageName is not skip-url-encoding
    } catch {
      return send(res, badRequest('malformed path'), record, false);
    }
    if (path === '/oauth2/token') return send(res, tokenEndpoint(req, url, body), record, false);
    const v2 = /^\/v2\/(.+)\/(manifests|blobs|tags|referrers)\/(.*)$/.exec(path);
    const acr = /^\/acr\/v1\/(?!_catalog$)(.+?)(?:\/_(?:tags|manifests)(?:\/[^/]+)?)?$/.exec(path);
    if (!path.startsWith('/v2/') && !path.startsWith('/acr/v1/')) return send(res, unsupported(), record, false);
    const denied = authorize(req, path, v2?.[1] ?? acr?.[1]);
    if (denied) return send(res, denied, record, method === 'HEAD');
    if (path.startsWith('/acr/v1/')) return send(res, acrV1(method, path, url, body), record, method === 'HEAD');
    const refused = v2 ? v2Guard(method, v2[1], v2[2], v2[3]) : undefined;
    if (refused) return send(res, refused, record, method === 'HEAD');
    const deleting = v2 && method === 'DELETE' && v2[2] === 'manifests' && DIGEST_RE.test(v2[3]) && NAME_RE.test(v2[1]) ? v2 : null;
    const tagsBefore = deleting ? storedRepository(reg.dataDir, deleting[1]).tags.filter((t) => t.digest === deleting[3]).map((t) => t.tag) : [];
    forward(req, res, body, record, (status) => deleting && status === 202 && afterDelete(deleting[1], deleting[3], tagsBefore));
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const scheme = req.headers.authorization?.split(' ')[0];
      // The logged URL keeps its query but never a secret (a client might put one there by mistake).
      const logged = (req.url ?? '/').replace(/([?&](?:refresh_token|access_token|password)=)[^&]*/gi, '$1REDACTED');
      const record: FakeAcrLogEntry = { method: req.method ?? '', url: logged, ...(scheme ? { authorization: scheme } : {}), status: 0 };
      log.push(record);
      handle(req, res, Buffer.concat(chunks), record).catch((err: unknown) => {
        if (!res.headersSent) send(res, acrError(500, 'UNKNOWN', `fake ACR failed: ${(err as Error).message}`), record, false);
        else res.destroy();
      });
    });
  });
  const listening = await listenOnLoopback(server);
  host = listening.host;

  const fake: FakeAcr = {
    url: `http://${host}`,
    host,
    users,
    setAttributes: (repository, ref, a) => setAttrs(ref === '' ? `r:${repository}` : DIGEST_RE.test(ref) ? `m:${repository}@${ref}` : `t:${repository}:${ref}`, a),
    log,
    requests: (filter = {}) =>
      log.filter((r) => {
        const p = r.url.split('?')[0];
        const pathOk = filter.path === undefined || (typeof filter.path === 'string' ? p.startsWith(filter.path) : filter.path.test(p));
        return pathOk && (filter.method === undefined || r.method === filter.method.toUpperCase());
      }),
    stop: listening.stop,
  };
  Object.defineProperty(fake, inspect.custom, { value: () => `FakeAcr(${fake.url})`, enumerable: false });
  return fake;
}
