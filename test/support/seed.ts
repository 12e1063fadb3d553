// Seeds a registry over plain HTTP (no engine code): monolithic blob uploads (POST + PUT) and manifest PUTs,
// with Basic or bearer-token auth learnt from the registry's challenge, using the registry's admin credential.
// seedStandard() builds the dataset every suite uses and returns what it made, so tests assert against that
// description instead of hard-coded digests.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTestDir } from './system';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
/** The Accept list that makes distribution answer with the stored manifest and its real digest. */
export const FULL_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(', ');

/** Where to seed: a TestRegistry fits; `admin` is used for Basic or token auth. */
export interface SeedTarget {
  url: string;
  admin?: { username: string; password: string };
}

export type ImageFormat = 'oci' | 'docker';

export interface PushImageOptions {
  format?: ImageFormat;
  created?: Date;
  /** `amd64` (default), `arm64`, or `arm/v7` style with a variant. */
  arch?: string;
  os?: string;
  /** Makes the layer (and so the digest) distinct. */
  salt?: string;
  /** OCI manifest annotations (ignored for docker). */
  annotations?: Record<string, string>;
}

export interface PushedImage {
  digest: string;
  mediaType: string;
  configDigest: string;
  /** Manifest size in bytes. */
  size: number;
  layerDigests: string[];
  created: string;
  platform: string;
}

export interface PushIndexOptions {
  format?: ImageFormat;
  /** Default ['linux/amd64', 'linux/arm64']. */
  platforms?: string[];
  created?: Date;
  salt?: string;
}

export interface PushedIndex {
  digest: string;
  mediaType: string;
  size: number;
  children: PushedImage[];
}

export interface PushManyTagsOptions {
  /** Each tag its own manifest (true) or every tag on one manifest (false). */
  distinctDigests: boolean;
  /** Put before each tag: `v` → v1.0.0. */
  prefix?: string;
  format?: ImageFormat;
  concurrency?: number;
  /** Created time of tag i (default: now minus (count - i) hours, so higher versions are newer). */
  createdFor?: (i: number) => Date;
}

export interface PushedTags {
  tags: string[];
  /** tag → digest */
  digests: Record<string, string>;
  /** digest → manifest size */
  sizes: Record<string, number>;
  mediaType: string;
}

// ---------------------------------------------------------------- HTTP

interface Session {
  mode?: Promise<{ kind: 'none' | 'basic' | 'bearer'; realm?: string; service?: string }>;
  tokens: Map<string, Promise<string>>;
  blobs: Map<string, Promise<void>>;
}
const sessions = new WeakMap<SeedTarget, Session>();

function session(target: SeedTarget): Session {
  let s = sessions.get(target);
  if (s === undefined) {
    s = { tokens: new Map(), blobs: new Map() };
    sessions.set(target, s);
  }
  return s;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function basicHeader(target: SeedTarget): string {
  if (target.admin === undefined) throw new Error(`seed: ${target.url} wants credentials but the target has no admin user`);
  return `Basic ${Buffer.from(`${target.admin.username}:${target.admin.password}`).toString('base64')}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"` parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*(\S+)\s*(.*)$/.exec(header);
  const params: Record<string, string> = {};
  if (m === null) return { scheme: '', params };
  const re = /([a-zA-Z_]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]); p !== null; p = re.exec(m[2])) params[p[1].toLowerCase()] = p[2] ?? p[3];
  return { scheme: m[1].toLowerCase(), params };
}

async function authMode(target: SeedTarget): Promise<{ kind: 'none' | 'basic' | 'bearer'; realm?: string; service?: string }> {
  const s = session(target);
  s.mode ??= (async () => {
    const res = await fetch(`${target.url}/v2/`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (res.status !== 401) return { kind: 'none' as const };
    const { scheme, params } = parseChallenge(res.headers.get('www-authenticate') ?? '');
    if (scheme === 'bearer') return { kind: 'bearer' as const, realm: params.realm, service: params.service };
    return { kind: 'basic' as const };
  })();
  s.mode.catch(() => {
    s.mode = undefined;
  });
  return s.mode;
}

async function fetchToken(target: SeedTarget, realm: string, service: string | undefined, scope: string): Promise<string> {
  const u = new URL(realm);
  if (service !== undefined) u.searchParams.set('service', service);
  u.searchParams.set('scope', scope);
  const headers: Record<string, string> = target.admin ? { Authorization: basicHeader(target) } : {};
  const res = await fetch(u, { headers, signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`seed: token server ${u.origin} answered ${res.status} for scope ${scope}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (token === undefined) throw new Error(`seed: token server ${u.origin} sent no token`);
  return token;
}

async function authHeader(target: SeedTarget, repo: string | undefined): Promise<string | undefined> {
  const mode = await authMode(target);
  if (mode.kind === 'none') return undefined;
  if (mode.kind === 'basic') return basicHeader(target);
  const scope = repo === undefined ? 'registry:catalog:*' : `repository:${repo}:pull,push,delete`;
  const s = session(target);
  let p = s.tokens.get(scope);
  if (p === undefined) {
    p = fetchToken(target, mode.realm ?? '', mode.service, scope);
    s.tokens.set(scope, p);
    p.catch(() => s.tokens.delete(scope));
  }
  return `Bearer ${await p}`;
}

interface SeedResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** One request to the target with the admin's auth; retries once after a 401 (expired token) and on network errors. */
export async function seedRequest(
  target: SeedTarget,
  method: string,
  pathOrUrl: string,
  opts: { repo?: string; body?: Buffer; headers?: Record<string, string> } = {},
): Promise<SeedResponse> {
  const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${target.url}${pathOrUrl}`;
  for (let attempt = 0; ; attempt++) {
    const auth = await authHeader(target, opts.repo);
    try {
      const res = await fetch(url, {
        method,
        headers: { ...opts.headers, ...(auth ? { Authorization: auth } : {}) },
        body: opts.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status === 401 && attempt === 0) {
        session(target).tokens.clear();
        continue;
      }
      return { status: res.status, headers: res.headers, body };
    } catch (err) {
      if (attempt >= 2) throw new Error(`seed: ${method} ${new URL(url).pathname} failed: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function expect(res: SeedResponse, status: number, what: string): void {
  if (res.status !== status) throw new Error(`seed: ${what} answered ${res.status}, expected ${status}: ${res.body.toString('utf8').slice(0, 300)}`);
}

/** Uploads a blob unless the repository has it (monolithic: POST then PUT ?digest=). */
export async function pushBlob(target: SeedTarget, repo: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const s = session(target);
  const key = `${repo}@${digest}`;
  let p = s.blobs.get(key);
  if (p === undefined) {
    p = (async () => {
      const head = await seedRequest(target, 'HEAD', `/v2/${repo}/blobs/${digest}`, { repo });
      if (head.status === 200) return;
      const start = await seedRequest(target, 'POST', `/v2/${repo}/blobs/uploads/`, { repo });
      expect(start, 202, `POST /v2/${repo}/blobs/uploads/`);
      const location = new URL(start.headers.get('location') ?? '', `${target.url}/`);
      location.searchParams.set('digest', digest);
      const put = await seedRequest(target, 'PUT', location.toString(), {
        repo,
        body: data,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(data.length) },
      });
      expect(put, 201, `PUT blob ${digest} in ${repo}`);
    })();
    s.blobs.set(key, p);
    p.catch(() => s.blobs.delete(key));
  }
  await p;
  return digest;
}

/** PUTs manifest bytes under a tag or digest and checks the registry's digest matches ours. */
export async function pushManifest(target: SeedTarget, repo: string, ref: string, mediaType: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const res = await seedRequest(target, 'PUT', `/v2/${repo}/manifests/${ref}`, { repo, body: bytes, headers: { 'Content-Type': mediaType } });
  expect(res, 201, `PUT manifest ${repo}:${ref}`);
  const got = res.headers.get('docker-content-digest');
  if (got !== null && got !== digest) throw new Error(`seed: registry says ${got} for ${repo}:${ref}, we computed ${digest}`);
  return digest;
}

// ---------------------------------------------------------------- content

/** A one-file ustar archive (deterministic). */
export function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii');
  };
  const octal = (n: number, length: number): string => n.toString(8).padStart(length - 1, '0') + '\0';
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024, 0)]);
}

function splitPlatform(platform: string): { os: string; architecture: string; variant?: string } {
  const [os, architecture, variant] = platform.split('/');
  return { os, architecture, ...(variant ? { variant } : {}) };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2));
}

/** Uploads config and layer and builds the manifest (not pushed yet). */
async function prepareImage(target: SeedTarget, repo: string, tags: string[], options: PushImageOptions): Promise<{ manifest: Record<string, unknown>; image: Omit<PushedImage, 'digest' | 'size'> }> {
  const format = options.format ?? 'oci';
  const created = (options.created ?? new Date()).toISOString();
  const os = options.os ?? 'linux';
  const platform = [os, ...(options.arch ?? 'amd64').split('/')].join('/');
  const { architecture, variant } = splitPlatform(platform);
  const salt = options.salt ?? `${repo}:${tags.join(',')}:${platform}:${created}`;
  const tar = tarOneFile('regx-seed.txt', Buffer.from(`registry explorer test layer\n${salt}\n`));
  const layer = gzipSync(tar);
  const config = json({
    created,
    architecture,
    ...(variant ? { variant } : {}),
    os,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'], Labels: { 'regx.test.salt': salt } },
    rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    history: [{ created, created_by: 'regx test seed' }],
  });
  const [configDigest, layerDigest] = await Promise.all([pushBlob(target, repo, config), pushBlob(target, repo, layer)]);
  const mediaType = format === 'oci' ? OCI_MANIFEST : DOCKER_MANIFEST;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: format === 'oci' ? OCI_CONFIG : DOCKER_CONFIG, digest: configDigest, size: config.length },
    layers: [{ mediaType: format === 'oci' ? OCI_LAYER : DOCKER_LAYER, digest: layerDigest, size: layer.length }],
    ...(format === 'oci' ? { annotations: { 'org.opencontainers.image.created': created, ...options.annotations } } : {}),
  };
  return { manifest, image: { mediaType, configDigest, layerDigests: [layerDigest], created, platform } };
}

/** Pushes one image (config, one layer, manifest) by digest and under every tag. */
export async function pushImage(target: SeedTarget, repo: string, tags: string[], options: PushImageOptions = {}): Promise<PushedImage> {
  const { manifest, image } = await prepareImage(target, repo, tags, options);
  const bytes = json(manifest);
  const digest = await pushManifest(target, repo, sha256(bytes), image.mediaType, bytes);
  for (const tag of tags) await pushManifest(target, repo, tag, image.mediaType, bytes);
  return { ...image, digest, size: bytes.length };
}

/** Pushes one child image per platform, then an OCI index or Docker manifest list over them, under every tag. */
export async function pushIndex(target: SeedTarget, repo: string, tags: string[], options: PushIndexOptions = {}): Promise<PushedIndex> {
  const format = options.format ?? 'oci';
  const platforms = options.platforms ?? ['linux/amd64', 'linux/arm64'];
  const created = options.created ?? new Date();
  const children: PushedImage[] = [];
  for (const p of platforms) {
    const { os, architecture, variant } = splitPlatform(p);
    children.push(
      await pushImage(target, repo, [], {
        format,
        created,
        os,
        arch: variant ? `${architecture}/${variant}` : architecture,
        salt: `${options.salt ?? `${repo}:${tags.join(',')}:${created.toISOString()}`}:${p}`,
      }),
    );
  }
  const mediaType = format === 'oci' ? OCI_INDEX : DOCKER_LIST;
  const index = json({
    schemaVersion: 2,
    mediaType,
    manifests: children.map((c) => ({ mediaType: c.mediaType, digest: c.digest, size: c.size, platform: splitPlatform(c.platform) })),
    ...(format === 'oci' ? { annotations: { 'org.opencontainers.image.created': created.toISOString() } } : {}),
  });
  const digest = await pushManifest(target, repo, sha256(index), mediaType, index);
  for (const tag of tags) await pushManifest(target, repo, tag, mediaType, index);
  return { digest, mediaType, size: index.length, children };
}

/** The i-th semver tag: 1.0.0 … 1.0.99, 1.1.0 … */
export function semverTag(i: number, prefix = ''): string {
  return `${prefix}1.${Math.floor(i / 100)}.${i % 100}`;
}

async function pool<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      out[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/**
 * Pushes `count` semver tags (1.0.0, 1.0.1, …) fast: one shared config and layer; with distinctDigests each tag
 * gets its own manifest (differing in annotations), else every tag points at one manifest.
 */
export async function pushManyTags(target: SeedTarget, repo: string, count: number, options: PushManyTagsOptions): Promise<PushedTags> {
  const format = options.format ?? 'oci';
  const prefix = options.prefix ?? '';
  const now = Date.now();
  const createdFor = options.createdFor ?? ((i: number) => new Date(now - (count - i) * 3_600_000));
  const { manifest: baseManifest, image } = await prepareImage(target, repo, [], { format, created: createdFor(0), salt: `${repo}:many:${prefix}` });
  const tags = Array.from({ length: count }, (_, i) => semverTag(i, prefix));
  const build = (i: number): Buffer => {
    // Docker v2s2 has no annotations: a harmless extra field (stored verbatim) makes the manifests differ.
    if (format === 'docker') return json({ ...baseManifest, 'regx.test.seq': i });
    const annotations = { ...(baseManifest.annotations as Record<string, string>), 'org.opencontainers.image.created': createdFor(i).toISOString(), 'regx.test.seq': String(i) };
    return json({ ...baseManifest, annotations });
  };
  const digests: Record<string, string> = {};
  const sizes: Record<string, number> = {};
  const shared = options.distinctDigests ? undefined : build(0);
  await pool(count, options.concurrency ?? 8, async (i) => {
    const bytes = shared ?? build(i);
    const digest = await pushManifest(target, repo, tags[i], image.mediaType, bytes);
    digests[tags[i]] = digest;
    sizes[digest] = bytes.length;
  });
  return { tags, digests, sizes, mediaType: image.mediaType };
}

// ---------------------------------------------------------------- the standard dataset

export interface SeededManifest {
  digest: string;
  mediaType: string;
  size: number;
  configDigest?: string;
  /** ISO time from the image config (or the index annotation). */
  created?: string;
  platform?: string;
  /** For an index: its children. */
  children?: { digest: string; mediaType: string; size: number; platform: string; configDigest: string }[];
}

export interface SeededRepo {
  name: string;
  /** tag → digest */
  tags: Record<string, string>;
  /** digest → what it is (tagged manifests only; index children are listed under their index). */
  manifests: Record<string, SeededManifest>;
}

export interface StandardDataset {
  /** Repository names, sorted. */
  names: string[];
  repositories: Record<string, SeededRepo>;
}

export interface SeedStandardOptions {
  /** Seed `big` (1050 distinct-digest semver tags). Default true. */
  big?: boolean;
  /** Base for the created dates (default now). Giving it turns off the template reuse below. */
  now?: Date;
  /**
   * Default true: when the target is a local TestRegistry (has `dataDir`) whose storage is empty, copy the
   * storage of the first registry this process seeded the same way (same dataset, same digests) instead of
   * pushing again: ~1 s instead of ~4 s with `big`.
   */
  reuse?: boolean;
}

const DAY = 86_400_000;

/** The app repo: tag and age in days. `latest` shares 2.0.0's digest. */
export const STANDARD_APP_TAGS: { tag: string; daysAgo: number }[] = [
  { tag: '1.0.0', daysAgo: 400 },
  { tag: '1.1.0', daysAgo: 300 },
  { tag: '1.2.0-rc.1', daysAgo: 200 },
  { tag: 'v1.3.0', daysAgo: 150 },
  { tag: '2.0.0', daysAgo: 60 },
  { tag: '2.1.0', daysAgo: 10 },
  { tag: 'dev', daysAgo: 1 },
  { tag: 'nightly-2026', daysAgo: 2 },
];
export const STANDARD_BIG_TAG_COUNT = 1050;

function imageEntry(img: PushedImage): SeededManifest {
  return { digest: img.digest, mediaType: img.mediaType, size: img.size, configDigest: img.configDigest, created: img.created, platform: img.platform };
}

function indexEntry(idx: PushedIndex, created: Date): SeededManifest {
  return {
    digest: idx.digest,
    mediaType: idx.mediaType,
    size: idx.size,
    created: created.toISOString(),
    children: idx.children.map((c) => ({ digest: c.digest, mediaType: c.mediaType, size: c.size, platform: c.platform, configDigest: c.configDigest })),
  };
}

async function seedApp(target: SeedTarget, now: number): Promise<SeededRepo> {
  const repo: SeededRepo = { name: 'app', tags: {}, manifests: {} };
  for (const { tag, daysAgo } of STANDARD_APP_TAGS) {
    const tags = tag === '2.0.0' ? ['2.0.0', 'latest'] : [tag];
    const img = await pushImage(target, 'app', tags, { format: 'oci', created: new Date(now - daysAgo * DAY), salt: `app:${tag}` });
    for (const t of tags) repo.tags[t] = img.digest;
    repo.manifests[img.digest] = imageEntry(img);
  }
  return repo;
}

async function seedApi(target: SeedTarget, now: number): Promise<SeededRepo> {
  const repo: SeededRepo = { name: 'team/api', tags: {}, manifests: {} };
  const a = await pushImage(target, 'team/api', ['0.9.0'], { format: 'docker', created: new Date(now - 120 * DAY), salt: 'team/api:0.9.0' });
  const b = await pushImage(target, 'team/api', ['1.0.0', 'stable'], { format: 'docker', created: new Date(now - 30 * DAY), salt: 'team/api:1.0.0' });
  repo.tags = { '0.9.0': a.digest, '1.0.0': b.digest, stable: b.digest };
  repo.manifests = { [a.digest]: imageEntry(a), [b.digest]: imageEntry(b) };
  return repo;
}

async function seedMulti(target: SeedTarget, now: number): Promise<SeededRepo> {
  const c1 = new Date(now - 90 * DAY);
  const c2 = new Date(now - 5 * DAY);
  const oci = await pushIndex(target, 'multi', ['1.0.0'], { format: 'oci', platforms: ['linux/amd64', 'linux/arm64'], created: c1, salt: 'multi:1.0.0' });
  const docker = await pushIndex(target, 'multi', ['2.0.0', 'latest'], { format: 'docker', platforms: ['linux/amd64', 'linux/arm64'], created: c2, salt: 'multi:2.0.0' });
  return {
    name: 'multi',
    tags: { '1.0.0': oci.digest, '2.0.0': docker.digest, latest: docker.digest },
    manifests: { [oci.digest]: indexEntry(oci, c1), [docker.digest]: indexEntry(docker, c2) },
  };
}

async function seedBig(target: SeedTarget, now: number): Promise<SeededRepo> {
  const pushed = await pushManyTags(target, 'big', STANDARD_BIG_TAG_COUNT, {
    distinctDigests: true,
    createdFor: (i) => new Date(now - (STANDARD_BIG_TAG_COUNT - i) * 3_600_000),
  });
  const manifests: Record<string, SeededManifest> = {};
  for (const d of Object.values(pushed.digests)) manifests[d] = { digest: d, mediaType: pushed.mediaType, size: pushed.sizes[d] };
  return { name: 'big', tags: pushed.digests, manifests };
}

/**
 * Seeds the standard dataset: `app` (OCI, semver and non-semver tags, latest = 2.0.0), `team/api` (Docker v2,
 * stable = 1.0.0), `multi` (OCI index 1.0.0, Docker list 2.0.0 = latest) and `big` (1050 semver tags).
 */
export async function seedStandard(target: SeedTarget & { dataDir?: string }, options: SeedStandardOptions = {}): Promise<StandardDataset> {
  const big = options.big !== false;
  const reusable = options.reuse !== false && options.now === undefined && target.dataDir !== undefined;
  const key = `big=${big}`;
  const template = templates.get(key);
  if (reusable && template !== undefined && isEmptyStorage(target.dataDir!)) {
    execFileSync('cp', ['-a', join(template.dir, 'docker'), target.dataDir!], { timeout: 120_000 });
    return structuredClone(template.dataset);
  }
  const now = (options.now ?? new Date()).getTime();
  const jobs: Promise<SeededRepo>[] = [seedApp(target, now), seedApi(target, now), seedMulti(target, now)];
  if (big) jobs.push(seedBig(target, now));
  const repos = await Promise.all(jobs);
  const repositories: Record<string, SeededRepo> = {};
  for (const r of repos) repositories[r.name] = r;
  const dataset: StandardDataset = { names: Object.keys(repositories).sort(), repositories };
  if (reusable && template === undefined && existsSync(join(target.dataDir!, 'docker'))) saveTemplate(key, target.dataDir!, dataset);
  return dataset;
}

// Storage snapshots of seeded registries, per dataset variant, removed when the process exits.
// Shared through globalThis so every test bundle in one process reuses the same snapshots.
const TEMPLATES = Symbol.for('regx.test.seed.templates');
const templates = ((globalThis as Record<symbol, unknown>)[TEMPLATES] ??= new Map()) as Map<string, { dir: string; dataset: StandardDataset }>;

function isEmptyStorage(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

function saveTemplate(key: string, dataDir: string, dataset: StandardDataset): void {
  if (templates.has(key)) return;
  const dir = makeTestDir('regx-seed-template-');
  if (templates.size === 0) {
    process.on('exit', () => {
      for (const t of templates.values()) rmSync(t.dir, { recursive: true, force: true });
    });
  }
  try {
    execFileSync('cp', ['-a', join(dataDir, 'docker'), dir], { timeout: 120_000 });
    templates.set(key, { dir, dataset: structuredClone(dataset) });
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- a python-like repository (issue: version tags)

/**
 * The tags a python-like repository carries: releases of two precisions (floating `3.11` and `3.11.6`), variants
 * (`-slim`, `-alpine`, `-alpine3.18`), a four-part and a date-like version, and tags that are no version at all.
 */
export const PYTHON_LIKE_TAGS = ['3.9', '3.9.18', '3.10', '3.10.13', '3.11', '3.11.6', '3.11-slim', '3.11.6-slim', '3.11-alpine', '3.11.6-alpine3.18', '1.2.3.4', '20.04', 'latest', 'slim'];

/** Pushes PYTHON_LIKE_TAGS, each tag its own image, except `latest` (= 3.11.6) and `slim` (= 3.11.6-slim). Returns tag → digest. */
export async function pushPythonLike(target: SeedTarget, repo: string): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const tag of PYTHON_LIKE_TAGS.filter((t) => t !== 'latest' && t !== 'slim')) {
    digests[tag] = (await pushImage(target, repo, [tag, ...(tag === '3.11.6' ? ['latest'] : tag === '3.11.6-slim' ? ['slim'] : [])], { salt: `${repo}:${tag}` })).digest;
  }
  digests.latest = digests['3.11.6'];
  digests.slim = digests['3.11.6-slim'];
  return digests;
}

/**
 * Pushes a referrer of `subject` (as cosign or notation attach a signature or an SBOM): an OCI image manifest with
 * that `subject`, an artifact type, and one small blob, by digest only (untagged). Returns its digest.
 */
export async function pushReferrer(target: SeedTarget, repo: string, subject: { digest: string; mediaType: string; size: number }, artifactType = 'application/vnd.dev.cosign.artifact.sig.v1+json'): Promise<string> {
  const empty = Buffer.from('{}');
  const payload = Buffer.from(JSON.stringify({ signed: subject.digest, at: Date.now() }));
  const [emptyDigest, payloadDigest] = await Promise.all([pushBlob(target, repo, empty), pushBlob(target, repo, payload)]);
  const bytes = json({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: empty.length },
    layers: [{ mediaType: 'application/octet-stream', digest: payloadDigest, size: payload.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
  return pushManifest(target, repo, sha256(bytes), OCI_MANIFEST, bytes);
}

/** A referrer as pushed: what a referrers index lists of it. */
export interface PushedReferrer {
  digest: string;
  mediaType: string;
  size: number;
  artifactType: string;
}

/** cosign's tag for a digest's signature (`.sig`), attestation (`.att`) or SBOM (`.sbom`), or (no suffix) the referrers tag schema's. */
export function referrerTag(digest: string, suffix?: 'sig' | 'att' | 'sbom'): string {
  return `${digest.replace(':', '-')}${suffix ? `.${suffix}` : ''}`;
}

/**
 * Pushes a referrer of `subject` as cosign (in its OCI 1.1 mode) or notation attach one: an OCI image manifest with
 * that `subject` and an artifact type, by digest, and under `tags` (e.g. cosign's `sha256-<hex>.sig`).
 */
export async function pushTaggedReferrer(
  target: SeedTarget,
  repo: string,
  subject: { digest: string; mediaType: string; size: number },
  tags: string[],
  options: { artifactType?: string; salt?: string } = {},
): Promise<PushedReferrer> {
  const artifactType = options.artifactType ?? 'application/vnd.dev.cosign.artifact.sig.v1+json';
  const empty = Buffer.from('{}');
  const payload = Buffer.from(JSON.stringify({ signed: subject.digest, salt: options.salt ?? `${repo}:${tags.join(',')}:${artifactType}` }));
  const [emptyDigest, payloadDigest] = await Promise.all([pushBlob(target, repo, empty), pushBlob(target, repo, payload)]);
  const bytes = json({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: empty.length },
    layers: [{ mediaType: 'application/octet-stream', digest: payloadDigest, size: payload.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
  const digest = await pushManifest(target, repo, sha256(bytes), OCI_MANIFEST, bytes);
  for (const tag of tags) await pushManifest(target, repo, tag, OCI_MANIFEST, bytes);
  return { digest, mediaType: OCI_MANIFEST, size: bytes.length, artifactType };
}

/** Pushes the referrers tag schema's index for `subject` (tag `sha256-<hex>`), listing `referrers`. Returns its digest. */
export async function pushReferrersTagIndex(target: SeedTarget, repo: string, subject: string, referrers: PushedReferrer[]): Promise<string> {
  const bytes = json({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: referrers.map((r) => ({ mediaType: r.mediaType, digest: r.digest, size: r.size, artifactType: r.artifactType })),
  });
  return pushManifest(target, repo, referrerTag(subject), OCI_INDEX, bytes);
}
