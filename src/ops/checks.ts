// The executor's decisions, as pure functions of what the user confirmed and a snapshot of the repository.
//
// Invariants (tested with generated cases in test/engine/executor-properties.test.ts):
//  - a confirmed deletion goes ahead only if the tags on its digest now are exactly the tags the user was shown
//    for it: a tag that appeared on it, moved onto it, moved away or went, means it is skipped and the user told;
//  - nothing goes while any tag's digest is unknown (that tag might point at the image);
//  - a digest that an index that stays references goes only if the user confirmed breaking exactly those indexes,
//    and one that an index of the same run references goes only after that index is deleted;
//  - a tag that was there before a stretch of deletes, was not confirmed, and is gone after it, is reported lost;
//  - a locked (ACR) or immutable (Harbor) image is never sent a DELETE: it is skipped with the service's fix;
//  - a referrer (signature, SBOM) never goes while the image it refers to is tagged.
import { describeUses, referencedByStaying } from '../prune/graph';
import { isIndex } from '../registry/mediatypes';
import type { RepositorySnapshot } from './snapshot';
import { tagsByDigest } from './snapshot';

/** One image the user confirmed deleting. */
export interface ConfirmedDeletion {
  digest: string;
  /** Every tag the user was shown going with it. */
  tags: string[];
  /** Indexes that stay and reference this digest which the user explicitly agreed to break (a forced delete). */
  breaks?: string[];
  /** True when the digest was checked against the manifest's bytes (a 404 on DELETE then means it is gone). */
  verified?: boolean;
  /** For a referrer (a signature, an SBOM): the image it refers to. It never goes while that image is tagged. */
  subject?: string;
}

export interface Verdict {
  item: ConfirmedDeletion;
  /** Why it must not be deleted now; undefined when it may go. */
  skip?: string;
  /** Indexes in this run that reference it: it may go only once each of them is deleted. */
  after?: string[];
}

function names(tags: readonly string[]): string {
  return tags.length <= 3 ? tags.join(', ') : `${tags.slice(0, 3).join(', ')} and ${tags.length - 3} more`;
}

const verb = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** The tags check alone: undefined when the tags on the digest now are exactly the confirmed ones. */
function tagsChanged(item: ConfirmedDeletion, snapshot: RepositorySnapshot, now: readonly string[], since: string): string | undefined {
  const added = now.filter((t) => !item.tags.includes(t));
  const missing = item.tags.filter((t) => !now.includes(t));
  if (added.length > 0) return `changed since ${since}: ${names(added)} now ${verb(added.length, 'points', 'point')} at it`;
  if (missing.length === 0) return undefined;
  if (now.length === 0) return `changed since ${since}: no tag points at it any more`;
  const gone = missing.filter((t) => !snapshot.tags.has(t));
  const elsewhere = missing.filter((t) => snapshot.tags.has(t));
  const parts = [];
  if (elsewhere.length) parts.push(`${names(elsewhere)} now ${verb(elsewhere.length, 'points', 'point')} elsewhere`);
  if (gone.length) parts.push(`${names(gone)} ${verb(gone.length, 'is', 'are')} gone`);
  return `changed since ${since}: ${parts.join('; ')}`;
}

/** A lock on the image, or a tagged image it refers to: why it must stay although its tags are as shown. */
function heldBack(item: ConfirmedDeletion, snapshot: RepositorySnapshot, byDigest: Map<string, string[]>): string | undefined {
  const lock = snapshot.locks?.get(item.digest);
  if (lock) return `${lock.reason}: it was not deleted. To delete it, first: ${lock.fix}`;
  const subjectTags = item.subject ? byDigest.get(item.subject) : undefined;
  if (subjectTags?.length) return `refers to ${snapshot.repository}:${subjectTags[0]} (a signature or SBOM of an image that stays)`;
  return undefined;
}

/**
 * Which confirmed deletions may go against `snapshot`. `since` names what the user confirmed from, for the
 * reasons ("the plan", "it was shown"). Pure.
 */
export function checkDeletions(items: readonly ConfirmedDeletion[], snapshot: RepositorySnapshot, since: string): Verdict[] {
  if (snapshot.unresolved.size > 0) {
    const unknown = [...snapshot.unresolved.keys()].sort();
    const skip = `not checked: tag${unknown.length === 1 ? '' : 's'} ${names(unknown)} could not be resolved again, so ${unknown.length === 1 ? 'it' : 'they'} might point at this image`;
    return items.map((item) => ({ item, skip }));
  }
  const byDigest = tagsByDigest(snapshot);
  const verdicts: Verdict[] = items.map((item) => ({ item, skip: tagsChanged(item, snapshot, byDigest.get(item.digest) ?? [], since) ?? heldBack(item, snapshot, byDigest) }));
  checkPlatformsOfIndexes(verdicts, snapshot, byDigest);
  return verdicts;
}

/**
 * What the tagged multi-arch images reference. A digest an index that stays references may go only if the user
 * confirmed breaking exactly those indexes; one an index in this same run references must wait for that index's
 * DELETE (`after`), since the index may yet fail or be skipped. An index whose platforms are unknown holds back
 * everything but itself. Repeated until stable, since an index that cannot go stays.
 */
function checkPlatformsOfIndexes(verdicts: Verdict[], snapshot: RepositorySnapshot, byDigest: Map<string, string[]>): void {
  const tagged = new Map<string, string[]>();
  for (const [digest, tags] of byDigest) if (isIndex(snapshot.tags.get(tags[0])?.mediaType)) tagged.set(digest, tags);
  const { uses, unknown } = referencedByStaying(tagged, snapshot.children);
  for (;;) {
    const going = new Set(verdicts.filter((v) => !v.skip).map((v) => v.item.digest));
    let changed = false;
    for (const v of verdicts) {
      if (v.skip) continue;
      const partOf = (uses.get(v.item.digest) ?? []).filter((u) => u.index !== v.item.digest);
      const staying = partOf.filter((u) => !going.has(u.index));
      const held = unknown.find((index) => index !== v.item.digest);
      if (staying.length && !staying.every((u) => v.item.breaks?.includes(u.index))) {
        v.skip = `part of ${describeUses(snapshot.repository, staying)}: deleting it would break that multi-arch image`;
      } else if (held) {
        v.skip = `not checked: the platforms of the multi-arch image ${tagged.get(held)?.[0] ?? held} could not be read, so this image may be one of them`;
      } else {
        const after = partOf.filter((u) => going.has(u.index)).map((u) => u.index);
        v.after = after.length ? after : undefined;
        continue;
      }
      v.after = undefined;
      changed = true;
    }
    if (!changed) return;
  }
}

export interface LostTag {
  tag: string;
  /** Where it pointed before the deletes. */
  digest: string;
}

/**
 * Tags that were in `before`, were not among the tags the deletes were meant to remove, and are gone in `after`:
 * most likely moved onto an image while it was being deleted, and deleted with it. Tags `after` could not read
 * are returned as `unknown` (they may or may not be lost). Pure.
 */
export function findLostTags(before: RepositorySnapshot, after: RepositorySnapshot, removed: ReadonlySet<string>): { lost: LostTag[]; unknown: string[] } {
  const lost: LostTag[] = [];
  const unknown: string[] = [];
  for (const [tag, info] of before.tags) {
    if (removed.has(tag) || after.tags.has(tag)) continue;
    if (after.unresolved.has(tag)) unknown.push(tag);
    else lost.push({ tag, digest: info.digest });
  }
  return { lost: lost.sort((a, b) => a.tag.localeCompare(b.tag)), unknown: unknown.sort() };
}
