// Registry Explorer: Recently Deleted…: the undo journal's operations, newest first, in a quick pick — the repository
// and what went, the registry and when, how it was deleted and whether it was restored. Choosing one runs the Undo
// action (undo-action.ts), which first confirms what will be pushed back.
import * as vscode from 'vscode';
import { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_ENTRIES, deletedIn, type JournalEntry } from '../../engine';
import type { Explorer } from '../explorer';
import { agoText } from '../tree/items';
import { notify, pick } from '../ui';
import { showError } from './feedback';
import { extensionJournal } from './undo';
import { keyOfAddress } from '../model/settings';
import { undoDeletions, type UndoOutcome } from './undo-action';
import { imagesWord, tagList } from './undo-words';

const t = vscode.l10n.t;

export interface DeletionItem extends vscode.QuickPickItem {
  entry: JournalEntry;
}

/** How the operation deleted, in the words of the command that did. */
function operationWords(operation: string): string {
  const words: Record<string, () => string> = {
    delete: () => t('Deleted with Delete Image'),
    prune: () => t('Deleted by Prune Tags'),
    'delete untagged': () => t('Deleted with Delete Untagged Manifests'),
    'delete repository': () => t('Deleted with Delete Repository'),
    apply: () => t('Deleted by a retention policy'),
  };
  return words[operation]?.() ?? t('Deleted by {0}', operation);
}

/** "1.0.0, 1.1.0, …": the first tags that went. */
function tagsPreview(manifests: JournalEntry['manifests']): string {
  const tags = manifests.flatMap((m) => m.tags);
  return tags.length > 3 ? `${tags.slice(0, 3).join(', ')}, …` : tagList(tags);
}

/** "team/api — 3 images (1.0.0, 1.1.0, …)", "localhost:5000 · 5 minutes ago", "Deleted with Delete Image · restored". */
export function deletionItem(entry: JournalEntry): DeletionItem {
  const { gone, back } = deletedIn(entry);
  const restored = back === 0 ? '' : back === gone.length ? t('restored') : t('{0} of {1} restored', back, gone.length);
  return {
    label: `${entry.repository} — ${imagesWord(gone.length)} (${tagsPreview(gone)})`,
    description: `${keyOfAddress(entry.registry)} · ${agoText(new Date(entry.at))}`,
    detail: restored ? `${operationWords(entry.operation)} · ${restored}` : operationWords(entry.operation),
    entry,
  };
}

/** The command: pick a deletion, then undo it. Undefined when nothing was chosen. */
export async function recentlyDeleted(explorer: Explorer): Promise<UndoOutcome[] | undefined> {
  const journal = extensionJournal(explorer);
  let entries: JournalEntry[];
  try {
    entries = (await journal.list()).filter((e) => deletedIn(e).gone.length > 0);
  } catch (e) {
    showError(explorer, e, t('read the undo journal'));
    return undefined;
  }
  if (entries.length === 0) {
    const days = Math.round(DEFAULT_MAX_AGE_MS / 86_400_000);
    notify('info', t('Nothing was deleted recently. What you delete here is listed for {0} days (the last {1} deletions), to restore while the registry still holds its data.', days, DEFAULT_MAX_ENTRIES));
    return undefined;
  }
  const chosen = await pick('recentlyDeleted.pick', entries.map(deletionItem), {
    title: t('Recently Deleted'),
    placeHolder: t('Choose a deletion to undo'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!chosen) return undefined;
  return undoDeletions(explorer, journal, [chosen.entry.id], true);
}
