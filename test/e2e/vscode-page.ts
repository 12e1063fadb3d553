// Playwright helpers for driving VS Code 1.100 (code-server) in headless Chromium: the activity bar, tree views,
// context menus, the command palette and quick input, notifications, modal dialogs, hovers and screenshots.
// Every helper waits for what it needs (no fixed sleeps except where VS Code animates) and fails with a message
// that says what it was looking for. Checked against code-server 4.100.3 with a throwaway extension.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';

export type Text = string | RegExp;

/** Default wait for UI that VS Code shows after an action (extension host round trips included). */
export const UI_TIMEOUT = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describe(text: Text): string {
  return typeof text === 'string' ? JSON.stringify(text) : String(text);
}

/** A regexp that matches `text` exactly when it is a string (escaped), or the regexp itself. */
function exact(text: Text): RegExp {
  return typeof text === 'string' ? new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : text;
}

// ---------------------------------------------------------------- workbench

/** Opens `url` (a code-server URL) in a new page of `context` and waits for the workbench. */
export async function openVsCode(context: BrowserContext, url: string, timeout = 60_000): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await waitForWorkbench(page, timeout);
  return page;
}

/** Waits until the workbench is laid out (activity bar and status bar present). */
export async function waitForWorkbench(page: Page, timeout = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout });
}

/** Moves keyboard focus to the workbench (out of any input), closing open menus and quick inputs. */
export async function escapeAll(page: Page): Promise<void> {
  for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
}

// ---------------------------------------------------------------- activity bar and views

/** The activity bar entry of a view container, by its title (`getByRole('tab', { name })`). */
export function activityTab(page: Page, title: Text): Locator {
  return page.locator('.part.activitybar').getByRole('tab', { name: title });
}

/**
 * Shows a view container by its title. Clicking an entry that is already selected would hide the side bar,
 * so it only clicks when the container is not shown. Waits for the side bar to show it.
 */
export async function openViewContainer(page: Page, title: Text, timeout = UI_TIMEOUT): Promise<void> {
  const tab = activityTab(page, title);
  try {
    await tab.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`no activity bar entry ${describe(title)} (is the extension installed and activated?)`);
  }
  const heading = page.locator('.part.sidebar .composite.title');
  const shown = heading.filter({ hasText: typeof title === 'string' ? title.toUpperCase() : title }).or(heading.filter({ hasText: title })).first();
  // Right after a (re)load VS Code may still be restoring the side bar, and a click then toggles it shut again:
  // click, give it a moment to show, and click once more if it did not.
  const deadline = Date.now() + timeout;
  for (let attempt = 0; ; attempt++) {
    const sidebarVisible = await page.locator('.part.sidebar').isVisible();
    if ((await tab.getAttribute('aria-selected')) !== 'true' || !sidebarVisible) {
      await tab.click();
      await dismissHovers(page); // the tab's own tooltip would otherwise sit in every screenshot
    }
    try {
      await shown.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(5000, deadline - Date.now())) });
      return;
    } catch (err) {
      if (attempt >= 2 || Date.now() >= deadline) throw err;
    }
  }
}

/** A view pane in the side bar (its header holds the view name). */
export function viewPane(page: Page, name: Text): Locator {
  return page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header').filter({ hasText: name }) });
}

/** Tree rows, optionally only inside one view pane. */
export function treeRows(page: Page, view?: Text): Locator {
  const scope = view === undefined ? page.locator('.part.sidebar') : viewPane(page, view);
  return scope.locator('.monaco-list-row[role="treeitem"]');
}

/**
 * A tree row by its label. A string matches the label exactly (the row's `.label-name`), a RegExp is tried
 * against the whole row text (label, description). Rows off screen are not in the DOM: scroll first.
 */
export function treeRow(page: Page, text: Text, view?: Text): Locator {
  const rows = treeRows(page, view);
  return typeof text === 'string'
    ? rows.filter({ has: page.locator('.label-name', { hasText: exact(text) }) })
    : rows.filter({ hasText: text });
}

/** Waits for a tree row and returns it. */
export async function waitForTreeRow(page: Page, text: Text, options: { view?: Text; timeout?: number } = {}): Promise<Locator> {
  const row = treeRow(page, text, options.view).first();
  try {
    await row.waitFor({ state: 'visible', timeout: options.timeout ?? UI_TIMEOUT });
  } catch {
    throw new Error(`no tree row ${describe(text)}; rows shown: ${JSON.stringify(await treeRowTexts(page, options.view))}`);
  }
  return row;
}

/** Each row shown as `label` or `label — description`, in order (for messages and whole-tree asserts). */
export async function treeRowTexts(page: Page, view?: Text): Promise<string[]> {
  return treeRows(page, view).evaluateAll((rows) => rows.map((r) => {
    const label = r.querySelector('.label-name')?.textContent?.trim() ?? r.textContent?.trim() ?? '';
    const description = r.querySelector('.label-description')?.textContent?.trim();
    return description ? `${label} — ${description}` : label;
  }));
}

/** The labels of the rows shown (in order), e.g. to assert a whole level of the tree. */
export async function treeLabels(page: Page, view?: Text): Promise<string[]> {
  return treeRows(page, view).locator('.label-name').allInnerTexts();
}

/** Expands a collapsible row (no-op when already expanded) and waits until it says so. */
export async function expandRow(page: Page, text: Text, options: { view?: Text; timeout?: number } = {}): Promise<Locator> {
  const row = await waitForTreeRow(page, text, options);
  const expanded = await row.getAttribute('aria-expanded');
  if (expanded === null) throw new Error(`tree row ${describe(text)} is not collapsible`);
  if (expanded === 'false') await row.locator('.monaco-tl-twistie').click();
  // Polled through the locator, not an element handle: the tree redraws rows as their details arrive, and a handle
  // to a replaced row would never see the change.
  const deadline = Date.now() + (options.timeout ?? UI_TIMEOUT);
  for (;;) {
    const now = treeRow(page, text, options.view).first();
    if ((await now.getAttribute('aria-expanded').catch(() => null)) === 'true') return now;
    if (Date.now() > deadline) throw new Error(`tree row ${describe(text)} did not expand`);
    await page.waitForTimeout(50);
  }
}

/** Collapses an expanded row. */
export async function collapseRow(page: Page, text: Text, options: { view?: Text } = {}): Promise<void> {
  const row = await waitForTreeRow(page, text, options);
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.locator('.monaco-tl-twistie').click();
}

/** Selects a row (single click on its label). */
export async function selectRow(page: Page, text: Text, options: { view?: Text } = {}): Promise<Locator> {
  const row = await waitForTreeRow(page, text, options);
  await row.locator('.monaco-icon-label, .label-name').first().click();
  return row;
}

/** The items of the open context menu (names as shown). */
export async function menuItems(page: Page): Promise<string[]> {
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  return (await menu.getByRole('menuitem').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/** Right-clicks a tree row and clicks a context menu item. */
export async function contextMenu(page: Page, rowText: Text, item: Text, options: { view?: Text } = {}): Promise<void> {
  const row = await waitForTreeRow(page, rowText, options);
  await dismissHovers(page);
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const entry = menu.getByRole('menuitem', { name: item });
  if ((await entry.count()) === 0) {
    const have = await menuItems(page);
    await page.keyboard.press('Escape');
    throw new Error(`no context menu item ${describe(item)} on ${describe(rowText)}; the menu has ${JSON.stringify(have)}`);
  }
  await clickMenuItem(page, entry.first());
}

/**
 * Clicks a menu item and checks that the menu closed; a click that lands while the menu is still settling is
 * sometimes dropped, and then the (focused) item is triggered with Enter, which goes to the menu, not the tree.
 */
async function clickMenuItem(page: Page, entry: Locator): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  await entry.click();
  try {
    await menu.waitFor({ state: 'hidden', timeout: 1000 });
  } catch {
    await entry.hover();
    await entry.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }
}

/**
 * Clicks an inline action (the icons shown on hover) of a tree row by its title, e.g. `Delete Image`.
 */
export async function rowAction(page: Page, rowText: Text, title: Text, options: { view?: Text } = {}): Promise<void> {
  const row = await waitForTreeRow(page, rowText, options);
  await row.hover();
  const action = row.locator('.actions .action-label').and(row.getByRole('button', { name: title }));
  await action.first().click({ timeout: UI_TIMEOUT });
}

/**
 * Clicks an action in a view's title bar (e.g. `Refresh`), looking in its `More Actions...` menu when it is not
 * shown inline. A container with a single view has no pane header: its actions sit in the side bar's title.
 */
export async function viewTitleAction(page: Page, view: Text, title: Text): Promise<void> {
  const header = viewPane(page, view).locator('.pane-header');
  await header.waitFor({ state: 'attached', timeout: UI_TIMEOUT });
  const single = !(await header.isVisible());
  const bar = single ? page.locator('.part.sidebar .composite.title .title-actions') : header.locator('.actions');
  if (!single) await header.hover();
  const inline = bar.getByRole('button', { name: title });
  if ((await inline.count()) > 0) {
    await inline.first().click();
    return;
  }
  // "More Actions..." in a pane header, "Views and More Actions..." in the side bar title (no button role there).
  const more = bar.locator('.action-label[aria-label*="More Actions"]');
  if ((await more.count()) === 0) throw new Error(`view ${describe(view)} has no title action ${describe(title)} and no More Actions menu`);
  await more.first().click();
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const entry = menu.getByRole('menuitem', { name: title });
  if ((await entry.count()) === 0) {
    const have = await menuItems(page);
    await page.keyboard.press('Escape');
    throw new Error(`view ${describe(view)} has no title action ${describe(title)}; More Actions has ${JSON.stringify(have)}`);
  }
  await clickMenuItem(page, entry.first());
}

// ---------------------------------------------------------------- command palette and quick input

export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

function quickInputBox(page: Page): Locator {
  return quickInput(page).locator('input[type="text"]');
}

/** Waits for the quick input (palette, input box or pick) to be open; returns its text box. */
export async function waitForQuickInput(page: Page, timeout = UI_TIMEOUT): Promise<Locator> {
  const box = quickInputBox(page);
  await box.waitFor({ state: 'visible', timeout });
  return box;
}

/**
 * Presses the key that opens a quick input (F1, Ctrl+P, Ctrl+G) and returns its text box. A quick input closes when
 * it loses focus, and a webview that had the focus (a Cleanup Preview left open) can take it back just after the key
 * opened the input: then the input is hidden at once. A person presses the key again; so does this, up to 3 times.
 */
export async function openQuickInputWith(page: Page, key: string, timeout = UI_TIMEOUT): Promise<Locator> {
  const attempts = 3;
  for (let i = 1; ; i++) {
    await page.keyboard.press(key);
    try {
      return await waitForQuickInput(page, i < attempts ? Math.min(timeout, 4000) : timeout);
    } catch (err) {
      if (i >= attempts) throw err;
    }
  }
}

/** Runs a command by its palette title (`Category: Title`) through F1. */
export async function runCommand(page: Page, title: string, timeout = UI_TIMEOUT): Promise<void> {
  await escapeAll(page);
  const box = await openQuickInputWith(page, 'F1', timeout);
  await box.fill(`>${title}`);
  // The title must not run on into a longer word (like \b), which also works after a title ending in "…" (\b does not).
  const option = quickInput(page).getByRole('option', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\w)`) });
  try {
    await option.first().waitFor({ state: 'visible', timeout });
  } catch {
    const have = await quickInput(page).getByRole('option').allInnerTexts();
    await page.keyboard.press('Escape');
    throw new Error(`no command ${JSON.stringify(title)} in the palette; it offers ${JSON.stringify(have.slice(0, 10))}`);
  }
  await option.first().click();
}

/** Types into the open quick input (an input box or a pick's filter) and presses Enter unless told not to. */
export async function fillQuickInput(page: Page, value: string, options: { submit?: boolean; timeout?: number } = {}): Promise<void> {
  const box = await waitForQuickInput(page, options.timeout);
  await box.fill(value);
  if (options.submit !== false) await box.press('Enter');
}

/** The prompt/validation text under the quick input box (e.g. an input box's prompt or its error). */
export async function quickInputMessage(page: Page): Promise<string> {
  await waitForQuickInput(page);
  return (await quickInput(page).locator('.quick-input-message').innerText()).trim();
}

/** The placeholder of the open quick input. */
export async function quickInputPlaceholder(page: Page): Promise<string> {
  return (await (await waitForQuickInput(page)).getAttribute('placeholder')) ?? '';
}

/** The rows of the open quick pick (role `option`, or `checkbox` in a many-select pick). */
function quickPickRows(page: Page): Locator {
  return quickInput(page).locator('.quick-input-list .monaco-list-row');
}

/** The options the open quick pick shows (their labels). */
export async function quickPickOptions(page: Page): Promise<string[]> {
  await waitForQuickInput(page);
  const rows = quickPickRows(page);
  await rows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  return (await rows.locator('.label-name').allInnerTexts()).map((s) => s.trim());
}

/** Picks an option of the open quick pick by its label (string: exact label; RegExp: the option's name). */
export async function pickOption(page: Page, name: Text, timeout = UI_TIMEOUT): Promise<void> {
  await waitForQuickInput(page, timeout);
  const option = typeof name === 'string'
    ? quickPickRows(page).filter({ has: page.locator('.label-name', { hasText: exact(name) }) })
    : quickPickRows(page).filter({ hasText: name });
  try {
    await option.first().waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`no quick pick option ${describe(name)}; it offers ${JSON.stringify(await quickPickOptions(page))}`);
  }
  await option.first().click();
}

/** For a many-select quick pick: ticks the options by label, then presses OK. */
export async function pickMany(page: Page, labels: string[]): Promise<void> {
  await waitForQuickInput(page);
  for (const label of labels) {
    const row = quickPickRows(page).filter({ has: page.locator('.label-name', { hasText: exact(label) }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    } catch {
      throw new Error(`no quick pick option ${JSON.stringify(label)}; it offers ${JSON.stringify(await quickPickOptions(page))}`);
    }
    if ((await row.getAttribute('aria-checked')) !== 'true') await row.locator('.monaco-checkbox').first().click();
  }
  await quickInput(page).locator('.quick-input-action').getByRole('button', { name: 'OK' }).click();
}

/** Waits for the quick input to close (after a submit). */
export async function waitForQuickInputClosed(page: Page, timeout = UI_TIMEOUT): Promise<void> {
  await quickInput(page).waitFor({ state: 'hidden', timeout });
}

// ---------------------------------------------------------------- notifications

function toasts(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-toast-container');
}

/** The messages of the notification toasts now visible, oldest first. */
export async function notificationTexts(page: Page): Promise<string[]> {
  const msgs = page.locator('.notifications-toasts .notification-list-item-message');
  return (await msgs.allInnerTexts()).map((s) => s.trim()).reverse();
}

/** Waits for a toast whose message matches (a string is a substring) and returns the toast. */
export async function waitForNotification(page: Page, text: Text, timeout = UI_TIMEOUT): Promise<Locator> {
  const toast = toasts(page).filter({ has: page.locator('.notification-list-item-message', { hasText: text }) }).first();
  try {
    await toast.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`no notification ${describe(text)}; shown: ${JSON.stringify(await notificationTexts(page))}`);
  }
  await sleep(800); // toasts slide in: let it settle before a screenshot
  return toast;
}

/** Clicks a button of the toast whose message matches. */
export async function clickNotificationButton(page: Page, text: Text, button: Text, timeout = UI_TIMEOUT): Promise<void> {
  const toast = await waitForNotification(page, text, timeout);
  await toast.getByRole('button', { name: button }).first().click();
}

/** The severity of a toast: 'error', 'warning' or 'info'. */
export async function notificationSeverity(toast: Locator): Promise<'error' | 'warning' | 'info'> {
  const icon = toast.locator('.notification-list-item-icon');
  const cls = (await icon.getAttribute('class')) ?? '';
  return cls.includes('codicon-error') ? 'error' : cls.includes('codicon-warning') ? 'warning' : 'info';
}

/** Closes every notification (so the next wait does not see an old toast). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT }).catch(() => undefined);
}

// ---------------------------------------------------------------- modal dialogs

/** VS Code's own modal dialog in the browser (showWarningMessage with `modal: true`, confirmations). */
export function dialog(page: Page): Locator {
  return page.locator('.monaco-dialog-box');
}

/** Waits for a modal dialog; returns its message, detail and button names. */
export async function waitForDialog(page: Page, timeout = UI_TIMEOUT): Promise<{ message: string; detail: string; buttons: string[] }> {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout });
  const message = (await box.locator('.dialog-message-text').innerText()).trim();
  const detailEl = box.locator('.dialog-message-detail');
  const detail = (await detailEl.count()) > 0 ? (await detailEl.innerText()).trim() : '';
  const buttons = (await box.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((s) => s.trim());
  return { message, detail, buttons };
}

/** Clicks a button of the open modal dialog by its label, and waits for the dialog to close. */
export async function clickDialogButton(page: Page, name: Text, timeout = UI_TIMEOUT): Promise<void> {
  const box = dialog(page);
  await box.waitFor({ state: 'visible', timeout });
  const button = box.locator('.dialog-buttons').getByRole('button', { name: exact(name) });
  if ((await button.count()) === 0) {
    const { buttons } = await waitForDialog(page);
    throw new Error(`the dialog has no button ${describe(name)}; it has ${JSON.stringify(buttons)}`);
  }
  await button.first().click();
  await box.waitFor({ state: 'hidden', timeout });
}

// ---------------------------------------------------------------- hovers

function hovers(page: Page): Locator {
  return page.locator('.workbench-hover-container, .monaco-hover.workbench-hover');
}

/** Moves the mouse off everything and waits for open hover widgets to go (they can cover menus and rows). */
export async function dismissHovers(page: Page): Promise<void> {
  await page.mouse.move(0, 0);
  await hovers(page).first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

/**
 * Hovers a tree row and returns the text of the hover widget that appears (its tooltip, markdown rendered).
 * Moves the mouse away afterwards so the hover closes.
 */
export async function rowTooltip(page: Page, rowText: Text, options: { view?: Text; timeout?: number } = {}): Promise<string> {
  const row = await waitForTreeRow(page, rowText, options);
  await dismissHovers(page); // an earlier hover would otherwise be read instead
  await row.locator('.monaco-icon-label').first().hover();
  const hover = page.locator('.monaco-hover.workbench-hover').filter({ hasText: /\S/ }).first();
  try {
    await hover.waitFor({ state: 'visible', timeout: options.timeout ?? UI_TIMEOUT });
  } catch {
    throw new Error(`no hover appeared over tree row ${describe(rowText)} (does the item have a tooltip?)`);
  }
  const text = (await hover.innerText()).trim();
  await dismissHovers(page);
  return text;
}

/** The accessible label of a row (VS Code uses the tooltip when the item has a string one). */
export async function rowAriaLabel(page: Page, rowText: Text, options: { view?: Text } = {}): Promise<string> {
  return (await (await waitForTreeRow(page, rowText, options)).getAttribute('aria-label')) ?? '';
}

// ---------------------------------------------------------------- editors

/** The titles of the open editor tabs. */
export async function editorTabs(page: Page): Promise<string[]> {
  return (await page.locator('.tabs-container .tab .label-name').allInnerTexts()).map((s) => s.trim());
}

/** The text of the active editor as shown (visible lines only; Monaco renders what is on screen). */
export async function activeEditorText(page: Page): Promise<string> {
  const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines');
  await lines.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
}

// ---------------------------------------------------------------- screenshots

/** Where screenshots go: `<repo>/test-results` unless REGX_TEST_RESULTS_DIR says otherwise. */
export function resultsDir(root: string): string {
  const dir = process.env.REGX_TEST_RESULTS_DIR || join(root, 'test-results');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a PNG of the page as `<dir>/<name>.png` (name made file-safe) and returns the path. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  const file = join(dir, `${name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '')}.png`);
  await page.screenshot({ path: file });
  return file;
}
