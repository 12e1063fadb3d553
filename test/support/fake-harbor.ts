// A FAKE Harbor for tests (there is no Harbor here): the REST API of goharbor/harbor api/v2.0/swagger.yaml and
// Harbor's token front on /v2/, served from the state of a REAL distribution registry (auth 'none') behind it.
// The V2 part stays real: /v2/ is forwarded to that registry; the REST answers are built from its storage folder
// (registry-storage.ts: every manifest, untagged ones included, every tag, write times); every delete or untag is a
// real change of that registry. Harbor repositories are `project/repo`: the first path component is the project.
// Where the spec is silent, Harbor's own source (goharbor/harbor src/) decided:
// - Artifact lists show Harbor's top-level artifacts: tagged ones and ones no index references. An index's children
//   appear as its `references` only (`q=base=*` lists them too), so `q=tags=nil` never lists an index's child.
// - Untag deletes `_manifests/tags/<tag>` in the registry's storage: what distribution's tag store does itself when
//   it untags (2.8 has no API for it). The registry then answers 404 for that tag on its own, also in tags/list.
// - Deleting an index deletes its untagged children no other index references (deleteDeeply); deleting a child an
//   index references answers 412 VIOLATE_FOREIGN_KEY_CONSTRAINT. A delete touching an immutable tag answers 412
//   PRECONDITION and deletes nothing, over REST and over V2 DELETE by digest (one controller in Harbor); so does a V2
//   PUT onto an existing immutable tag.
// - Unknown project: 404 to whoever may see every project (admins, users without `projects`), 403 to a user outside
//   it, 401 anonymous. Unknown repository: 404 (the spec's listArtifacts; Harbor's handler seems to answer 200 []).
// - pull_time is Go's zero time (no pulls recorded); push_time is the registry's write time. Tokens are JWT-shaped
//   (HS256, not Harbor's RS256) and, like Harbor's, grant every action the caller may do.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { TestRegistry } from './registry';
import { storedBlob, storedRepositories, storedRepository, type StoredManifest, type StoredTag } from './registry-storage';

export interface FakeHarborUser {
  username: string; // a user, or a robot account `robot$name`
  password: string;
  admin?: boolean; // system admin: every project, and /v2/_catalog
  projects?: string[]; // the projects it is a member of (default: every project)
  readOnly?: boolean; // guest role: list and pull only; deletes answer 403
}

export interface FakeHarborOptions {
  registry: TestRegistry; // a real registry, auth 'none': /v2/ is forwarded there, the state read from its dataDir
  users?: FakeHarborUser[]; // Basic logins; default one generated non-admin user
  publicProjects?: string[]; // projects anyone can read
}

/** A logged request: path and query, the Authorization scheme only (`Basic`, `Bearer`), the status sent. */
export interface FakeHarborRequest { method: string; url: string; authorization?: string; status: number }

export interface FakeHarbor {
  url: string;
  host: string;
  users: FakeHarborUser[];
  /** A tag immutability rule: tags of `repository` (`project/repo`) wholly matching `tagPattern` (a regex) are immutable. */
  addImmutableRule(repository: string, tagPattern: string): void;
  log: FakeHarborRequest[];
  /** Log entries by method and/or a path prefix or RegExp (tested on the path without query). */
  requests(filter?: { method?: string; path?: string | RegExp }): FakeHarborRequest[];
  stop(): Promise<void>;
}

const API = '/api/v2.0';
const SERVICE = 'harbor-registry'; // the token service's name (Harbor core: token.Registry)
const [PAGE_SIZE, MAX_PAGE_SIZE] = [10, 100]; // parameters.pageSize: default 10, maximum 100
const NEVER = '0001-01-01T00:00:00.000Z'; // Go's zero time as strfmt.DateTime
const TOKEN_SECONDS = 1800;
const IMAGE_CONFIGS = ['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json'];

class HarborError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}
function fail(status: number, code: string, message: string): never {
  throw new HarborError(status, code, message);
}

type Who = FakeHarborUser | undefined;
type Action = 'read' | 'write';
type Row = Record<string, unknown>;
interface Reply { status: number; body?: unknown; headers?: Record<string, string> }
interface Ctx { req: IncomingMessage; res: ServerResponse; url: URL; who: Who }
interface Child { digest: string; platform?: Row; annotations?: unknown; urls?: unknown }
interface Art { repo: string; m: StoredManifest; tags: StoredTag[]; children: Child[]; parents: string[] }
interface Grant { sub: string; access: { type: string; name: string; actions: string[] }[]; exp: number }

const iso = (d: Date): string => d.toISOString();
const projectOf = (repo: string): string => repo.split('/')[0];
const isDigest = (ref: string): boolean => /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(ref);
const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Go's url.QueryUnescape, which Harbor applies to q and to the Link queries it builds: kept as is when malformed. */
const unescape = (v: string): string => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};
const matches = (value: string, p: string | undefined): boolean => p === undefined || (p.startsWith('~') ? value.includes(p.slice(1)) : value === p);
/** Harbor's default artifact filter ("base"): tagged, or referenced by no index. */
const topLevel = (a: Art): boolean => a.tags.length > 0 || a.parents.length === 0;

function basicUser(users: FakeHarborUser[], header: string | undefined): Who {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  const text = m === null ? '' : Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return m === null ? undefined : users.find((u) => u.username === text.slice(0, i) && u.password === text.slice(i + 1));
}

/** Harbor's state, read from the real registry at every request. */
class State {
  private readonly ids = new Map<string, number>();
  private readonly known = new Set<string>();
  /** Immutable tag rules: (repository, whole-tag pattern). */
  readonly rules: { repository: string; pattern: RegExp }[] = [];

  constructor(readonly registry: TestRegistry, readonly publicProjects: string[]) {}

  /** Stable ids for projects, repositories, artifacts and tags (Harbor's database ids). */
  id(key: string): number {
    return this.ids.get(key) ?? this.ids.set(key, this.ids.size + 1).get(key)!;
  }

  immutable(repo: string, tag: string): boolean {
    return this.rules.some((r) => r.repository === repo && r.pattern.test(tag));
  }

  /** Every repository seen so far: Harbor keeps a repository whose artifacts were all deleted. */
  repos(): string[] {
    for (const r of storedRepositories(this.registry.dataDir)) this.known.add(r);
    return [...this.known].sort();
  }

  /** The projects: the first components of the repositories, and the public projects. */
  projects(): string[] {
    return [...new Set([...this.repos().map(projectOf), ...this.publicProjects])].sort();
  }

  artifacts(repo: string): Art[] {
    const r = storedRepository(this.registry.dataDir, repo);
    const arts = r.manifests.map((m) => {
      const entries = Array.isArray(m.json.manifests) ? (m.json.manifests as Row[]) : [];
      const children = entries.map((e) => ({ digest: String(e.digest), platform: e.platform as Row | undefined, annotations: e.annotations, urls: e.urls }));
      return { repo, m, tags: r.tags.filter((t) => t.digest === m.digest), children, parents: [] as string[] };
    });
    for (const a of arts) for (const c of a.children) arts.find((x) => x.m.digest === c.digest)?.parents.push(a.m.digest);
    return arts;
  }

  can(who: Who, project: string, action: Action): boolean {
    if (!this.projects().includes(project)) return false;
    if (who?.admin) return true;
    if (who !== undefined && (who.projects ?? [project]).includes(project)) return action === 'read' || who.readOnly !== true;
    return action === 'read' && this.publicProjects.includes(project);
  }

  /** BaseAPI.RequireProjectAccess: 401 anonymous, 403 not allowed, 404 unknown (to whoever may see it). */
  requireProject(who: Who, project: string, action: Action): void {
    if (this.can(who, project, action)) return;
    const mayKnow = who !== undefined && (who.admin === true || (who.projects ?? [project]).includes(project));
    if (mayKnow && !this.projects().includes(project)) fail(404, 'NOT_FOUND', `project ${project} not found`);
    if (who === undefined) fail(401, 'UNAUTHORIZED', 'unauthorized');
    fail(403, 'FORBIDDEN', 'forbidden');
  }

  find(arts: Art[], repo: string, ref: string): Art {
    const hit = isDigest(ref) ? arts.find((a) => a.m.digest === ref) : arts.find((a) => a.tags.some((t) => t.tag === ref));
    return hit ?? fail(404, 'NOT_FOUND', `artifact ${repo}${isDigest(ref) ? '@' : ':'}${ref} not found`);
  }

  /** The tag controller's Delete: an immutable tag answers 412 PRECONDITION. */
  requireMutable(repo: string, tags: string[]): void {
    const tag = tags.find((t) => this.immutable(repo, t));
    if (tag !== undefined) fail(412, 'PRECONDITION', `the tag ${tag} configured as immutable, cannot be deleted`);
  }

  /** The artifact controller's Delete (deleteDeeply): every check first, then V2 DELETEs on the real registry. */
  async deleteArtifact(repo: string, ref: string): Promise<void> {
    const arts = this.artifacts(repo);
    const art = this.find(arts, repo, ref);
    if (art.parents.length > 0) fail(412, 'VIOLATE_FOREIGN_KEY_CONSTRAINT', 'the deleting artifact is referenced by others');
    this.requireMutable(repo, art.tags.map((t) => t.tag));
    const doomed = [art];
    for (const parent of doomed) {
      for (const child of arts.filter((a) => parent.children.some((c) => c.digest === a.m.digest) && !doomed.includes(a))) {
        if (child.tags.length === 0 && child.parents.every((p) => doomed.some((d) => d.m.digest === p))) doomed.push(child);
      }
    }
    for (const { m } of doomed) {
      const res = await fetch(`${this.registry.url}/v2/${repo}/manifests/${m.digest}`, { method: 'DELETE' });
      await res.arrayBuffer();
      if (res.status !== 202) fail(500, 'UNKNOWN', `internal server error (fake-harbor: the registry answered ${res.status} to DELETE ${m.digest})`);
    }
  }

  /** The artifact API's DeleteTag: the tag must be on the artifact; then distribution's own untag (the tag's folder). */
  deleteTag(repo: string, ref: string, tag: string): void {
    const art = this.find(this.artifacts(repo), repo, ref);
    if (!art.tags.some((t) => t.tag === tag)) fail(404, 'NOT_FOUND', `tag ${tag} attached to artifact ${this.id(`a:${repo}@${art.m.digest}`)} not found`);
    this.requireMutable(repo, [tag]);
    rmSync(join(this.registry.dataDir, 'docker/registry/v2/repositories', repo, '_manifests/tags', tag), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- models (swagger definitions)

/** definitions.Artifact, Tag, Reference, Platform; empty lists are null, as Harbor sends them. */
function artifactJson(s: State, a: Art, arts: Art[], opts: { withTag: boolean; withImmutable: boolean }): Row {
  const index = Array.isArray(a.m.json.manifests);
  const type = a.m.mediaType ?? `application/vnd.oci.image.${index ? 'index' : 'manifest'}.v1+json`;
  const config = (a.m.json.config ?? {}) as { mediaType?: string; digest?: string };
  const [repoId, artId] = [s.id(`r:${a.repo}`), s.id(`a:${a.repo}@${a.m.digest}`)];
  const tags = a.tags.map((t) => ({
    id: s.id(`t:${a.repo}:${t.tag}`), repository_id: repoId, artifact_id: artId, name: t.tag,
    push_time: iso(t.pushedAt), pull_time: NEVER, immutable: opts.withImmutable && s.immutable(a.repo, t.tag),
  }));
  const references = a.children.map(({ digest, platform: p, annotations, urls }) => ({
    parent_id: artId, child_id: s.id(`a:${a.repo}@${digest}`), child_digest: digest,
    ...(p ? { platform: { architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}) } } : {}),
    ...(annotations ? { annotations } : {}), ...(urls ? { urls } : {}),
  }));
  const mediaType = index ? type : (config.mediaType ?? type);
  return {
    id: artId, type: index || IMAGE_CONFIGS.includes(mediaType) ? 'IMAGE' : 'UNKNOWN', media_type: mediaType, manifest_media_type: type,
    artifact_type: (a.m.json.artifactType as string | undefined) ?? (index ? '' : mediaType), project_id: s.id(`p:${projectOf(a.repo)}`),
    repository_id: repoId, repository_name: a.repo, digest: a.m.digest, size: sizeOf(a, arts), push_time: iso(a.m.createdAt), pull_time: NEVER,
    extra_attrs: index ? null : imageAttrs(s, config.digest), annotations: a.m.json.annotations ?? null,
    references: references.length ? references : null, tags: opts.withTag && tags.length ? tags : null, labels: null, accessories: null,
  };
}

/** Harbor's manifest abstractors: manifest bytes + config + layers; an index: its bytes + its children's sizes. */
function sizeOf(a: Art, arts: Art[]): number {
  const kids = a.children.map((c) => arts.find((x) => x.m.digest === c.digest));
  if (a.children.length > 0) return kids.reduce((n, k) => n + (k ? sizeOf(k, arts) : 0), a.m.bytes.length);
  const parts = [a.m.json.config, ...((a.m.json.layers as unknown[] | undefined) ?? [])] as ({ size?: number } | undefined)[];
  return parts.reduce((n, p) => n + (p?.size ?? 0), a.m.bytes.length);
}

/** The image processor's extra_attrs, from the config blob. */
function imageAttrs(s: State, digest: string | undefined): Row | null {
  const blob = digest === undefined ? undefined : storedBlob(s.registry.dataDir, digest);
  const c = JSON.parse(blob?.toString('utf8') ?? 'null') as Row | null; // config blobs are JSON (the registry checked their digest)
  return c && { architecture: c.architecture, os: c.os, created: c.created, author: c.author ?? '', config: c.config ?? {} };
}

/** definitions.Repository (artifact_count counts top-level artifacts, as Harbor's does). */
function repositoryJson(s: State, repo: string): Row {
  const arts = s.artifacts(repo);
  const times = [...arts.map((a) => a.m.createdAt.getTime()), ...arts.flatMap((a) => a.tags.map((t) => t.pushedAt.getTime()))];
  return {
    id: s.id(`r:${repo}`), project_id: s.id(`p:${projectOf(repo)}`), name: repo, description: '', artifact_count: arts.filter(topLevel).length,
    pull_count: 0, creation_time: iso(new Date(times.length ? Math.min(...times) : 0)), update_time: iso(new Date(times.length ? Math.max(...times) : 0)),
  };
}

/** definitions.Project (metadata.public is a string "true"/"false", as the spec says). */
function projectJson(s: State, name: string, who: Who): Row {
  const repos = s.repos().filter((r) => projectOf(r) === name).map((r) => repositoryJson(s, r));
  const created = repos.map((r) => String(r.creation_time)).sort()[0] ?? iso(new Date());
  const role = who === undefined || who.admin || !(who.projects ?? [name]).includes(name) ? undefined : who.readOnly ? 3 : 4;
  return {
    project_id: s.id(`p:${name}`), owner_id: 1, owner_name: 'admin', name, creation_time: created, update_time: created, deleted: false, togglable: true,
    repo_count: repos.length, metadata: { public: String(s.publicProjects.includes(name)) }, ...(role ? { current_user_role_id: role, current_user_role_ids: [role] } : {}),
  };
}

// ---------------------------------------------------------------- parameters: query, sort, page, pageSize

/** parameters.query `q=k=v,k=~v`, unescaped once more as Harbor does (`q=tags%3Dnil`). Keys the fake lacks: 400. */
function parseQ(url: URL, allowed: string[]): Map<string, string> {
  const [out, q] = [new Map<string, string>(), unescape(url.searchParams.get('q') ?? '')];
  for (const part of q === '' ? [] : q.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0 || i === part.length - 1) fail(400, 'BAD_REQUEST', 'the query string must contain "=" and the key/value cannot be empty');
    if (!allowed.includes(part.slice(0, i))) fail(400, 'BAD_REQUEST', `fake-harbor implements only q=${allowed.join('|')}, not ${part.slice(0, i)}`);
    out.set(part.slice(0, i), part.slice(i + 1));
  }
  return out;
}

/** listArtifacts' q: tags=* (tagged), tags=nil (untagged), tags=v, tags=~v, digest=d, base=* (children too). */
function artifactFilter(q: Map<string, string>): (a: Art) => boolean {
  const [tags, base] = [q.get('tags'), q.get('base')];
  if (base !== undefined && base !== '*') fail(400, 'BAD_REQUEST', 'the value of "base" query can only be exact match value with "*"');
  return (a) => {
    if ((base === undefined && !topLevel(a)) || !matches(a.m.digest, q.get('digest'))) return false;
    if (tags === '*' || tags === 'nil') return (a.tags.length > 0) === (tags === '*');
    return tags === undefined || a.tags.some((t) => matches(t.tag, tags));
  };
}

const cmp = (x: unknown, y: unknown): number => (typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? '')));
/** parameters.sort `k1,-k2` on the answer's fields (unknown keys ignored, as Harbor does): stable sorts, last key first. */
const sortRows = (rows: Row[], sort: string): Row[] =>
  sort.split(',').filter((k) => k !== '').reverse().reduce((r, k) => r.sort((a, b) => cmp(a[k.replace(/^-/, '')], b[k.replace(/^-/, '')]) * (k.startsWith('-') ? -1 : 1)), rows);

/** One page, with X-Total-Count and Link as Harbor sends them (BaseAPI.Links: relative URLs, " , " between them). */
function paged(c: Ctx, rows: Row[]): Reply {
  const int = (key: string, dflt: number): number => {
    const v = c.url.searchParams.get(key) ?? '';
    if (v !== '' && !/^-?\d+$/.test(v)) fail(422, 'UNPROCESSABLE_ENTITY', `validation failure list:\n${key} in query must be of type int64: "${v}"`);
    return v === '' ? dflt : Number(v);
  };
  const [page, size] = [int('page', 1), int('page_size', PAGE_SIZE)];
  if (size > MAX_PAGE_SIZE) fail(422, 'UNPROCESSABLE_ENTITY', `validation failure list:\npage_size in query should be less than or equal to ${MAX_PAGE_SIZE}`);
  if (page < 1 || size < 0) fail(422, 'UNPROCESSABLE_ENTITY', 'validation failure list:\nfake-harbor: page must be >= 1 and page_size >= 0');
  sortRows(rows, c.url.searchParams.get('sort') ?? '');
  const link = (p: number, rel: string): string => {
    const params = new URLSearchParams(c.url.search);
    params.set('page', String(p));
    params.set('page_size', String(size));
    params.sort();
    return `<${(c.req.url ?? '').split('?')[0]}?${unescape(params.toString())}>; rel="${rel}"`;
  };
  const total = rows.length;
  const links = size === 0 ? [] : [...(page > 1 && (page - 1) * size < total ? [link(page - 1, 'prev')] : []), ...(size * page < total ? [link(page + 1, 'next')] : [])];
  const body = size === 0 ? rows : rows.slice((page - 1) * size, page * size);
  return { status: 200, body, headers: { 'X-Total-Count': String(total), ...(links.length ? { Link: links.join(' , ') } : {}) } };
}

const flag = (c: Ctx, key: string, dflt: boolean): boolean => (c.url.searchParams.get(key) ?? String(dflt)) === 'true';
const newestFirst = (rows: Row[], key: string): Row[] => rows.sort((a, b) => String(b[key]).localeCompare(String(a[key])) || Number(b.id) - Number(a.id));

// ---------------------------------------------------------------- REST routes (swagger paths under /api/v2.0)

type Handler = (s: State, c: Ctx, m: string[]) => Reply | Promise<Reply>;

/** GET /systeminfo (getSystemInfo, GeneralInfo): anonymous callers get the unprotected fields only. */
const systemInfo: Handler = (_s, c) => {
  const open = { auth_mode: 'db_auth', primary_auth_mode: false, self_registration: false, banner_message: '', oidc_provider_name: '' };
  const host = c.req.headers.host ?? '';
  const more = { has_ca_root: false, project_creation_restriction: 'everyone', harbor_version: 'v2.12.0-fakeharbor', external_url: `http://${host}`, registry_url: host };
  const state = { read_only: false, registry_storage_provider_name: 'filesystem', notification_enable: true, current_time: iso(new Date()) };
  return { status: 200, body: c.who === undefined ? open : { ...open, ...more, ...state } };
};

/** GET /projects (listProjects; q=name, name, public): anonymous → public ones; users → theirs and public ones. By name. */
const listProjects: Handler = (s, c) => {
  const [q, name, pub] = [parseQ(c.url, ['name']), c.url.searchParams.get('name') ?? '', c.url.searchParams.get('public')];
  const names = s.projects().filter((p) => s.can(c.who, p, 'read') && matches(p, q.get('name')) && p.includes(name));
  return paged(c, names.filter((p) => pub === null || String(s.publicProjects.includes(p)) === pub).map((p) => projectJson(s, p, c.who)));
};

/** GET /projects/{project_name}/repositories (listRepositories; q=name): creation_time desc, id desc. */
const listRepositories: Handler = (s, c, [project]) => {
  s.requireProject(c.who, project, 'read');
  const q = parseQ(c.url, ['name']);
  return paged(c, newestFirst(s.repos().filter((r) => projectOf(r) === project && matches(r, q.get('name'))).map((r) => repositoryJson(s, r)), 'creation_time'));
};

const artifactOptions = (c: Ctx): { withTag: boolean; withImmutable: boolean } => ({
  withTag: flag(c, 'with_tag', true),
  withImmutable: flag(c, 'with_immutable_status', false),
});

/** GET …/artifacts (listArtifacts; q, with_tag default true, with_immutable_status): push_time desc, id desc. */
const listArtifacts: Handler = (s, c, [project, repo]) => {
  s.requireProject(c.who, project, 'read');
  if (!s.repos().includes(`${project}/${repo}`)) fail(404, 'NOT_FOUND', `repository ${project}/${repo} not found`);
  const [keep, arts] = [artifactFilter(parseQ(c.url, ['tags', 'digest', 'base'])), s.artifacts(`${project}/${repo}`)];
  return paged(c, newestFirst(arts.filter(keep).map((a) => artifactJson(s, a, arts, artifactOptions(c))), 'push_time'));
};

/** GET …/artifacts/{reference} (getArtifact): a digest or a tag. */
const getArtifact: Handler = (s, c, [project, repo, ref]) => {
  s.requireProject(c.who, project, 'read');
  const arts = s.artifacts(`${project}/${repo}`);
  return { status: 200, body: artifactJson(s, s.find(arts, `${project}/${repo}`, ref), arts, artifactOptions(c)) };
};

/** DELETE …/artifacts/{reference} (deleteArtifact): the artifact and its tags; 412 when a tag is immutable. */
const deleteArtifact: Handler = async (s, c, [project, repo, ref]) => {
  s.requireProject(c.who, project, 'write');
  await s.deleteArtifact(`${project}/${repo}`, ref);
  return { status: 200 };
};

/** DELETE …/artifacts/{reference}/tags/{tag_name} (deleteTag): the tag only; 412 when it is immutable. */
const deleteTag: Handler = (s, c, [project, repo, ref, tag]) => {
  s.requireProject(c.who, project, 'write');
  s.deleteTag(`${project}/${repo}`, ref, tag);
  return { status: 200 };
};

const ART = `${API}/projects/([^/]+)/repositories/([^/]+)/artifacts`;
const ROUTES: [string, RegExp, Handler][] = [
  ['GET', new RegExp(`^${API}/systeminfo$`), systemInfo],
  ['GET', new RegExp(`^${API}/projects$`), listProjects],
  ['GET', new RegExp(`^${API}/projects/([^/]+)/repositories$`), listRepositories],
  ['GET', new RegExp(`^${ART}$`), listArtifacts],
  ['GET', new RegExp(`^${ART}/([^/]+)$`), getArtifact],
  ['DELETE', new RegExp(`^${ART}/([^/]+)$`), deleteArtifact],
  ['DELETE', new RegExp(`^${ART}/([^/]+)/tags/([^/]+)$`), deleteTag],
];

// Matches the raw path with single-encoded slashes decoded, as Harbor's nginx does (`a%2Fb` is two segments), then
// decodes each segment; parameters.repositoryName ("encode it twice", `a%252Fb`) is decoded once more.
function restRoute(s: State, c: Ctx): Reply | Promise<Reply> {
  const path = (c.req.url ?? '/').split('?')[0].replace(/%2F/gi, '/');
  const hits = ROUTES.map(([method, re, handler]) => ({ method, handler, m: re.exec(path) })).filter((h) => h.m !== null);
  const hit = hits.find((h) => h.method === c.req.method);
  if (hit === undefined && hits.length) fail(405, 'METHOD_NOT_ALLOWED', `method ${c.req.method} is not allowed, but [${hits.map((h) => h.method)}] are`);
  if (hit === undefined) fail(404, 'NOT_FOUND', `path ${path} was not found`);
  return hit.handler(s, c, hit.m!.slice(1).map((v, i) => (i === 1 ? decodeURIComponent(decodeURIComponent(v)) : decodeURIComponent(v))));
}

// ---------------------------------------------------------------- token service and /v2/ (Harbor core, not in the spec)

/** GET /service/token: {token, access_token: "" (Harbor's models.Token has both), expires_in, issued_at}. */
function issueToken(s: State, c: Ctx, tokens: Map<string, Grant>, key: Buffer): Reply {
  const service = c.url.searchParams.get('service') ?? '';
  if (service !== SERVICE) return { status: 400, body: `Unable to handle service: ${service}`, headers: { 'Content-Type': 'text/plain' } };
  const scopes = c.url.searchParams.getAll('scope').flatMap((x) => x.split(' ')).filter((x) => x !== '');
  if (c.who === undefined && scopes.length === 0) return { status: 401, body: '' };
  const access = scopes.map((scope) => {
    const items = scope.split(':');
    const [type, name, asked] = [items[0], items.slice(1, Math.max(2, items.length - 1)).join(':'), items.length > 2 ? items[items.length - 1].split(',') : []];
    if (type === 'registry' && name === 'catalog') return { type, name, actions: c.who?.admin ? asked : [] };
    const may = (a: Action): boolean => type === 'repository' && s.can(c.who, projectOf(name), a);
    return { type, name, actions: [...(may('read') ? ['pull'] : []), ...(may('write') ? ['push', 'delete'] : [])] };
  });
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'harbor-token-issuer', sub: c.who?.username ?? '', aud: SERVICE, exp: now + TOKEN_SECONDS, nbf: now, iat: now, jti: randomUUID(), access };
  const unsigned = `${b64url({ typ: 'JWT', alg: 'HS256', kid: 'fake-harbor' })}.${b64url(claims)}`;
  const token = `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  tokens.set(token, { sub: claims.sub, access, exp: claims.exp });
  return { status: 200, body: { token, access_token: '', expires_in: TOKEN_SECONDS, issued_at: new Date(now * 1000).toISOString().replace('.000Z', 'Z') } };
}

/** The v2auth middleware: without Authorization a Bearer challenge (scoped for repositories); with one (or for the catalog) `Basic realm="harbor"`. */
function challenge(c: Ctx, message: string, scope?: string): Reply {
  const basic = c.req.headers.authorization !== undefined || c.url.pathname === '/v2/_catalog';
  const bearer = `Bearer realm="http://${c.req.headers.host}/service/token",service="${SERVICE}"${scope ? `,scope="${scope}"` : ''}`;
  const headers = { 'Docker-Distribution-Api-Version': 'registry/2.0', 'Www-Authenticate': basic ? 'Basic realm="harbor"' : bearer };
  return { status: 401, body: { errors: [{ code: 'UNAUTHORIZED', message }] }, headers };
}

/** /v2/: Harbor's access checks (Basic or its bearer tokens), its own manifest DELETE and immutable PUT check; else forwarded. */
async function v2Route(s: State, c: Ctx, grant: Grant | undefined): Promise<Reply | 'forward'> {
  const [path, method] = [c.url.pathname, c.req.method ?? 'GET'];
  if (path === '/v2/' || path === '/v2') return c.who !== undefined || (grant?.sub ?? '') !== '' ? 'forward' : challenge(c, 'unauthorized');
  if (path === '/v2/_catalog') {
    const ok = c.who?.admin === true || (grant?.access.some((a) => a.type === 'registry' && a.name === 'catalog' && a.actions.length > 0) ?? false);
    return ok ? 'forward' : challenge(c, 'unauthorized to list catalog');
  }
  const m = /^\/v2\/(.+)\/(manifests\/[^/]+|blobs\/.*|tags\/list|referrers\/[^/]+)$/.exec(path);
  if (m === null) return 'forward';
  const name = m[1];
  const action = method === 'GET' || method === 'HEAD' ? 'pull' : method === 'DELETE' ? 'delete' : 'push';
  const scope = `repository:${name}:${action === 'push' ? 'pull,push' : action}`;
  if (c.req.headers.authorization === undefined && action === 'pull') return challenge(c, 'authorize header needed to send HEAD to repository', scope);
  const allowed = grant
    ? grant.access.some((a) => a.type === 'repository' && a.name === name && a.actions.includes(action))
    : s.can(c.who, projectOf(name), action === 'pull' ? 'read' : 'write');
  if (!allowed) return challenge(c, `unauthorized to access repository: ${name}, action: ${action}`, scope);
  const ref = m[2].startsWith('manifests/') ? decodeURIComponent(m[2].slice('manifests/'.length)) : undefined;
  if (ref !== undefined && method === 'DELETE') {
    if (!isDigest(ref)) fail(400, 'UNSUPPORTED', `unsupported digest ${ref}`);
    await s.deleteArtifact(name, ref);
    return { status: 202 };
  }
  if (ref !== undefined && method === 'PUT' && s.immutable(name, ref) && s.artifacts(name).some((a) => a.tags.some((t) => t.tag === ref))) {
    fail(412, 'PRECONDITION', `Failed to process request due to '${name.split('/').slice(1).join('/')}:${ref}' configured as immutable.`);
  }
  return 'forward';
}

/** Passes the request to the real registry without Authorization; Host is kept, so upload Locations point back here. */
function forward(c: Ctx, registry: TestRegistry): Promise<void> {
  const headers = { ...c.req.headers };
  delete headers.authorization;
  return new Promise((resolve) => {
    const up = httpRequest({ host: '127.0.0.1', port: registry.port, method: c.req.method, path: c.req.url, headers }, (answer) => {
      c.res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(c.res).on('finish', resolve);
    });
    up.on('error', () => resolve(void c.res.destroy()));
    c.req.pipe(up);
  });
}

function send(c: Ctx, r: Reply): void {
  const json = r.body !== undefined && typeof r.body !== 'string';
  const body = json ? JSON.stringify(r.body) : ((r.body as string | undefined) ?? '');
  const headers = { 'X-Request-Id': randomUUID(), ...(json ? { 'Content-Type': 'application/json' } : {}), ...r.headers, 'Content-Length': String(Buffer.byteLength(body)) };
  c.req.resume();
  c.res.writeHead(r.status, headers);
  c.res.end(c.req.method === 'HEAD' ? undefined : body);
}

/** lib/http SendError: definitions.Errors `{"errors":[{code, message}]}`. */
function sendError(c: Ctx, err: unknown): void {
  const e = err instanceof HarborError ? err : new HarborError(500, 'UNKNOWN', `internal server error (fake-harbor: ${(err as Error).message})`);
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
  if (c.url.pathname.startsWith('/v2')) headers['Docker-Distribution-Api-Version'] = 'registry/2.0';
  send(c, { status: e.status, body: { errors: [{ code: e.code, message: e.message }] }, headers });
}

export async function startFakeHarbor(options: FakeHarborOptions): Promise<FakeHarbor> {
  if (options.registry.auth !== 'none') throw new Error(`fake-harbor needs a registry with auth 'none', not ${options.registry.auth}`);
  const users = options.users ?? [{ username: 'harbor-user', password: `pw-${randomBytes(12).toString('base64url')}` }];
  for (const u of users) Object.defineProperty(u, inspect.custom, { value: () => `FakeHarborUser(${u.username})`, enumerable: false, configurable: true });
  const state = new State(options.registry, options.publicProjects ?? []);
  const [tokens, key, log] = [new Map<string, Grant>(), randomBytes(32), [] as FakeHarborRequest[]];

  const handle = async (c: Ctx): Promise<void> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.headers.authorization ?? '')?.[1];
    const grant = bearer === undefined ? undefined : tokens.get(bearer);
    try {
      if (c.url.pathname.startsWith('/v2')) {
        const r = await v2Route(state, c, grant !== undefined && grant.exp > Date.now() / 1000 ? grant : undefined);
        await (r === 'forward' ? forward(c, options.registry) : send(c, r));
      } else if (c.url.pathname === '/service/token' && c.req.method === 'GET') send(c, issueToken(state, c, tokens, key));
      else send(c, await restRoute(state, c));
    } catch (err) {
      sendError(c, err);
    }
  };

  const server = createServer((req, res) => {
    const entry: FakeHarborRequest = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0 };
    const scheme = /^(\S+)/.exec(req.headers.authorization ?? '')?.[1];
    if (scheme !== undefined) entry.authorization = scheme;
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    void handle({ req, res, url: new URL(req.url ?? '/', 'http://fake-harbor.invalid'), who: basicUser(users, req.headers.authorization) });
  });
  const listening = await listenOnLoopback(server);
  const pathOf = (u: string): string => u.split('?')[0];
  const pathMatches = (u: string, p: string | RegExp): boolean => (typeof p === 'string' ? pathOf(u).startsWith(p) : p.test(pathOf(u)));
  return {
    url: `http://${listening.host}`,
    host: listening.host,
    users,
    addImmutableRule: (repository, tagPattern) => void state.rules.push({ repository, pattern: new RegExp(`^(?:${tagPattern})$`) }),
    log,
    requests: (f = {}) => log.filter((e) => (f.method === undefined || e.method === f.method.toUpperCase()) && (f.path === undefined || pathMatches(e.url, f.path))),
    stop: listening.stop,
  };
}
