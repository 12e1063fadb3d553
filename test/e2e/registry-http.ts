// What a registry holds, read over plain HTTP with fetch: not through the extension, not through the engine.
// The browser flows use it to check the registry after each user action. Manifests are asked for with the full
// Accept list (OCI index and manifest, Docker list and v2), so distribution answers with the stored manifest and
// its real digest (with a narrower list it may convert to schema1 and report another digest).
import { FULL_ACCEPT } from '../support/seed';

/** A registry and the login to read it with (none for an open registry). */
export interface RawTarget {
  url: string;
  username?: string;
  password?: string;
}

function headers(target: RawTarget, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (target.username !== undefined && target.password !== undefined) {
    h.Authorization = `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`;
  }
  return h;
}

async function call(target: RawTarget, method: 'GET' | 'HEAD', path: string, accept?: string): Promise<Response> {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: headers(target, accept ? { Accept: accept } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  return res;
}

async function fail(res: Response, what: string): Promise<never> {
  const body = await res.text().catch(() => '');
  throw new Error(`${what}: the registry answered ${res.status} ${body.slice(0, 200)}`);
}

/** Every repository in the catalog (following Link pages). */
export async function rawCatalog(target: RawTarget): Promise<string[]> {
  const names: string[] = [];
  let path: string | undefined = '/v2/_catalog?n=100';
  for (let pages = 0; path !== undefined && pages < 100; pages++) {
    const res = await call(target, 'GET', path);
    if (res.status !== 200) await fail(res, 'GET /v2/_catalog');
    const body = (await res.json()) as { repositories?: string[] | null };
    names.push(...(body.repositories ?? []));
    const link = res.headers.get('link');
    path = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
  }
  return names;
}

/** The tags of a repository as the registry lists them, sorted by code point (the registry's own order is not). */
export async function rawTags(target: RawTarget, repository: string): Promise<string[]> {
  const res = await call(target, 'GET', `/v2/${repository}/tags/list`);
  if (res.status === 404) {
    await res.arrayBuffer();
    return [];
  }
  if (res.status !== 200) await fail(res, `GET /v2/${repository}/tags/list`);
  const body = (await res.json()) as { tags?: string[] | null };
  return [...(body.tags ?? [])].sort();
}

/** The digest a tag (or digest) points at, from HEAD with the full Accept list; undefined when it is not there. */
export async function rawDigest(target: RawTarget, repository: string, reference: string): Promise<string | undefined> {
  const res = await call(target, 'HEAD', `/v2/${repository}/manifests/${reference}`, FULL_ACCEPT);
  if (res.status === 404) return undefined;
  if (res.status !== 200) await fail(res, `HEAD /v2/${repository}/manifests/${reference}`);
  const digest = res.headers.get('docker-content-digest');
  if (!digest) throw new Error(`HEAD /v2/${repository}/manifests/${reference} gave no Docker-Content-Digest`);
  return digest;
}

/** Every tag of a repository with its digest: what the repository holds. */
export async function rawTagDigests(target: RawTarget, repository: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const tag of await rawTags(target, repository)) {
    const digest = await rawDigest(target, repository, tag);
    if (digest === undefined) throw new Error(`${repository}:${tag} is listed but its manifest is not there`);
    out[tag] = digest;
  }
  return out;
}

/** A manifest as stored: its media type, digest and bytes. */
export async function rawManifest(target: RawTarget, repository: string, reference: string): Promise<{ mediaType: string; digest: string; body: Buffer }> {
  const res = await call(target, 'GET', `/v2/${repository}/manifests/${reference}`, FULL_ACCEPT);
  if (res.status !== 200) await fail(res, `GET /v2/${repository}/manifests/${reference}`);
  const body = Buffer.from(await res.arrayBuffer());
  return { mediaType: res.headers.get('content-type') ?? '', digest: res.headers.get('docker-content-digest') ?? '', body };
}
