// Delete Image…: every selected tag resolved to its image, ONE modal listing every tag that disappears with each
// image, a second explicit warning for a platform image of a multi-arch image that stays, then the engine's
// executor (which reads the tags again after the modal and deletes nothing that changed meanwhile).
import * as vscode from 'vscode';
import { deleteReviewed, describeUses, errorSentence, isIndex, isRegistryError, isSelfHostedDistribution, reviewDeletion, protectedReason, referrerTagsGone, type DeletionResult, type DeletionReview, type FreedCount, type ImageToDelete, type Protection } from '../../engine';
import { deployedIn } from './deployed';
import { freedSentence, freedSoon } from './freed';
import type { Explorer } from '../explorer';
import { middleDigest, type TagNode } from '../model/nodes';
import { confirm, notify } from '../ui';
import { confirmInStatusBar, gcHint, onGcButton, reportLostTags, showError } from './feedback';
import { targetTags, withCancellable } from './tags';
import { journaled, notifyWithUndo, undoOf, undoSentences } from './undo';

const t = vscode.l10n.t;

interface RepoGroup {
  registry: string;
  repository: string;
  tags: TagNode[];
}

interface Reviewed {
  group: RepoGroup;
  review: DeletionReview;
  /** What deleting the images frees, when it was counted in time. */
  freed?: FreedCount;
  /** What the service keeps that the user may expect gone (Docker Hub keeps an untagged image's data). */
  note?: string;
  /** What an undo cannot bring back on the service (Docker Hub, GHCR). */
  undoNote?: string;
  /** What of the images the workspace deploys: their tags and digests, each with "used in file:line". */
  deployed?: Protection;
}

export interface DeleteOutcome {
  /** `registry/repository@digest` of every image deleted (or found already gone). */
  deleted: string[];
  /** The tags that went with them, `registry/repository:tag`. */
  removedTags: string[];
  failed: { image: string; error: string }[];
  /** Images not deleted because they changed since the modal (a tag appeared on them, …), with why. */
  skipped: { image: string; reason: string }[];
  /** Tags that disappeared while deleting without being confirmed, `registry/repository:tag`. */
  lostTags: string[];
  cancelled: boolean;
  confirmed: boolean;
}

function groupByRepository(tags: TagNode[]): RepoGroup[] {
  const groups = new Map<string, RepoGroup>();
  for (const tag of tags) {
    const key = `${tag.registry}/${tag.repository}`;
    const g = groups.get(key) ?? { registry: tag.registry, repository: tag.repository, tags: [] };
    g.tags.push(tag);
    groups.set(key, g);
  }
  return [...groups.values()];
}

function tagsSentence(image: ImageToDelete): string {
  const d = middleDigest(image.digest);
  if (image.tags.length === 0) return t('Deleting {0} removes no tag (it is untagged).', d);
  if (image.tags.length === 1) return t('Deleting {0} removes 1 tag: {1}', d, image.tags[0]);
  return t('Deleting {0} removes {1} tags: {2}', d, image.tags.length, image.tags.join(', '));
}

/** A multi-arch image's platform images go with it, but on a self-hosted registry only garbage collection frees them. */
function platformsSentence(image: ImageToDelete, review: DeletionReview, registry: string): string | undefined {
  const platforms = isIndex(image.mediaType) ? (review.snapshot.children.get(image.digest)?.length ?? 0) : 0;
  if (platforms === 0) return undefined;
  return isSelfHostedDistribution(registry)
    ? t('  It is a multi-arch image: its {0} platform images are no longer reachable, and stay in storage until garbage collection.', platforms)
    : t('  It is a multi-arch image: its {0} platform images go with it.', platforms);
}

const KIND: Record<string, () => string> = { signature: () => t('signature'), sbom: () => t('SBOM'), attestation: () => t('attestation'), other: () => t('artifact') };

/** Its signatures, SBOMs and attestations: those that go after it (by tag, else digest), and those that stay and why. */
function referrersSentences(image: ImageToDelete): string[] {
  const r = image.referrers;
  if (!r) return [];
  if (r.error) return [t('  Its signatures and SBOMs could not be read ({0}): none of them is deleted.', r.error.message)];
  const named = (x: { kind: string; digest: string; tags: readonly string[] }) => `${(KIND[x.kind] ?? KIND.other)()} ${x.tags.length ? x.tags.join(', ') : middleDigest(x.digest)}`;
  const going = r.referrers.filter((x) => x.action === 'delete');
  const lines = going.length ? [t('  After it go its {0}.', going.map(named).join('; '))] : [];
  for (const x of r.referrers.filter((y) => y.action === 'keep')) lines.push(t('  Stays: {0} ({1}).', named(x), x.reason.replace(/^kept:?\s*/, '')));
  return lines;
}

/** The one warning: every image, every tag that goes with it, and what else it takes or leaves. */
async function confirmAll(reviewed: Reviewed[]): Promise<boolean> {
  const images = reviewed.reduce((n, r) => n + r.review.images.length, 0);
  const removed = reviewed.reduce((n, r) => n + r.review.images.reduce((m, i) => m + i.tags.length, 0), 0);
  const where = reviewed.length === 1 ? `${reviewed[0].group.registry}/${reviewed[0].group.repository}` : t('{0} repositories', reviewed.length);
  const tagCount = removed === 1 ? t('1 tag') : t('{0} tags', removed);
  const message = images === 1 ? t('Delete 1 image from {0}? It takes {1} with it.', where, tagCount) : t('Delete {0} images from {1}? They take {2} with them.', images, where, tagCount);
  const lines: string[] = [];
  for (const r of reviewed) {
    if (reviewed.length > 1) lines.push(`${r.group.registry}/${r.group.repository}:`);
    for (const image of r.review.images) {
      lines.push(tagsSentence(image));
      const platforms = platformsSentence(image, r.review, r.group.registry);
      if (platforms) lines.push(platforms);
      lines.push(...referrersSentences(image));
      const used = r.deployed ? protectedReason(r.deployed, image.digest, image.tags, r.review.snapshot.children.get(image.digest)) : undefined;
      if (used) lines.push(t('  The workspace deploys it: {0}. Deleting it breaks that deployment.', used));
      if (image.locked) lines.push(t('  It is {0}: it will not be deleted. To delete it, first: {1}', image.locked.reason, image.locked.fix));
    }
  }
  const freed = freedSentence(reviewed.map((r) => ({ registry: r.group.registry, freed: r.freed })));
  if (freed) lines.push('', freed);
  for (const note of new Set(reviewed.flatMap((r) => (r.note ? [r.note] : [])))) lines.push('', note);
  lines.push('', ...undoSentences(...reviewed.map((r) => r.undoNote)));
  return confirm('delete.confirm', message, lines.join('\n'), t('Delete'));
}

/** The second, explicit warning for platform images of multi-arch images that stay. True: break them. */
async function confirmBreaking(reviewed: Reviewed[]): Promise<boolean> {
  const breaking = reviewed.flatMap((r) => r.review.images.filter((i) => i.breaks.length).map((i) => ({ r, i })));
  if (breaking.length === 0) return false;
  const lines = breaking.map(({ r, i }) => t('{0} is the {1} image of {2}.', middleDigest(i.digest), i.breaks[0].platform, describeUses(r.group.repository, i.breaks)));
  lines.push('', t('Deleting it breaks that multi-arch image: pulling it fails. The other images are deleted either way.'));
  return confirm('delete.breaksIndex', t('Break a multi-arch image that stays?'), lines.join('\n'), t('Delete and Break It'));
}

export async function deleteImage(explorer: Explorer, node?: unknown, nodes?: unknown): Promise<DeleteOutcome | undefined> {
  const tags = targetTags(explorer, node, nodes);
  if (tags.length === 0) {
    notify('info', t('Select one or more tags in the Registries view first.'));
    return undefined;
  }
  const outcome: DeleteOutcome = { deleted: [], removedTags: [], failed: [], skipped: [], lostTags: [], cancelled: false, confirmed: false };
  let reviewed: Reviewed[];
  try {
    reviewed = await withCancellable(t('Finding every tag on the selected images…'), async (signal) => {
      const out: Reviewed[] = [];
      for (const group of groupByRepository(tags)) {
        const client = await explorer.tree.client(group.registry);
        const review = await reviewDeletion(client, group.repository, group.tags.map((n) => n.tag), { signal });
        const provider = await client.provider(signal);
        const note = provider.deletionNote;
        const undoNote = provider.undoNote?.();
        const deployed = await deployedIn(group.registry, group.repository);
        out.push({ group, review, freed: await freedSoon(client, review.snapshot, review.images.map((i) => i.digest), signal), deployed, ...(note ? { note } : {}), ...(undoNote ? { undoNote } : {}) });
      }
      return out;
    });
  } catch (e) {
    if (isRegistryError(e, 'CANCELLED')) return { ...outcome, cancelled: true };
    showError(explorer, e, t('check what deleting would remove'), tags[0].registry);
    return undefined;
  }
  const locked = reviewed.flatMap((r) => r.review.images.filter((i) => i.locked).map((i) => ({ r, i })));
  if (locked.length === reviewed.reduce((n, r) => n + r.review.images.length, 0)) {
    const { r, i } = locked[0];
    notify('error', t('{0}@{1} is {2}: nothing was deleted. To delete it, first: {3}', r.group.repository, middleDigest(i.digest), i.locked!.reason, i.locked!.fix));
    return outcome;
  }
  if (!(await confirmAll(reviewed))) return outcome;
  outcome.confirmed = true;
  const breakIndexes = await confirmBreaking(reviewed);
  const results = await runDeletes(explorer, reviewed, breakIndexes, outcome);
  for (const r of reviewed) explorer.tree.forgetRepository(r.group.registry, r.group.repository);
  report(explorer, reviewed, results, outcome, () => deleteImage(explorer, node, nodes));
  return outcome;
}

async function runDeletes(explorer: Explorer, reviewed: Reviewed[], breakIndexes: boolean, outcome: DeleteOutcome): Promise<DeletionResult[]> {
  const images = reviewed.reduce((n, r) => n + r.review.images.length, 0);
  return withCancellable(t('Deleting images'), async (signal, progress) => {
    const results: DeletionResult[] = [];
    for (const r of reviewed) {
      if (signal.aborted) break;
      const client = await explorer.tree.client(r.group.registry);
      const where = `${r.group.registry}/${r.group.repository}`;
      const going = r.review.images.filter((i) => !i.locked);
      const meta = { registry: r.group.registry, repository: r.group.repository, operation: 'delete' };
      const result = await journaled(explorer, meta, going, (journal) => deleteReviewed(client, r.review, {
        journal,
        confirmation: 'interactive',
        breakIndexes,
        signal,
        onReread: () => progress.report({ message: t('Checking the tags of {0} again…', r.group.repository) }),
        onProgress: (ev) => {
          progress.report({ increment: 100 / images, message: t('{0} of {1}', ev.done, ev.total) });
          const line = `${ev.type} ${where}@${ev.digest} (${ev.tags.join(', ') || 'no tags'})`;
          if (ev.type === 'failed') explorer.log.error(`${line}: ${ev.error}`);
          else explorer.log.info(ev.reason ? `${line}: ${ev.reason}` : `${line}${ev.alreadyGone ? ' (it was already gone)' : ''}`);
        },
      }));
      collect(r, result, outcome);
      results.push(result);
      if (result.stoppedBy) break;
    }
    outcome.cancelled = signal.aborted;
    return results;
  });
}

function collect(r: Reviewed, result: DeletionResult, outcome: DeleteOutcome): void {
  const where = `${r.group.registry}/${r.group.repository}`;
  for (const image of r.review.images) {
    if (!result.deleted.includes(image.digest)) continue;
    outcome.deleted.push(`${where}@${image.digest}`);
    outcome.removedTags.push(...image.tags.map((tag) => `${where}:${tag}`));
    // Its referrers' tags, for those that went after it.
    outcome.removedTags.push(...referrerTagsGone(image.referrers, result.deleted).map((tag) => `${where}:${tag}`));
  }
  outcome.failed.push(...result.failed.map((f) => ({ image: `${where}@${f.digest}`, error: f.error })));
  outcome.skipped.push(...result.skipped.map((s) => ({ image: `${where}@${s.digest}`, reason: s.reason })));
  outcome.lostTags.push(...result.lostTags.map((l) => `${where}:${l.tag}`));
}

function report(explorer: Explorer, reviewed: Reviewed[], results: DeletionResult[], outcome: DeleteOutcome, reviewAgain: () => unknown): void {
  const stop = results.find((r) => r.stoppedBy)?.stoppedBy;
  if (stop) notify('error', errorSentence(stop), [t('Show Log')], () => explorer.log.show());
  for (const r of reviewed) {
    const result = results[reviewed.indexOf(r)];
    if (result) reportLostTags(explorer, `${r.group.registry}/${r.group.repository}`, result.lostTags);
  }
  const changed = outcome.skipped.filter((s) => s.reason.startsWith('changed since') || s.reason.startsWith('part of') || s.reason.startsWith('not checked'));
  if (changed.length > 0) {
    const lines = changed.map((s) => t('Nothing of {0} was deleted: {1}.', middleDigest(s.image.slice(s.image.indexOf('@') + 1)), s.reason));
    notify('warning', lines.join(' '), [t('Review Again')], () => reviewAgain());
  }
  if (outcome.deleted.length === 0) {
    if (outcome.cancelled) notify('info', t('Cancelled: nothing was deleted.'));
    return;
  }
  const tags = outcome.removedTags.map((x) => x.slice(x.lastIndexOf(':') + 1));
  const tagCount = tags.length === 1 ? t('1 tag') : t('{0} tags', tags.length);
  let message = outcome.deleted.length === 1 ? t('Deleted 1 image ({0}: {1}).', tagCount, tags.join(', ')) : t('Deleted {0} images ({1}: {2}).', outcome.deleted.length, tagCount, tags.join(', '));
  if (outcome.failed.length > 0) message += ' ' + t('{0} could not be deleted (see the log).', outcome.failed.length);
  if (outcome.cancelled) message += ' ' + t('Cancelled before the rest.');
  const gc = gcHint(reviewed.map((r) => r.group.registry));
  const undo = undoOf(explorer, ...results);
  // A plain success with nothing to learn from it nor to undo: the status bar says so and goes away.
  const plain = outcome.failed.length === 0 && !outcome.cancelled && !gc.sentence && changed.length === 0 && outcome.lostTags.length === 0;
  if (plain && !undo) return confirmInStatusBar(message);
  if (gc.sentence) message += ' ' + gc.sentence;
  const buttons = [...(gc.buttons ?? []), ...(outcome.failed.length > 0 ? [t('Show Log')] : [])];
  notifyWithUndo(outcome.failed.length > 0 ? 'warning' : 'info', message, buttons, (b) => onGcButton(b) || explorer.log.show(), undo);
}
