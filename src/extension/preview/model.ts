// The Cleanup Preview's state as plain data, no vscode: the rows of a prune preview (every tag, then every untagged
// manifest), the user's opt-outs planned again from the same read with the engine's keepingTags (so the images an
// opted-out tag shares stay too), the totals, and what changed between two renders. Words come from outside.
import { countFreed, keepingTags, pruneDeletions, type FreedCount, type PrunePreview, type UntaggedEntry } from '../../engine';
import type { Fate, Row, RowChange, RunStatus } from './protocol';

/** What is known of an image beside the plan: when it was pushed or built, and its size. */
export interface ImageFacts {
  when?: number;
  size?: number;
}

/** How a row words a date and a size (the vscode layer translates). */
export interface RowWords {
  ago(when: number): string;
  size(bytes: number): string;
  unknown: string;
}

export interface OptOuts {
  tags: ReadonlySet<string>;
  /** Digests of untagged manifests the user keeps. */
  untagged: ReadonlySet<string>;
}

export const NO_OPT_OUTS: OptOuts = { tags: new Set(), untagged: new Set() };

const KEPT_BY_CHOICE = 'keep: kept by choice';

/** The preview with the opt-outs applied: tags kept by name (planned again from the same read), untagged ones kept. */
export function applyOptOuts(base: PrunePreview, opted: OptOuts): PrunePreview {
  const planned = keepingTags(base, [...opted.tags]);
  const untagged = base.untagged?.map((u): UntaggedEntry => (u.action === 'delete' && opted.untagged.has(u.digest) ? { ...u, action: 'keep', reason: KEPT_BY_CHOICE } : u));
  return untagged ? { ...planned, untagged } : planned;
}

/** "matches <2.0.0" from "delete: matches <2.0.0": the fate has its own column. */
export function reasonWords(reason: string): string {
  return reason.replace(/^(delete|keep|skip): /, '');
}

/** What the snapshot says of each image: push times, sizes (a provider's lists) and created dates (an age rule's read). */
export function snapshotFacts(preview: PrunePreview): Map<string, ImageFacts> {
  const facts = new Map<string, ImageFacts>();
  const add = (digest: string, f: ImageFacts) => {
    const had = facts.get(digest) ?? {};
    facts.set(digest, { when: had.when ?? f.when, size: had.size ?? f.size });
  };
  const { snapshot } = preview;
  for (const m of snapshot.manifests ?? []) add(m.digest, { when: m.created?.getTime(), size: m.size });
  for (const d of snapshot.details?.values() ?? []) {
    add(d.digest, { size: d.size });
    // An image with several tags is as young as its most recent push.
    const pushed = d.pushed?.getTime();
    const had = facts.get(d.digest)!;
    if (pushed !== undefined && (had.when === undefined || pushed > had.when)) facts.set(d.digest, { ...had, when: pushed });
  }
  for (const [digest, created] of snapshot.created ?? []) if (created) add(digest, { when: created.getTime() });
  return facts;
}

function factWords(f: ImageFacts | undefined, words: RowWords): Pick<Row, 'when' | 'age' | 'size' | 'sizeText'> {
  return {
    when: f?.when,
    age: f?.when !== undefined ? words.ago(f.when) : words.unknown,
    size: f?.size,
    sizeText: f?.size !== undefined ? words.size(f.size) : words.unknown,
  };
}

/**
 * Every row of `base` (ids in its plan's order, then its untagged manifests), with the fates of `current`.
 * A row offers "keep this one" when it would be deleted, or when the user already opted it out.
 */
export function buildRows(base: PrunePreview, current: PrunePreview, opted: OptOuts, facts: ReadonlyMap<string, ImageFacts>, words: RowWords): Row[] {
  const byTag = new Map(current.plan.entries.map((e) => [e.tag, e]));
  const byDigest = new Map((current.untagged ?? []).map((u) => [u.digest, u]));
  const rows: Row[] = [];
  for (const e of base.plan.entries) {
    const now = byTag.get(e.tag) ?? e;
    const optedOut = opted.tags.has(e.tag);
    rows.push({ id: rows.length, tag: e.tag, digest: e.digest, ...factWords(e.digest ? facts.get(e.digest) : undefined, words), fate: now.action, reason: reasonWords(now.reason), optedOut, optional: optedOut || now.action === 'delete' });
  }
  for (const u of base.untagged ?? []) {
    const now = byDigest.get(u.digest) ?? u;
    const optedOut = opted.untagged.has(u.digest);
    rows.push({ id: rows.length, digest: u.digest, ...factWords(facts.get(u.digest), words), fate: now.action, reason: reasonWords(now.reason), optedOut, optional: optedOut || now.action === 'delete' });
  }
  return rows;
}

/** The opt-outs with one row switched: `keep` true keeps it, false lets the policy decide again. */
export function toggleOptOut(opted: OptOuts, row: Row, keep: boolean): OptOuts {
  const tags = new Set(opted.tags);
  const untagged = new Set(opted.untagged);
  if (row.tag !== undefined) {
    if (keep) tags.add(row.tag);
    else tags.delete(row.tag);
  } else if (row.digest) {
    if (keep) untagged.add(row.digest);
    else untagged.delete(row.digest);
  }
  return { tags, untagged };
}

const CHANGING: (keyof RowChange)[] = ['when', 'age', 'size', 'sizeText', 'fate', 'reason', 'optedOut', 'optional', 'status', 'statusText'];

/** The fields of `after` that differ from `before`, row by row (same ids). */
export function changedRows(before: readonly Row[], after: readonly Row[]): RowChange[] {
  const changes: RowChange[] = [];
  for (const row of after) {
    const old = before[row.id];
    const change: RowChange = { id: row.id };
    let any = false;
    for (const key of CHANGING) {
      if (old?.[key] !== row[key]) {
        (change as Record<string, unknown>)[key] = row[key];
        any = true;
      }
    }
    if (any) changes.push(change);
  }
  return changes;
}

export interface FateCount {
  images: number;
  tags: number;
  untagged: number;
}

export interface TotalCounts {
  delete: FateCount;
  keep: FateCount;
  skip: FateCount;
  /** Bytes of the images to delete whose size is known, and how many have none. */
  freedBytes: number;
  freedUnknown: number;
  /**
   * The space counted from the repository's manifests (blobs only the deleted manifests use), when it was read:
   * then `freedBytes` is its figure and `freedUnknown` the deleted manifests it could not read.
   */
  freed?: FreedCount;
}

/**
 * What the images to delete now (after the user's opt-outs) free, counted again from the read the preview made: pure
 * and immediate, so the totals follow each kept row. Undefined when the preview did not count (nothing read).
 */
export function freedNow(current: PrunePreview): FreedCount | undefined {
  if (!current.freed || current.freed.notRead) return undefined;
  return countFreed(current.freed.graph, pruneDeletions(current).map((d) => d.digest));
}

const RANK: Record<Fate, number> = { skip: 1, keep: 2, delete: 3 };

/**
 * Tags by their row's fate; images by their own: deleted when the plan deletes them, else kept when a tag on them
 * is kept, else skipped. An untagged manifest is an image without tags.
 */
export function countTotals(rows: readonly Row[], freed?: FreedCount): TotalCounts {
  const zero = (): FateCount => ({ images: 0, tags: 0, untagged: 0 });
  const totals: TotalCounts = { delete: zero(), keep: zero(), skip: zero(), freedBytes: 0, freedUnknown: 0 };
  const images = new Map<string, { fate: Fate; untagged: boolean; size?: number }>();
  for (const r of rows) {
    if (r.tag !== undefined) totals[r.fate].tags++;
    if (!r.digest) continue;
    const had = images.get(r.digest);
    if (!had || RANK[r.fate] > RANK[had.fate]) images.set(r.digest, { fate: r.fate, untagged: r.tag === undefined, size: r.size });
  }
  for (const image of images.values()) {
    totals[image.fate].images++;
    if (image.untagged) totals[image.fate].untagged++;
    if (image.fate !== 'delete') continue;
    if (image.size === undefined) totals.freedUnknown++;
    else totals.freedBytes += image.size;
  }
  // The manifests' count answers the question (shared layers counted once, kept images' layers not at all); the sum
  // of image sizes above is only the fallback where nothing could be read.
  if (freed) return { ...totals, freedBytes: freed.bytes, freedUnknown: freed.unknown.length, freed };
  return totals;
}

/** How many images the Delete button deletes (what the executor is given). */
export function imagesToDelete(current: PrunePreview): number {
  return pruneDeletions(current).length;
}

/** The rows whose image is `digest`, for the run's per-image progress. */
export function rowsByDigest(rows: readonly Row[]): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  for (const r of rows) if (r.digest) out.set(r.digest, [...(out.get(r.digest) ?? []), r]);
  return out;
}

/** Marks the rows of the images to delete as queued, and every other row as out of the run. */
export function queueRows(rows: readonly Row[], current: PrunePreview): Row[] {
  const going = new Set(pruneDeletions(current).map((d) => d.digest));
  return rows.map((r) => ({ ...r, status: r.digest && going.has(r.digest) && r.fate === 'delete' ? ('queued' as RunStatus) : undefined, statusText: undefined }));
}
