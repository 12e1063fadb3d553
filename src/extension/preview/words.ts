// Every word the Cleanup Preview shows, through vscode.l10n: the webview's strings, the totals, the confirmation
// (in the future tense: nothing is deleted yet), the progress line and the result.
import * as vscode from 'vscode';
import { errorSentence, formatSize, pruneDeletions, type DeletionResult, type PrunePolicy, type PrunePreview } from '../../engine';
import { middleDigest } from '../model/nodes';
import { agoText } from '../tree/items';
import type { GroupState } from './groups';
import type { FateCount, RowWords, TotalCounts } from './model';
import type { GroupHeader, Progress, ResultGroup, ResultView, Row, Strings, Totals } from './protocol';
import type { RunFeedback } from './types';

const t = vscode.l10n.t;

const tagCount = (n: number): string => (n === 1 ? t('1 tag') : t('{0} tags', n));

export function rowWords(): RowWords {
  return { ago: (when) => agoText(new Date(when)), size: (bytes) => formatSize(bytes), unknown: t('unknown') };
}

/** "12 images (14 tags)", "1 image (1 tag)", "3 images" (untagged ones alone). */
export function imagesAndTags(images: number, tags: number): string {
  const i = images === 1 ? t('1 image') : t('{0} images', images);
  if (tags === 0) return i;
  return tags === 1 ? t('{0} (1 tag)', i) : t('{0} ({1} tags)', i, tags);
}

/** "30 tags (28 images)" for what stays. */
function tagsAndImages(c: FateCount): string {
  const tags = tagCount(c.tags);
  const images = c.images === 1 ? t('1 image') : t('{0} images', c.images);
  const untagged = c.untagged ? ' ' + t('+ {0} untagged', c.untagged) : '';
  // Skipped tags whose images stay for a kept tag count no image of their own.
  return c.images === 0 ? tags : `${tags} (${images})${untagged}`;
}

export function deleteLabel(images: number): string {
  return images === 1 ? t('Delete 1 image') : t('Delete {0} images', images);
}

function freedText(c: TotalCounts): string {
  if (c.delete.images === 0) return '0 B';
  if (c.freed) {
    // Counted from the manifests: "up to" because other repositories of the registry may share a layer.
    const unknown = c.freed.unknown.length;
    if (unknown === 0) return t('up to {0}', formatSize(c.freed.bytes));
    return t('at least {0} ({1} not readable)', formatSize(c.freed.bytes), unknown === 1 ? t('1 image') : t('{0} images', unknown));
  }
  if (c.freedUnknown === c.delete.images) return t('unknown');
  if (c.freedUnknown === 0) return t('up to {0}', formatSize(c.freedBytes));
  return t('at least {0} ({1} of unknown size)', formatSize(c.freedBytes), c.freedUnknown === 1 ? t('1 image') : t('{0} images', c.freedUnknown));
}

/** "It frees up to 312 MB after garbage collection (layers other repositories share are counted too)." */
function freedSentence(c: TotalCounts, selfHosted: boolean): string {
  const figure = freedText(c);
  return selfHosted ? t('It frees {0} after garbage collection (layers other repositories share are counted too).', figure) : t('It frees {0} (layers other repositories share are counted too).', figure);
}

/** How the figure was counted, for the totals' tooltip and the confirmation. */
export function freedNote(c: TotalCounts, selfHosted: boolean): string {
  const gc = selfHosted ? ' ' + t('The space comes back after the registry’s garbage collection.') : '';
  if (!c.freed) return t('The sum of the sizes the registry lists for the images to delete: layers they share with kept images are counted too.') + gc;
  const parts = [t('Counted from the manifests: the layers, configs and manifests that only the deleted images use in this repository, each once. Layers that other repositories share are counted too.')];
  if (!c.freed.untaggedListed) parts.push(t('Untagged manifests cannot be listed on this registry: one of them may still use some of these layers.'));
  if (c.freed.keptUnknown.length > 0) parts.push(t('{0} kept images could not be read: they may use some of these layers.', c.freed.keptUnknown.length));
  return parts.join(' ') + gc;
}

/** "12 images (14 tags) (2 untagged)": what goes. */
function deleteWords(c: TotalCounts): string {
  return imagesAndTags(c.delete.images, c.delete.tags) + (c.delete.untagged ? ' ' + t('({0} untagged)', c.delete.untagged) : '');
}

export function totalsView(c: TotalCounts, images: number, selfHosted: boolean): Totals {
  const del = deleteWords(c);
  const freed = freedText(c);
  return {
    delete: c.delete,
    keep: c.keep,
    skip: c.skip,
    freedBytes: c.freedBytes,
    freedUnknown: c.freedUnknown,
    freedText: freed,
    freedNote: freedNote(c, selfHosted),
    deleteLabel: deleteLabel(images),
    summary: t('Delete: {0} · Keep: {1} · Skip: {2} · Space freed: {3}', del, tagsAndImages(c.keep), tagsAndImages(c.skip), freed),
  };
}

/** "<2.0.0, keep 1 per major, protect ^latest$": the policy in one line, for the panel's header. */
export function policyWords(policy: PrunePolicy | undefined, untagged: boolean): string {
  if (!policy) return untagged ? t('untagged manifests') : '';
  const parts = [t('range {0}', policy.range)];
  if (policy.versioning && policy.versioning !== 'semver') parts.push(t('{0} versioning', policy.versioning));
  if (policy.keep) parts.push(policy.keepPer ? t('keep {0} newest per {1}', policy.keep, policy.keepPer) : t('keep {0} newest', policy.keep));
  if (policy.includePrerelease) parts.push(t('prereleases included'));
  if (policy.variant) parts.push(t('variants {0}', policy.variant));
  if (policy.olderThan) parts.push(t('older than {0}', policy.olderThan));
  if (policy.protect?.length) parts.push(t('protected {0}', policy.protect.join(' ')));
  if (untagged) parts.push(t('untagged manifests too'));
  return parts.join(' · ');
}

export function webviewStrings(where: string, policy: string): Strings {
  return {
    title: t('Cleanup Preview — {0}', where),
    policy,
    totalsLabel: t('Totals'),
    fate: { delete: t('delete'), keep: t('keep'), skip: t('skip') },
    columns: { keep: t('Keep'), tag: t('Tag'), age: t('Age'), size: t('Size'), digest: t('Digest'), fate: t('Fate'), reason: t('Reason'), status: t('Result') },
    untagged: t('untagged'),
    keepThis: t('Keep this one'),
    keepRow: t('Keep {0}', '{0}'), // the webview puts the tag in
    show: t('Show'),
    sortBy: t('Sort by {0}', '{0}'),
    cancel: t('Cancel'),
    cancelling: t('Cancelling: the deletes in flight finish…'),
    showLog: t('Show Log'),
    nothingToDelete: t('Nothing left to delete: every row is kept or skipped.'),
    noRows: t('No rows with the chosen fates.'),
    beforeDelete: t('Nothing is deleted until you press Delete and confirm. Tick “Keep” on a row to keep it; the images it shares stay too.'),
    whileDeleting: t('Cancel stops new deletes; those already sent finish.'),
    closeNote: t('Closing this tab does not stop the deletion: it goes on, and the result shows in a notification.'),
    status: { queued: t('waiting'), deleting: t('deleting…'), deleted: t('deleted'), gone: t('already gone'), failed: t('failed'), skipped: t('skipped') },
    failedHeading: t('Failed'),
    skippedHeading: t('Skipped'),
    rowCount: t('{0} of {1} rows', '{0}', '{1}'),
    groupLabel: t('Repository {0}', '{0}'),
  };
}

/** What both confirmations say after their counts: the untagged ones, the space freed, the notes, the re-read, the undo. */
function confirmationTail(c: TotalCounts, selfHosted: boolean, notes: readonly string[], undo: readonly string[]): string[] {
  return [
    ...(c.delete.untagged ? [t('{0} of them are untagged manifests: systems that pull them by digest will lose them.', c.delete.untagged)] : []),
    ...(c.freed && c.delete.images > 0 ? [freedSentence(c, selfHosted)] : []),
    ...notes,
    t('The tags are read again first: an image whose tags changed since this preview will be skipped.'),
    '',
    ...undo,
  ];
}

/** The one confirmation, before anything is deleted: what will go, what stays, and how it can be undone (`undo`). */
export function confirmation(where: string, approved: PrunePreview, c: TotalCounts, images: number, selfHosted: boolean, undo: readonly string[]): { message: string; detail: string } {
  const message = t('Delete {0} from {1}?', imagesAndTags(images, c.delete.tags), where);
  const detail = [
    t('{0} will be deleted; {1} will be kept and {2} skipped.', imagesAndTags(images, c.delete.tags), tagCount(c.keep.tags), tagCount(c.skip.tags)),
    ...confirmationTail(c, selfHosted, approved.plan.notes, undo),
  ].join('\n');
  return { message, detail };
}

export function progressView(done: number, total: number, counts: { deleted: number; failed: number; skipped: number }, rereading = false): Progress {
  const text = rereading ? t('Checking the tags again… {0} of {1} images done', done, total) : t('{0} of {1} images done: {2} deleted, {3} failed, {4} skipped', done, total, counts.deleted, counts.failed, counts.skipped);
  return { done, total, ...counts, text };
}

function groups(items: { digest: string; tags: string[]; text: string }[]): ResultGroup[] {
  const by = new Map<string, string[]>();
  for (const i of items) by.set(i.text, [...(by.get(i.text) ?? []), ...(i.tags.length ? i.tags : [middleDigest(i.digest)])]);
  return [...by].map(([text, list]) => ({ text, items: list }));
}

/** The result, kept in the panel: headline, sentences, and the failures and skips grouped by their reason. */
export function resultView(r: DeletionResult, tagsOf: (digest: string) => string[], gc: RunFeedback): ResultView {
  const fresh = r.deleted.length - r.alreadyGone.length;
  const total = r.deleted.length + r.failed.length + r.skipped.length;
  const tags = r.deleted.reduce((n, d) => n + tagsOf(d).length, 0);
  const images = total === 1 ? t('1 image') : t('{0} images', total);
  let headline = tags === 0 ? t('Deleted {0} of {1}.', r.deleted.length, images) : t('Deleted {0} of {1} ({2}).', r.deleted.length, images, tagCount(tags));
  if (r.failed.length) headline += ' ' + t('{0} failed.', r.failed.length);
  if (r.skipped.length) headline += ' ' + t('{0} skipped.', r.skipped.length);
  const lines: string[] = [];
  if (r.alreadyGone.length) lines.push(t('{0} were already gone (deleted by someone else meanwhile).', r.alreadyGone.length));
  if (r.cancelled) lines.push(t('Cancelled: the images not yet started were left as they are.'));
  if (r.stoppedBy) lines.push(errorSentence(r.stoppedBy));
  for (const l of r.lostTags) lines.push(t('Tag {0} disappeared while deleting: it was most likely moved onto an image as that image was deleted. It pointed at {1} before.', l.tag, l.digest));
  if (r.lostTagsUnchecked) lines.push(t('Whether other tags were lost could not be checked: {0}.', r.lostTagsUnchecked));
  if (fresh > 0 && gc.sentence) lines.push(gc.sentence);
  return {
    headline,
    lines,
    failed: groups(r.failed.map((f) => ({ ...f, text: f.error }))),
    skipped: groups(r.skipped.map((s) => ({ ...s, text: s.reason }))),
    gcButton: fresh > 0 ? gc.button : undefined,
    undoButton: gc.undo ? t('Undo') : undefined,
    severity: r.lostTags.length ? 'error' : r.failed.length || r.stoppedBy ? 'warning' : 'info',
  };
}

/** A row's tag, or the short digest of an untagged manifest, for lists. */
export function rowName(row: Pick<Row, 'tag' | 'digest'>): string {
  return row.tag ?? middleDigest(row.digest ?? '');
}

// ---------------------------------------------------------------- several repositories (a retention policy)

/** A repository's header row: what planned it, what it deletes and keeps (or why it could not be read), its run. */
export function groupHeaderView(group: GroupState, c: TotalCounts | undefined): GroupHeader {
  const { where, rule, error } = group.source;
  const header: GroupHeader = { index: group.index, where, rule, summary: '' };
  if (error !== undefined || !c) return { ...header, summary: t('could not be read: {0}', error ?? t('unknown error')), error: error ?? t('unknown error'), severity: 'error' };
  const parts = [t('delete {0}', deleteWords(c)), t('keep {0}', tagsAndImages(c.keep))];
  if (c.skip.tags + c.skip.untagged > 0) parts.push(t('skip {0}', tagsAndImages(c.skip)));
  if (c.delete.images > 0) parts.push(t('space freed {0}', freedText(c)));
  header.summary = parts.join(' · ');
  if (group.running) return { ...header, status: t('deleting…') };
  if (group.result && group.approved) {
    const tags = new Map(pruneDeletions(group.approved).map((d) => [d.digest, d.tags]));
    const view = resultView(group.result, (digest) => tags.get(digest) ?? [], {});
    return { ...header, status: view.headline, severity: view.severity };
  }
  return header;
}

export interface RepositoryCount {
  where: string;
  images: number;
  tags: number;
}

/** At most this many repositories are listed one by one in the confirmation; the rest are counted. */
const LISTED = 15;

/** The one confirmation of a run over several repositories: the count in each, what stays, and how it can be undone. */
export function groupedConfirmation(parts: readonly RepositoryCount[], c: TotalCounts, images: number, selfHosted: boolean, notes: readonly string[], undo: readonly string[]): { message: string; detail: string } {
  const what = imagesAndTags(images, c.delete.tags);
  const message = parts.length === 1 ? t('Delete {0} from {1}?', what, parts[0].where) : t('Delete {0} from {1} repositories?', what, parts.length);
  const listed = parts.slice(0, LISTED).map((p) => `${p.where}: ${imagesAndTags(p.images, p.tags)}`);
  if (parts.length > LISTED) listed.push(t('… and {0} more repositories.', parts.length - LISTED));
  const detail = [
    ...listed,
    '',
    t('{0} will be kept and {1} skipped.', tagCount(c.keep.tags), tagCount(c.skip.tags)),
    ...confirmationTail(c, selfHosted, notes, undo),
  ].join('\n');
  return { message, detail };
}
