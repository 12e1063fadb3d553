// A snapshot of a repository: every tag with its digest, what each multi-arch index among them references, and
// (when an age rule asks for them) each image's created date, stamped with when the read began. Every decision to
// delete is taken against a snapshot, and only a complete one: the tag list must be complete (listTags refuses
// otherwise), and a tag whose digest could not be read makes every deletion wait (see checks.ts).
// Where the registry's provider lists tags with their digests (ACR, Harbor), the snapshot is read from that list in
// a few requests, with push times, sizes and locks (provider-read.ts); otherwise from V2: the tag list and a HEAD
// per tag.
import { isGone } from '../registry/errors';
import type { Lock, ManifestDetail, ProviderName, TagDetail } from '../registry/providers';
import type { DigestInfo, Platform, RegistryClient } from '../registry/types';
import { mapLimit } from '../registry/concurrency';
import { digestCache } from './cache';
import { readCreated, readIndexes } from './manifest-reads';
import { readThroughProvider } from './provider-read';

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
  /** The provider the snapshot was read through. */
  readonly provider?: ProviderName;
  /** tag → what the provider knows of it (push time, size, lock), when it was read through one. */
  readonly details?: ReadonlyMap<string, TagDetail>;
  /** Every manifest, untagged ones included, when the provider lists them. */
  readonly manifests?: readonly ManifestDetail[];
  /** digest → why it may not be deleted (a lock or an immutable tag on it). */
  readonly locks?: ReadonlyMap<string, Lock>;
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
  /**
   * Read each tag's manifest (a GET) rather than only its digest (a HEAD), into the digest cache: one request per tag
   * either way, and a space count after it then reads no tagged manifest again.
   */
  withManifests?: boolean;
}


export async function readSnapshot(client: RegistryClient, repository: string, options: SnapshotOptions = {}): Promise<RepositorySnapshot> {
  const provider = await client.provider(options.signal);
  if (provider.listTagDetails) return readThroughProvider(client, provider, repository, options);
  return readThroughV2(client, repository, options);
}

async function readThroughV2(client: RegistryClient, repository: string, options: SnapshotOptions): Promise<RepositorySnapshot> {
  const readAt = Date.now();
  const { signal } = options;
  const names = await client.listTags(repository, { signal });
  let done = 0;
  const onResult = (): void => options.onProgress?.(++done, names.length);
  const resolved = options.withManifests
    ? await readManifestsOf(client, repository, names, { ...options, onResult })
    : await client.resolveMany(repository, names, { concurrency: options.concurrency, signal, onResult });
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

/** Each tag's digest from a GET of its manifest, the manifest kept in the digest cache. Errors per tag, as resolveMany. */
async function readManifestsOf(client: RegistryClient, repository: string, names: readonly string[], options: SnapshotOptions & { onResult(): void }): Promise<Map<string, DigestInfo | Error>> {
  const cache = digestCache(client);
  const out = new Map<string, DigestInfo | Error>();
  await mapLimit(
    [...names],
    options.concurrency ?? 8,
    async (tag) => {
      try {
        const m = await client.getManifest(repository, tag, options.signal);
        cache.remember(m);
        out.set(tag, { digest: m.digest, mediaType: m.mediaType, size: m.raw.length, verified: m.verified });
      } catch (e) {
        if (options.signal?.aborted) throw e;
        out.set(tag, e instanceof Error ? e : new Error(String(e)));
      }
      options.onResult();
    },
    options.signal,
  );
  return out;
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
