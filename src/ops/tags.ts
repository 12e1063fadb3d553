// "Tags with digests": every tag of a repository with its digest and media type — and, when the read is for a
// prune whose policy has an age rule, each image's created date. Both faces list and plan from this one read.
import { needsCreatedDates, type PrunePolicy, type TagState } from '../prune';
import type { RegistryClient } from '../registry/types';
import { readSnapshot, type RepositorySnapshot } from './snapshot';

export interface ReadTagsOptions {
  /** The prune policy this read is for: its age rule decides whether created dates are read, and what multi-arch images reference is read too. */
  policy?: PrunePolicy;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Read each tag's manifest into the digest cache (a space count follows). */
  withManifests?: boolean;
}

/** The snapshot's tags as the planner and the faces take them, in the registry's order. */
export function tagStates(snapshot: RepositorySnapshot): TagState[] {
  return snapshot.order.map((tag) => {
    const info = snapshot.tags.get(tag);
    if (!info) return { tag, error: snapshot.unresolved.get(tag)?.message ?? 'not resolved' };
    const created = snapshot.created?.get(info.digest);
    return { tag, digest: info.digest, mediaType: info.mediaType, ...(created ? { created } : {}) };
  });
}

export async function readTags(client: RegistryClient, repository: string, options: ReadTagsOptions = {}): Promise<{ states: TagState[]; snapshot: RepositorySnapshot }> {
  const snapshot = await readSnapshot(client, repository, {
    withCreated: options.policy !== undefined && needsCreatedDates(options.policy),
    withIndexes: options.policy !== undefined,
    concurrency: options.concurrency,
    signal: options.signal,
    onProgress: options.onProgress,
    withManifests: options.withManifests,
  });
  return { states: tagStates(snapshot), snapshot };
}
