// How the editor runs an approved cleanup — a prune, or one repository of a retention policy's Apply: the operation is
// written to the undo journal first (journaled), then the engine's executor deletes, each image logged and reported
// to the Cleanup Preview as it goes. The one place these executor options are made; and how the end of such a run is
// told (tellRun), for both.
import * as vscode from 'vscode';
import { executePrune, pruneDeletions, type DeletionResult, type PrunePreview, type RegistryClient } from '../../engine';
import { currentSettings, type Explorer } from '../explorer';
import type { RunFeedback, RunWatch } from '../preview';
import { gcHint, onGcButton } from './feedback';
import { journaled, notifyWithUndo } from './undo';

const t = vscode.l10n.t;

export interface CleanupRun {
  /** The Registries view's key of the registry (host[:port]). */
  registry: string;
  repository: string;
  /** What the journal calls it: 'prune', 'apply'. */
  operation: string;
}

export function runApprovedCleanup(explorer: Explorer, client: RegistryClient, run: CleanupRun, approved: PrunePreview, watch: RunWatch): Promise<DeletionResult> {
  const settings = currentSettings();
  const where = `${run.registry}/${run.repository}`;
  return journaled(explorer, run, pruneDeletions(approved), (journal) =>
    executePrune(client, approved, {
      journal,
      confirmation: 'interactive',
      concurrency: Math.min(4, settings.concurrency),
      readConcurrency: settings.concurrency,
      signal: watch.signal,
      onReread: () => watch.onReread?.(),
      onStart: (item) => watch.onStart?.(item),
      onProgress: (ev) => {
        const line = `${ev.type} ${where}@${ev.digest} (${ev.tags.join(', ') || 'untagged'})`;
        if (ev.type === 'failed') explorer.log.error(`${line}: ${ev.error}`);
        else explorer.log.info(ev.reason ? `${line}: ${ev.reason}` : line);
        watch.onProgress?.(ev);
      },
    }),
  );
}

export interface RunSummary {
  /** The headline: what was deleted, skipped, failed. */
  message: string;
  /** Images someone else deleted meanwhile. */
  gone: number;
  cancelled: boolean;
  /** A last sentence (why the run stopped), after the others. */
  extra?: string;
  /** The registries where space was freed (for the garbage-collection hint). */
  freedIn: string[];
  /** Something failed or stopped the run: a warning, not an info. */
  trouble: boolean;
}

/**
 * The end of a run: the summary (with "already gone" and "cancelled") and the garbage-collection hint, logged, and
 * shown with Undo when `tell` (the Cleanup Preview's result says it otherwise).
 */
export function tellRun(explorer: Explorer, s: RunSummary, tell: boolean, undo: (() => Promise<unknown>) | undefined): RunFeedback {
  let message = s.message;
  if (s.gone) message += ' ' + t('{0} were already gone (deleted by someone else meanwhile).', s.gone);
  if (s.cancelled) message += ' ' + t('Cancelled: the images not yet started were left as they are.');
  if (s.extra) message += ' ' + s.extra;
  const gc = s.freedIn.length > 0 ? gcHint(s.freedIn) : {};
  explorer.log.info(message);
  if (tell) {
    const buttons = [t('Show Log'), ...(gc.buttons ?? [])];
    notifyWithUndo(s.trouble ? 'warning' : 'info', gc.sentence ? `${message} ${gc.sentence}` : message, buttons, (b) => onGcButton(b) || explorer.log.show(), undo);
  }
  return { sentence: gc.sentence, button: gc.button, undo };
}
