// The webview's state and small DOM helpers, shared by page.ts (the controls), table.ts (the rows) and main.ts (the
// messages). The extension owns the truth; this is what it last sent, plus the view's own choices (sort, filter,
// scroll, focus), which VS Code keeps across a reload of the webview (getState/setState).
import type { Fate, FromWebview, GroupHeader, Phase, Progress, ResultView, Row, Strings, Totals } from '../protocol';

export type SortKey = 'tag' | 'age' | 'size' | 'digest' | 'fate' | 'reason' | 'status';

export interface Saved {
  sort?: { key: SortKey; dir: 1 | -1 };
  show: Record<Fate, boolean>;
  scrollTop: number;
  focusId?: number;
}

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): Saved | undefined;
  setState(state: Saved): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export const ROW_HEIGHT = 26; // px, as --row-height in preview.css
export const FATES: Fate[] = ['delete', 'keep', 'skip'];
export const COLUMNS: { key: SortKey | 'keep'; cls: string }[] = [
  { key: 'keep', cls: 'keep' },
  { key: 'tag', cls: 'tag' },
  { key: 'age', cls: 'age' },
  { key: 'size', cls: 'size' },
  { key: 'digest', cls: 'digest' },
  { key: 'fate', cls: 'fate' },
  { key: 'reason', cls: 'reason' },
  { key: 'status', cls: 'status' },
];

class ViewState {
  strings!: Strings;
  totals!: Totals;
  rows: Row[] = [];
  notes: string[] = [];
  phase: Phase = 'preview';
  progress?: Progress;
  result?: ResultView;
  /** The repositories' headers, when the preview holds more than one (else empty: no header rows). */
  groups: GroupHeader[] = [];
  /**
   * Row ids in the order shown (filtered, sorted), each repository's rows under its header (a header is -1 - its
   * index: see headerOf); undefined when the rows, the sort or the filter changed.
   */
  order?: number[];
  /** How many rows (headers not counted) `order` holds. */
  shownRows = 0;
  /** Rows whose "Keep" was clicked and whose new fate has not come back yet. */
  readonly pending = new Set<number>();
}

export const view = new ViewState();
export const saved: Saved = api.getState() ?? { show: { delete: true, keep: true, skip: true }, scrollTop: 0 };

export function post(message: FromWebview): void {
  api.postMessage(message);
}

export function persist(): void {
  api.setState(saved);
}

let persistTimer: ReturnType<typeof setTimeout> | undefined;
export function persistSoon(): void {
  persistTimer ??= setTimeout(() => {
    persistTimer = undefined;
    persist();
  }, 300);
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** "Keep {0}" with the tag in: the extension translates, the webview fills in. */
export const fill = (template: string, ...args: (string | number)[]): string => template.replace(/\{(\d+)\}/g, (m, i: string) => String(args[Number(i)] ?? m));

/** The header an entry of `view.order` stands for, or undefined when it is a row's id. */
export const headerOf = (entry: number): number | undefined => (entry < 0 ? -1 - entry : undefined);
