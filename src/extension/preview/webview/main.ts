// The Cleanup Preview's webview (bundled to dist/preview.js): renders what the extension sends (../protocol.ts),
// sorts and filters it here, and posts back what the user did (keep a row, Delete, Cancel). state.ts holds what
// was sent, page.ts renders the controls around the table, table.ts the rows in view and the keyboard.
import type { InitMessage, RowChange, ToWebview } from '../protocol';
import { build, renderControls, renderProgress, renderResult, renderTotals, speak } from './page';
import { byId, post, saved, view } from './state';
import { measure, renderSortHeaders, renderTable, report } from './table';

/** Applies row changes; true when the order may have changed (a fate, or the sorted column). */
function applyChanges(changes: RowChange[]): boolean {
  let reorder = false;
  for (const c of changes) {
    const row = view.rows[c.id];
    if (!row) continue;
    if (c.fate !== undefined && c.fate !== row.fate) reorder = true;
    Object.assign(row, c);
  }
  const key = saved.sort?.key;
  const sortedChanged = (c: RowChange) => (key === 'age' && 'when' in c) || (key === 'size' && 'size' in c) || (key === 'reason' && 'reason' in c) || (key === 'status' && 'status' in c);
  return reorder || (key !== undefined && changes.some(sortedChanged));
}

function onInit(m: InitMessage): void {
  Object.assign(view, { strings: m.strings, rows: m.rows, totals: m.totals, notes: m.notes, phase: m.phase, progress: m.progress, result: m.result, groups: m.groups ?? [], order: undefined });
  view.pending.clear();
  if (saved.focusId !== undefined && !view.rows[saved.focusId]) saved.focusId = undefined;
  build();
  measure();
  renderTotals();
  renderControls();
  renderProgress(true);
  renderResult();
  renderSortHeaders();
  renderTable();
  byId('app').removeAttribute('aria-busy');
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const m = event.data;
  // New headers (a repository's counts, its run): the same repositories, so the order stays.
  if (m.type !== 'init' && 'groups' in m && m.groups) view.groups = m.groups;
  switch (m.type) {
    case 'init':
      onInit(m);
      break;
    case 'rows':
      if (applyChanges(m.changes)) view.order = undefined;
      view.totals = m.totals;
      view.pending.clear(); // the fates came back (or the extension said no): nothing waits any more
      renderTotals();
      renderControls();
      renderTable();
      break;
    case 'phase':
      view.phase = m.phase;
      if (m.progress) view.progress = m.progress;
      renderControls();
      renderProgress(true);
      renderTable();
      break;
    case 'progress':
      if (applyChanges(m.changes)) view.order = undefined;
      view.progress = m.progress;
      renderProgress();
      renderTable();
      break;
    case 'result':
      view.result = m.result;
      view.phase = 'done';
      if (m.progress) view.progress = m.progress;
      renderControls();
      renderProgress(true);
      renderResult();
      renderTable();
      speak(`${view.progress?.text ?? ''} ${m.result.headline}`.trim());
      break;
  }
  report();
});

post({ type: 'ready' });
