// The one confirmation before a Cleanup Preview deletes (a modal through ui.ts, so the tests answer it: 'prune.confirm'
// for one repository, 'policy.confirm' for several): what will go and what stays, in the future tense, and how it can
// be undone (until garbage collection; on Docker Hub and GHCR, what an undo cannot bring back there).
import * as vscode from 'vscode';
import { isSelfHostedDistribution, undoNote, type PrunePreview } from '../../engine';
import { undoSentences } from '../commands/undo';
import { confirm } from '../ui';
import { groupCounts, imagesToDeleteIn, sumCounts, type GroupState } from './groups';
import { countTotals, freedNow, imagesToDelete } from './model';
import type { Row } from './protocol';
import { confirmation, groupedConfirmation } from './words';

/** What the confirmation says about undoing: one sentence per service (its provider's undo note), read before asking. */
async function undoLines(groups: readonly GroupState[]): Promise<string[]> {
  const notes = await Promise.all(groups.map((g) => (g.source.client ? undoNote(g.source.client) : undefined)));
  return undoSentences(...notes);
}

export async function confirmDeletion(registry: string, where: string, approved: PrunePreview, rows: readonly Row[], undo: readonly string[]): Promise<boolean> {
  const { message, detail } = confirmation(where, approved, countTotals(rows, freedNow(approved)), imagesToDelete(approved), isSelfHostedDistribution(registry), undo);
  return confirm('prune.confirm', message, detail, vscode.l10n.t('Delete'));
}

/** One confirmation for every repository that deletes something, with the count in each. */
export async function confirmGroups(groups: readonly GroupState[], rows: readonly Row[]): Promise<boolean> {
  const read = groups.filter((g) => g.current);
  const deleting = read.filter((g) => imagesToDelete(g.current!) > 0);
  const parts = deleting.map((g) => ({ where: g.source.where, images: imagesToDelete(g.current!), tags: groupCounts(g, rows).delete.tags }));
  const notes = deleting.flatMap((g) => g.current!.plan.notes.map((n) => `${g.source.where}: ${n}`));
  const selfHosted = deleting.some((g) => isSelfHostedDistribution(g.source.registry));
  const undo = await undoLines(deleting);
  const { message, detail } = groupedConfirmation(parts, sumCounts(read.map((g) => groupCounts(g, rows))), imagesToDeleteIn(groups), selfHosted, notes, undo);
  return confirm('policy.confirm', message, detail, vscode.l10n.t('Delete'));
}

/** The confirmation a preview asks: a prune's own for one repository, the grouped one for a policy. */
export async function confirmCleanup(single: boolean, groups: readonly GroupState[], rows: readonly Row[]): Promise<boolean> {
  const [first] = groups;
  if (single && first?.current) return confirmDeletion(first.source.registry, first.source.where, first.current, rows, await undoLines([first]));
  return confirmGroups(groups, rows);
}
