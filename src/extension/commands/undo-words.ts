// Every word the Undo action shows: the confirmation Recently Deleted asks (what will be pushed back), the question
// for a tag that names another image now, why an image cannot come back (the blobs garbage collection removed), and
// the summary after a restore. Plain functions of the engine's review and result (src/ops/restore*.ts).
import * as vscode from 'vscode';
import type { BlobKind, ImagePlan, RestoreResult, RestoreReview, TagPlan } from '../../engine';
import { middleDigest } from '../model/nodes';

const t = vscode.l10n.t;

export const imagesWord = (n: number): string => (n === 1 ? t('1 image') : t('{0} images', n));
export const tagsWord = (n: number): string => (n === 1 ? t('1 tag') : t('{0} tags', n));

/** "1.0.0, latest", or "untagged". */
export function tagList(tags: readonly string[]): string {
  return tags.length ? tags.join(', ') : t('untagged');
}

/** A tag that names another image now: the user is asked before it is moved back. */
export interface MovedTag {
  /** The image it named when it was deleted (the one restored). */
  digest: string;
  tag: string;
  /** The image it names now. */
  now: string;
}

/** The tags of images that can come back which name another image now. */
export function movedTags(review: RestoreReview): MovedTag[] {
  return review.images
    .filter((i) => i.manifest !== 'refused')
    .flatMap((i) => i.tags.filter((tp): tp is TagPlan & { now: string } => tp.state === 'moved' && tp.now !== undefined).map((tp) => ({ digest: i.digest, tag: tp.tag, now: tp.now })));
}

const restoring = (i: ImagePlan): string[] => i.tags.filter((tp) => tp.state === 'restore').map((tp) => tp.tag);

/** What the restore writes without asking: images pushed back (or still there with tags to point again), and tags. */
export function plannedWrites(review: RestoreReview): { images: number; tags: number } {
  const acting = review.images.filter((i) => i.manifest === 'push' || (i.manifest === 'present' && restoring(i).length > 0));
  return { images: acting.length, tags: acting.reduce((n, i) => n + restoring(i).length, 0) };
}

const KIND: Record<BlobKind, () => string> = { config: () => t('config'), layer: () => t('layer'), blob: () => t('blob') };

/**
 * "sha256:ab…cd (1.0.0, latest) cannot be restored: <reason>. Nothing of it was pushed." The engine's reason may
 * begin with "cannot be restored:" itself.
 */
function cannotRestore(digest: string, tags: readonly string[], reason: string): string {
  return t('{0} ({1}) cannot be restored: {2}. Nothing of it was pushed.', middleDigest(digest), tagList(tags), reason.replace(/^cannot be restored:\s*/, ''));
}

/** Why an image is not restored: the blobs garbage collection removed, each named, or the engine's reason. */
export function refusedSentence(image: ImagePlan): string {
  const tags = image.tags.map((tp) => tp.tag);
  if (image.missingBlobs?.length) {
    const blobs = image.missingBlobs.map((b) => `${b.digest} (${KIND[b.kind]()})`).join(', ');
    return t('{0} ({1}) cannot be restored: garbage collection removed {2}. Nothing of it was pushed.', middleDigest(image.digest), tagList(tags), blobs);
  }
  return cannotRestore(image.digest, tags, image.refused ?? '');
}

/** The question for one moved tag, and its detail. */
export function moveBackQuestion(m: MovedTag, where: string): { message: string; detail: string } {
  return {
    message: t('Move {0} back to {1}? It now points at {2}.', m.tag, middleDigest(m.digest), middleDigest(m.now)),
    detail: t('{0} of {1} named {2} when it was deleted; since then it was pushed to another image. Moving it back makes everyone pulling {0} get the restored image again.', m.tag, where, middleDigest(m.digest)),
  };
}

/** The one question for several moved tags (each with the image it named and the one it names now), and its detail. */
export function moveBackAllQuestion(moved: readonly MovedTag[], where: string): { message: string; detail: string } {
  const lines = moved.map((m) => t('{0}: back to {1}, from {2}', m.tag, middleDigest(m.digest), middleDigest(m.now)));
  return {
    message: t('Move {0} back? Since the deletion they were pushed to other images in {1}.', tagsWord(moved.length), where),
    detail: [...lines, '', t('Moving a tag back makes everyone pulling it get the restored image again. Choose… moves only the tags you tick.')].join('\n'),
  };
}

/** A row of the pick that chooses which moved tags go back (none ticked: a tag is never moved without a yes). */
export function moveBackItem(m: MovedTag): vscode.QuickPickItem & { moved: MovedTag } {
  return { label: m.tag, description: t('back to {0}', middleDigest(m.digest)), detail: t('now points at {0}', middleDigest(m.now)), picked: false, moved: m };
}

/** Recently Deleted's confirmation: what will be pushed back, what cannot be, and the tags that will be asked about. */
export function undoQuestion(where: string, review: RestoreReview): { message: string; detail: string } {
  const planned = plannedWrites(review);
  const message = planned.images > 0 ? t('Restore {0} and {1} in {2}?', imagesWord(planned.images), tagsWord(planned.tags), where) : t('Undo the deletion in {0}?', where);
  const lines: string[] = [];
  for (const i of review.images) {
    if (i.manifest === 'push') lines.push(restoring(i).length ? t('{0} is pushed back with its tags: {1}', middleDigest(i.digest), restoring(i).join(', ')) : t('{0} is pushed back (untagged)', middleDigest(i.digest)));
    else if (i.manifest === 'present' && restoring(i).length) lines.push(t('{0} is still there: {1} will point at it again', middleDigest(i.digest), restoring(i).join(', ')));
  }
  for (const m of movedTags(review)) lines.push(t('Tag {0} now points at another image: you will be asked before it is moved back.', m.tag));
  const refused = review.images.filter((i) => i.manifest === 'refused');
  if (refused.length) lines.push('', ...refused.map(refusedSentence));
  return { message, detail: lines.join('\n') };
}

/** When nothing can be written: everything is back already, or nothing can come back. */
export function nothingToRestore(where: string, review: RestoreReview): { severity: 'info' | 'error'; text: string } {
  const refused = review.images.filter((i) => i.manifest === 'refused');
  if (refused.length === 0) return { severity: 'info', text: t('Nothing to restore: what this deletion removed from {0} is there again.', where) };
  return { severity: 'error', text: [t('Nothing of the deletion in {0} was restored, and nothing was changed.', where), ...refused.map(refusedSentence)].join(' ') };
}

/** After a restore: what came back, what could not (and why), the tags left alone, failures. */
export function undoSummary(where: string, review: RestoreReview, result: RestoreResult): { severity: 'info' | 'warning' | 'error'; text: string } {
  const images = new Set([...result.pushed, ...result.tagged.map((x) => x.digest)]).size;
  const back = images > 0 || result.tagged.length > 0;
  const parts = [back ? t('Restored {0} and {1} in {2}.', imagesWord(images), tagsWord(result.tagged.length), where) : t('Nothing of the deletion in {0} was restored.', where)];
  const refused = review.images.filter((i) => i.manifest === 'refused');
  parts.push(...refused.map(refusedSentence));
  // Refused while restoring (the service would not bring it back, and its blobs were gone): told the same way.
  const late = result.refused.filter((r) => !refused.some((i) => i.digest === r.digest));
  for (const r of late) parts.push(cannotRestore(r.digest, r.tags, r.reason));
  for (const c of result.conflicts) parts.push(t('Tag {0} was left on {1}.', c.tag, middleDigest(c.now)));
  if (result.failed.length) parts.push(t('{0} could not be restored (see the log).', result.failed.length === 1 ? t('1 manifest or tag') : t('{0} manifests or tags', result.failed.length)));
  if (result.cancelled) parts.push(t('Cancelled before the end.'));
  const trouble = refused.length > 0 || late.length > 0 || result.failed.length > 0 || result.cancelled;
  return { severity: !back && trouble ? 'error' : trouble ? 'warning' : 'info', text: parts.join(' ') };
}
