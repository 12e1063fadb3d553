// A snapshot of a repository: every tag with its digest, what each multi-arch index among them references, and
// (when an age rule asks for them) each image's created date, stamped with when the read began. Every decision to
// delete is taken against a snapshot, and only a complete one: the tag list must be complete (listTags refuses
// otherwise), and a tag whose digest could not be read makes every deletion wait (see checks.ts).
import { mapLimit } from '../registry/concurrency';
import { isGone } from '../registry/errors';
import { isIndex } from '../registry/mediatypes';
import type { DigestInfo, Platform, RegistryClient } from '../registry/types';
import { MAX_INDEX_DEPTH } from '../prune/graph';
import { digestCache } from './cache';

export interface RepositorySnapshot {
  readonly repository: string;
  /** When the read began (ms since the epoch): every fact in it is at least this fresh. */
  readonly readAt: number;
  /** When the read ended. */
  readonly completedAt: number;
  /** Every tag in the order the registry listed them (tags that answered 404 while being read are left out). */
  readonly order: readonly string[];
  /** tag → its digest, as read. Tags that answered 404 while being read are gone and absent. */
  readonly tags: ReadonlyMap<string, DigestInfo>;
  /** Tags whose digest could not be read (not a 404): they might point at anything. */
  readonly unresolved: ReadonlyMap<string, Error>;
  /** index digest → the manifests it names (nested indexes too). An index whose manifest could not be read is absent. */
  readonly children: ReadonlyMap<string, readonly Platform[]>;
  /** digest → created date of the image, when the read was asked for dates. */
  readonly created?: ReadonlyMap<string, Date | undefined>;
}

export interface SnapshotOptions {
  /** Read each image's created date too (an age rule needs it). */
  withCreated?: boolean;
  /** Read what each multi-arch index references (anything that deletes needs it). Default true. */
  withIndexes?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each tag's digest is read: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
}


export async function readSnapshot(client: RegistryClient, repository: string, options: SnapshotOptions = {}): Promise<RepositorySnapshot> {
  const readAt = Date.now();
  const { signal } = options;
  const names = await client.listTags(repository, { signal });
  let done = 0;
  const resolved = await client.resolveMany(repository, names, {
    concurrency: options.concurrency,
    signal,
    onResult: () => options.onProgress?.(++done, names.length),
  });
  const tags = new Map<string, DigestInfo>();
  const unresolved = new Map<string, Error>();
  const order: string[] = [];
  for (const name of names) {
    const r = resolved.get(name);
    if (r instanceof Error && isGone(r)) continue;
    order.push(name);
    if (r instanceof Error) unresolved.set(name, r);
    else if (r) tags.set(name, r);
  }
  const children = options.withIndexes === false ? new Map<string, Platform[]>() : await readIndexes(client, repository, [...tags.values()], options);
  const created = options.withCreated ? await readCreated(client, repository, [...tags.values()], options) : undefined;
  return { repository, readAt, completedAt: Date.now(), order, tags, unresolved, children, created };
}

/** The manifests each index names, following nested indexes. An index that cannot be read stays unknown. */
async function readIndexes(client: RegistryClient, repository: string, infos: DigestInfo[], options: SnapshotOptions): Promise<Map<string, Platform[]>> {
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
async function readCreated(client: RegistryClient, repository: string, infos: DigestInfo[], options: SnapshotOptions): Promise<Map<string, Date | undefined>> {
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

/** How old the snapshot is, in ms. */
export function snapshotAge(snapshot: Pick<RepositorySnapshot, 'readAt'>, now = Date.now()): number {
  return now - snapshot.readAt;
}

/** The snapshot with a write of our own applied (a tag we just pointed elsewhere): still as fresh as it was. */
export function withOwnWrite(snapshot: RepositorySnapshot, tag: string, info: DigestInfo): RepositorySnapshot {
  const tags = new Map(snapshot.tags);
  tags.set(tag, info);
  return { ...snapshot, tags };
}

/** digest → the tags on it, each list sorted. */
export function tagsByDigest(snapshot: Pick<RepositorySnapshot, 'tags'>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [tag, info] of snapshot.tags) out.set(info.digest, [...(out.get(info.digest) ?? []), tag]);
  for (const list of out.values()) list.sort();
  return out;
}
