// Reads a REAL test registry's state from its storage folder (distribution 2.8.2's filesystem driver): every
// repository, every manifest it stores (untagged ones included, which the V2 API cannot list), every tag, and when
// each was written. The provider fakes (fake-acr.ts, fake-harbor.ts) serve their APIs from this, so the state they
// describe is the real registry's own. Read-only, except backdate(), which moves write times into the past (so ages
// can be told apart in tests and pictures).
//
// Layout: <data>/docker/registry/v2/repositories/<repo>/_manifests/revisions/sha256/<hex>/link (one per stored
// manifest) and .../_manifests/tags/<tag>/current/link (the tag's digest). A deleted manifest or tag keeps its folder
// on 2.8.2 but loses its link file. Blobs are at <data>/docker/registry/v2/blobs/sha256/<ab>/<hex>/data.
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredManifest {
  digest: string;
  /** When the manifest was written to the repository. */
  createdAt: Date;
  /** The manifest's bytes (its sha256 is `digest`). */
  bytes: Buffer;
  /** The manifest parsed. */
  json: Record<string, unknown>;
  mediaType?: string;
}

export interface StoredTag {
  tag: string;
  digest: string;
  /** When the tag was last pointed at its digest. */
  pushedAt: Date;
}

export interface StoredRepository {
  name: string;
  manifests: StoredManifest[];
  tags: StoredTag[];
}

function v2Root(dataDir: string): string {
  return join(dataDir, 'docker/registry/v2');
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Every repository that holds at least one stored manifest (nested names like team/api included), A→Z. */
export function storedRepositories(dataDir: string): string[] {
  const base = join(v2Root(dataDir), 'repositories');
  const out: string[] = [];
  const walk = (rel: string): void => {
    const dir = join(base, rel);
    if (existsSync(join(dir, '_manifests'))) out.push(rel);
    for (const name of list(dir)) if (!name.startsWith('_') && statSync(join(dir, name)).isDirectory()) walk(rel ? `${rel}/${name}` : name);
  };
  walk('');
  return out.filter((r) => storedRepository(dataDir, r).manifests.length > 0).sort();
}

/** A blob's bytes from storage, or undefined when it is not there. */
export function storedBlob(dataDir: string, digest: string): Buffer | undefined {
  const hex = digest.replace(/^sha256:/, '');
  const path = join(v2Root(dataDir), 'blobs/sha256', hex.slice(0, 2), hex, 'data');
  return existsSync(path) ? readFileSync(path) : undefined;
}

/** The repository as stored: its manifests (untagged included) and tags, with their write times. */
export function storedRepository(dataDir: string, name: string): StoredRepository {
  const base = join(v2Root(dataDir), 'repositories', name, '_manifests');
  const manifests: StoredManifest[] = [];
  for (const hex of list(join(base, 'revisions/sha256'))) {
    const link = join(base, 'revisions/sha256', hex, 'link');
    if (!existsSync(link)) continue;
    const digest = `sha256:${hex}`;
    const bytes = storedBlob(dataDir, digest);
    if (!bytes) continue;
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      // not JSON: kept with an empty shape
    }
    manifests.push({ digest, createdAt: statSync(link).mtime, bytes, json, mediaType: typeof json.mediaType === 'string' ? json.mediaType : undefined });
  }
  const tags: StoredTag[] = [];
  for (const tag of list(join(base, 'tags'))) {
    const link = join(base, 'tags', tag, 'current/link');
    if (!existsSync(link)) continue;
    tags.push({ tag, digest: readFileSync(link, 'utf8').trim(), pushedAt: statSync(link).mtime });
  }
  return { name, manifests, tags };
}

/**
 * Makes a tag (its current link and every index link) or a manifest look written at `when`, as if pushed then.
 * The registry itself does not care; the provider fakes report these times.
 */
export function backdate(dataDir: string, repository: string, ref: { tag: string } | { digest: string }, when: Date): void {
  const base = join(v2Root(dataDir), 'repositories', repository, '_manifests');
  const links: string[] = [];
  if ('tag' in ref) {
    links.push(join(base, 'tags', ref.tag, 'current/link'));
    const index = join(base, 'tags', ref.tag, 'index/sha256');
    for (const hex of list(index)) links.push(join(index, hex, 'link'));
  } else {
    links.push(join(base, 'revisions/sha256', ref.digest.replace(/^sha256:/, ''), 'link'));
  }
  for (const link of links) if (existsSync(link)) utimesSync(link, when, when);
}
