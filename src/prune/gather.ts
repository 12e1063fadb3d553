// Reads what the planner needs from a registry: every tag, its digest, and (for age rules) its created date.
// Shared by the CLI and the extension so both plan from the same facts.
import { mapLimit } from '../registry/concurrency';
import type { RegistryClient } from '../registry/types';
import type { TagState } from './plan';

export interface GatherOptions {
  /** Also read each image's created date from its config (needed for `olderThan`). */
  withCreated?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each tag's digest resolves: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export async function gatherTagStates(client: RegistryClient, repository: string, options: GatherOptions = {}): Promise<TagState[]> {
  const tags = await client.listTags(repository, { signal: options.signal });
  let done = 0;
  const resolved = await client.resolveMany(repository, tags, {
    concurrency: options.concurrency,
    signal: options.signal,
    onResult: () => options.onProgress?.(++done, tags.length),
  });
  const states: TagState[] = tags.map((tag) => {
    const r = resolved.get(tag);
    if (!r || r instanceof Error) return { tag, error: r ? r.message : 'not resolved' };
    return { tag, digest: r.digest, mediaType: r.mediaType };
  });
  if (options.withCreated) await addCreated(client, repository, states, options);
  return states;
}

/** One config read per distinct digest. An index has no single created date: it stays undefined. */
async function addCreated(client: RegistryClient, repository: string, states: TagState[], options: GatherOptions): Promise<void> {
  const digests = [...new Set(states.map((s) => s.digest).filter((d): d is string => Boolean(d)))];
  const created = new Map<string, Date | undefined>();
  await mapLimit(
    digests,
    options.concurrency ?? 8,
    async (digest) => {
      try {
        const manifest = await client.getManifest(repository, digest, options.signal);
        created.set(digest, await client.getCreated(repository, manifest, options.signal));
      } catch {
        created.set(digest, undefined); // unknown age: the planner keeps it
      }
    },
    options.signal,
  );
  for (const s of states) if (s.digest) s.created = created.get(s.digest);
}
