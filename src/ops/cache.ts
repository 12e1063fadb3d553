// Manifests and config blobs are content-addressed, so what was read once under a digest never changes: a small
// bounded cache per client lets a re-read of a repository (the executor's re-checks, a second preview) fetch only
// what it has not seen. Oldest entries go first once the bound is reached. What each manifest references (its blobs
// and sizes, for the space a deletion frees) is kept apart, in a few hundred bytes per manifest, under a larger bound,
// so a second preview of a repository of thousands of tags reads none of them again.
import type { ManifestInfo, RegistryClient } from '../registry/types';
import { manifestBlobs, type ManifestBlobs } from './freed';

const MAX_ENTRIES = 4096;
const MAX_BLOB_LISTS = 50_000;

export interface DigestCache {
  manifest(repository: string, digest: string, signal?: AbortSignal): Promise<ManifestInfo>;
  created(repository: string, manifest: ManifestInfo, signal?: AbortSignal): Promise<Date | undefined>;
  /** Keeps a manifest read some other way (by tag): a later read of its digest is not sent. */
  remember(manifest: ManifestInfo): void;
  /** What the manifest references (read through `manifest`, so a manifest read for its date is not read again). */
  blobs(repository: string, digest: string, signal?: AbortSignal): Promise<ManifestBlobs>;
}

class Bounded<V> {
  private readonly map = new Map<string, Promise<V>>();
  constructor(private readonly max = MAX_ENTRIES) {}
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.map.get(key);
    if (hit) return hit;
    const value = load();
    this.map.set(key, value);
    value.catch(() => this.map.delete(key)); // failures are not remembered
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    return value;
  }
  set(key: string, value: V): void {
    if (this.map.has(key)) return;
    this.map.set(key, Promise.resolve(value));
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

const caches = new WeakMap<RegistryClient, DigestCache>();

/** The cache of one client (one registry, one login). */
export function digestCache(client: RegistryClient): DigestCache {
  let cache = caches.get(client);
  if (!cache) {
    const manifests = new Bounded<ManifestInfo>();
    const dates = new Bounded<Date | undefined>();
    const blobLists = new Bounded<ManifestBlobs>(MAX_BLOB_LISTS);
    const manifest = (repository: string, digest: string, signal?: AbortSignal) => manifests.get(digest, () => client.getManifest(repository, digest, signal));
    cache = {
      manifest,
      remember: (m) => manifests.set(m.digest, m),
      created: (repository, m, signal) => (m.configDigest ? dates.get(m.configDigest, () => client.getCreated(repository, m, signal)) : Promise.resolve(undefined)),
      blobs: (repository, digest, signal) => blobLists.get(digest, async () => manifestBlobs(await manifest(repository, digest, signal))),
    };
    caches.set(client, cache);
  }
  return cache;
}
