// The Undo action: one journal entry pushed back through the engine (reviewRestore, then restoreReviewed). It reads
// what the registry holds first (under a progress notification), tells which images cannot come back because
// garbage collection removed their blobs (nothing of those is pushed), asks about the tags that name another image
// now (one tag: Move Back / Leave It; several: one question for all, or Choose…), restores, marks what came back in
// the journal, and says how it went. Nothing is restored without the user's action: the Undo button of a deletion's
// result, or an entry chosen in Recently Deleted (which also confirms what will be pushed back).
import * as vscode from 'vscode';
import { describeError, isRegistryError, restoreReviewed, reviewRestore, type Journal, type JournalEntry, type RegistryClient, type RestoreResult, type RestoreReview } from '../../engine';
import { currentSettings, type Explorer } from '../explorer';
import { keyOfAddress } from '../model/settings';
import { choose, confirm, notify, pickMany } from '../ui';
import { showError } from './feedback';
import { withCancellable } from './tags';
import { moveBackAllQuestion, moveBackItem, moveBackQuestion, movedTags, nothingToRestore, plannedWrites, undoQuestion, undoSummary, type MovedTag } from './undo-words';

const t = vscode.l10n.t;

export interface UndoOutcome {
  /** The journal entry. */
  id: string;
  /** `host/repository`, once the entry was read. */
  where?: string;
  /** What the restore did; undefined when it did not run (the entry or the registry could not be read, declined, nothing to do). */
  result?: RestoreResult;
  /** Tags that named another image, moved back as the user chose. */
  movedBack: string[];
  /** Tags that named another image, left there as the user chose. */
  leftAlone: string[];
  /** What the restore says, told once for all the entries undone together. */
  summary?: { severity: 'info' | 'warning' | 'error'; text: string };
}

/**
 * Undoes the entries `ids`, one after the other, and says how it went in ONE notification (a policy's Apply undoes a
 * repository per entry; a notification each would crowd out each other). `confirmFirst`: ask before writing.
 */
export async function undoDeletions(explorer: Explorer, journal: Journal, ids: readonly string[], confirmFirst = false): Promise<UndoOutcome[]> {
  const outcomes: UndoOutcome[] = [];
  for (const id of ids) outcomes.push(await undoEntry(explorer, journal, id, confirmFirst));
  const told = outcomes.flatMap((o) => (o.summary ? [o.summary] : []));
  if (told.length === 0) return outcomes;
  const severity = told.some((s) => s.severity === 'error') ? 'error' : told.some((s) => s.severity === 'warning') ? 'warning' : 'info';
  const failed = outcomes.some((o) => (o.result?.failed.length ?? 0) > 0);
  notify(severity, told.map((s) => s.text).join(' '), failed ? [t('Show Log')] : [], () => explorer.log.show());
  return outcomes;
}

/** Says that an entry's registry is not in the Registries view, and how to fix that. False then. */
export function registryInView(entry: JournalEntry): boolean {
  const key = keyOfAddress(entry.registry);
  if (currentSettings().registries.some((r) => r.key === key)) return true;
  notify('error', t('Cannot restore what was deleted from {0}/{1}: {0} is not in the Registries view. Add {0} first, then undo again.', key, entry.repository), [t('Add Registry…')], () =>
    vscode.commands.executeCommand('registryExplorer.addRegistry'),
  );
  return false;
}

async function undoEntry(explorer: Explorer, journal: Journal, id: string, confirmFirst: boolean): Promise<UndoOutcome> {
  const outcome: UndoOutcome = { id, movedBack: [], leftAlone: [] };
  let entry: JournalEntry;
  try {
    entry = await journal.read(id);
  } catch (e) {
    showError(explorer, e, t('read the undo journal'));
    return outcome;
  }
  if (!registryInView(entry)) return outcome;
  const key = keyOfAddress(entry.registry);
  const where = (outcome.where = `${key}/${entry.repository}`);
  const read = await reviewed(explorer, key, where, entry);
  if (!read) return outcome;
  const { client, review } = read;
  const moved = movedTags(review);
  if (plannedWrites(review).images === 0 && moved.length === 0) {
    const nothing = nothingToRestore(where, review);
    if (nothing.severity === 'info') await markBack(explorer, journal, id, review.images.map((i) => i.digest));
    notify(nothing.severity, nothing.text);
    return outcome;
  }
  if (confirmFirst) {
    const q = undoQuestion(where, review);
    if (!(await confirm('undo.confirm', q.message, q.detail, t('Restore')))) return outcome;
  }
  const moveBack = await askMovedTags(moved, where, outcome);
  outcome.result = await restore(explorer, client, review, moveBack, where);
  explorer.tree.forgetRepository(key, entry.repository);
  if (!outcome.result) return outcome;
  await markBack(explorer, journal, id, outcome.result.restored);
  outcome.summary = logged(explorer, where, review, outcome.result);
  return outcome;
}

/**
 * Asks about the tags that name another image now; the tags to move back. One tag: one modal (Move Back / Leave It).
 * Several: one modal for all (Move All Back / Choose… / Leave Them), Choose… a pick with none ticked. Escape, the
 * close button or a dismissed pick leaves them: a tag is never moved without a yes.
 */
async function askMovedTags(moved: readonly MovedTag[], where: string, outcome: UndoOutcome): Promise<MovedTag[]> {
  if (moved.length === 0) return [];
  const chosen = moved.length === 1 ? await askOne(moved[0], where) : await askMany(moved, where);
  for (const m of moved) (chosen.includes(m) ? outcome.movedBack : outcome.leftAlone).push(m.tag);
  return chosen;
}

async function askOne(m: MovedTag, where: string): Promise<MovedTag[]> {
  const q = moveBackQuestion(m, where);
  return (await choose('undo.moveTag', q.message, q.detail, [t('Move Back')], t('Leave It'))) ? [m] : [];
}

async function askMany(moved: readonly MovedTag[], where: string): Promise<MovedTag[]> {
  const q = moveBackAllQuestion(moved, where);
  const all = t('Move All Back');
  const some = t('Choose…');
  const answer = await choose('undo.moveTags', q.message, q.detail, [all, some], t('Leave Them'));
  if (answer === all) return [...moved];
  if (answer !== some) return [];
  const picked = await pickMany('undo.chooseTags', moved.map(moveBackItem), { title: t('Move Back — {0}', where), placeHolder: t('Tick the tags to move back to the restored images') });
  return (picked ?? []).map((i) => i.moved);
}

/** What undoing the entry would do, read under a cancellable progress notification; undefined when cancelled or failed (told). */
async function reviewed(explorer: Explorer, key: string, where: string, entry: JournalEntry): Promise<{ client: RegistryClient; review: RestoreReview } | undefined> {
  try {
    const client = await explorer.tree.client(key);
    const review = await withCancellable(t('Checking what {0} still holds…', where), (signal) => reviewRestore(client, entry, { signal, concurrency: currentSettings().concurrency }));
    return { client, review };
  } catch (e) {
    if (!isRegistryError(e, 'CANCELLED')) showError(explorer, e, t('check what can be restored in {0}', where), key);
    return undefined;
  }
}

/**
 * Pushes back what the review decided, moving back only the tags the user chose to — each only while it still names
 * the image it named when asked (the engine checks, right before the PUT) — and reads them back.
 */
async function restore(explorer: Explorer, client: RegistryClient, review: RestoreReview, moveBack: MovedTag[], where: string): Promise<RestoreResult | undefined> {
  try {
    return await withCancellable(t('Restoring {0}', where), async (signal, progress) => {
      let last = 0;
      const onProgress = (done: number, total: number): void => {
        const pct = Math.floor((done / Math.max(1, total)) * 100);
        progress.report({ increment: pct - last, message: t('{0} of {1}', done, total) });
        last = pct;
      };
      return restoreReviewed(client, review, { moveBack, signal, onProgress });
    });
  } catch (e) {
    // restoreReviewed reports each failure in its result: this is a bug or a crash, told as one.
    showError(explorer, e, t('restore {0}', where));
    return undefined;
  }
}

/** Marks what came back; a journal that cannot be written only gets a warning (the registry is restored). */
async function markBack(explorer: Explorer, journal: Journal, id: string, digests: readonly string[]): Promise<void> {
  if (digests.length === 0) return;
  try {
    await journal.markRestored(id, digests);
  } catch (e) {
    explorer.log.warn(`the registry is restored, but the undo journal entry ${id} could not be marked so: ${describeError(e).message}`);
  }
}

/** Logs what the restore did, line by line; the summary to tell. */
function logged(explorer: Explorer, where: string, review: RestoreReview, result: RestoreResult): { severity: 'info' | 'warning' | 'error'; text: string } {
  for (const d of result.pushed) explorer.log.info(`restored ${where}@${d}`);
  for (const x of result.tagged) explorer.log.info(`restored tag ${where}:${x.tag} → ${x.digest}${x.movedFrom ? ` (moved back from ${x.movedFrom})` : ''}`);
  for (const r of result.refused) explorer.log.warn(`not restored ${where}@${r.digest}: ${r.reason}`);
  for (const c of result.conflicts) explorer.log.info(`left tag ${where}:${c.tag} on ${c.now} (it named ${c.digest} when deleted)`);
  for (const f of result.failed) explorer.log.error(`could not restore ${f.tag ? `tag ${f.tag} of ` : ''}${where}@${f.digest}: ${f.error}`);
  return undoSummary(where, review, result);
}
