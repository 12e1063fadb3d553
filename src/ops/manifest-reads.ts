// Reads of manifests a snapshot needs beside the tags: what each multi-arch index names (nested indexes followed), and
// each image's created date. Both go through the per-client digest cache, so a re-read fetches only what is new.
import { mapLimit } from '../registry/concurrency';
import { isIndex } from '../registry/mediatypes';
import type { DigestInfo, Platform, RegistryClient } from '../registry/types';
import { MAX_INDEX_DEPTH } from '../prune/graph';
import { digestCache } from './cache';

export interface ManifestReadOptions {
  concurrency?: number;
  signal?: AbortSignal;
}

/** The manifests each index names, following nested indexes. An index that cannot be read stays unknown. */
export async function readIndexes(client: RegistryClient, repository: string, infos: DigestInfo[], options: ManifestReadOptions): Promise<Map<string, Platform[]>> {
  const cache = digestCache(client);
  const children = new Map<string, Platform[]>();
  let todo = [...new Set(infos.filter((i) => isIndex(i.mediaType)).map((i) => i.digest))];
  for (let depth = 0; todo.length > 0 && depth <= MAX_INDEX_DEPTH; depth++) {
    const next: string[] = [];
    await mapLimit(
      todo,
      options.concurrency ?? 8,
      async (digest) => {
        try {
          const m = await cache.manifest(repository, digest, options.signal);
          children.set(digest, m.platforms ?? []);
          for (const p of m.platforms ?? []) if (isIndex(p.mediaType) && !children.has(p.digest)) next.push(p.digest);
        } catch (e) {
          if (options.signal?.aborted) throw e;
        }
      },
      options.signal,
    );
    todo = [...new Set(next)];
  }
  return children;
}

/** One config read per distinct image. An index has no single created date: it stays undefined. */
export async function readCreated(client: RegistryClient, repository: string, infos: DigestInfo[], options: ManifestReadOptions): Promise<Map<string, Date | undefined>> {
  const cache = digestCache(client);
  const created = new Map<string, Date | undefined>();
  await mapLimit(
    [...new Set(infos.map((i) => i.digest))],
    options.concurrency ?? 8,
    async (digest) => {
      try {
        created.set(digest, await cache.created(repository, await cache.manifest(repository, digest, options.signal), options.signal));
      } catch (e) {
        if (options.signal?.aborted) throw e;
        created.set(digest, undefined); // unknown age: the planner keeps it
      }
    },
    options.signal,
  );
  return created;
}

