// The one confirmation before a Cleanup Preview deletes (a modal through ui.ts, so the tests answer it as
// 'prune.confirm'): what will go and what stays, in the future tense, and that it cannot be undone.
import * as vscode from 'vscode';
import { isSelfHostedDistribution, type PrunePreview } from '../../engine';
import { confirm } from '../ui';
import { countTotals, freedNow, imagesToDelete } from './model';
import type { Row } from './protocol';
import { confirmation } from './words';

export async function confirmDeletion(registry: string, where: string, approved: PrunePreview, rows: readonly Row[]): Promise<boolean> {
  const { message, detail } = confirmation(where, approved, countTotals(rows, freedNow(approved)), imagesToDelete(approved), isSelfHostedDistribution(registry));
  return confirm('prune.confirm', message, detail, vscode.l10n.t('Delete'));
}
