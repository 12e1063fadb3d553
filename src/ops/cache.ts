// Manifests and config blobs are content-addressed, so what was read once under a digest never changes: a small
// bounded cache per client lets a re-read of a repository (the executor's re-checks, a second preview) fetch only
// what it has not seen. Oldest entries go first once the bound is reached.
import type { ManifestInfo, RegistryClient } from '../registry/types';

const MAX_ENTRIES = 4096;

export interface DigestCache {
  manifest(repository: string, digest: string, signal?: AbortSignal): Promise<ManifestInfo>;
  created(repository: string, manifest: ManifestInfo, signal?: AbortSignal): Promise<Date | undefined>;
}

class Bounded<V> {
  private readonly map = new Map<string, Promise<V>>();
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.map.get(key);
    if (hit) return hit;
    const value = load();
    this.map.set(key, value);
    value.catch(() => this.map.delete(key)); // failures are not remembered
    if (this.map.size > MAX_ENTRIES) this.map.delete(this.map.keys().next().value as string);
    return value;
  }
}

const caches = new WeakMap<RegistryClient, DigestCache>();

/** The cache of one client (one registry, one login). */
export function digestCache(client: RegistryClient): DigestCache {
  let cache = caches.get(client);
  if (!cache) {
    const manifests = new Bounded<ManifestInfo>();
    const dates = new Bounded<Date | undefined>();
    cache = {
      manifest: (repository, digest, signal) => manifests.get(digest, () => client.getManifest(repository, digest, signal)),
      created: (repository, manifest, signal) =>
        manifest.configDigest ? dates.get(manifest.configDigest, () => client.getCreated(repository, manifest, signal)) : Promise.resolve(undefined),
    };
    caches.set(client, cache);
  }
  return cache;
}
