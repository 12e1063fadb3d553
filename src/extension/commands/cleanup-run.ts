// How the editor runs an approved cleanup — a prune, or one repository of a retention policy's Apply: the operation is
// written to the undo journal first (journaled), then the engine's executor deletes, each image logged and reported
// to the Cleanup Preview as it goes. The one place these executor options are made.
import { executePrune, pruneDeletions, type DeletionResult, type PrunePreview, type RegistryClient } from '../../engine';
import { currentSettings, type Explorer } from '../explorer';
import type { RunWatch } from '../preview';
import { journaled } from './undo';

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
