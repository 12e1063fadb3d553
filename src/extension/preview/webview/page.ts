// The page around the table: the header (title, policy), the totals, the plan's notes, Delete / Cancel, the progress
// with its live region (spoken at most every LIVE_EVERY_MS, the last word at once), the result, and the fate filter.
import { byId, COLUMNS, el, FATES, fill, post, saved, view } from './state';
import { measure, onClick, onKey, onScroll, scheduleRender, setFocus, showFate, sortBy } from './table';

const LIVE_EVERY_MS = 1500;
let lastLive = 0;
let liveTimer: ReturnType<typeof setTimeout> | undefined;

/** The table: a caption, a header row of sort buttons (th scope="col", aria-sort), and the body table.ts fills. */
function table(): HTMLElement {
  const { strings } = view;
  const grid = el('table', { id: 'grid', 'aria-labelledby': 'grid-caption' });
  const colgroup = el('colgroup');
  const headRow = el('tr', { 'aria-rowindex': '1' });
  for (const c of COLUMNS) {
    colgroup.append(el('col', { class: c.cls }));
    const label = strings.columns[c.key];
    if (c.key === 'keep') {
      headRow.append(el('th', { scope: 'col', class: 'keep-cell', title: strings.keepThis }, label));
      continue;
    }
    const key = c.key;
    const button = el('button', { type: 'button', 'data-key': key, 'aria-label': fill(strings.sortBy, label) }, label, el('span', { class: 'arrow', 'aria-hidden': 'true' }));
    button.addEventListener('click', () => sortBy(key));
    headRow.append(el('th', { scope: 'col', class: `${c.cls}-cell`, 'data-key': key }, button));
  }
  const caption = el('caption', { id: 'grid-caption', class: 'visually-hidden' }, `${strings.title}. ${strings.beforeDelete}`);
  const body = el('tbody', { id: 'body' });
  grid.append(caption, colgroup, el('thead', {}, headRow), body);
  body.addEventListener('keydown', onKey);
  body.addEventListener('click', onClick);
  body.addEventListener('focusin', (e) => {
    const tr = (e.target as HTMLElement).closest('tr.row') as HTMLElement | null;
    if (tr) setFocus(Number(tr.dataset.id), false);
  });
  const scroller = el('div', { id: 'scroller', class: 'scroller' }, grid);
  scroller.addEventListener('scroll', onScroll, { passive: true });
  new ResizeObserver(() => {
    measure();
    scheduleRender();
  }).observe(scroller);
  return scroller;
}

export function build(): void {
  const { strings } = view;
  const app = byId('app');
  document.title = strings.title;
  const header = el('header', {}, el('h1', {}, strings.title), el('p', { class: 'policy' }, strings.policy));
  const totals = el('ul', { id: 'totals', class: 'totals', 'aria-label': strings.totalsLabel });
  const notes = el('ul', { id: 'notes', class: 'notes' });
  const del = el('button', { id: 'delete', class: 'button', type: 'button' });
  const cancel = el('button', { id: 'cancel', class: 'button secondary', type: 'button' }, strings.cancel);
  del.addEventListener('click', () => post({ type: 'delete' }));
  cancel.addEventListener('click', () => post({ type: 'cancel' }));
  const actions = el('div', { class: 'actions' }, del, cancel, el('p', { id: 'hint', class: 'hint' }));
  const run = el('div', { id: 'run', class: 'run' }, el('progress', { id: 'bar', max: '1', value: '0' }), el('p', { id: 'live', role: 'status', 'aria-live': 'polite' }));
  const result = el('section', { id: 'result', class: 'result', 'aria-labelledby': 'result-title' });
  const filters = el('fieldset', { class: 'filters' }, el('legend', {}, strings.show));
  for (const fate of FATES) {
    const box = el('input', { type: 'checkbox', id: `show-${fate}` });
    box.checked = saved.show[fate];
    box.addEventListener('change', () => showFate(fate, box.checked));
    filters.append(el('label', { for: `show-${fate}` }, box, el('span', { id: `show-${fate}-text` })));
  }
  const bar = el('div', { class: 'tablebar' }, filters, el('span', { id: 'rowcount', class: 'rowcount', 'aria-live': 'off' }));
  const scroller = table();
  app.replaceChildren(header, totals, notes, actions, run, result, bar, scroller);
  scroller.scrollTop = saved.scrollTop;
}

export function renderTotals(): void {
  const { strings, totals } = view;
  // The summary line is "Delete: … · Keep: … · Skip: … · Space freed: …": one item each, label and value apart.
  byId('totals').replaceChildren(
    ...totals.summary.split(' · ').map((part) => {
      const i = part.indexOf(': ');
      const value = part.slice(i + 2);
      // The space freed says how it was counted on hover.
      const title = value === totals.freedText ? { title: totals.freedNote } : {};
      return el('li', title, el('span', { class: 'label' }, part.slice(0, i + 2)), el('span', { class: 'value' }, value));
    }),
  );
  for (const fate of FATES) byId(`show-${fate}-text`).textContent = `${strings.fate[fate]} (${totals[fate].tags + totals[fate].untagged})`;
}

function renderNotes(): void {
  const list = byId('notes');
  const all = [...view.notes, ...(view.phase === 'deleting' || view.phase === 'cancelling' ? [view.strings.closeNote] : [])];
  list.replaceChildren(...all.map((n) => el('li', {}, n)));
  list.hidden = all.length === 0;
}

export function renderControls(): void {
  const { strings, totals, phase } = view;
  const del = byId<HTMLButtonElement>('delete');
  const cancel = byId<HTMLButtonElement>('cancel');
  const images = totals.delete.images;
  del.textContent = totals.deleteLabel;
  del.disabled = phase !== 'preview' || images === 0;
  del.hidden = phase !== 'preview' && phase !== 'confirming';
  cancel.hidden = phase !== 'deleting' && phase !== 'cancelling';
  cancel.disabled = phase === 'cancelling';
  cancel.textContent = phase === 'cancelling' ? strings.cancelling : strings.cancel;
  byId('hint').textContent = phase === 'preview' || phase === 'confirming' ? (images === 0 ? strings.nothingToDelete : strings.beforeDelete) : phase === 'done' ? '' : strings.whileDeleting;
  byId('app').className = `phase-${phase}`;
  renderNotes();
}

/** Says `text` in the live region now. */
export function speak(text: string): void {
  if (liveTimer) clearTimeout(liveTimer);
  liveTimer = undefined;
  lastLive = Date.now();
  byId('live').textContent = text;
}

export function renderProgress(force = false): void {
  const { progress, phase } = view;
  const run = byId('run');
  run.hidden = !progress;
  if (!progress) return;
  const bar = byId<HTMLProgressElement>('bar');
  bar.max = Math.max(1, progress.total);
  bar.value = progress.done;
  bar.hidden = phase === 'done';
  // Once done, the result box shows it all: the line stays for screen readers only.
  run.classList.toggle('visually-hidden', phase === 'done');
  if (force || Date.now() - lastLive >= LIVE_EVERY_MS) speak(progress.text);
  else liveTimer ??= setTimeout(() => speak(view.progress?.text ?? ''), LIVE_EVERY_MS - (Date.now() - lastLive));
}

export function renderResult(): void {
  const { result, strings } = view;
  const box = byId('result');
  box.hidden = !result;
  if (!result) return;
  box.className = `result ${result.severity}`;
  const parts: Node[] = [el('h2', { id: 'result-title' }, result.headline), ...result.lines.map((l) => el('p', {}, l))];
  // Each failure and skip reason once, with what it concerns: "not started: cancelled (199): 1.1.1, 1.1.2, …".
  for (const [title, groups] of [
    [strings.failedHeading, result.failed],
    [strings.skippedHeading, result.skipped],
  ] as const) {
    if (groups.length === 0) continue;
    const items = groups.map((g) => el('li', {}, el('strong', {}, g.text), ` (${g.items.length}): ${g.items.slice(0, 12).join(', ')}${g.items.length > 12 ? ', …' : ''}`));
    parts.push(el('p', { class: 'group' }, title), el('ul', { 'aria-label': title }, ...items));
  }
  const log = el('button', { class: 'button secondary', type: 'button' }, strings.showLog);
  log.addEventListener('click', () => post({ type: 'showLog' }));
  const actions = el('div', { class: 'result-actions' });
  if (result.undoButton) {
    const undo = el('button', { class: 'button', type: 'button' }, result.undoButton);
    undo.addEventListener('click', () => post({ type: 'undo' }));
    actions.append(undo);
  }
  actions.append(log);
  if (result.gcButton) {
    const gc = el('button', { class: 'button secondary', type: 'button' }, result.gcButton);
    gc.addEventListener('click', () => post({ type: 'gcDocs' }));
    actions.append(gc);
  }
  parts.push(actions);
  box.replaceChildren(...parts);
}
