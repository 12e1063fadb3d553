// How regx reports a prune plan and what became of it: one row per tag (and per untagged manifest), and the JSON
// object `regx prune --json` prints, which `regx apply --json` prints once per repository.
import type { DeletionResult, PlanEntry, PrunePreview, UntaggedEntry } from '../engine';
import { freedJson } from './freed';
import { deletionJson } from './report';

/** Untagged manifests as plan entries: no tag. */
function untaggedEntries(entries: UntaggedEntry[] | undefined): PlanEntry[] {
  return (entries ?? []).map((e) => ({ tag: null as unknown as string, digest: e.digest, action: e.action, reason: e.reason }));
}

/** Every row of the plan: the tags, then the untagged manifests. */
export function planEntries(preview: PrunePreview): PlanEntry[] {
  return [...preview.plan.entries, ...untaggedEntries(preview.untagged)];
}

/** The plan as it turned out: entries the executor skipped or could not delete say so. */
function applyResult(entries: PlanEntry[], result: DeletionResult | undefined): PlanEntry[] {
  if (!result) return entries;
  const skipped = new Map(result.skipped.map((s) => [s.digest, s.reason]));
  const failed = new Map(result.failed.map((f) => [f.digest, f.error]));
  const deleted = new Set(result.deleted);
  return entries.map((e) => {
    if (e.action !== 'delete' || !e.digest || deleted.has(e.digest)) return e;
    if (skipped.has(e.digest)) return { ...e, action: 'skip', reason: skipped.get(e.digest)! };
    if (failed.has(e.digest)) return { ...e, reason: `${e.reason} (failed: ${failed.get(e.digest)})` };
    return { ...e, action: 'skip', reason: result.cancelled ? 'not deleted: the run was cancelled' : 'not deleted: the run stopped early' };
  });
}

/**
 * The prune report of one repository. A referrer tag's entry names the image it belongs to (`subject`), and says
 * when that image is gone (`orphaned`).
 */
export function pruneJson(repository: string, dryRun: boolean, preview: PrunePreview, result: DeletionResult | undefined): Record<string, unknown> {
  const plan = applyResult(planEntries(preview), result).map((e) => ({
    tag: e.tag,
    digest: e.digest,
    action: e.action,
    reason: e.reason,
    ...(e.subject ? { subject: e.subject } : {}),
    ...(e.orphaned ? { orphaned: true } : {}),
  }));
  const outcome = result ? deletionJson(result) : { deleted: [], failed: [], skipped: [], lostTags: [], cancelled: false };
  return { repository, dryRun, plan, ...outcome, ...freedJson(preview.freed) };
}
