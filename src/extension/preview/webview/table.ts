// The table: its order (the fate filter and the sort, here in the webview), and only the rows in view plus a margin
// in the DOM (spacer rows stand for the others; aria-rowcount and aria-rowindex tell screen readers the whole),
// so 10 000 rows scroll like 50. Over several repositories, each one's header is a row of the same list (the same
// height), its rows sorted and filtered under it. Keyboard: one row is the table's tab stop; arrows, Page Up/Down,
// Home/End move between rows (over the headers); Space keeps or releases the focused row.
import type { Fate, GroupHeader, RenderReport, Row } from '../protocol';
import { byId, COLUMNS, el, fill, headerOf, persist, persistSoon, post, ROW_HEIGHT, saved, view, type SortKey } from './state';

const OVERSCAN = 12;

// ---------------------------------------------------------------- order: filter and sort

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const FATE_ORDER: Record<Fate, number> = { delete: 0, skip: 1, keep: 2 };
const STATUS_ORDER: Record<string, number> = { failed: 0, skipped: 1, deleting: 2, queued: 3, deleted: 4, gone: 5 };

/** Unknown values sort last in both directions. */
function compareKnown(a: number | undefined, b: number | undefined, dir: number): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  return (a - b) * dir;
}

function compare(key: SortKey, dir: 1 | -1): (a: Row, b: Row) => number {
  switch (key) {
    case 'tag': // untagged manifests last
      return (a, b) => (a.tag === undefined || b.tag === undefined ? compareKnown(a.tag === undefined ? undefined : 0, b.tag === undefined ? undefined : 0, 1) : collator.compare(a.tag, b.tag) * dir);
    case 'age': // youngest first
      return (a, b) => compareKnown(a.when === undefined ? undefined : -a.when, b.when === undefined ? undefined : -b.when, dir);
    case 'size':
      return (a, b) => compareKnown(a.size, b.size, dir);
    case 'digest':
      return (a, b) => collator.compare(a.digest ?? '', b.digest ?? '') * dir;
    case 'fate':
      return (a, b) => (FATE_ORDER[a.fate] - FATE_ORDER[b.fate]) * dir;
    case 'reason':
      return (a, b) => collator.compare(a.reason, b.reason) * dir;
    case 'status':
      return (a, b) => compareKnown(a.status ? STATUS_ORDER[a.status] : undefined, b.status ? STATUS_ORDER[b.status] : undefined, dir);
  }
}

export function viewOrder(): number[] {
  if (view.order) return view.order;
  const shown = view.rows.filter((r) => saved.show[r.fate]);
  if (saved.sort) {
    const cmp = compare(saved.sort.key, saved.sort.dir);
    shown.sort((a, b) => cmp(a, b) || a.id - b.id);
  }
  view.shownRows = shown.length;
  view.order = view.groups.length > 1 ? underHeaders(shown) : shown.map((r) => r.id);
  return view.order;
}

/** Each repository's header, then its rows in the order given. */
function underHeaders(shown: readonly Row[]): number[] {
  const byGroup: number[][] = view.groups.map(() => []);
  for (const r of shown) byGroup[r.group ?? 0]?.push(r.id);
  return view.groups.flatMap((_, i) => [-1 - i, ...byGroup[i]]);
}

/** The index of `order` nearest `index` in direction `dir` that is a row (not a header); -1 when there is none. */
function rowIndexNear(order: readonly number[], index: number, dir: 1 | -1): number {
  for (let i = index; i >= 0 && i < order.length; i += dir) if (order[i] >= 0) return i;
  for (let i = index - dir; i >= 0 && i < order.length; i -= dir) if (order[i] >= 0) return i;
  return -1;
}

export function renderSortHeaders(): void {
  for (const th of document.querySelectorAll<HTMLElement>('thead th[data-key]')) {
    const key = th.dataset.key as SortKey;
    const sorted = saved.sort?.key === key;
    if (sorted) th.setAttribute('aria-sort', saved.sort!.dir === 1 ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
    th.querySelector('.arrow')!.textContent = sorted ? (saved.sort!.dir === 1 ? '▲' : '▼') : '';
  }
}

/** A new order starts at its top: the rows scrolled to before are somewhere else now. */
function toTop(): void {
  byId('scroller').scrollTop = 0;
  saved.scrollTop = 0;
}

export function sortBy(key: SortKey): void {
  saved.sort = { key, dir: saved.sort?.key === key && saved.sort.dir === 1 ? -1 : 1 };
  view.order = undefined;
  toTop();
  persist();
  renderSortHeaders();
  renderTable();
  report();
}

export function showFate(fate: Fate, show: boolean): void {
  saved.show[fate] = show;
  view.order = undefined;
  toTop();
  persist();
  renderTable();
  report();
}

// ---------------------------------------------------------------- the rows in view

function cell(cls: string, ...children: (Node | string)[]): HTMLTableCellElement {
  return el('td', { class: `${cls}-cell` }, ...children);
}

function rowElement(r: Row, index: number, tabStop: boolean): HTMLTableRowElement {
  const { strings } = view;
  const name = r.tag ?? strings.untagged;
  const tr = el('tr', { class: `row fate-row-${r.fate}${r.id === saved.focusId ? ' current' : ''}`, 'data-id': String(r.id), 'aria-rowindex': String(index + 2), tabindex: tabStop ? '0' : '-1' });
  const keep = cell('keep');
  if (r.optional) {
    const box = el('input', { type: 'checkbox', tabindex: '-1', 'aria-label': fill(strings.keepRow, name), title: strings.keepThis });
    box.checked = r.optedOut;
    box.disabled = view.phase !== 'preview' || view.pending.has(r.id);
    keep.append(box);
  }
  const tag = r.tag !== undefined ? cell('tag', r.tag) : cell('tag', el('em', {}, strings.untagged));
  tag.title = r.digest ? `${name}\n${r.digest}` : name;
  const age = cell('age', r.when === undefined ? el('span', { class: 'unknown' }, r.age) : r.age);
  if (r.when !== undefined) age.title = new Date(r.when).toLocaleString();
  const size = cell('size', r.size === undefined ? el('span', { class: 'unknown' }, r.sizeText) : r.sizeText);
  const digest = cell('digest', r.digest ? el('code', {}, r.digest.slice(0, 'sha256:'.length + 12)) : el('span', { class: 'unknown' }, '—'));
  if (r.digest) digest.title = r.digest;
  const fate = cell('fate', el('span', { class: `fate fate-${r.fate}` }, strings.fate[r.fate]));
  const reason = cell('reason', r.reason);
  reason.title = r.reason;
  const status = cell('status');
  if (r.status) {
    status.append(el('span', { class: `status-${r.status}` }, strings.status[r.status]), r.statusText ? `: ${r.statusText}` : '');
    status.title = r.statusText ? `${strings.status[r.status]}: ${r.statusText}` : strings.status[r.status];
  }
  tr.append(keep, tag, age, size, digest, fate, reason, status);
  return tr;
}

/** A repository's header: its name, its run (once it ran), what it deletes and keeps (or its error), the rule that planned it. */
function headerElement(g: GroupHeader, index: number): HTMLTableRowElement {
  const parts: Node[] = [el('span', { class: 'group-name' }, g.where)];
  if (g.status) parts.push(el('span', { class: `group-status group-${g.severity ?? 'info'}` }, g.status));
  parts.push(el('span', { class: g.error ? 'group-summary group-error' : 'group-summary' }, g.summary));
  if (g.rule) parts.push(el('span', { class: 'group-rule' }, g.rule));
  const title = [g.where, g.status, g.summary, g.rule].filter(Boolean).join('\n');
  const th = el('th', { scope: 'rowgroup', colspan: String(COLUMNS.length), class: 'group-cell', title, 'aria-label': `${fill(view.strings.groupLabel, g.where)}: ${title.split('\n').slice(1).join('. ')}` }, ...parts);
  return el('tr', { class: 'group-row', 'data-group': String(g.index), 'aria-rowindex': String(index + 2) }, th);
}

function spacer(height: number): HTMLTableRowElement {
  const tr = el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: String(COLUMNS.length) }));
  tr.style.height = `${height}px`;
  return tr;
}

/** The scroller's height and its header's, measured when it is laid out or resized (not on every scroll). */
const box = { viewport: 0, head: ROW_HEIGHT };
/** The window in the DOM now; a scroll that keeps it (within the margin) renders nothing. */
let drawn = { first: -1, last: -1 };

export function measure(): void {
  box.viewport = byId('scroller').clientHeight;
  box.head = document.querySelector('thead')?.getBoundingClientRect().height || ROW_HEIGHT;
  drawn = { first: -1, last: -1 };
}

/** The rows to put in the DOM for the scroller's position, and the first one actually in view. */
function windowOf(count: number): { first: number; last: number; inView: number } {
  const top = Math.max(0, byId('scroller').scrollTop);
  const inView = Math.min(count - 1, Math.floor(top / ROW_HEIGHT));
  const first = Math.max(0, inView - OVERSCAN);
  const last = Math.min(count, Math.ceil((top + box.viewport) / ROW_HEIGHT) + OVERSCAN);
  return { first, last: Math.max(first, last), inView };
}

/** Puts the rows in view in the DOM. `moved`: only the scroll position changed, so the same window is left alone. */
export function renderTable(moved = false): void {
  const ids = viewOrder();
  const body = byId('body');
  byId('grid').setAttribute('aria-rowcount', String(ids.length + 1));
  byId('rowcount').textContent = fill(view.strings.rowCount, view.shownRows, view.rows.length);
  const hadFocus = body.contains(document.activeElement);
  if (ids.length === 0) {
    drawn = { first: -1, last: -1 };
    body.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: String(COLUMNS.length) }, view.strings.noRows)));
    return;
  }
  const { first, last, inView } = windowOf(ids.length);
  if (moved && first === drawn.first && last === drawn.last) return;
  drawn = { first, last };
  const focused = saved.focusId === undefined ? -1 : ids.indexOf(saved.focusId);
  // One row is the table's tab stop: the focused one when it is rendered, else the first in view (never a header).
  const tabStop = focused >= first && focused < last ? focused : rowIndexNear(ids, inView, 1);
  const frag = document.createDocumentFragment();
  frag.append(spacer(first * ROW_HEIGHT));
  for (let i = first; i < last; i++) {
    const header = headerOf(ids[i]);
    frag.append(header === undefined ? rowElement(view.rows[ids[i]], i, i === tabStop) : headerElement(view.groups[header], i));
  }
  frag.append(spacer((ids.length - last) * ROW_HEIGHT));
  body.replaceChildren(frag);
  if (hadFocus && focused >= first && focused < last) (body.querySelector(`tr[data-id="${saved.focusId}"]`) as HTMLElement | null)?.focus({ preventScroll: true });
}

let renderQueued = false;
export function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderTable(true);
  });
}

export function onScroll(): void {
  saved.scrollTop = byId('scroller').scrollTop;
  persistSoon();
  scheduleRender();
}

// ---------------------------------------------------------------- focus, keys, clicks

export function setFocus(id: number, move: boolean): void {
  saved.focusId = id;
  persistSoon();
  for (const tr of document.querySelectorAll<HTMLElement>('tbody tr.row')) {
    const mine = Number(tr.dataset.id) === id;
    tr.tabIndex = mine ? 0 : -1;
    tr.classList.toggle('current', mine);
    if (mine && move) tr.focus({ preventScroll: true });
  }
}

/** Focuses the row at `index` of the order (or the nearest row in direction `dir`, past a header), scrolling it into view first. */
function focusIndex(index: number, dir: 1 | -1 = 1): void {
  const ids = viewOrder();
  if (ids.length === 0) return;
  const i = rowIndexNear(ids, Math.max(0, Math.min(ids.length - 1, index)), dir);
  if (i < 0) return;
  const scroller = byId('scroller');
  const top = box.head + i * ROW_HEIGHT;
  // Moving up to a repository's first row shows its header too.
  const shownTop = ids[i - 1] < 0 ? top - ROW_HEIGHT : top;
  if (shownTop - box.head < scroller.scrollTop) scroller.scrollTop = shownTop - box.head;
  else if (top + ROW_HEIGHT > scroller.scrollTop + box.viewport) scroller.scrollTop = top + ROW_HEIGHT - box.viewport;
  saved.scrollTop = scroller.scrollTop;
  saved.focusId = ids[i];
  renderTable(true);
  setFocus(ids[i], true);
}

export function onKey(e: KeyboardEvent): void {
  const ids = viewOrder();
  const current = saved.focusId === undefined ? 0 : Math.max(0, ids.indexOf(saved.focusId));
  const page = Math.max(1, Math.floor(box.viewport / ROW_HEIGHT) - 2);
  const moves: Record<string, [number, 1 | -1]> = { ArrowDown: [current + 1, 1], ArrowUp: [current - 1, -1], PageDown: [current + page, 1], PageUp: [current - page, -1], Home: [0, 1], End: [ids.length - 1, -1] };
  if (e.key in moves) {
    e.preventDefault();
    focusIndex(...moves[e.key]);
    return;
  }
  if (e.key === ' ' || e.key === 'Spacebar') {
    e.preventDefault();
    if (saved.focusId !== undefined) toggleKeep(view.rows[saved.focusId]);
  }
}

export function onClick(e: MouseEvent): void {
  const target = e.target as HTMLElement;
  const tr = target.closest('tr.row') as HTMLElement | null;
  if (!tr) return;
  const id = Number(tr.dataset.id);
  if (target instanceof HTMLInputElement && target.type === 'checkbox') {
    e.preventDefault(); // the fate coming back decides what the box shows
    toggleKeep(view.rows[id]);
  }
  setFocus(id, true);
}

function toggleKeep(row: Row | undefined): void {
  if (!row || !row.optional || view.phase !== 'preview' || view.pending.has(row.id)) return;
  view.pending.add(row.id);
  post({ type: 'optOut', id: row.id, keep: !row.optedOut });
  renderTable();
}

/** Tells the extension what is shown (for its tests, which cannot look into the webview). */
export function report(): void {
  const del = document.getElementById('delete') as HTMLButtonElement | null;
  viewOrder();
  const r: RenderReport = {
    shown: view.shownRows,
    rendered: document.querySelectorAll('tbody tr.row').length,
    headers: document.querySelectorAll('tbody tr.group-row').length,
    total: view.rows.length,
    deleteLabel: del?.textContent ?? '',
    deleteDisabled: del?.disabled ?? true,
    phase: view.phase,
  };
  post({ type: 'rendered', report: r });
}
