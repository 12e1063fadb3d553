// The webview's render reports, kept for the extension-host tests (which cannot look into a webview): the last one,
// and the tests waiting for one that satisfies their condition.
import type { Phase, RenderReport } from './protocol';

interface RenderWaiter {
  test: (r: RenderReport) => boolean;
  resolve: (r: RenderReport) => void;
}

export class RenderReports {
  private last?: RenderReport;
  private waiters: RenderWaiter[] = [];

  /** A report came from the webview: the waiters it satisfies resolve. */
  report(report: RenderReport): void {
    this.last = report;
    const [ready, waiting] = [this.waiters.filter((w) => w.test(report)), this.waiters.filter((w) => !w.test(report))];
    this.waiters = waiting;
    for (const w of ready) w.resolve(report);
  }

  /** The next report that satisfies `test` (the last one, if it already does); rejects after `timeoutMs`. */
  wait(test: (r: RenderReport) => boolean = () => true, timeoutMs = 15_000): Promise<RenderReport> {
    if (this.last && test(this.last)) return Promise.resolve(this.last);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the webview never rendered as expected; last report: ${JSON.stringify(this.last)}`)), timeoutMs);
      this.waiters.push({ test, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  /** The panel closed: every waiter gets the last report (or an empty one). */
  release(phase: Phase): void {
    for (const w of this.waiters) w.resolve(this.last ?? { shown: 0, rendered: 0, total: 0, deleteLabel: '', deleteDisabled: true, phase });
    this.waiters = [];
  }
}
