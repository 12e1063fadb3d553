// Delete Repository / regx delete <repo> --all: every tagged image of a repository, from ONE read of it. The review
// is the same shape Delete Image shows (every image with every tag that goes with it, and its lock), and deleting it
// is deleteReviewed, so the executor re-checks each image against a fresh read: an image whose tags changed since it
// was shown stays. The registry's V2 API has no "delete repository": a repository with no tags left is what remains
// (distribution still lists it in its catalog; its untagged manifests stay until garbage collection).
import { sortTags } from '../prune/versions';
import { RegistryError } from '../registry/errors';
import type { RegistryClient } from '../registry/types';
import type { DeletionReview, ImageToDelete, ReviewOptions } from './delete';
import { readSnapshot, tagsByDigest } from './snapshot';
import { spaceFreed } from './space';

/** What deleting every tagged image of `repository` would delete. Reads; deletes nothing. */
export async function reviewRepositoryDeletion(client: RegistryClient, repository: string, options: ReviewOptions = {}): Promise<DeletionReview> {
  // An incomplete tag list is refused here (listTags throws INCOMPLETE_LIST): what it leaves out might share an image.
  const snapshot = await readSnapshot(client, repository, { concurrency: options.concurrency, signal: options.signal });
  if (snapshot.unresolved.size > 0) {
    const [tag, error] = [...snapshot.unresolved][0];
    throw new RegistryError('BAD_RESPONSE', `could not read which image tag ${tag} of ${repository} points at: ${error.message}`, {
      cause: error,
      fix: 'Nothing was deleted. Try again; every tag must be read before deleting.',
    });
  }
  const images: ImageToDelete[] = [];
  for (const [digest, tags] of tagsByDigest(snapshot)) {
    const lock = snapshot.locks?.get(digest);
    // Every tagged image goes, so no multi-arch image that stays can be broken (`breaks` is empty); the executor
    // deletes an index before the platform images it names.
    images.push({ digest, mediaType: snapshot.tags.get(tags[0])?.mediaType, tags, breaks: [], verified: false, ...(lock ? { locked: lock } : {}) });
  }
  // In the tree's order: newest version first, by each image's first tag in that order.
  const position = new Map(sortTags([...snapshot.tags.keys()]).map((tag, i) => [tag, i]));
  const rank = (image: ImageToDelete) => Math.min(...image.tags.map((t) => position.get(t) ?? Infinity));
  images.sort((a, b) => rank(a) - rank(b));
  const freed = options.withFreed ? await spaceFreed(client, snapshot, images.map((i) => i.digest), options) : undefined;
  return { repository, images, snapshot, ...(freed ? { freed } : {}) };
}
