// What a command gives the Cleanup Preview, and what it gets back: one repository (Prune: CleanupRequest) or several
// (a retention policy: GroupedCleanupRequest, one CleanupGroup per repository). The preview never calls the engine's
// delete itself: each `remove` is the command's executePrune call (the safety is the engine's), `finished` its summary.
import type { Uri } from 'vscode';
import type { DeletionProgress, DeletionResult, PrunePreview, RegistryClient } from '../../engine';
import type { ExplorerLog } from '../log';
import type { FromWebview, GroupHeader, Phase, Progress, RenderReport, ResultView, Row, Totals } from './protocol';

/**
 * What the panel shows after a run, from the command's `finished`: the garbage-collection advice when it is due, and
 * the Undo action when something was deleted and journaled (the panel's Undo button runs it).
 */
export interface RunFeedback {
  sentence?: string;
  button?: string;
  undo?: () => Promise<unknown>;
}

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
  finished(result: DeletionResult, notify: boolean): RunFeedback;
}

/** One repository of a preview over several. */
export interface CleanupGroup {
  /** The registry's key (host). */
  registry: string;
  /** `host/repository`. */
  where: string;
  /** The plan, as read and planned once; undefined when the repository could not be read (then `error`). */
  preview?: PrunePreview;
  /** Why it could not be read, with the fix: its header says it, and it has no rows. */
  error?: string;
  /** What planned it, for its header: "rule 1 (line 3): range <2.0.0 · keep 2 newest". */
  rule: string;
  client?: RegistryClient;
  /** Deletes what the user approved in this repository: the engine's executePrune. */
  remove?(approved: PrunePreview, watch: RunWatch): Promise<DeletionResult>;
}

/** What one repository's run did. */
export interface GroupResult {
  group: CleanupGroup;
  approved: PrunePreview;
  result: DeletionResult;
}

export interface GroupedCleanupRequest {
  /** The panel's identity: Preview again with the same key replaces its plan (unless it is deleting). */
  key: string;
  /** In the title ("Cleanup Preview — registry-retention.yaml") and the sentences. */
  where: string;
  /** The header's line under the title: what was planned. */
  summary: string;
  groups: CleanupGroup[];
  concurrency: number;
  extensionUri: Uri;
  log: ExplorerLog;
  /** Apply: the one confirmation is asked as soon as the panel opens. */
  confirmAtOnce?: boolean;
  /** After a run (the repositories that ran, in order): tidy up and report, as CleanupRequest.finished. */
  finished(results: GroupResult[], notify: boolean): RunFeedback;
}

export interface GroupOutcome {
  where: string;
  /** As finally approved, or as shown; undefined when the repository could not be read. */
  preview?: PrunePreview;
  /** Undefined when it did not run. */
  result?: DeletionResult;
  error?: string;
}

export interface GroupedCleanupOutcome {
  groups: GroupOutcome[];
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
  /** Every repository's header (a one-repository preview has one; the webview shows them when there are several). */
  groups(): readonly GroupHeader[];
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
  readonly outcome: Promise<GroupedCleanupOutcome>;
  /** Closes the panel (as the user closing its tab). */
  close(): void;
}
