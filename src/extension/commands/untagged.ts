// Delete Untagged Manifests…: on one or several untagged manifests (or their whole group), where the registry's
// provider lists them. The list is read again first, so only manifests that are still untagged and that nothing
// tagged needs are offered; one modal names them and warns that systems pulling them by digest lose them; then the
// engine's executor deletes them (re-checking that no tag appeared on them, and skipping locked ones).
import * as vscode from 'vscode';
import { errorSentence, executeDeletions, isRegistryError, readManifests, untaggedGarbage, undoNote as undoNoteOf, type DeletionResult, type ManifestRow } from '../../engine';
import type { Explorer } from '../explorer';
import { middleDigest, type ExplorerNode, type ManifestNode, type UntaggedGroupNode } from '../model/nodes';
import { confirm, notify } from '../ui';
import { freedSentence, freedSoon } from './freed';
import { gcHint, onGcButton, reportLostTags, showError } from './feedback';
import { journaled, notifyWithUndo, undoOf, undoSentences } from './undo';

const t = vscode.l10n.t;

export interface UntaggedOutcome {
  deleted: string[];
  skipped: { digest: string; reason: string }[];
  failed: { digest: string; error: string }[];
  confirmed: boolean;
}

/** The manifests chosen: the clicked or selected manifest rows, or every row of a clicked group. */
function chosen(explorer: Explorer, node?: unknown, nodes?: unknown): { group?: UntaggedGroupNode; digests: string[]; registry?: string; repository?: string } {
  const list = (Array.isArray(nodes) ? nodes : node ? [node] : explorer.selection()) as ExplorerNode[];
  const group = list.find((n): n is UntaggedGroupNode => n?.kind === 'untagged');
  const manifests = list.filter((n): n is ManifestNode => n?.kind === 'manifest');
  const first = group ?? manifests[0];
  return { group, digests: manifests.filter((m) => m.repository === first?.repository).map((m) => m.digest), registry: first?.registry, repository: first?.repository };
}

function sentence(row: ManifestRow): string {
  const bits = [row.platform, row.created ? row.created.toISOString().slice(0, 10) : undefined, row.locked ? t('locked: it will not be deleted') : undefined].filter(Boolean);
  return `${middleDigest(row.digest)}${bits.length ? ` (${bits.join(', ')})` : ''}`;
}

export async function deleteUntagged(explorer: Explorer, node?: unknown, nodes?: unknown): Promise<UntaggedOutcome | undefined> {
  const pick = chosen(explorer, node, nodes);
  if (!pick.registry || !pick.repository) {
    notify('info', t('Select untagged manifests in the Registries view first.'));
    return undefined;
  }
  const { registry, repository } = pick;
  const where = `${registry}/${repository}`;
  const client = await explorer.tree.client(registry);
  let listing: Awaited<ReturnType<typeof readManifests>>;
  try {
    listing = await readManifests(client, repository);
  } catch (e) {
    if (!isRegistryError(e, 'CANCELLED')) showError(explorer, e, t('list the untagged manifests of {0}', where), registry);
    return undefined;
  }
  const garbage = untaggedGarbage(listing.rows);
  const rows = pick.group ? garbage : garbage.filter((r) => pick.digests.includes(r.digest));
  const gone = pick.group ? [] : pick.digests.filter((d) => !rows.some((r) => r.digest === d));
  if (gone.length) notify('warning', t('{0} of the selected manifests are tagged or needed by a tagged image now, and were left out.', gone.length));
  if (rows.length === 0) {
    notify('info', t('Nothing to delete: no untagged manifest of {0} is unused.', where));
    return { deleted: [], skipped: [], failed: [], confirmed: false };
  }
  const message = rows.length === 1 ? t('Delete 1 untagged manifest from {0}?', where) : t('Delete {0} untagged manifests from {1}?', rows.length, where);
  const freed = freedSentence([{ registry, freed: await freedSoon(client, listing.snapshot, rows.map((r) => r.digest), new AbortController().signal) }]);
  const undoNote = await undoNoteOf(client).catch(() => undefined);
  const detail = [
    ...rows.slice(0, 20).map(sentence),
    ...(rows.length > 20 ? [t('and {0} more', rows.length - 20)] : []),
    ...(freed ? ['', freed] : []),
    '',
    t('No tag points at them; systems that pull them by digest lose them.'),
    ...undoSentences(undoNote),
  ].join('\n');
  if (!(await confirm('untagged.confirm', message, detail, t('Delete')))) return { deleted: [], skipped: [], failed: [], confirmed: false };
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Deleting untagged manifests of {0}', where), cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    const items = rows.map((r) => ({ digest: r.digest, tags: [], ...(r.subject ? { subject: r.subject } : {}) }));
    return journaled(explorer, { registry, repository, operation: 'delete untagged' }, items, (journal) =>
      executeDeletions(client, repository, items, {
        journal,
        confirmation: 'interactive',
        since: 'it was shown',
        signal: controller.signal,
        onProgress: (ev) => progress.report({ increment: 100 / ev.total, message: t('{0} of {1}', ev.done, ev.total) }),
      }),
    ).finally(() => sub.dispose());
  });
  explorer.tree.forgetRepository(registry, repository);
  report(explorer, where, registry, result);
  return { deleted: result.deleted, skipped: result.skipped.map((s) => ({ digest: s.digest, reason: s.reason })), failed: result.failed.map((f) => ({ digest: f.digest, error: f.error })), confirmed: true };
}

function report(explorer: Explorer, where: string, registry: string, r: DeletionResult): void {
  for (const s of r.skipped) explorer.log.info(`skipped ${where}@${s.digest}: ${s.reason}`);
  for (const f of r.failed) explorer.log.error(`could not delete ${where}@${f.digest}: ${f.error}`);
  reportLostTags(explorer, where, r.lostTags);
  let message = r.deleted.length === 1 ? t('Deleted 1 untagged manifest of {0}.', where) : t('Deleted {0} untagged manifests of {1}.', r.deleted.length, where);
  if (r.skipped.length || r.failed.length) message += ' ' + t('{0} skipped and {1} failed (see the log).', r.skipped.length, r.failed.length);
  if (r.stoppedBy) message += ' ' + errorSentence(r.stoppedBy);
  const gc = r.deleted.length ? gcHint([registry]) : {};
  if (gc.sentence) message += ' ' + gc.sentence;
  const buttons = [t('Show Log'), ...(gc.buttons ?? [])];
  notifyWithUndo(r.failed.length || r.skipped.length ? 'warning' : 'info', message, buttons, (b) => onGcButton(b) || explorer.log.show(), undoOf(explorer, r));
}
