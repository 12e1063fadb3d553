// The Cleanup Preview panel: one editor tab per repository ("Cleanup Preview — host/repo"). It owns the state
// (the plan, the opt-outs, the run) and sends it to its webview, which renders, sorts and filters. Opting a row out
// plans again from the same read (model.ts). Delete asks the one confirmation, then runs the command's `remove`
// (executePrune) with live progress per image and Cancel (an AbortController), and keeps the result in the panel.
// Closing the tab while deleting does not stop the run: it goes on and its result shows in a notification (the
// panel says so while it runs). Prune again on the same repository reveals the panel and replaces its plan, unless
// it is deleting.
import * as vscode from 'vscode';
import { errorSentence, isSelfHostedDistribution, pruneDeletions, type DeletionResult, type PrunePreview } from '../../engine';
import { openGcDocs } from '../commands/feedback';
import { confirmDeletion } from './ask';
import { mayReadFacts, readImageFacts } from './facts';
import { previewHtml, previewRoots } from './html';
import { applyOptOuts, buildRows, changedRows, countTotals, freedNow, imagesToDelete, NO_OPT_OUTS, queueRows, rowsByDigest, snapshotFacts, toggleOptOut, type ImageFacts, type OptOuts } from './model';
import type { FromWebview, Phase, Progress, RenderReport, ResultView, Row, RowChange, RunStatus, ToWebview, Totals } from './protocol';
import type { CleanupOutcome, CleanupPreviewTestApi, CleanupRequest } from './types';
import { policyWords, progressView, resultView, rowWords, totalsView, webviewStrings } from './words';

const t = vscode.l10n.t;
const VIEW_TYPE = 'registryExplorer.cleanupPreview';
const FLUSH_MS = 100;

/** The open panels, by `host/repository`. */
const panels = new Map<string, CleanupPanel>();

/** Whether a Cleanup Preview of `where` is confirming or deleting right now. */
export function cleanupBusy(where: string): boolean {
  return panels.get(where)?.busy ?? false;
}

/** Shows the panel of `where` (a new one, or the open one with its plan replaced) and resolves when it is done with. */
export function showCleanupPanel(request: CleanupRequest): CleanupPanel {
  const open = panels.get(request.where);
  if (open && !open.busy) {
    open.load(request);
    open.reveal();
    return open;
  }
  const panel = new CleanupPanel(request);
  panels.set(request.where, panel);
  return panel;
}

interface RenderWaiter {
  test: (r: RenderReport) => boolean;
  resolve: (r: RenderReport) => void;
}

export class CleanupPanel {
  private readonly panel: vscode.WebviewPanel;
  private request!: CleanupRequest;
  private opted: OptOuts = NO_OPT_OUTS;
  private current!: PrunePreview;
  private rows: Row[] = [];
  private facts = new Map<string, ImageFacts>();
  private phase: Phase = 'preview';
  private progress?: Progress;
  private result?: ResultView;
  private settle: (outcome: CleanupOutcome) => void = () => undefined;
  outcome!: Promise<CleanupOutcome>;
  private factsAbort?: AbortController;
  private runAbort?: AbortController;
  private disposed = false;
  private readonly dirty = new Set<number>();
  private flushTimer?: ReturnType<typeof setTimeout>;
  private readonly listeners = new Set<() => void>();
  private lastRender?: RenderReport;
  private waiters: RenderWaiter[] = [];

  constructor(request: CleanupRequest) {
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, t('Cleanup Preview — {0}', request.where), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: previewRoots(request.extensionUri),
    });
    this.panel.iconPath = vscode.Uri.joinPath(request.extensionUri, 'media', 'registries.svg');
    this.panel.webview.onDidReceiveMessage((m: FromWebview) => void this.receive(m));
    this.panel.onDidDispose(() => this.onDisposed());
    this.load(request, false);
    this.panel.webview.html = previewHtml(this.panel.webview, request.extensionUri, this.panel.title);
  }

  get busy(): boolean {
    return this.phase === 'confirming' || this.phase === 'deleting' || this.phase === 'cancelling';
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Takes a new plan (a new panel, or Prune again on the same repository); the previous one ends without a run. */
  load(request: CleanupRequest, live = true): void {
    this.settle({ preview: this.current ?? request.preview });
    this.factsAbort?.abort();
    this.request = request;
    this.opted = NO_OPT_OUTS;
    this.current = request.preview;
    this.facts = snapshotFacts(request.preview);
    this.rows = buildRows(request.preview, request.preview, this.opted, this.facts, rowWords());
    this.phase = 'preview';
    this.progress = undefined;
    this.result = undefined;
    this.outcome = new Promise((resolve) => (this.settle = resolve));
    this.panel.title = t('Cleanup Preview — {0}', request.where);
    if (live) this.post(this.initMessage());
    this.readFacts();
  }

  private initMessage(): ToWebview {
    const { preview, where, untagged } = this.request;
    return {
      type: 'init',
      strings: webviewStrings(where, policyWords(preview.policy, untagged)),
      rows: this.rows,
      totals: this.totals(),
      notes: preview.plan.notes,
      phase: this.phase,
      progress: this.progress,
      result: this.result,
    };
  }

  private totals(): Totals {
    return totalsView(countTotals(this.rows, freedNow(this.current)), imagesToDelete(this.current), isSelfHostedDistribution(this.request.registry));
  }

  private post(message: ToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private changed(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (e) {
        this.request.log.warn(`cleanup preview listener: ${errorSentence(e)}`);
      }
    }
  }

  async receive(m: FromWebview): Promise<void> {
    switch (m?.type) {
      case 'ready':
        return this.post(this.initMessage());
      case 'optOut':
        return this.optOut(Number(m.id), m.keep === true);
      case 'delete':
        return this.delete();
      case 'cancel':
        return this.cancel();
      case 'showLog':
        return this.request.log.show();
      case 'gcDocs':
        return openGcDocs();
      case 'rendered':
        return this.rendered(m.report);
    }
  }

  // ---------------------------------------------------------------- the plan

  /** Rebuilds the rows from the current plan and facts, and sends what changed. */
  private rebuild(): void {
    const next = buildRows(this.request.preview, this.current, this.opted, this.facts, rowWords());
    const changes = changedRows(this.rows, next);
    this.rows = next;
    this.post({ type: 'rows', changes, totals: this.totals() });
    this.changed();
  }

  private optOut(id: number, keep: boolean): void {
    const row = this.rows[id];
    if (this.phase !== 'preview' || !row || (keep && !row.optional) || keep === row.optedOut) {
      this.post({ type: 'rows', changes: [], totals: this.totals() }); // the webview stops waiting for this row
      return;
    }
    this.opted = toggleOptOut(this.opted, row, keep);
    this.current = applyOptOuts(this.request.preview, this.opted);
    this.request.log.info(`cleanup preview ${this.request.where}: ${keep ? 'keeping' : 'no longer keeping'} ${row.tag ?? row.digest}`);
    this.rebuild();
  }

  /** Ages and sizes the read did not bring, for the images to delete first; stops when a run starts or the panel closes. */
  private readFacts(): void {
    const { client, preview, concurrency } = this.request;
    if (!mayReadFacts(client, preview.snapshot.provider)) return;
    const missing = (r: Row) => r.digest && !this.facts.has(r.digest);
    const first = this.rows.filter((r) => r.fate === 'delete' && missing(r));
    const digests = [...new Set([...first, ...this.rows.filter(missing)].map((r) => r.digest!))];
    if (digests.length === 0) return;
    const controller = new AbortController();
    this.factsAbort = controller;
    void readImageFacts(client, preview.repository, digests, {
      concurrency: Math.max(1, Math.min(4, concurrency)),
      signal: controller.signal,
      onFacts: (batch) => {
        if (controller.signal.aborted || this.phase !== 'preview') return;
        for (const [digest, f] of batch) this.facts.set(digest, f);
        this.rebuild();
      },
    });
  }

  // ---------------------------------------------------------------- the run

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.post({ type: 'phase', phase, progress: this.progress });
    this.changed();
  }

  private async delete(): Promise<void> {
    if (this.phase !== 'preview' || imagesToDelete(this.current) === 0) return;
    const approved = this.current;
    this.setPhase('confirming');
    const ok = await confirmDeletion(this.request.registry, this.request.where, approved, this.rows);
    if (this.disposed) return this.settle({ preview: approved }); // closed meanwhile: nothing is deleted
    if (!ok) return this.setPhase('preview');
    await this.run(approved);
  }

  private cancel(): void {
    if (this.phase !== 'deleting') return;
    this.runAbort?.abort();
    this.setPhase('cancelling');
  }

  private mark(byDigest: Map<string, Row[]>, digest: string, status: RunStatus, text?: string): void {
    for (const row of byDigest.get(digest) ?? []) {
      if (!row.status) continue; // a kept row on the same image is no part of the run
      row.status = status;
      row.statusText = text;
      this.dirty.add(row.id);
    }
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const changes: RowChange[] = [...this.dirty].map((id) => ({ id, status: this.rows[id].status, statusText: this.rows[id].statusText }));
    this.dirty.clear();
    if (this.progress) this.post({ type: 'progress', changes, progress: this.progress });
    this.changed();
  }

  private async run(approved: PrunePreview): Promise<void> {
    this.factsAbort?.abort();
    const controller = new AbortController();
    this.runAbort = controller;
    const queued = queueRows(this.rows, approved);
    const changes = changedRows(this.rows, queued);
    this.rows = queued;
    const byDigest = rowsByDigest(queued);
    const total = imagesToDelete(approved);
    const counts = { deleted: 0, failed: 0, skipped: 0 };
    const deleted: string[] = [];
    let done = 0;
    this.progress = progressView(0, total, counts);
    this.post({ type: 'progress', changes, progress: this.progress });
    this.setPhase('deleting');
    let result: DeletionResult;
    try {
      result = await this.request.remove(approved, {
        signal: controller.signal,
        onStart: (item) => this.mark(byDigest, item.digest, 'deleting'),
        onReread: () => {
          this.progress = progressView(done, total, counts, true);
          this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
        },
        onProgress: (ev) => {
          counts[ev.type]++;
          done = ev.done;
          if (ev.type === 'deleted') deleted.push(ev.digest);
          this.progress = progressView(ev.done, ev.total, counts);
          this.mark(byDigest, ev.digest, ev.type === 'deleted' ? (ev.alreadyGone ? 'gone' : 'deleted') : ev.type, ev.type === 'failed' ? ev.error : ev.reason);
          this.changed(); // the webview hears of it at the next flush; listeners (the tests) at once
        },
      });
    } catch (e) {
      // The executor reports every failure in its result; this is a bug or a crash: say what is known.
      this.request.log.error(`cleanup ${this.request.where} stopped: ${errorSentence(e)}`);
      const finished = new Set(deleted);
      const rest = pruneDeletions(approved).filter((d) => !finished.has(d.digest));
      result = { deleted, alreadyGone: [], skipped: [], failed: rest.map((d) => ({ ...d, error: errorSentence(e) })), lostTags: [], cancelled: false, reads: 0 };
    }
    this.progress = progressView(counts.deleted + counts.failed + counts.skipped, total, counts);
    this.flush();
    const tags = new Map(pruneDeletions(approved).map((d) => [d.digest, d.tags]));
    const gc = this.request.finished(result, this.disposed || !this.panel.visible);
    this.result = resultView(result, (digest) => tags.get(digest) ?? [], gc);
    this.phase = 'done';
    this.post({ type: 'result', result: this.result, progress: this.progress });
    this.changed();
    this.settle({ preview: approved, result });
  }

  // ---------------------------------------------------------------- the tab

  private onDisposed(): void {
    this.disposed = true;
    if (panels.get(this.request.where) === this) panels.delete(this.request.where);
    this.factsAbort?.abort();
    for (const w of this.waiters) w.resolve(this.lastRender ?? { shown: 0, rendered: 0, total: 0, deleteLabel: '', deleteDisabled: true, phase: this.phase });
    this.waiters = [];
    // While deleting, the run goes on and reports in a notification (see run()).
    if (!this.busy) this.settle({ preview: this.current });
  }

  private rendered(report: RenderReport): void {
    this.lastRender = report;
    const [ready, waiting] = [this.waiters.filter((w) => w.test(report)), this.waiters.filter((w) => !w.test(report))];
    this.waiters = waiting;
    for (const w of ready) w.resolve(report);
  }

  private waitForRender(test: (r: RenderReport) => boolean = () => true, timeoutMs = 15_000): Promise<RenderReport> {
    if (this.lastRender && test(this.lastRender)) return Promise.resolve(this.lastRender);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the webview never rendered as expected; last report: ${JSON.stringify(this.lastRender)}`)), timeoutMs);
      this.waiters.push({ test, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  /** What the extension-host tests drive (see hook.ts). */
  testApi(): CleanupPreviewTestApi {
    const outcome = this.outcome;
    return {
      title: this.panel.title,
      rows: () => this.rows,
      totals: () => this.totals(),
      phase: () => this.phase,
      progress: () => this.progress,
      result: () => this.result,
      post: (m) => this.receive(m),
      rendered: (test, timeoutMs) => this.waitForRender(test, timeoutMs),
      onChange: (listener) => {
        this.listeners.add(listener);
        return { dispose: () => this.listeners.delete(listener) };
      },
      outcome,
      close: () => this.panel.dispose(),
    };
  }
}
