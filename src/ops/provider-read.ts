// A repository snapshot read through its provider's API (ACR, Harbor): the tags with their digests, push times, sizes
// and locks in a few pages, every manifest (untagged included) where the provider lists them, and what each index
// references. The same completeness rule as V2: the provider's lists are followed to the end or refused
// (INCOMPLETE_LIST), so an incomplete read never drives a deletion.
import type { Lock, ManifestDetail, Provider, TagDetail } from '../registry/providers';
import type { DigestInfo, Platform, RegistryClient } from '../registry/types';
import { readCreated, readIndexes } from './manifest-reads';
import type { RepositorySnapshot, SnapshotOptions } from './snapshot';

/** digest → its lock: a lock on any of its tags, or on the manifest itself. */
function locksOf(details: TagDetail[], manifests: ManifestDetail[] | undefined): Map<string, Lock> {
  const locks = new Map<string, Lock>();
  for (const m of manifests ?? []) if (m.locked) locks.set(m.digest, m.locked);
  for (const d of details) if (d.locked && !locks.has(d.digest)) locks.set(d.digest, d.locked);
  return locks;
}

/** The media type of each digest: from the tag list, else the manifest list, else a HEAD (an older registry). */
async function mediaTypes(client: RegistryClient, repository: string, details: TagDetail[], manifests: ManifestDetail[] | undefined, signal?: AbortSignal): Promise<Map<string, string | undefined>> {
  const types = new Map<string, string | undefined>();
  for (const m of manifests ?? []) types.set(m.digest, m.mediaType);
  for (const d of details) if (d.mediaType) types.set(d.digest, d.mediaType);
  const unknown = [...new Set(details.map((d) => d.digest).filter((digest) => !types.get(digest)))];
  const heads = await client.resolveMany(repository, unknown, { signal });
  for (const [digest, r] of heads) if (!(r instanceof Error)) types.set(digest, r.mediaType);
  return types;
}

/** What the provider says each index names; the indexes it says nothing of are read over V2. */
async function children(client: RegistryClient, repository: string, infos: DigestInfo[], manifests: ManifestDetail[] | undefined, options: SnapshotOptions): Promise<Map<string, Platform[]>> {
  const listed = new Map<string, Platform[]>();
  for (const m of manifests ?? []) if (m.children) listed.set(m.digest, m.children);
  const rest = infos.filter((i) => !listed.has(i.digest));
  const read = await readIndexes(client, repository, rest, options);
  return new Map([...listed, ...read]);
}

/**
 * digest → the date an age rule judges it by: the service's push time where it gives one, the image's own created
 * date otherwise. An image with several tags is as young as its most recently pushed tag (so it is never judged
 * older than a tag on it says).
 */
async function ages(client: RegistryClient, repository: string, infos: DigestInfo[], details: TagDetail[], options: SnapshotOptions): Promise<Map<string, Date | undefined>> {
  const pushed = new Map<string, Date>();
  const unknown = new Set<string>();
  for (const d of details) {
    const youngest = pushed.get(d.digest);
    if (!d.pushed) unknown.add(d.digest);
    else if (!youngest || d.pushed > youngest) pushed.set(d.digest, d.pushed);
  }
  // A digest with one tag of unknown push time is judged by its created date, the way V2 judges every image.
  for (const digest of unknown) pushed.delete(digest);
  const read = await readCreated(client, repository, infos.filter((i) => !pushed.has(i.digest)), options);
  return new Map([...read, ...pushed]);
}

/** The tag list and the manifest list: from one walk where the service has one, else both lists side by side. */
async function bothLists(provider: Provider, repository: string, signal?: AbortSignal): Promise<{ details: TagDetail[]; manifests?: ManifestDetail[] }> {
  if (provider.listTagsAndManifests) {
    const both = await provider.listTagsAndManifests(repository, signal);
    return { details: both.tags, manifests: both.manifests };
  }
  const [details, manifests] = await Promise.all([provider.listTagDetails!(repository, signal), provider.listManifests?.(repository, signal)]);
  return { details, manifests };
}

export async function readThroughProvider(client: RegistryClient, provider: Provider, repository: string, options: SnapshotOptions): Promise<RepositorySnapshot> {
  const readAt = Date.now();
  const { signal } = options;
  const { details, manifests } = await bothLists(provider, repository, signal);
  const types = await mediaTypes(client, repository, details, manifests, signal);
  const tags = new Map<string, DigestInfo>();
  const byTag = new Map<string, TagDetail>();
  for (const d of details) {
    tags.set(d.tag, { digest: d.digest, mediaType: types.get(d.digest), size: d.size });
    byTag.set(d.tag, d);
  }
  options.onProgress?.(details.length, details.length);
  const infos = [...tags.values()];
  const kids = options.withIndexes === false ? new Map<string, Platform[]>() : await children(client, repository, infos, manifests, options);
  const created = options.withCreated ? await ages(client, repository, infos, details, options) : undefined;
  return {
    repository,
    readAt,
    completedAt: Date.now(),
    order: details.map((d) => d.tag),
    tags,
    unresolved: new Map(),
    children: kids,
    created,
    provider: provider.name,
    details: byTag,
    manifests,
    locks: locksOf(details, manifests),
  };
}
