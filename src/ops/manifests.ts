// Every manifest of a repository, untagged ones included, as the registry's provider lists them (the V2 API cannot
// list untagged manifests). Each is marked with what still needs it: a platform manifest of a tagged multi-arch
// image (`childOf`), or a signature or SBOM of a tagged image (`subject`). Untagged manifests that nothing tagged
// needs are the repository's garbage: `untaggedGarbage`.
import { describeUses, referencedByStaying, type IndexUse } from '../prune/graph';
import { RegistryError } from '../registry/errors';
import { isIndex } from '../registry/mediatypes';
import type { ManifestDetail } from '../registry/providers';
import type { Platform, RegistryClient } from '../registry/types';
import { mapLimit } from '../registry/concurrency';
import { digestCache } from './cache';
import { readIndexes } from './manifest-reads';
import { readSnapshot, tagsByDigest, type RepositorySnapshot } from './snapshot';

/** A manifest as the service lists it, and what the repository says of it. */
export interface ManifestRow extends ManifestDetail {
  /** Indexes that name it as one of their manifests. */
  childOf?: string[];
  /** The image it refers to (a signature, an SBOM, an attestation). */
  subject?: string;
  /** Why something tagged still needs it ("part of app:latest (linux/amd64)"); undefined when nothing does. */
  neededBy?: string;
}

export interface ManifestListing {
  rows: ManifestRow[];
  snapshot: RepositorySnapshot;
}

/** The registry's answer when its API cannot list untagged manifests: the V2 API alone cannot. */
function notSupported(host: string, provider: string): RegistryError {
  return new RegistryError('NOT_SUPPORTED', `${host} (${provider}) cannot list untagged manifests: the registry API (V2) has no way to list them`, {
    fix: 'Nothing was changed. On the CNCF distribution registry, untagged manifests go with its garbage collection: registry garbage-collect --delete-untagged (on 2.x not while multi-arch images are tagged: it breaks them).',
  });
}

/** The `subject` of each untagged image manifest (one read per manifest, cached by digest). */
async function subjects(client: RegistryClient, repository: string, digests: string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await mapLimit(
    digests,
    8,
    async (digest) => {
      const m = await digestCache(client).manifest(repository, digest, signal);
      if (m.subject) out.set(digest, m.subject);
    },
    signal,
  );
  return out;
}

function invert(children: ReadonlyMap<string, readonly Platform[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [index, kids] of children) for (const k of kids) out.set(k.digest, [...(out.get(k.digest) ?? []), index]);
  return out;
}

export async function readManifests(client: RegistryClient, repository: string, options: { signal?: AbortSignal; concurrency?: number; withCreated?: boolean } = {}): Promise<ManifestListing> {
  const provider = await client.provider(options.signal);
  if (!provider.listManifests || !provider.listTagDetails) throw notSupported(client.host, provider.name);
  const snapshot = await readSnapshot(client, repository, options);
  const manifests = snapshot.manifests ?? [];
  const indexes = manifests.filter((m) => isIndex(m.mediaType) && !snapshot.children.has(m.digest)).map((m) => ({ digest: m.digest, mediaType: m.mediaType }));
  const children = new Map([...snapshot.children, ...(await readIndexes(client, repository, indexes, options))]);
  const untaggedImages = manifests.filter((m) => m.tags.length === 0 && !isIndex(m.mediaType)).map((m) => m.digest);
  const subjectOf = await subjects(client, repository, untaggedImages, options.signal);
  const byDigest = tagsByDigest(snapshot);
  const tagged = new Map<string, string[]>([...byDigest].filter(([digest]) => isIndex(snapshot.tags.get(byDigest.get(digest)![0])?.mediaType)));
  const { uses, unknown } = referencedByStaying(tagged, children);
  // A tagged index whose platforms could not be read might name any untagged manifest: then none is garbage.
  const unread = unknown.length ? `may be part of ${repository}:${tagged.get(unknown[0])?.[0]} (its platforms could not be read)` : undefined;
  const childOf = invert(children);
  const rows = manifests.map((m): ManifestRow => {
    const subject = subjectOf.get(m.digest);
    const partOf: IndexUse[] = uses.get(m.digest) ?? [];
    const subjectTags = subject ? byDigest.get(subject) : undefined;
    const neededBy = partOf.length ? `part of ${describeUses(repository, partOf)}` : subjectTags?.length ? `refers to ${repository}:${subjectTags[0]}` : m.tags.length ? undefined : unread;
    return { ...m, tags: [...m.tags].sort(), ...(childOf.has(m.digest) ? { childOf: childOf.get(m.digest) } : {}), ...(subject ? { subject } : {}), ...(neededBy ? { neededBy } : {}) };
  });
  return { rows, snapshot };
}

/** Untagged manifests that nothing tagged needs: what an untagged cleanup may delete. */
export function untaggedGarbage(rows: readonly ManifestRow[]): ManifestRow[] {
  return rows.filter((r) => r.tags.length === 0 && !r.neededBy);
}
