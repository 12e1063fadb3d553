// What the prune command gives the Cleanup Preview, and what it gets back. The preview never calls the engine's
// delete itself: `remove` is the command's executePrune call (the safety is the engine's), `finished` its summary.
import type { Uri } from 'vscode';
import type { DeletionProgress, DeletionResult, PrunePreview, RegistryClient } from '../../engine';
import type { ExplorerLog } from '../log';
import type { FromWebview, Phase, Progress, RenderReport, ResultView, Row, Totals } from './protocol';

/** What a run reports while it deletes (all optional). */
export interface RunWatch {
  signal?: AbortSignal;
  onStart?(item: { digest: string; tags: string[] }): void;
  onProgress?(event: DeletionProgress): void;
  onReread?(): void;
}

export interface CleanupRequest {
  /** The registry's key (host). */
  registry: string;
  /** `host/repository`, in titles and sentences. */
  where: string;
  /** The plan, as read and planned once: every opt-out is planned again from it. */
  preview: PrunePreview;
  /** Whether untagged manifests were asked for (the header names it). */
  untagged: boolean;
  client: RegistryClient;
  concurrency: number;
  extensionUri: Uri;
  log: ExplorerLog;
  /** Deletes what the user approved: the engine's executePrune. */
  remove(approved: PrunePreview, watch: RunWatch): Promise<DeletionResult>;
  /**
   * After a run: tidy up and report; `notify` when nobody is looking at the panel (so a notification says it).
   * Returns the garbage-collection advice, when it is due, for the panel to show.
   */
  finished(result: DeletionResult, notify: boolean): { sentence?: string; button?: string };
}

export interface CleanupOutcome {
  /** The plan as finally approved (with the opt-outs), or as shown when nothing was deleted. */
  preview: PrunePreview;
  /** Undefined when nothing was run (closed, declined, replaced). */
  result?: DeletionResult;
}

/**
 * The panel as the extension-host tests drive it (src/extension/preview/hook.ts says how to get it): its state,
 * and messages posted as if the webview had sent them.
 */
export interface CleanupPreviewTestApi {
  readonly title: string;
  rows(): readonly Row[];
  totals(): Totals;
  phase(): Phase;
  progress(): Progress | undefined;
  result(): ResultView | undefined;
  /** Handles `message` as if the webview posted it. For `delete`, resolves when the run is over (or was declined). */
  post(message: FromWebview): Promise<void>;
  /** The webview's next render report that satisfies `test` (the last one, if it already does). */
  rendered(test?: (report: RenderReport) => boolean, timeoutMs?: number): Promise<RenderReport>;
  /** Calls `listener` after every change of state (a re-plan, a phase, a progress event). */
  onChange(listener: () => void): { dispose(): void };
  /** Resolves when the panel is done with: the run ended, or it was closed or replaced before one. */
  readonly outcome: Promise<CleanupOutcome>;
  /** Closes the panel (as the user closing its tab). */
  close(): void;
}
