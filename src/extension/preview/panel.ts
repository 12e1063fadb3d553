// The Cleanup Preview panel: one editor tab per prune ("Cleanup Preview — host/repo") or per policy file
// ("Cleanup Preview — registry-retention.yaml"). It owns the state (each repository's plan and opt-outs: groups.ts;
// the run: run.ts) and sends it to its webview, which renders, sorts and filters (a header row per repository when
// there are several). Opting a row out plans that repository again from its own read (model.ts). Delete asks the one
// confirmation, then runs each repository's `remove` (executePrune) with live progress per image and Cancel (an
// AbortController), and keeps the result in the panel. Closing the tab while deleting does not stop the run: it goes
// on and its result shows in a notification (the panel says so while it runs). Preview again with the same key
// reveals the panel and replaces its plan, unless it is deleting.
import * as vscode from 'vscode';
import { errorSentence, isSelfHostedDistribution, pruneDeletions } from '../../engine';
import { openGcDocs } from '../commands/feedback';
import { confirmCleanup } from './ask';
import { mayReadFacts, readImageFacts } from './facts';
import { allRows, groupCounts, groupOf, groupOutcomes, groupResults, groupRows, imagesToDeleteIn, mergedResult, newGroups, optOutRow, rowsOf, sumCounts, type GroupState } from './groups';
import { previewHtml, previewRoots } from './html';
import { changedRows, queueRows, rowsByDigest } from './model';
import type { FromWebview, GroupHeader, Phase, Progress, ResultView, Row, RowChange, RunStatus, ToWebview, Totals } from './protocol';
import { RenderReports } from './renders';
import { runGroups } from './run';
import type { CleanupPreviewTestApi, GroupedCleanupOutcome, GroupedCleanupRequest, GroupResult, RunFeedback } from './types';
import { groupHeaderView, progressView, resultView, rowWords, totalsView, webviewStrings } from './words';

const t = vscode.l10n.t;
const VIEW_TYPE = 'registryExplorer.cleanupPreview';
const FLUSH_MS = 100;

/** What the panel is given: a policy's request, or a prune's as one group (`single`: its words as they always were). */
export interface PanelRequest extends GroupedCleanupRequest {
  single: boolean;
}

/** The open panels, by key (`host/repository` for a prune). */
const panels = new Map<string, CleanupPanel>();

/** Whether a Cleanup Preview with this key, or one holding the repository `where`, is confirming or deleting now. */
export function cleanupBusy(where: string): boolean {
  return [...panels].some(([key, panel]) => panel.busy && (key === where || panel.covers(where)));
}

/** Shows the panel of `request.key` (a new one, or the open one with its plan replaced) and resolves when it is done with. */
export function showCleanupPanel(request: PanelRequest): CleanupPanel {
  const open = panels.get(request.key);
  if (open && !open.busy) {
    open.load(request);
    open.reveal();
    return open;
  }
  const panel = new CleanupPanel(request);
  panels.set(request.key, panel);
  return panel;
}

export class CleanupPanel {
  private readonly panel: vscode.WebviewPanel;
  private request!: PanelRequest;
  private groups: GroupState[] = [];
  private rows: Row[] = [];
  private phase: Phase = 'preview';
  private progress?: Progress;
  private result?: ResultView;
  /** The run's Undo (the result's Undo button), when what it deleted is in the undo journal. */
  private undo?: () => Promise<unknown>;
  private settle: (outcome: GroupedCleanupOutcome) => void = () => undefined;
  outcome!: Promise<GroupedCleanupOutcome>;
  private factsAbort?: AbortController;
  private runAbort?: AbortController;
  private disposed = false;
  private readonly dirty = new Set<number>();
  private headersDirty = false;
  private flushTimer?: ReturnType<typeof setTimeout>;
  private readonly listeners = new Set<() => void>();
  private readonly renders = new RenderReports();

  constructor(request: PanelRequest) {
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

  /** Whether one of its repositories is `where`. */
  covers(where: string): boolean {
    return this.groups.some((g) => g.source.where === where);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Takes a new plan (a new panel, or Preview again with the same key); the previous one ends without a run. */
  load(request: PanelRequest, live = true): void {
    this.settle(this.outcomeNow());
    this.factsAbort?.abort();
    this.request = request;
    this.groups = newGroups(request.groups);
    this.rows = allRows(this.groups, rowWords());
    this.phase = 'preview';
    this.progress = undefined;
    this.result = undefined;
    this.outcome = new Promise((resolve) => (this.settle = resolve));
    this.panel.title = t('Cleanup Preview — {0}', request.where);
    if (live) this.post(this.initMessage());
    this.readFacts();
    if (request.confirmAtOnce) void this.delete(); // Apply: the one confirmation at once
  }

  private outcomeNow(): GroupedCleanupOutcome {
    return groupOutcomes(this.groups);
  }

  private initMessage(): ToWebview {
    return {
      type: 'init',
      strings: webviewStrings(this.request.where, this.request.summary),
      rows: this.rows,
      totals: this.totals(),
      notes: this.notes(),
      phase: this.phase,
      progress: this.progress,
      result: this.result,
      groups: this.headers(),
    };
  }

  /** The plans' notes; over several repositories, each named with its repository. */
  private notes(): string[] {
    if (this.request.single) return this.groups[0]?.source.preview?.plan.notes ?? [];
    return this.groups.flatMap((g) => (g.source.preview?.plan.notes ?? []).map((n) => `${g.source.where}: ${n}`));
  }

  private totals(): Totals {
    const counts = sumCounts(this.groups.filter((g) => g.current).map((g) => groupCounts(g, this.rows)));
    return totalsView(counts, imagesToDeleteIn(this.groups), this.groups.some((g) => isSelfHostedDistribution(g.source.registry)));
  }

  private header(group: GroupState): GroupHeader {
    return groupHeaderView(group, group.current ? groupCounts(group, this.rows) : undefined);
  }

  /** The header rows, when there is more than one repository (one repository shows none). */
  private headers(): GroupHeader[] | undefined {
    return this.groups.length > 1 ? this.groups.map((g) => this.header(g)) : undefined;
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
      case 'undo':
        void this.undo?.();
        return;
      case 'rendered':
        return this.renders.report(m.report);
    }
  }

  // ---------------------------------------------------------------- the plan

  /** Rebuilds one repository's rows from its current plan and facts, and sends what changed. */
  private rebuild(group: GroupState): void {
    const next = groupRows(group, rowWords());
    const changes = changedRows(this.rows, next);
    for (const r of next) this.rows[r.id] = r;
    this.post({ type: 'rows', changes, totals: this.totals(), groups: this.headers() });
    this.changed();
  }

  private optOut(id: number, keep: boolean): void {
    const row = this.rows[id];
    const group = groupOf(this.groups, id);
    if (this.phase !== 'preview' || !row || !group || (keep && !row.optional) || keep === row.optedOut) {
      this.post({ type: 'rows', changes: [], totals: this.totals() }); // the webview stops waiting for this row
      return;
    }
    optOutRow(group, row, keep);
    this.request.log.info(`cleanup preview ${group.source.where}: ${keep ? 'keeping' : 'no longer keeping'} ${row.tag ?? row.digest}`);
    this.rebuild(group);
  }

  /** Ages and sizes the reads did not bring, repository by repository; stops when a run starts or the panel closes. */
  private readFacts(): void {
    const controller = new AbortController();
    this.factsAbort = controller;
    void (async () => {
      for (const group of this.groups) {
        if (controller.signal.aborted) return;
        await this.readGroupFacts(group, controller.signal);
      }
    })();
  }

  /** One repository's missing ages and sizes, the images to delete first. */
  private async readGroupFacts(group: GroupState, signal: AbortSignal): Promise<void> {
    const { client, preview } = group.source;
    if (!client || !preview || !mayReadFacts(client, preview.snapshot.provider)) return;
    const rows = rowsOf(group, this.rows);
    const missing = (r: Row) => r.digest && !group.facts.has(r.digest);
    const first = rows.filter((r) => r.fate === 'delete' && missing(r));
    const digests = [...new Set([...first, ...rows.filter(missing)].map((r) => r.digest!))];
    if (digests.length === 0) return;
    await readImageFacts(client, preview.repository, digests, {
      concurrency: Math.max(1, Math.min(4, this.request.concurrency)),
      signal,
      onFacts: (batch) => {
        if (signal.aborted || this.phase !== 'preview') return;
        for (const [digest, f] of batch) group.facts.set(digest, f);
        this.rebuild(group);
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
    if (this.phase !== 'preview' || imagesToDeleteIn(this.groups) === 0) return;
    this.setPhase('confirming');
    const ok = await confirmCleanup(this.request.single, this.groups, this.rows);
    if (this.disposed) return this.settle(this.outcomeNow()); // closed meanwhile: nothing is deleted
    if (!ok) return this.setPhase('preview');
    for (const g of this.groups) g.approved = g.current;
    await this.run();
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
    this.flushSoon();
  }

  private flushSoon(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const changes: RowChange[] = [...this.dirty].map((id) => ({ id, status: this.rows[id].status, statusText: this.rows[id].statusText }));
    this.dirty.clear();
    const groups = this.headersDirty ? this.headers() : undefined;
    this.headersDirty = false;
    if (this.progress) this.post({ type: 'progress', changes, progress: this.progress, ...(groups ? { groups } : {}) });
    this.changed();
  }

  /** Marks the rows of the approved images as queued (every other row as out of the run); what changed. */
  private queue(): RowChange[] {
    const before = this.rows;
    const queued = this.groups.flatMap((g) => (g.approved ? queueRows(rowsOf(g, before), g.approved) : []));
    const changes = changedRows(before, queued);
    for (const r of queued) this.rows[r.id] = r;
    return changes;
  }

  private async run(): Promise<void> {
    this.factsAbort?.abort();
    const controller = new AbortController();
    this.runAbort = controller;
    const changes = this.queue();
    const byDigest = new Map(this.groups.map((g) => [g, rowsByDigest(rowsOf(g, this.rows))]));
    const total = imagesToDeleteIn(this.groups);
    const counts = { deleted: 0, failed: 0, skipped: 0 };
    let done = 0;
    this.progress = progressView(0, total, counts);
    this.post({ type: 'progress', changes, progress: this.progress, groups: this.headers() });
    this.setPhase('deleting');
    await runGroups(this.groups, controller.signal, {
      onGroup: () => {
        this.headersDirty = true;
        this.flushSoon();
      },
      onStart: (group, digest) => this.mark(byDigest.get(group)!, digest, 'deleting'),
      onReread: () => {
        this.progress = progressView(done, total, counts, true);
        this.flushSoon();
      },
      onProgress: (group, ev, overall) => {
        counts[ev.type]++;
        done = overall;
        this.progress = progressView(overall, total, counts);
        this.mark(byDigest.get(group)!, ev.digest, ev.type === 'deleted' ? (ev.alreadyGone ? 'gone' : 'deleted') : ev.type, ev.type === 'failed' ? ev.error : ev.reason);
        this.changed(); // the webview hears of it at the next flush; listeners (the tests) at once
      },
      onCrash: (group, e) => this.request.log.error(`cleanup ${group.source.where} stopped: ${errorSentence(e)}`),
    });
    this.progress = progressView(counts.deleted + counts.failed + counts.skipped, total, counts);
    this.flush();
    const ran = groupResults(this.groups);
    const gc = this.request.finished(ran, this.disposed || !this.panel.visible);
    this.undo = gc.undo;
    this.result = this.resultOf(ran, gc);
    this.phase = 'done';
    this.post({ type: 'result', result: this.result, progress: this.progress, groups: this.headers() });
    this.changed();
    this.settle(this.outcomeNow());
  }

  /** The result box: a prune's own; over several repositories, merged with each tag named with its repository. */
  private resultOf(ran: GroupResult[], gc: RunFeedback): ResultView {
    if (this.request.single && ran.length === 1) {
      const tags = new Map(pruneDeletions(ran[0].approved).map((d) => [d.digest, d.tags]));
      return resultView(ran[0].result, (digest) => tags.get(digest) ?? [], gc);
    }
    const merged = mergedResult(ran.map((r) => ({ where: r.group.where, result: r.result, approved: r.approved })));
    return resultView(merged.result, merged.tagsOf, gc);
  }

  // ---------------------------------------------------------------- the tab

  private onDisposed(): void {
    this.disposed = true;
    if (panels.get(this.request.key) === this) panels.delete(this.request.key);
    this.factsAbort?.abort();
    this.renders.release(this.phase);
    // While deleting, the run goes on and reports in a notification (see run()).
    if (!this.busy) this.settle(this.outcomeNow());
  }

  /** What the extension-host tests drive (see hook.ts). */
  testApi(): CleanupPreviewTestApi {
    const outcome = this.outcome;
    return {
      title: this.panel.title,
      rows: () => this.rows,
      groups: () => this.groups.map((g) => this.header(g)),
      totals: () => this.totals(),
      phase: () => this.phase,
      progress: () => this.progress,
      result: () => this.result,
      post: (m) => this.receive(m),
      rendered: (test, timeoutMs) => this.renders.wait(test, timeoutMs),
      onChange: (listener) => {
        this.listeners.add(listener);
        return { dispose: () => this.listeners.delete(listener) };
      },
      outcome,
      close: () => this.panel.dispose(),
    };
  }
}
