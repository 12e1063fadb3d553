// How regx reports what a deletion did: skips with their reasons, failures, what was already gone, tags lost while
// deleting, and the exit code that follows from it.
import { shortDigest, type DeletionResult } from '../engine';
import { EXIT_FAILED, EXIT_OK, type Context } from './context';
import { listNames } from './output';

/** The result as JSON fields (beside the command's own). */
export function deletionJson(result: DeletionResult): Record<string, unknown> {
  return {
    deleted: result.deleted,
    alreadyGone: result.alreadyGone,
    failed: result.failed.map((f) => ({ digest: f.digest, error: f.error })),
    skipped: result.skipped.map((s) => ({ digest: s.digest, tags: s.tags, reason: s.reason })),
    lostTags: result.lostTags,
    ...(result.lostTagsUnchecked ? { lostTagsUnchecked: result.lostTagsUnchecked } : {}),
    cancelled: result.cancelled,
    ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}),
    ...(result.journalNotes?.length ? { journalNotes: result.journalNotes } : {}),
  };
}

/** Problems go to stderr in every mode; `text` also prints the skips. */
export function reportDeletion(ctx: Context, result: DeletionResult, text: boolean): void {
  if (text) {
    for (const s of result.skipped) ctx.io.stdout(`skipped ${shortDigest(s.digest)} (${listNames(s.tags)}): ${s.reason}\n`);
    const gone = result.alreadyGone.length;
    if (gone) ctx.io.stdout(`${gone} image${gone === 1 ? ' was' : 's were'} already gone (deleted by someone else meanwhile).\n`);
  }
  // The error that stopped the run is said once, with its fix, below.
  for (const f of result.failed) if (f.error !== result.stoppedBy?.message) ctx.io.stderr(`regx: could not delete ${f.digest} (${listNames(f.tags)}): ${f.error}\n`);
  if (result.stoppedBy) ctx.io.stderr(`regx: stopped: ${result.stoppedBy.message}\n${result.stoppedBy.fix ? `${result.stoppedBy.fix}\n` : ''}`);
  for (const l of result.lostTags) {
    ctx.io.stderr(`regx: LOST tag ${l.tag}: it disappeared while deleting (it pointed at ${l.digest}); most likely it was moved onto an image as that image was deleted, and went with it.\n`);
  }
  if (result.lostTagsUnchecked) ctx.io.stderr(`regx: could not look for lost tags afterwards: ${result.lostTagsUnchecked}.\n`);
  for (const n of result.journalNotes ?? []) ctx.io.stderr(`note: ${n}.\n`);
}

/** 1 when anything failed, stopped, was cancelled or lost, or lost tags could not be looked for. */
export function deletionExitCode(result: DeletionResult): number {
  const bad = result.failed.length > 0 || result.stoppedBy || result.cancelled || result.lostTags.length > 0 || result.lostTagsUnchecked;
  return bad ? EXIT_FAILED : EXIT_OK;
}
