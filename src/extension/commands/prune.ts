// Prune Tags by Semver…: registry → repository → range → keep N → options → preview (deletes pre-checked)
// → confirm with counts → cancellable progress per digest → summary. Nothing is deleted before the confirm.
// The policy and its safety (a digest goes only if every tag on it goes) are the engine's: src/prune.
import * as vscode from 'vscode';
import {
  errorSentence,
  executePrune,
  isRegistryError,
  keepingTags,
  previewPrune,
  pruneDeletions,
  summarizePlan,
  type DeletionResult,
  type PlanEntry,
  type PrunePlan,
  type PrunePolicy,
  type PrunePreview,
  type UntaggedEntry,
} from '../../engine';
import { currentSettings, type Explorer } from '../explorer';
import { middleDigest, type ExplorerNode } from '../model/nodes';
import type { RegistryEntry } from '../model/settings';
import { confirm, notify, pickMany } from '../ui';
import { gcHint, openGcDocs, reportLostTags } from './feedback';
import { chooseRegistry } from './registries';
import { askPolicy, chooseRepository } from './prune-wizard';

const t = vscode.l10n.t;

export interface PruneOutcome {
  registry: string;
  repository: string;
  plan: PrunePlan;
  /** Undefined when the user stopped before the deletes (preview or confirm cancelled). */
  result?: DeletionResult;
  /** The untagged manifests' fates, when they were included. */
  untagged?: UntaggedEntry[];
}


interface PreviewItem extends vscode.QuickPickItem {
  entry?: PlanEntry;
  untagged?: UntaggedEntry;
}

const actionIcon = (action: string): vscode.ThemeIcon => new vscode.ThemeIcon(action === 'delete' ? 'trash' : action === 'skip' ? 'debug-step-over' : 'pass');

function previewItems(plan: PrunePlan, untagged: UntaggedEntry[] = []): PreviewItem[] {
  const items: PreviewItem[] = [];
  for (const [label, action] of [[t('Delete'), 'delete'], [t('Skip'), 'skip'], [t('Keep'), 'keep']] as const) {
    const entries = plan.entries.filter((e) => e.action === action);
    const loose = untagged.filter((e) => e.action === action);
    if (entries.length + loose.length === 0) continue;
    items.push({ label: `${label} (${entries.length + loose.length})`, kind: vscode.QuickPickItemKind.Separator });
    for (const e of entries) {
      items.push({ label: e.tag, description: e.reason, detail: e.digest ? middleDigest(e.digest) : undefined, picked: action === 'delete', iconPath: actionIcon(action), entry: e });
    }
    for (const u of loose) {
      items.push({ label: t('untagged {0}', middleDigest(u.digest)), description: u.reason, picked: action === 'delete', iconPath: actionIcon(action), untagged: u });
    }
  }
  return items;
}

/**
 * Applies the preview: tags the user unchecked are kept by name (planned again from the same read, so the images
 * they share stay too). Checking a tag the plan keeps or skips does not delete it: the policy decides what may go.
 */
function applyPreview(preview: PrunePreview, picked: PreviewItem[]): { preview: PrunePreview; ignored: string[] } {
  const checked = new Set(picked.filter((i) => i.entry).map((i) => i.label));
  const checkedUntagged = new Set(picked.filter((i) => i.untagged).map((i) => i.untagged!.digest));
  const entries = preview.plan.entries;
  const unchecked = entries.filter((e) => e.action === 'delete' && !checked.has(e.tag)).map((e) => e.tag);
  const ignored = entries.filter((e) => e.action !== 'delete' && checked.has(e.tag)).map((e) => e.tag);
  const untagged = preview.untagged?.map((u): UntaggedEntry => (u.action === 'delete' && !checkedUntagged.has(u.digest) ? { ...u, action: 'keep', reason: 'keep: kept by choice' } : u));
  return { preview: { ...keepingTags(preview, unchecked), untagged }, ignored };
}

/** Reads the repository and plans, under a cancellable progress notification. Undefined when cancelled or failed. */
async function preview(explorer: Explorer, entry: RegistryEntry, repository: string, policy: PrunePolicy, untagged: boolean): Promise<PrunePreview | undefined> {
  const where = `${entry.key}/${repository}`;
  try {
    const client = await explorer.tree.client(entry.key);
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Reading the tags of {0}…', where), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let last = 0;
        try {
          return await previewPrune(client, repository, policy, {
            untagged,
            concurrency: currentSettings().concurrency,
            signal: controller.signal,
            onProgress: (done, total) => {
              const pct = Math.floor((done / Math.max(1, total)) * 100);
              progress.report({ increment: pct - last, message: t('{0} of {1} tags', done, total) });
              last = pct;
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    if (!isRegistryError(e, 'CANCELLED')) notify('error', t('Could not plan the prune of {0}: {1}', where, errorSentence(e)));
    return undefined;
  }
}

/** Prune Tags by Semver…: the whole flow. Resolves with what was planned and done. */
export async function pruneTags(explorer: Explorer, node?: ExplorerNode): Promise<PruneOutcome | undefined> {
  const settings = currentSettings();
  const entry = await chooseRegistry('prune.registry', node, t('Registry to prune'));
  if (!entry) return undefined;
  const repository = await chooseRepository(explorer, entry, node);
  if (!repository) return undefined;
  const asked = await askPolicy(explorer, entry, repository, settings);
  if (!asked) return undefined;
  const where = `${entry.key}/${repository}`;

  let planned = await preview(explorer, entry, repository, asked.policy, asked.untagged);
  if (!planned) return undefined;
  for (const note of planned.plan.notes) explorer.log.info(`prune ${where}: ${note}`);
  const done = (p: PrunePreview, result?: DeletionResult): PruneOutcome => ({ registry: entry.key, repository, plan: p.plan, result, ...(p.untagged ? { untagged: p.untagged } : {}) });

  if (pruneDeletions(planned).length === 0) {
    const s = summarizePlan(planned.plan);
    notify('info', t('Nothing to prune in {0}: {1} tags kept, {2} skipped.', where, s.keep, s.skip));
    return done(planned);
  }

  const picked = await pickMany('prune.preview', previewItems(planned.plan, planned.untagged), {
    title: t('Prune {0}: preview', where),
    placeHolder: t('Checked tags are deleted. Uncheck a tag to keep it. Kept and skipped tags say why.'),
    matchOnDescription: true,
  });
  if (!picked) return done(planned);
  const applied = applyPreview(planned, picked);
  planned = applied.preview;
  const s = summarizePlan(planned.plan);
  const untaggedGoing = (planned.untagged ?? []).filter((u) => u.action === 'delete').length;
  if (pruneDeletions(planned).length === 0) {
    notify('info', t('Nothing left to delete in {0}.', where));
    return done(planned);
  }
  const tagsWord = s.delete === 1 ? t('1 tag') : t('{0} tags', s.delete);
  const imagesWord = s.digests === 1 ? t('1 image') : t('{0} images', s.digests);
  const detail = [
    t('{0} deleted ({1}), {2} kept, {3} skipped.', tagsWord, imagesWord, s.keep, s.skip),
    ...(untaggedGoing ? [t('And {0} untagged manifests: systems that pull them by digest lose them.', untaggedGoing)] : []),
    ...planned.plan.notes,
    ...(applied.ignored.length ? [t('Not deleted although checked (the policy keeps them): {0}', applied.ignored.join(', '))] : []),
    '',
    t('This cannot be undone.'),
  ].join('\n');
  const ok = await confirm('prune.confirm', t('Delete {0} ({1}) from {2}?', tagsWord, imagesWord, where), detail, t('Delete'));
  if (!ok) return done(planned);

  const client = await explorer.tree.client(entry.key);
  const approved = planned;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: t('Pruning {0}', where), cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      try {
        return await executePrune(client, approved, {
          confirmation: 'interactive',
          concurrency: Math.min(4, settings.concurrency),
          readConcurrency: settings.concurrency,
          signal: controller.signal,
          onReread: () => progress.report({ message: t('Checking the tags again…') }),
          onProgress: (ev) => {
            progress.report({ increment: 100 / ev.total, message: t('{0} of {1} images', ev.done, ev.total) });
            const line = `${ev.type} ${where}@${ev.digest} (${ev.tags.join(', ')})`;
            if (ev.type === 'failed') explorer.log.error(`${line}: ${ev.error}`);
            else explorer.log.info(ev.reason ? `${line}: ${ev.reason}` : line);
          },
        });
      } finally {
        sub.dispose();
      }
    },
  );
  explorer.tree.forgetRepository(entry.key, repository);
  summarize(explorer, entry.key, where, result);
  return done(planned, result);
}

function summarize(explorer: Explorer, registry: string, where: string, r: DeletionResult): void {
  const fresh = r.deleted.length - r.alreadyGone.length;
  let message = t('Pruned {0}: {1} deleted, {2} skipped, {3} failed.', where, fresh, r.skipped.length, r.failed.length);
  if (r.alreadyGone.length) message += ' ' + t('{0} were already gone (deleted by someone else meanwhile).', r.alreadyGone.length);
  if (r.cancelled) message += ' ' + t('Cancelled: the images not yet started were left as they are.');
  if (r.stoppedBy) message += ' ' + errorSentence(r.stoppedBy);
  const buttons = [t('Show Log')];
  const gc = fresh > 0 ? gcHint([registry]) : {};
  if (gc.sentence) message += ' ' + gc.sentence;
  if (gc.button) buttons.push(gc.button);
  explorer.log.info(message);
  reportLostTags(explorer, where, r.lostTags);
  notify(r.failed.length > 0 || r.stoppedBy ? 'warning' : 'info', message, buttons, (b) => (b === t('Show Log') ? explorer.log.show() : openGcDocs()));
}
