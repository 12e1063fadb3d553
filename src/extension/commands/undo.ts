// Undo in the editor: the extension's undo journal (in its global storage) and how every deletion the extension makes
// uses it. `journalFor` begins an operation's entry (the one way in: Delete Image, Prune, Delete Untagged, Delete
// Repository, and a retention policy's Apply); `journaled` begins it and runs the engine's executor with it, or, when
// the journal cannot be written, deletes nothing and says why. The result of a deletion then carries an Undo button
// (`undoOf`, `notifyWithUndo`) that runs the Undo action (undo-action.ts); Recently Deleted (recently-deleted.ts)
// restores older entries. `undoSentences` is what the confirmations say about undoing, before anything is deleted.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { describeError, openJournal, RegistryError, type DeletionResult, type Journal, type JournalRecorder } from '../../engine';
import type { Explorer } from '../explorer';
import { notify, type ShownMessage } from '../ui';
import { undoDeletions } from './undo-action';

const t = vscode.l10n.t;

/** The extension's undo journal: `<global storage>/journal` (created, 0700, when the first operation begins). */
export function extensionJournal(explorer: Pick<Explorer, 'context'>): Journal {
  return openJournal(join(explorer.context.globalStorageUri.fsPath, 'journal'));
}

/**
 * Begins the journal entry of one deleting operation in one repository (`registry`: the Registries view's key).
 * Call it only once the user confirmed and something is to be deleted; give the recorder to the executor
 * (`journal` in its options). Throws (nothing deleted yet) when the journal cannot be written.
 */
export async function journalFor(explorer: Pick<Explorer, 'context'>, registry: string, repository: string, operation: string): Promise<JournalRecorder> {
  const journal = extensionJournal(explorer);
  try {
    return await journal.begin({ registry, repository, operation });
  } catch (e) {
    const { message, fix } = describeError(e);
    const why = t('Nothing was deleted: every deletion is first written to the undo journal ({0}).', journal.dir);
    throw new RegistryError('BAD_INPUT', message, { cause: e, fix: fix ? `${why} ${fix}` : why });
  }
}

/** The journal entry each deletion's result was recorded in (the result object is the key). */
const entries = new WeakMap<DeletionResult, string>();

/** What the executor is given to delete, as far as a refusal needs it. */
export interface ItemToDelete {
  digest: string;
  tags: readonly string[];
}

/** The result of a run that deleted nothing because its journal could not be begun. */
function refusedByJournal(items: readonly ItemToDelete[], e: unknown): DeletionResult {
  const { message, fix } = describeError(e);
  return {
    deleted: [],
    alreadyGone: [],
    skipped: items.map((i) => ({ digest: i.digest, tags: [...i.tags], reason: 'not started: the undo journal could not be written' })),
    failed: [],
    lostTags: [],
    cancelled: false,
    stoppedBy: { code: 'JOURNAL', message, ...(fix ? { fix } : {}) },
    reads: 0,
  };
}

/**
 * Begins the operation's journal entry and runs `run` (the executor) with it. When the entry cannot be begun, nothing
 * is deleted: the result skips every item and is `stoppedBy` JOURNAL (its words say why and what to do).
 */
export async function journaled(
  explorer: Pick<Explorer, 'context' | 'log'>,
  meta: { registry: string; repository: string; operation: string },
  items: readonly ItemToDelete[],
  run: (journal: JournalRecorder) => Promise<DeletionResult>,
): Promise<DeletionResult> {
  let journal: JournalRecorder;
  try {
    journal = await journalFor(explorer, meta.registry, meta.repository, meta.operation);
  } catch (e) {
    explorer.log.error(`${meta.operation} ${meta.registry}/${meta.repository}: ${describeError(e).message}`);
    return refusedByJournal(items, e);
  }
  const result = await run(journal);
  entries.set(result, journal.id);
  for (const note of result.journalNotes ?? []) explorer.log.warn(`${meta.operation} ${meta.registry}/${meta.repository}: ${note}`);
  if (result.deleted.length > result.alreadyGone.length) explorer.log.info(`${meta.operation} ${meta.registry}/${meta.repository}: undo journal entry ${journal.id}`);
  return result;
}

/** The journal entries that hold what `results` deleted; empty when none deleted anything (or was not journaled). */
export function undoableEntries(results: readonly (DeletionResult | undefined)[]): string[] {
  return results.flatMap((r) => (r && r.deleted.length > r.alreadyGone.length && entries.has(r) ? [entries.get(r)!] : []));
}

/** The Undo button's action for what `results` deleted, or undefined when there is nothing to undo. */
export function undoOf(explorer: Explorer, ...results: (DeletionResult | undefined)[]): (() => Promise<unknown>) | undefined {
  const ids = undoableEntries(results);
  return ids.length ? () => undoDeletions(explorer, extensionJournal(explorer), ids) : undefined;
}

export type { PressableMessage } from '../ui';

/** A deletion's result, with Undo first among its buttons when `undo` is given. The other buttons go to `onButton`. */
export function notifyWithUndo(severity: ShownMessage['severity'], message: string, buttons: string[], onButton: (button: string) => unknown, undo?: () => Promise<unknown>): void {
  const label = t('Undo');
  notify(severity, message, undo ? [label, ...buttons] : buttons, (button) => (undo && button === label ? undo() : onButton(button)));
}

/**
 * What a confirmation says about undoing, before anything is deleted: that Undo can bring it back, and until when —
 * or, on a service whose deletion cannot be undone that way (Docker Hub, GHCR), what cannot be restored. One `note`
 * (the provider's undoNote) per registry the deletion touches; undefined for a plain registry.
 */
export function undoSentences(...notes: (string | undefined)[]): string[] {
  const generic = t('Undo works while the registry still holds the image data: until its garbage collection runs.');
  return [t('You can undo this from the result or from Recently Deleted.'), ...new Set((notes.length ? notes : [undefined]).map((n) => n ?? generic))];
}
