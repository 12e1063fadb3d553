// User steps the flows share, built on the VS Code helpers in ./vscode-page.ts: the Add Registry wizard, reading
// a quick pick whole, scrolling a long tree, reading the clipboard, the settings file. Each waits on what the
// screen shows, never on time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import {
  clearNotifications,
  dismissHovers,
  openViewContainer,
  pickOption,
  quickInput,
  runCommand,
  treeRow,
  treeRows,
  UI_TIMEOUT,
  viewPane,
  viewTitleAction,
  waitForNotification,
  waitForQuickInputClosed,
  waitForTreeRow,
  type Text,
} from './vscode-page';

export const VIEW = 'Registries';

/** The text box of the open quick input: a plain input or a password field. */
function quickInputField(page: Page): Locator {
  return quickInput(page).locator('.quick-input-box input');
}

/** Waits until the quick input's title contains `text` (each wizard step has its own title). */
export async function waitForQuickInputTitle(page: Page, text: Text, timeout = UI_TIMEOUT): Promise<void> {
  const title = quickInput(page).locator('.quick-input-title');
  try {
    await title.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch {
    const shown = (await title.allInnerTexts().catch(() => [])).join(' | ');
    throw new Error(`the quick input never showed the title ${String(text)}; it shows ${JSON.stringify(shown)}`);
  }
}

/** Types into the quick input that now shows the step `title`, and presses Enter. */
export async function answerStep(page: Page, title: Text, value: string): Promise<void> {
  await waitForQuickInputTitle(page, title);
  const field = quickInputField(page);
  await field.fill(value);
  await field.press('Enter');
}

export interface Login {
  username: string;
  password: string;
}

/** A title of the Add Registry wizard after its first step: `Add Registry HOST (n/N)`. */
export function addRegistryTitle(host: string, step: number, total: number): RegExp {
  return new RegExp(`^Add Registry ${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${step}/${total}\\)$`);
}

/**
 * Registry Explorer: Add Registry… through the command palette: address, then `Anonymous` or `User name and
 * password` with the login; each step checked by its title ("n/N" for the path taken, the registry named from the
 * second step on). Returns once the last step was answered: the connection test runs with that step shown busy.
 */
export async function answerAddRegistry(page: Page, address: string, login?: Login): Promise<void> {
  await runCommand(page, 'Registry Explorer: Add Registry…');
  await answerStep(page, 'Add Registry (1/2)', address);
  const host = address.replace(/^https?:\/\//, '').replace(/\/+$/, '').toLowerCase();
  await waitForQuickInputTitle(page, addRegistryTitle(host, 2, 2)); // Anonymous is highlighted: the short path
  await pickOption(page, login ? 'User name and password' : 'Anonymous');
  if (login) {
    await answerStep(page, addRegistryTitle(host, 3, 4), login.username);
    await waitForQuickInputTitle(page, addRegistryTitle(host, 4, 4));
    const type = await quickInputField(page).getAttribute('type');
    if (type !== 'password') throw new Error(`the password box is not masked (input type ${type})`);
    await answerStep(page, addRegistryTitle(host, 4, 4), login.password);
  }
}

/** Add Registry… as answerAddRegistry, then waits until the wizard closed (connected and saved, or a dialog). */
export async function addRegistryThroughPalette(page: Page, address: string, login?: Login): Promise<void> {
  await answerAddRegistry(page, address, login);
  await waitForQuickInputClosed(page);
}

/**
 * Adds an open registry (Anonymous) through the palette with the Registries view shown and collapsed (so the new row
 * is on screen); returns once VS Code said `Added HOST.` and the row shows, with the notifications cleared.
 */
export async function addOpenRegistry(page: Page, host: string): Promise<void> {
  await openViewContainer(page, VIEW);
  if ((await treeRows(page, VIEW).count()) > 0) await collapseAll(page);
  await clearNotifications(page);
  await addRegistryThroughPalette(page, host);
  await waitForNotification(page, `Added ${host}.`);
  await waitForTreeRow(page, host, { view: VIEW });
  await clearNotifications(page);
}

/** Waits until the open quick input's message line (prompt, validation or notice) shows `text`; returns it. */
export async function waitForStepMessage(page: Page, text: Text, timeout = UI_TIMEOUT): Promise<string> {
  const message = quickInput(page).locator('.quick-input-message').filter({ hasText: text }).first();
  try {
    await message.waitFor({ state: 'visible', timeout });
  } catch {
    const shown = await quickInput(page).locator('.quick-input-message').allInnerTexts().catch(() => []);
    throw new Error(`the quick input never said ${String(text)}; it says ${JSON.stringify(shown)}`);
  }
  return (await message.innerText()).trim();
}

/** The value in the open quick input's text box (an input box or a password box). */
export async function stepValue(page: Page): Promise<string> {
  return quickInputField(page).inputValue();
}

/** Presses the Back button in the title of the open quick input (a wizard step after the first). */
export async function pressBack(page: Page): Promise<void> {
  await quickInput(page).locator('.quick-input-titlebar').getByRole('button', { name: 'Back' }).first().click();
}

export interface PickRow {
  label: string;
  description: string;
  detail: string;
  checked: boolean;
}

/**
 * Every row of the open quick pick, separators left out. The list only renders what fits, so this walks it
 * with the arrow keys (which move the focus, never the checks) and collects rows until the last one is seen.
 */
export async function readWholeQuickPick(page: Page): Promise<PickRow[]> {
  const rows = quickInput(page).locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const total = Number(await rows.first().getAttribute('aria-setsize'));
  const seen = new Map<number, PickRow>();
  const collect = async () => {
    const batch = await rows.evaluateAll((els) =>
      els.map((el) => ({
        index: Number(el.getAttribute('data-index')),
        separator: el.querySelector('.quick-input-list-separator-as-item') !== null || !el.querySelector('.monaco-checkbox, .quick-input-list-checkbox'),
        label: el.querySelector('.label-name')?.textContent?.trim() ?? '',
        description: el.querySelector('.label-description')?.textContent?.trim() ?? '',
        detail: el.querySelector('.quick-input-list-label-meta .monaco-icon-label, .quick-input-list-detail')?.textContent?.trim() ?? '',
        checked: el.getAttribute('aria-checked') === 'true',
      })),
    );
    for (const r of batch) if (!r.separator) seen.set(r.index, { label: r.label, description: r.description, detail: r.detail, checked: r.checked });
  };
  await collect();
  const maxIndex = async () => Math.max(-1, ...(await rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-index'))))));
  for (let i = 0; i < 200 && (await maxIndex()) < (Number.isFinite(total) && total > 0 ? total - 1 : 0); i++) {
    await quickInput(page).locator('.quick-input-box input').press('ArrowDown');
    await collect();
  }
  await collect();
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/** Clicks the OK button of an open many-select quick pick. */
export async function pressQuickPickOk(page: Page): Promise<void> {
  await quickInput(page).locator('.quick-input-action').getByRole('button', { name: 'OK' }).click();
}

/** Collapses every node of the Registries view (its title action), so the next flow starts from a tidy tree. */
export async function collapseAll(page: Page): Promise<void> {
  await dismissHovers(page);
  const button = page.locator('.part.sidebar .title-actions').getByRole('button', { name: 'Collapse All' });
  // VS Code disables the action while nothing is expanded.
  if ((await button.count()) > 0 && (await button.first().getAttribute('aria-disabled')) === 'true') return;
  await viewTitleAction(page, VIEW, 'Collapse All');
  await page.locator('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="2"]').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

/** Each row at one depth as `{label, description}`. */
export async function rowsAtLevel(page: Page, level: number): Promise<{ label: string; description: string }[]> {
  return treeRows(page, VIEW).evaluateAll(
    (rows, lvl) =>
      rows
        .filter((r) => r.getAttribute('aria-level') === String(lvl))
        .map((r) => ({
          label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
          description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
        })),
    level,
  );
}

/** Scrolls the Registries tree with the mouse wheel until a row appears (rows off screen are not rendered). */
export async function scrollTreeTo(page: Page, text: Text, maxSteps = 150): Promise<Locator> {
  const row = treeRow(page, text, VIEW).first();
  const list = viewPane(page, VIEW).locator('.monaco-list').first();
  const box = await list.boundingBox();
  if (!box) throw new Error('the Registries tree is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // Wheel until the row shows, by time rather than by count: on a loaded machine the list takes a while to follow
  // the wheel, and rows redrawn as their details arrive (and hovers that open) slow it further.
  const deadline = Date.now() + UI_TIMEOUT;
  for (let i = 0; i < maxSteps && Date.now() < deadline && !(await row.isVisible()); i++) {
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(100);
  }
  await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await dismissHovers(page);
  return row;
}

/** Waits until `row` no longer shows (it may be re-rendered in between). */
export async function waitForRowGone(page: Page, text: Text, timeout = UI_TIMEOUT): Promise<void> {
  await treeRow(page, text, VIEW).first().waitFor({ state: 'detached', timeout });
}

/** The text on the browser clipboard (the context was granted clipboard-read). */
export async function readClipboard(page: Page): Promise<string> {
  return String(await page.evaluate('navigator.clipboard.readText()'));
}

/** The user settings file of the code-server run, parsed (VS Code writes plain JSON there). */
export function readUserSettings(userDataDir: string): Record<string, unknown> {
  const file = join(userDataDir, 'User', 'settings.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The user settings as JSON text, with `fields` set on the entry of the registries setting whose address is `host`. */
export function settingsWithRegistryFields(userDataDir: string, host: string, fields: Record<string, unknown>): string {
  const settings = readUserSettings(userDataDir);
  const entries = settings['registryExplorer.registries'];
  const entry = Array.isArray(entries) ? (entries as Record<string, unknown>[]).find((e) => typeof e.url === 'string' && e.url.replace(/^https?:\/\//, '') === host) : undefined;
  if (!entry) throw new Error(`the user settings list no registry ${host}`);
  Object.assign(entry, fields);
  return JSON.stringify(settings, null, 2) + '\n';
}

/**
 * Replaces the whole user settings.json with `text` as a user edits it: Preferences: Open User Settings (JSON), select
 * all, paste, save, close; returns once the file holds it. VS Code applies what it saved itself at once (code-server
 * does not notice a write to the file from outside).
 */
export async function editUserSettingsJson(page: Page, userDataDir: string, text: string): Promise<void> {
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  await page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await editor.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(text)})`);
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await page.keyboard.press('Control+S'); // the web's auto save may have saved it already
  const file = join(userDataDir, 'User', 'settings.json');
  const deadline = Date.now() + UI_TIMEOUT;
  while (readFileSync(file, 'utf8').trim() !== text.trim()) {
    if (Date.now() > deadline) throw new Error('the user settings.json edited in VS Code was not saved');
    await page.waitForTimeout(100);
  }
  await runCommand(page, 'View: Close Editor');
}

/** Every file under `dir` whose content contains `needle` (to prove a secret was written nowhere on disk). */
export function filesContaining(dir: string, needle: string, limitBytes = 20 * 1024 * 1024): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size <= limitBytes && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return hits;
}

/**
 * Starts recording main-thread tasks over 50 ms in the page (the browser's Long Tasks API). It first proves the
 * recorder works with a deliberate 120 ms task of its own (then forgets it), so "no long task" means something.
 */
export async function startLongTaskRecorder(page: Page | Frame): Promise<void> {
  await page.evaluate(`(() => {
    window.__regxLongTasks = [];
    window.__regxObserver?.disconnect();
    window.__regxObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__regxLongTasks.push(e.duration);
    });
    window.__regxObserver.observe({ type: 'longtask' });
  })()`);
  await page.evaluate('setTimeout(() => { const end = performance.now() + 120; while (performance.now() < end) {} }, 0)');
  await page.waitForFunction('window.__regxLongTasks.some((d) => d >= 100)', undefined, { timeout: UI_TIMEOUT }).catch(() => {
    throw new Error('the Long Tasks API reported no long task for a deliberate 120 ms one: the freeze check would be blind');
  });
  await page.evaluate('window.__regxLongTasks = []');
}

/** The longest main-thread task (ms) since startLongTaskRecorder, and how many there were. */
export async function longTasks(page: Page | Frame): Promise<{ longest: number; count: number }> {
  const list = (await page.evaluate('window.__regxLongTasks ?? []')) as number[];
  return { longest: Math.round(Math.max(0, ...list)), count: list.length };
}

/** Waits until no notification toast shows `text` (e.g. a progress toast that is closing). */
export async function waitForToastGone(page: Page, text: Text, timeout = UI_TIMEOUT): Promise<void> {
  await page
    .locator('.notifications-toasts .notification-toast-container')
    .filter({ has: page.locator('.notification-list-item-message', { hasText: text }) })
    .first()
    .waitFor({ state: 'hidden', timeout });
}

/** Drags the side bar's edge so it is `width` pixels wide (digests and descriptions fit; screenshots read well). */
export async function widenSideBar(page: Page, width: number): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  if (!box) throw new Error('the side bar is not shown');
  if (Math.abs(box.width - width) < 4) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width / 2, y, { steps: 4 });
  await page.mouse.move(box.x + width + 1, y, { steps: 4 });
  await page.mouse.up();
  await dismissHovers(page);
  const now = (await sidebar.boundingBox())?.width ?? 0;
  if (Math.abs(now - width) > 8) throw new Error(`the side bar is ${now} px wide after dragging its edge to ${width} px`);
}
