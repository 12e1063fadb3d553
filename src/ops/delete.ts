// Delete Image / regx delete: show every tag that disappears with each image, then delete what was confirmed.
// The review reads the whole repository once, whatever the number of references named; each named reference's
// digest is checked against its manifest's bytes, so a registry announcing a wrong digest is caught before anything
// is deleted. Each image's referrers (signatures, SBOMs, attestations, and the referrer tags naming them) are found
// too and, unless asked to keep them, go with it: after it, through the same executor (referrers.ts).
import { referencedByStaying, type IndexUse } from '../prune';
import { badInput, RegistryError } from '../registry/errors';
import { isIndex } from '../registry/mediatypes';
import type { Lock } from '../registry/providers';
import type { RegistryClient } from '../registry/types';
import { digestCache } from './cache';
import { executeDeletions, type ConfirmedDeletion, type DeletionResult, type ExecuteOptions } from './executor';
import { findReferrers, referrerDeletions, referrerFates, type ImageReferrers, type ReferrersMode } from './referrers';
import { readSnapshot, tagsByDigest, type RepositorySnapshot } from './snapshot';
import type { FreedSpace } from './freed';
import { spaceFreed } from './space';

/** One image that deleting the named references would delete. */
export interface ImageToDelete {
  digest: string;
  mediaType?: string;
  /** Every tag on it: they all disappear with it (sorted). */
  tags: string[];
  /** Multi-arch images that stay and name this digest: deleting it breaks them, so it needs its own confirmation. */
  breaks: IndexUse[];
  /** The digest was checked against the manifest's bytes. */
  verified: boolean;
  /** Why it may not be deleted (ACR lock, Harbor immutable tag): the executor will not send it a DELETE. */
  locked?: Lock;
  /** Its signatures, SBOMs and attestations, and what happens to each (absent when it has none). */
  referrers?: ImageReferrers;
}

export interface DeletionReview {
  repository: string;
  images: ImageToDelete[];
  snapshot: RepositorySnapshot;
  /** What was asked of the referrers: `follow` (they go after their image) or `keep` (they stay, orphaned); absent where they were not looked up. */
  referrersMode?: ReferrersMode;
  /** The space deleting the images (and the referrers that go with them) frees, when asked for (`withFreed`). */
  freed?: FreedSpace;
}

export interface ReviewOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Also count the space the deletion frees (review.freed). */
  withFreed?: boolean;
  /** Each image's referrers: `follow` (default) deletes them after it; `keep` leaves them, orphaned. */
  referrers?: ReferrersMode;
}

interface Target {
  ref: string;
  digest: string;
  mediaType: string;
  verified: boolean;
}

/** The digest a tag or digest names, read from the manifest's bytes (not only from a header). */
async function target(client: RegistryClient, repository: string, ref: string, signal?: AbortSignal): Promise<Target> {
  const manifest = ref.includes(':') ? await digestCache(client).manifest(repository, ref, signal) : await client.getManifest(repository, ref, signal);
  return { ref, digest: manifest.digest, mediaType: manifest.mediaType, verified: manifest.verified === true };
}

/** A tag whose listed digest (from a HEAD) is not its manifest's: the registry's digests cannot be trusted. */
function checkListedDigests(targets: Target[], snapshot: RepositorySnapshot, repository: string): void {
  for (const t of targets) {
    const listed = t.ref.includes(':') ? undefined : snapshot.tags.get(t.ref);
    if (listed && listed.digest !== t.digest) {
      throw new RegistryError('DIGEST_MISMATCH', `the registry's digest for ${repository}:${t.ref} (${listed.digest}) does not match its manifest (${t.digest})`, {
        fix: 'Nothing was deleted: the registry (or something between you and it) announces digests that are not the manifests’ own.',
      });
    }
  }
}

/** What deleting `refs` (tags or digests of one repository) would delete. Reads; deletes nothing. */
export async function reviewDeletion(client: RegistryClient, repository: string, refs: string[], options: ReviewOptions = {}): Promise<DeletionReview> {
  if (refs.length === 0) throw badInput('nothing to delete was named');
  const named: Target[] = [];
  for (const ref of refs) named.push(await target(client, repository, ref, options.signal));
  const snapshot = await readSnapshot(client, repository, { concurrency: options.concurrency, signal: options.signal });
  if (snapshot.unresolved.size > 0) {
    const [tag, error] = [...snapshot.unresolved][0];
    throw new RegistryError('BAD_RESPONSE', `could not check whether tag ${tag} shares the image: ${error.message}`, {
      cause: error,
      fix: 'Nothing was deleted. Try again; every tag must be checked before deleting.',
    });
  }
  checkListedDigests(named, snapshot, repository);
  const targets = new Map<string, Target>();
  for (const t of named) if (!targets.has(t.digest)) targets.set(t.digest, t);
  const byDigest = tagsByDigest(snapshot);
  const staying = new Map<string, string[]>();
  for (const [digest, tags] of byDigest) if (!targets.has(digest) && isIndex(snapshot.tags.get(tags[0])?.mediaType)) staying.set(digest, tags);
  const { uses, unknown } = referencedByStaying(staying, snapshot.children);
  if (unknown.length > 0) {
    throw new RegistryError('BAD_RESPONSE', `could not read the platforms of the multi-arch image ${repository}:${staying.get(unknown[0])?.[0]}`, {
      fix: 'Nothing was deleted: the image to delete might be one of them. Try again.',
    });
  }
  const referrersMode = options.referrers ?? 'follow';
  const found = await findReferrers(client, snapshot, [...targets.keys()], { signal: options.signal, concurrency: options.concurrency });
  const fates = referrerFates(snapshot, found, referrersMode);
  const images = [...targets.values()].map((t): ImageToDelete => {
    const referrers = fates.get(t.digest);
    const hasReferrers = referrers && (referrers.referrers.length > 0 || referrers.indexes.length > 0 || referrers.error);
    return {
      digest: t.digest,
      mediaType: t.mediaType,
      tags: byDigest.get(t.digest) ?? [],
      breaks: uses.get(t.digest) ?? [],
      verified: t.verified,
      ...(snapshot.locks?.get(t.digest) ? { locked: snapshot.locks.get(t.digest) } : {}),
      ...(hasReferrers ? { referrers } : {}),
    };
  });
  const review: DeletionReview = { repository, images, snapshot, referrersMode };
  if (!options.withFreed) return review;
  return { ...review, freed: await spaceFreed(client, snapshot, reviewedDeletions(review).map((d) => d.digest), options) };
}

/** Everything the review deletes, as the executor takes it: the images, then the referrers that go with them. */
function reviewedDeletions(review: DeletionReview, breakIndexes = false): ConfirmedDeletion[] {
  const images = review.images.map((image) => ({
    digest: image.digest,
    tags: image.tags,
    verified: image.verified,
    breaks: breakIndexes ? image.breaks.map((u) => u.index) : undefined,
  }));
  const named = new Set(images.map((i) => i.digest));
  const fates = new Map(review.images.filter((i) => i.referrers).map((i) => [i.digest, i.referrers!]));
  return [...images, ...referrerDeletions(fates, review.snapshot).filter((d) => !named.has(d.digest))];
}

export interface DeleteOptions extends Omit<ExecuteOptions, 'snapshot' | 'since'> {
  /** The user confirmed breaking the multi-arch images each image's `breaks` names (regx --force, a second warning). */
  breakIndexes?: boolean;
}

/**
 * Deletes the reviewed images through the executor (each only if its tags are still exactly those shown), then the
 * referrers the review said go with them, each only once its image is gone.
 */
export function deleteReviewed(client: RegistryClient, review: DeletionReview, options: DeleteOptions): Promise<DeletionResult> {
  return executeDeletions(client, review.repository, reviewedDeletions(review, options.breakIndexes), { ...options, snapshot: review.snapshot, since: 'it was shown' });
}
