// Prune Tags by Semver…: registry → repository → the policy (prune-wizard.ts) → read and plan under a cancellable
// progress notification → the Cleanup Preview (src/extension/preview: every tag's fate, opt-outs, one "Delete N
// images" and one confirmation, live progress with Cancel, the result). Nothing is deleted before the confirmation.
// The policy and its safety (a digest goes only if every tag on it goes) are the engine's: src/prune; every delete
// goes through the engine's executor (executePrune below).
import * as vscode from 'vscode';
import { deployedIn } from './deployed';
import {
  errorSentence,
  isRegistryError,
  previewPrune,
  pruneDeletions,
  summarizePlan,
  type DeletionResult,
  type PrunePlan,
  type PrunePolicy,
  type PrunePreview,
  type UntaggedEntry,
} from '../../engine';
import { currentSettings, type Explorer } from '../explorer';
import type { ExplorerNode } from '../model/nodes';
import type { RegistryEntry } from '../model/settings';
import { cleanupBusy, reviewCleanup, type RunFeedback } from '../preview';
import { notify } from '../ui';
import { reportLostTags } from './feedback';
import { askPrune } from './prune-wizard';
import { runApprovedCleanup, tellRun } from './cleanup-run';
import { undoOf } from './undo';

const t = vscode.l10n.t;

export interface PruneOutcome {
  registry: string;
  repository: string;
  plan: PrunePlan;
  /** Undefined when the user stopped before the deletes (preview closed or confirmation declined). */
  result?: DeletionResult;
  /** The untagged manifests' fates, when they were included. */
  untagged?: UntaggedEntry[];
}

/** Reads the repository and plans, under a cancellable progress notification. Undefined when cancelled or failed. */
async function preview(explorer: Explorer, entry: RegistryEntry, repository: string, policy: PrunePolicy, untagged: boolean): Promise<PrunePreview | undefined> {
  const where = `${entry.key}/${repository}`;
  try {
    const client = await explorer.tree.client(entry.key);
    // What the workspace deploys is kept, with the file and line as the reason.
    const deployed = await deployedIn(entry.key, repository);
    if (Object.keys(deployed.tags).length || Object.keys(deployed.digests).length) policy = { ...policy, protectedBy: deployed.tags, protectedDigests: deployed.digests };
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Reading the tags of {0}…', where), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let last = 0;
        try {
          return await previewPrune(client, repository, policy, {
            untagged,
            // The space the plan frees: every manifest of the repository read once (cached by digest for the next).
            withFreed: true,
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
  // One wizard: registry and repository (unless the node gives them), then the policy, with n/N and Back throughout.
  const asked = await askPrune(explorer, node, settings);
  if (!asked) return undefined;
  const { entry, repository } = asked;
  const where = `${entry.key}/${repository}`;
  const busy = (): boolean => {
    if (cleanupBusy(where)) notify('info', t('The Cleanup Preview of {0} is deleting: wait for it to finish, or cancel it there.', where));
    return cleanupBusy(where);
  };
  if (busy()) return undefined;

  const planned = await preview(explorer, entry, repository, asked.policy, asked.untagged);
  if (!planned) return undefined;
  for (const note of planned.plan.notes) explorer.log.info(`prune ${where}: ${note}`);
  const done = (p: PrunePreview, result?: DeletionResult): PruneOutcome => ({ registry: entry.key, repository, plan: p.plan, result, ...(p.untagged ? { untagged: p.untagged } : {}) });

  if (pruneDeletions(planned).length === 0) {
    const s = summarizePlan(planned.plan);
    notify('info', t('Nothing to prune in {0}: {1} tags kept, {2} skipped.', where, s.keep, s.skip));
    return done(planned);
  }
  if (busy()) return done(planned); // it started deleting while this one was reading

  const client = await explorer.tree.client(entry.key);
  const outcome = await reviewCleanup({
    registry: entry.key,
    where,
    preview: planned,
    untagged: asked.untagged,
    client,
    concurrency: settings.concurrency,
    extensionUri: explorer.context.extensionUri,
    log: explorer.log,
    remove: (approved, watch) => runApprovedCleanup(explorer, client, { registry: entry.key, repository, operation: 'prune' }, approved, watch),
    finished: (result, tell) => finished(explorer, entry.key, where, repository, result, tell),
  });
  return done(outcome.preview, outcome.result);
}

/** After a run: the tree forgets the repository, the log and lost tags are told, and the summary when `tell`. */
function finished(explorer: Explorer, registry: string, where: string, repository: string, r: DeletionResult, tell: boolean): RunFeedback {
  explorer.tree.forgetRepository(registry, repository);
  const fresh = r.deleted.length - r.alreadyGone.length;
  reportLostTags(explorer, where, r.lostTags);
  return tellRun(
    explorer,
    {
      message: t('Pruned {0}: {1} deleted, {2} skipped, {3} failed.', where, fresh, r.skipped.length, r.failed.length),
      gone: r.alreadyGone.length,
      cancelled: r.cancelled,
      extra: r.stoppedBy ? errorSentence(r.stoppedBy) : undefined,
      freedIn: fresh > 0 ? [registry] : [],
      trouble: r.failed.length > 0 || r.stoppedBy !== undefined,
    },
    tell,
    undoOf(explorer, r),
  );
}
