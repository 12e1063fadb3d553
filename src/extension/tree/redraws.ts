// When the Registries tree redraws a node: at once, soon (bursts of digests coalesced), or seldom (ages and sizes
// arriving in the background) — and never while VS Code is fetching children: a redraw of a parent while a fetch
// under it is in flight makes VS Code fetch the same children twice and reject the second set ("Element with id … is
// already registered"), leaving the node empty. Held redraws go out together once no fetch is in flight.
// No `vscode` here: the provider gives the function that fires the change.

const SOON_MS = 100;
/**
 * Ages and sizes redraw their repository at most this often. Not row by row: a row refreshed alone loses its selection
 * in VS Code's tree (a key pressed on it would find nothing selected). Seldom, because each redraw replaces every row,
 * and a row being clicked meanwhile (a Load more…) may lose that click.
 */
const SELDOM_MS = 600;

export class Redraws {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** getChildren calls in flight, and the redraws held until none is (undefined: everything). */
  private inFlight = 0;
  private readonly held = new Set<string | undefined>();

  constructor(private readonly fire: (id: string | undefined) => void) {}

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  /** Redraws `id` (undefined: everything) now, or as soon as no fetch is in flight. */
  now(id: string | undefined): void {
    if (this.inFlight > 0) {
      this.held.add(id);
      return;
    }
    this.fire(id);
  }

  /** Redraws `id` within SOON_MS, once however often asked meanwhile. */
  soon(id: string): void {
    this.later(id, id, SOON_MS);
  }

  /** Redraws `id` within SELDOM_MS, unless a sooner redraw of it is pending. */
  seldom(id: string): void {
    if (!this.timers.has(id)) this.later(`${id}|seldom`, id, SELDOM_MS);
  }

  private later(key: string, id: string, ms: number): void {
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.now(id);
      }, ms),
    );
  }

  /** A getChildren call began. */
  fetching(): void {
    this.inFlight++;
  }

  /** A getChildren call ended: held redraws go out once VS Code has taken the children just returned. */
  fetched(): void {
    if (--this.inFlight > 0 || this.held.size === 0) return;
    const ids = this.held.has(undefined) ? [undefined] : [...this.held];
    this.held.clear();
    setTimeout(() => ids.forEach((id) => this.now(id)), 0);
  }
}
