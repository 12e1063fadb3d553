// Steps for the Cleanup Preview in the browser: Prune through the palette (each wizard step recognised by what it
// offers, not by its title), the panel's webview document (code-server renders a webview in nested iframes: it is
// found by its document title), and its table as shown.
import type { Frame, Page } from 'playwright-core';
import { pressQuickPickOk } from './steps';
import { editorTabs, pickOption, quickInput, runCommand, UI_TIMEOUT, waitForQuickInput } from './vscode-page';

export interface PruneAnswers {
  range: string;
  keep?: number;
}

/**
 * Registry Explorer: Prune Tags by Semver… from the palette: the registry (when several are configured), the
 * repository, semver, the range, keep N (in the whole range), no options. Each step is recognised by what it
 * offers, not by its title.
 */
export async function pruneThroughPalette(page: Page, host: string, repository: string, answers: PruneAnswers): Promise<void> {
  await runCommand(page, 'Registry Explorer: Prune Tags by Semver…');
  await waitForQuickInput(page);
  const option = (label: string) => quickInput(page).locator('.quick-input-list .label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
  await option(host).or(option(repository)).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  if (await option(host).isVisible()) await pickOption(page, host);
  await pickOption(page, repository);
  await option('loose').waitFor({ state: 'visible', timeout: UI_TIMEOUT }); // the versioning step
  await pickOption(page, 'semver');
  const box = quickInput(page).locator('input[type="text"]');
  await quickInput(page).locator('input[placeholder*="<2.0.0"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await box.fill(answers.range);
  await box.press('Enter');
  await quickInput(page).locator('.quick-input-message', { hasText: 'Keep the N newest' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await box.fill(String(answers.keep ?? 0));
  await box.press('Enter');
  if ((answers.keep ?? 0) > 0) await pickOption(page, 'In the whole range');
  await option('Only tags older than…').waitFor({ state: 'visible', timeout: UI_TIMEOUT }); // the options step
  await pressQuickPickOk(page);
}

export const previewTitle = (host: string, repository: string): string => `Cleanup Preview — ${host}/${repository}`;

/** The webview document of the Cleanup Preview titled `title`, once it has rendered its table. */
export async function previewFrame(page: Page, title: string, timeout = 60_000): Promise<Frame> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      const ready = await frame
        .evaluate(`document.title === ${JSON.stringify(title)} && document.querySelector('#app:not([aria-busy]) table') !== null`)
        .catch(() => false);
      if (ready) return frame;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`no Cleanup Preview titled ${JSON.stringify(title)} rendered within ${timeout} ms (tabs: ${JSON.stringify(await editorTabs(page))})`);
}

export interface TableRow {
  tag: string;
  keep: 'none' | 'checked' | 'unchecked';
  age: string;
  size: string;
  digest: string;
  digestTitle: string;
  fate: string;
  reason: string;
  status: string;
}

/** The rows the table has in the DOM now (all of them, for a plan that fits the window). */
export async function tableRows(frame: Frame): Promise<TableRow[]> {
  return frame.$$eval('tbody tr.row', (trs) =>
    trs.map((tr) => {
      const text = (cls: string) => tr.querySelector(`.${cls}-cell`)?.textContent?.trim() ?? '';
      const box = tr.querySelector('input[type="checkbox"]') as { checked: boolean } | null;
      return {
        tag: text('tag'),
        keep: box ? (box.checked ? 'checked' : 'unchecked') : 'none',
        age: text('age'),
        size: text('size'),
        digest: text('digest'),
        digestTitle: tr.querySelector('.digest-cell')?.getAttribute('title') ?? '',
        fate: text('fate'),
        reason: text('reason'),
        status: text('status'),
      } as const;
    }),
  );
}

/** Waits until the table satisfies `test` (the webview applies the extension's answers asynchronously). */
export async function waitForTable(frame: Frame, what: string, test: (rows: TableRow[]) => boolean, timeout = UI_TIMEOUT): Promise<TableRow[]> {
  const end = Date.now() + timeout;
  let rows: TableRow[] = [];
  while (Date.now() < end) {
    rows = await tableRows(frame);
    if (test(rows)) return rows;
    await frame.waitForTimeout(50);
  }
  throw new Error(`the table never showed ${what}; it shows ${JSON.stringify(rows.map((r) => [r.tag, r.fate, r.status]))}`);
}

