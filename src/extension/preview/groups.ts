// The Cleanup Preview's repositories as plain data, no vscode. A preview holds one group per repository (Prune: one;
// a retention policy: every repository it names). Each group keeps its own read, opt-outs and plan: an opt-out is
// planned again from that group's read only (model.ts). Row ids run through the groups in order (group 0's rows
// first), so the webview gets one list. Totals are counted per group (an image in two repositories is two images)
// and summed. After a run, the groups' results are merged into one for the panel's result box, each tag named with
// its repository.
import { pruneDeletions, type DeletionResult, type FreedCount, type PrunePreview } from '../../engine';
import { middleDigest } from '../model/nodes';
import { applyOptOuts, buildRows, countTotals, freedNow, imagesToDelete, NO_OPT_OUTS, snapshotFacts, toggleOptOut, type FateCount, type ImageFacts, type OptOuts, type RowWords, type TotalCounts } from './model';
import type { Row } from './protocol';
import type { CleanupGroup, GroupedCleanupOutcome, GroupResult } from './types';

export interface GroupState {
  index: number;
  source: CleanupGroup;
  opted: OptOuts;
  /** The plan with the opt-outs; undefined when the repository could not be read. */
  current?: PrunePreview;
  facts: Map<string, ImageFacts>;
  /** The id of its first row, and how many rows it has. */
  first: number;
  count: number;
  /** Its part of the run: the plan confirmed, whether it is deleting now, and what came back. */
  approved?: PrunePreview;
  running?: boolean;
  result?: DeletionResult;
}

/** What each repository ended with: the plan as approved (or as shown), and its run's result. */
export function groupOutcomes(groups: readonly GroupState[]): GroupedCleanupOutcome {
  return { groups: groups.map((g) => ({ where: g.source.where, preview: g.approved ?? g.current, result: g.result, error: g.source.error })) };
}

/** The repositories that ran, with what they were given and what came back. */
export function groupResults(groups: readonly GroupState[]): GroupResult[] {
  return groups.flatMap((g) => (g.approved && g.result ? [{ group: g.source, approved: g.approved, result: g.result }] : []));
}

/** How many rows a plan has: every tag, then every untagged manifest. */
export function rowCount(preview: PrunePreview | undefined): number {
  return preview ? preview.plan.entries.length + (preview.untagged?.length ?? 0) : 0;
}

export function newGroups(sources: readonly CleanupGroup[]): GroupState[] {
  let first = 0;
  return sources.map((source, index) => {
    const group: GroupState = { index, source, opted: NO_OPT_OUTS, current: source.preview, facts: source.preview ? snapshotFacts(source.preview) : new Map(), first, count: rowCount(source.preview) };
    first += group.count;
    return group;
  });
}

/** One group's rows, with the preview's ids and the group's index. */
export function groupRows(group: GroupState, words: RowWords): Row[] {
  if (!group.source.preview || !group.current) return [];
  const rows = buildRows(group.source.preview, group.current, group.opted, group.facts, words);
  for (const r of rows) {
    r.id += group.first;
    r.group = group.index;
  }
  return rows;
}

export function allRows(groups: readonly GroupState[], words: RowWords): Row[] {
  return groups.flatMap((g) => groupRows(g, words));
}

/** The group a row id belongs to. */
export function groupOf(groups: readonly GroupState[], id: number): GroupState | undefined {
  return groups.find((g) => id >= g.first && id < g.first + g.count);
}

export function rowsOf(group: GroupState, rows: readonly Row[]): Row[] {
  return rows.slice(group.first, group.first + group.count);
}

/** Keeps (or releases) one row of `group`, planned again from the group's own read. */
export function optOutRow(group: GroupState, row: Row, keep: boolean): void {
  if (!group.source.preview) return;
  group.opted = toggleOptOut(group.opted, row, keep);
  group.current = applyOptOuts(group.source.preview, group.opted);
}

/** The rows the test (or a person) left unchosen, as each group's opt-outs, planned again. */
export function keepRows(groups: readonly GroupState[], kept: readonly Row[]): void {
  for (const row of kept) {
    const group = groupOf(groups, row.id);
    if (group) optOutRow(group, row, true);
  }
}

export function groupCounts(group: GroupState, rows: readonly Row[]): TotalCounts {
  return countTotals(rowsOf(group, rows), group.current ? freedNow(group.current) : undefined);
}

/** The images the Delete button deletes, over every group. */
export function imagesToDeleteIn(groups: readonly GroupState[]): number {
  return groups.reduce((n, g) => n + (g.current ? imagesToDelete(g.current) : 0), 0);
}

function addFates(a: FateCount, b: FateCount): FateCount {
  return { images: a.images + b.images, tags: a.tags + b.tags, untagged: a.untagged + b.untagged };
}

function addFreed(a: FreedCount, b: FreedCount): FreedCount {
  return {
    bytes: a.bytes + b.bytes,
    blobs: a.blobs + b.blobs,
    manifests: a.manifests + b.manifests,
    childBytes: a.childBytes + b.childBytes,
    unknown: [...a.unknown, ...b.unknown],
    keptUnknown: [...a.keptUnknown, ...b.keptUnknown],
    untaggedListed: a.untaggedListed && b.untaggedListed,
  };
}

/**
 * Several groups' totals as one: counts summed; the space counted from the manifests only when every group that
 * deletes counted it (else the sizes' fallback, summed). One group's totals are returned as they are.
 */
export function sumCounts(list: readonly TotalCounts[]): TotalCounts {
  if (list.length === 1) return list[0];
  const zero: FateCount = { images: 0, tags: 0, untagged: 0 };
  const sum: TotalCounts = { delete: zero, keep: zero, skip: zero, freedBytes: 0, freedUnknown: 0 };
  const deleting = list.filter((c) => c.delete.images > 0);
  let freed: FreedCount | undefined;
  for (const c of list) {
    sum.delete = addFates(sum.delete, c.delete);
    sum.keep = addFates(sum.keep, c.keep);
    sum.skip = addFates(sum.skip, c.skip);
    sum.freedBytes += c.freedBytes;
    sum.freedUnknown += c.freedUnknown;
  }
  if (deleting.length > 0 && deleting.every((c) => c.freed)) {
    for (const c of deleting) freed = freed ? addFreed(freed, c.freed!) : c.freed;
  }
  return freed ? { ...sum, freed } : sum;
}

/** What a repository's run gives when it never started (Cancel before its turn): every image skipped with `reason`. */
export function notStarted(approved: PrunePreview, reason = 'not started: cancelled'): DeletionResult {
  const skipped = pruneDeletions(approved).map((d) => ({ digest: d.digest, tags: d.tags, reason }));
  return { deleted: [], alreadyGone: [], skipped, failed: [], lostTags: [], cancelled: true, reads: 0 };
}

/** What a run that threw leaves (a bug or a crash; the executor reports every failure itself): the rest failed. */
export function crashedRun(approved: PrunePreview, deleted: readonly string[], error: string): DeletionResult {
  const finished = new Set(deleted);
  const failed = pruneDeletions(approved)
    .filter((d) => !finished.has(d.digest))
    .map((d) => ({ digest: d.digest, tags: d.tags, error }));
  return { deleted: [...deleted], alreadyGone: [], skipped: [], failed, lostTags: [], cancelled: false, reads: 0 };
}

export interface ResultPart {
  where: string;
  result: DeletionResult;
  approved: PrunePreview;
}

/**
 * Several repositories' results as one, for the result box: each digest made unique by its repository
 * (`host/repository@digest`), each tag named with its repository (`host/repository:tag`, an untagged manifest
 * `host/repository@sha256:abc…`). `tagsOf` gives a merged digest's tags as planned, for the headline's tag count.
 */
export function mergedResult(parts: readonly ResultPart[]): { result: DeletionResult; tagsOf(digest: string): string[] } {
  const tags = new Map<string, string[]>();
  const merged: DeletionResult = { deleted: [], alreadyGone: [], skipped: [], failed: [], lostTags: [], cancelled: false, reads: 0 };
  const unchecked: string[] = [];
  for (const { where, result, approved } of parts) {
    const key = (digest: string) => `${where}@${digest}`;
    const names = (digest: string, list: string[]) => (list.length ? list.map((t) => `${where}:${t}`) : [`${where}@${middleDigest(digest)}`]);
    for (const d of pruneDeletions(approved)) tags.set(key(d.digest), d.tags);
    merged.deleted.push(...result.deleted.map(key));
    merged.alreadyGone.push(...result.alreadyGone.map(key));
    merged.skipped.push(...result.skipped.map((s) => ({ digest: key(s.digest), tags: names(s.digest, s.tags), reason: s.reason })));
    merged.failed.push(...result.failed.map((f) => ({ digest: key(f.digest), tags: names(f.digest, f.tags), error: f.error })));
    merged.lostTags.push(...result.lostTags.map((l) => ({ ...l, tag: `${where}:${l.tag}` })));
    if (result.lostTagsUnchecked) unchecked.push(`${where}: ${result.lostTagsUnchecked}`);
    merged.cancelled ||= result.cancelled;
    merged.stoppedBy ??= result.stoppedBy ? { ...result.stoppedBy, message: `${where}: ${result.stoppedBy.message}` } : undefined;
    merged.reads += result.reads;
  }
  if (unchecked.length) merged.lostTagsUnchecked = unchecked.join('; ');
  if (!merged.stoppedBy) delete merged.stoppedBy;
  return { result: merged, tagsOf: (digest) => tags.get(digest) ?? [] };
}
