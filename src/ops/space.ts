// The space a deletion frees: reads the repository's blob graph from a snapshot — every manifest it lists (each tagged
// one; on ACR and Harbor the untagged ones the provider lists too), the manifests each index names, and any other
// manifest asked for (one being deleted that is not listed) — through the per-client digest cache, then counts with
// the pure rules of freed.ts. A manifest is read once per client: a second preview of the repository reads only what
// is new. Nothing is read on Docker Hub, where each manifest read counts as a pull: the figure is then unknown.
//
// Sizes a provider lists answer another question: ACR's and Harbor's are each image's whole size, layers it shares
// included. The figure is always counted from the manifests; a provider's size is shown as the image's size only.
import { mapLimit } from '../registry/concurrency';
import { errorSentence } from '../registry/errors';
import { limitsManifestReads } from '../registry/hosts';
import type { RegistryClient } from '../registry/types';
import { MAX_INDEX_DEPTH } from '../prune/graph';
import { digestCache } from './cache';
import { countFreed, type BlobGraph, type FreedSpace, type ManifestBlobs } from './freed';
import type { RepositorySnapshot } from './snapshot';

export interface SpaceOptions {
  concurrency?: number;
  signal?: AbortSignal;
}

export const NOT_READ_ON_DOCKER_HUB = 'Docker Hub counts every manifest read as a pull, so the images were not read';

/** Every manifest the snapshot lists: the tagged ones, and the provider's untagged ones where it lists them. */
function listedDigests(snapshot: RepositorySnapshot): string[] {
  const listed = new Set<string>();
  for (const info of snapshot.tags.values()) listed.add(info.digest);
  for (const m of snapshot.manifests ?? []) listed.add(m.digest);
  return [...listed];
}

/** The blob graph of the snapshot's repository, and of the manifests in `also` (those to delete that it does not list). */
export async function readBlobGraph(client: RegistryClient, snapshot: RepositorySnapshot, also: Iterable<string> = [], options: SpaceOptions = {}): Promise<BlobGraph> {
  const listed = listedDigests(snapshot);
  const base = { repository: snapshot.repository, listed, untaggedListed: snapshot.manifests !== undefined };
  if (limitsManifestReads(client.host)) return { ...base, manifests: new Map(), unreadable: new Map(), notRead: NOT_READ_ON_DOCKER_HUB };
  const cache = digestCache(client);
  const manifests = new Map<string, ManifestBlobs>();
  const unreadable = new Map<string, string>();
  let todo = [...new Set([...listed, ...also])];
  for (let depth = 0; todo.length > 0 && depth <= MAX_INDEX_DEPTH + 1; depth++) {
    const next = new Set<string>();
    await mapLimit(
      todo,
      options.concurrency ?? 8,
      async (digest) => {
        try {
          const m = await cache.blobs(snapshot.repository, digest, options.signal);
          manifests.set(digest, m);
          for (const child of m.children) if (!manifests.has(child) && !unreadable.has(child)) next.add(child);
        } catch (e) {
          if (options.signal?.aborted) throw e;
          unreadable.set(digest, errorSentence(e));
        }
      },
      options.signal,
    );
    todo = [...next].filter((d) => !manifests.has(d) && !unreadable.has(d));
  }
  return { ...base, manifests, unreadable };
}

/** What deleting `doomed` frees in the snapshot's repository, with the graph to count other choices from. */
export async function spaceFreed(client: RegistryClient, snapshot: RepositorySnapshot, doomed: readonly string[], options: SpaceOptions = {}): Promise<FreedSpace> {
  const graph = await readBlobGraph(client, snapshot, doomed, options);
  return { ...countFreed(graph, doomed), graph };
}
