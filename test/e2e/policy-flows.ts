// Browser flow for a retention policy file (registry-retention.yaml): a person edits the policy in the editor and
// sees the extension's diagnostic in the Problems panel (the field and the line), fixes it, previews the policy with
// the CodeLens above `rules:` (the Cleanup Preview grouped by repository, a tag the workspace deploys kept with its
// file and line), applies it with the other CodeLens (one confirmation with the count per repository), and undoes the
// run from the panel's result. The registry is its own, and is read over plain HTTP after each step. Run alone with
//   node out/test/e2e/run-e2e.js --link --only "empty state,retention policy"
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { startRegistry } from '../support/registry';
import { pushImage } from '../support/seed';
import { expectedPrune, type Fate } from './expectations';
import { rawTagDigests } from './registry-http';
import type { Flow, FlowContext } from './run-e2e';
import { previewFrame, tableRows, type TableRow } from './preview-steps';
import { addOpenRegistry } from './steps';
import {
  clearNotifications,
  clickDialogButton,
  dismissHovers,
  editorTabs,
  escapeAll,
  openQuickInputWith,
  pickOption,
  runCommand,
  UI_TIMEOUT,
  waitForDialog,
  waitForQuickInputClosed,
} from './vscode-page';

// ---------------------------------------------------------------- the editor

const POLICY_FILE = 'registry-retention.yaml';
const DEPLOY_FILE = 'deploy/api.yaml';

/** The active editor group's editor. */
const activeEditor = (page: Page): Locator => page.locator('.editor-group-container.active .monaco-editor').first();

/** Quick Open (Ctrl+P): types the file name, picks the file, waits until its tab is the active one. */
async function quickOpen(page: Page, name: string): Promise<void> {
  await escapeAll(page);
  const box = await openQuickInputWith(page, 'Control+P');
  await box.fill(name);
  await pickOption(page, name);
  await waitForQuickInputClosed(page);
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  await activeEditor(page).locator('.view-lines').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
}

/** The line `n` (1-based) of the active editor as shown (Monaco renders each line as a .view-line, top to bottom). */
async function editorLine(page: Page, n: number): Promise<string> {
  const lines = await activeEditor(page).locator('.view-lines .view-line').evaluateAll((els) =>
    els
      .map((el) => ({ top: Number(/top:\s*([\d.]+)px/.exec(el.getAttribute('style') ?? '')?.[1] ?? 0), text: (el.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((x, y) => x.top - y.top)
      .map((l) => l.text),
  );
  return lines[n - 1] ?? '';
}

/** Waits until line `n` (1-based) of the active editor shows `text` (the editor renders a keystroke a moment later). */
async function waitForEditorLine(page: Page, n: number, text: string): Promise<void> {
  const end = Date.now() + UI_TIMEOUT;
  let shown = await editorLine(page, n);
  while (shown !== text) {
    if (Date.now() > end) throw new Error(`line ${n} of the editor never showed ${JSON.stringify(text)}; it shows ${JSON.stringify(shown)}`);
    await page.waitForTimeout(50);
    shown = await editorLine(page, n);
  }
}

/** Go to Line (Ctrl+G): puts the cursor at the start of line `n` of the active editor. */
async function goToLine(page: Page, n: number): Promise<void> {
  await activeEditor(page).locator('.view-lines').click();
  const box = await openQuickInputWith(page, 'Control+G');
  await box.fill(`:${n}`);
  await box.press('Enter');
  await waitForQuickInputClosed(page);
}

/** A CodeLens of the active editor by its title (code-server renders each as a link in a .codelens-decoration). */
function codeLens(page: Page, title: string): Locator {
  return activeEditor(page).locator('.codelens-decoration a', { hasText: new RegExp(`^${title}$`) });
}

// ---------------------------------------------------------------- the Problems panel

interface Problem {
  severity: string;
  message: string;
  source: string;
  where: string;
}

/** Shows the Problems panel (View: Focus Problems); returns it. */
async function showProblems(page: Page): Promise<Locator> {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  const panel = page.locator('.part.panel .markers-panel');
  await panel.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  return panel;
}

/** The problem rows the Problems panel shows (the file rows left out): severity, message, source, `[Ln n, Col n]`. */
async function problemRows(panel: Locator): Promise<Problem[]> {
  return panel.locator('.monaco-list-row:has(.marker-message-details-container)').evaluateAll((rows) =>
    rows.map((row) => {
      const text = (sel: string) => (row.querySelector(sel)?.textContent ?? '').replace(/\u00a0/g, ' ').trim();
      const icon = row.querySelector('.marker-icon')?.className ?? '';
      return { severity: icon.replace('marker-icon', '').trim(), message: text('.marker-message'), source: text('.marker-source'), where: text('.marker-line') };
    }),
  );
}

// ---------------------------------------------------------------- the Cleanup Preview, grouped

interface GroupedRow extends TableRow {
  group: string;
}

/** The rows of a grouped Cleanup Preview as shown, each with the repository whose header it is under. */
async function groupedRows(frame: Frame): Promise<GroupedRow[]> {
  const groups = await frame.$$eval('tbody tr.group-row, tbody tr.row', (trs) => {
    let group = '';
    const out: string[] = [];
    for (const tr of trs) {
      if (tr.classList.contains('group-row')) group = tr.querySelector('.group-name')?.textContent?.trim() ?? '';
      else out.push(group);
    }
    return out;
  });
  return (await tableRows(frame)).map((row, i) => ({ ...row, group: groups[i] }));
}

interface GroupHeader {
  where: string;
  status: string;
  summary: string;
  rule: string;
}

/** The repositories' headers as shown: name, run status (once it ran), what it deletes and keeps, the rule. */
async function groupHeaders(frame: Frame): Promise<GroupHeader[]> {
  return frame.$$eval('tbody tr.group-row', (trs) =>
    trs.map((tr) => {
      const text = (cls: string) => tr.querySelector(`.${cls}`)?.textContent?.trim() ?? '';
      return { where: text('group-name'), status: text('group-status'), summary: text('group-summary'), rule: text('group-rule') };
    }),
  );
}

/** Waits until the grouped table satisfies `test`; returns its rows. */
async function waitForGroupedRows(frame: Frame, what: string, test: (rows: GroupedRow[]) => boolean, timeout = UI_TIMEOUT): Promise<GroupedRow[]> {
  const end = Date.now() + timeout;
  let rows: GroupedRow[] = [];
  while (Date.now() < end) {
    rows = await groupedRows(frame);
    if (test(rows)) return rows;
    await frame.waitForTimeout(50);
  }
  throw new Error(`the Cleanup Preview never showed ${what}; it shows ${JSON.stringify(rows.map((r) => [r.group, r.tag, r.fate, r.reason, r.status]))}`);
}

/**
 * Closes an editor tab by its close button (a keystroke would go to a webview that has the focus) and waits for the
 * tab to go.
 */
async function closeTab(page: Page, title: string): Promise<void> {
  const tab = page.locator('.tabs-container .tab', { hasText: title });
  await tab.hover();
  await tab.locator('.tab-actions').getByRole('button', { name: /^Close/ }).click();
  await tab.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await dismissHovers(page);
}

// ---------------------------------------------------------------- the notification center

/**
 * Opens the notification center with the bell in the status bar (the center lists every notification, toasted or not;
 * a click, since a keystroke would go to a webview that has the focus) and waits until it lists each of `texts`.
 */
async function waitForNotificationsInCenter(page: Page, texts: string[], timeout = UI_TIMEOUT): Promise<void> {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible())) await page.locator('.part.statusbar [id="status.notifications"]').click();
  await center.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  const messages = center.locator('.notification-list-item-message');
  const end = Date.now() + timeout;
  for (const text of texts) {
    try {
      await messages.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: Math.max(1, end - Date.now()) });
    } catch {
      throw new Error(`the notification center never listed ${JSON.stringify(text)}; it lists ${JSON.stringify(await messages.allInnerTexts())}`);
    }
  }
}

/** "1 image and 1 tag", as the Undo summary counts what came back (here each image has one tag). */
const restoredWords = (n: number): string => (n === 1 ? '1 image and 1 tag' : `${n} images and ${n} tags`);

// ---------------------------------------------------------------- the flow

/** The seeded images: each tag list is one image (2.0.0 and latest share theirs). */
const SEED: [string, string[]][] = [
  ['team/api', ['1.0.0']],
  ['team/api', ['1.1.0']],
  ['team/api', ['1.2.0']],
  ['team/api', ['2.0.0', 'latest']],
  ['team/web', ['0.9.0']],
  ['team/web', ['1.0.0']],
  ['team/web', ['1.0.1']],
];
const REPOSITORIES = ['team/api', 'team/web'];
const RANGE = '<2.0.0';
const KEEP = 1;
/** The tag of team/api the workspace deploys (deploy/api.yaml): it would be deleted, and is kept. */
const DEPLOYED = '1.0.0';

const policyFlow: Flow = {
  name: 'retention policy file: a typo shown in Problems and fixed, Preview grouped by repository with the deployed tag kept, Apply with one confirmation, Undo from the result',
  slug: 'policy-file',
  async run(ctx: FlowContext) {
    const { page, server, shot, log } = ctx;
    const reg = await startRegistry({ auth: 'none' });
    const raw = { url: reg.url };
    const written = [join(server.workspace, POLICY_FILE), join(server.workspace, dirname(DEPLOY_FILE))];
    try {
      // Two repositories, one image per tag list.
      const seeded: Record<string, Record<string, string>> = { 'team/api': {}, 'team/web': {} };
      for (const [repo, tags] of SEED) {
        const image = await pushImage(reg, repo, tags, { salt: `e2e-policy-${repo}:${tags.join(',')}` });
        for (const tag of tags) seeded[repo][tag] = image.digest;
      }
      for (const repo of REPOSITORIES) assert.deepEqual(await rawTagDigests(raw, repo), seeded[repo], `${repo} is as seeded`);

      // What the policy does, worked out on its own: the tag the workspace deploys stays, whatever its place.
      const where = (repo: string) => `${reg.host}/${repo}`;
      const expected: Record<string, Record<string, Fate>> = {
        'team/api': { ...expectedPrune(seeded['team/api'], RANGE, KEEP).fate, [DEPLOYED]: 'keep' },
        'team/web': expectedPrune(seeded['team/web'], RANGE, KEEP).fate,
      };
      const deleted = (repo: string) => Object.keys(expected[repo]).filter((tag) => expected[repo][tag] === 'delete').sort();
      assert.deepEqual(deleted('team/api'), ['1.1.0'], 'the deployed 1.0.0 would be deleted by the rule alone');
      assert.equal(expectedPrune(seeded['team/api'], RANGE, KEEP).fate[DEPLOYED], 'delete');
      assert.deepEqual(deleted('team/web'), ['0.9.0', '1.0.0']);
      log(`expected: ${JSON.stringify(expected)}`);

      // The workspace: a deployment of team/api:1.0.0, and the policy (written before the registry is added, so the
      // extension's file watcher has long seen the deployment when the policy is planned).
      const deployLines = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: api', 'spec:', '  template:', '    spec:', '      containers:', '        - name: api', `          image: ${reg.host}/team/api:${DEPLOYED}`, ''];
      const deployLine = deployLines.findIndex((l) => l.includes('image:')) + 1;
      mkdirSync(join(server.workspace, dirname(DEPLOY_FILE)), { recursive: true });
      writeFileSync(join(server.workspace, DEPLOY_FILE), deployLines.join('\n'));
      const policyLines = [
        '# Which images the team keeps: Preview and Apply sit above the rules.',
        'rules:',
        `  - registry: ${reg.host}`,
        '    repositories: ["team/*"]',
        `    semver: "${RANGE}"`,
        `    keep: ${KEEP}`,
        '',
      ];
      const keepLine = policyLines.findIndex((l) => l.startsWith('    keep:')) + 1;
      writeFileSync(join(server.workspace, POLICY_FILE), policyLines.join('\n'));

      // The editor area as a person starts from: the Cleanup Preview an earlier flow left open (and focused) closed.
      await runCommand(page, 'View: Close All Editors');
      await addOpenRegistry(page, reg.host);

      // The policy in the editor, through Quick Open: Preview and Apply above `rules:`.
      await quickOpen(page, POLICY_FILE);
      await codeLens(page, 'Preview').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await codeLens(page, 'Apply').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await waitForEditorLine(page, keepLine, `    keep: ${KEEP}`);

      // A typo under keep: the diagnostic names the field and the line, in the Problems panel and as a squiggle.
      await goToLine(page, keepLine);
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('kep: 2');
      await page.keyboard.press('Escape'); // a word suggestion may be open
      const typoLine = keepLine + 1;
      await waitForEditorLine(page, typoLine, '    kep: 2'); // on its own line, indented as the rule
      const panel = await showProblems(page);
      const problem = panel.locator('.monaco-list-row', { hasText: 'rules[0].kep' }).first();
      await problem.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      const problems = await problemRows(panel);
      log(`problems: ${JSON.stringify(problems)}`);
      assert.equal(problems.length, 1, `one problem: ${JSON.stringify(problems)}`);
      assert.match(problems[0].message, /^rules\[0\]\.kep: unknown key "kep" \(did you mean keep\?\); a rule may have .*Rename it to keep\.$/);
      assert.equal(problems[0].severity, 'error');
      assert.equal(problems[0].source, 'Registry Explorer');
      assert.equal(problems[0].where, `[Ln ${typoLine}, Col 5]`);
      await activeEditor(page).locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await dismissHovers(page);
      await shot('policy-problem', 'policy-problem.png');

      // Fixed (the line deleted, unsaved): the problem goes once the extension re-checks the text.
      await goToLine(page, typoLine);
      await page.keyboard.press('Control+Shift+K');
      await waitForEditorLine(page, typoLine, ''); // the typo line is gone
      await problem.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await panel.getByText('No problems have been detected in the workspace.').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await activeEditor(page).locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await runCommand(page, 'View: Hide Panel');

      // Preview: one header per repository, every tag with its fate, the deployed tag kept with its file and line.
      const title = `Cleanup Preview — ${POLICY_FILE}`;
      await clearNotifications(page);
      await codeLens(page, 'Preview').click();
      let frame = await previewFrame(page, title);
      assert.ok((await editorTabs(page)).includes(title), `the tab is titled ${title}: ${JSON.stringify(await editorTabs(page))}`);
      const total = SEED.flatMap(([, tags]) => tags).length;
      const rows = await waitForGroupedRows(frame, `${total} tags under 2 headers, with sizes`, (r) => r.length === total && r.every((x) => x.size !== 'unknown'));
      const headers = await groupHeaders(frame);
      assert.deepEqual(headers.map((h) => h.where), REPOSITORIES.map(where), 'a header per repository, in order');
      for (const h of headers) assert.match(h.rule, /^rule 1 \(line 3\): /, `${h.where}: the rule that planned it, with its line`);
      for (const repo of REPOSITORIES) {
        const shown = Object.fromEntries(rows.filter((r) => r.group === where(repo)).map((r) => [r.tag, r.fate]));
        assert.deepEqual(shown, expected[repo], `${where(repo)}: every tag under its header, with its fate`);
      }
      const deployed = rows.find((r) => r.group === where('team/api') && r.tag === DEPLOYED)!;
      assert.match(deployed.reason, new RegExp(`used in ${DEPLOY_FILE.replace('.', '\\.')}:${deployLine}$`), `the deployed tag says where: "${deployed.reason}"`);
      assert.equal(deployed.keep, 'none', 'a deployed tag is not offered for deletion');
      assert.match(headers[0].summary, /^delete 1 image \(1 tag\) · /);
      assert.match(headers[1].summary, /^delete 2 images \(2 tags\) · /);
      assert.equal(((await frame.locator('#delete').textContent()) ?? '').trim(), 'Delete 3 images');
      await page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^Planning / }).waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
      await dismissHovers(page);
      await shot('policy-preview', 'policy-preview.png');
      await closeTab(page, title);
      for (const repo of REPOSITORIES) assert.deepEqual(await rawTagDigests(raw, repo), seeded[repo], `closing the preview deleted nothing in ${repo}`);

      // Apply: the one confirmation at once, with the count per repository; the run finishes in the panel.
      await page.locator('.tabs-container .tab.active', { hasText: POLICY_FILE }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await codeLens(page, 'Apply').click();
      const modal = await waitForDialog(page, 30_000);
      assert.equal(modal.message, 'Delete 3 images (3 tags) from 2 repositories?');
      assert.ok(modal.detail.startsWith(`${where('team/api')}: 1 image (1 tag)\n${where('team/web')}: 2 images (2 tags)\n`), modal.detail);
      assert.match(modal.detail, /You can undo this from the result or from Recently Deleted\./);
      await shot('policy-apply-confirm');
      await clickDialogButton(page, 'Delete');
      frame = await previewFrame(page, title);
      await frame.locator('#result h2', { hasText: 'Deleted 3 of 3 images (3 tags).' }).waitFor({ state: 'visible', timeout: 60_000 });
      const after = await groupedRows(frame);
      for (const r of after) assert.equal(r.status, r.fate === 'delete' ? 'deleted' : '', `${r.group}:${r.tag}: its result in the panel`);
      assert.deepEqual((await groupHeaders(frame)).map((h) => h.status), ['Deleted 1 of 1 image (1 tag).', 'Deleted 2 of 2 images (2 tags).']);
      for (const repo of REPOSITORIES) {
        const left = await rawTagDigests(raw, repo);
        const kept = Object.fromEntries(Object.entries(seeded[repo]).filter(([tag]) => !deleted(repo).includes(tag)));
        assert.deepEqual(left, kept, `${repo} lost exactly ${deleted(repo).join(', ')}`);
      }
      await shot('policy-applied');

      // Undo from the result: every tag back on the same image, and a summary per repository.
      await clearNotifications(page);
      await frame.locator('#result').getByRole('button', { name: 'Undo' }).click();
      // One summary for the whole Undo, a sentence per repository (read in the notification center: the restores'
      // progress notifications may keep it from showing as a toast for a moment).
      const summaries = [REPOSITORIES.map((repo) => `Restored ${restoredWords(deleted(repo).length)} in ${where(repo)}.`).join(' ')];
      await waitForNotificationsInCenter(page, summaries, 30_000);
      // The restores' progress notifications leave the center a moment after they end (VS Code shows them a minimum time).
      const center = page.locator('.notifications-center .notification-list-item-message');
      await center.filter({ hasText: /^(Restoring|Checking what)/ }).first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      const listed = (await center.allInnerTexts()).map((m) => m.trim());
      log(`after Undo: ${JSON.stringify(listed)}`);
      assert.deepEqual(listed, summaries, 'the notifications since Undo: one summary naming every repository, nothing else');
      for (const repo of REPOSITORIES) assert.deepEqual(await rawTagDigests(raw, repo), seeded[repo], `${repo}: every tag back, on the same digest`);
      await shot('policy-undone');

      await closeTab(page, title);
      await closeTab(page, POLICY_FILE); // saved: no question
      await clearNotifications(page);
    } finally {
      for (const path of written) rmSync(path, { recursive: true, force: true });
      await reg.stop();
    }
  },
};

export const flows: Flow[] = [policyFlow];
