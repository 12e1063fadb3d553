// The browser end-to-end flows (issue 4), run in order by run-e2e.ts in one page of one browser context against
// the packaged extension. Each is a user story driven through the real UI (palette, quick inputs, context menus,
// modal dialogs, notifications) and checks both what the screen shows and what the registry holds afterwards,
// read over plain HTTP (./registry-http.ts). Flows that change a registry get a fresh one of their own.
//   1 empty state → 2 Add Registry (Basic) → 3 tree → 4 Copy Digest → 5 Delete Image → 6 deletion disabled →
//   7 Prune → 8 Open Manifest → 9 a hosted registry (fake ACR, ./hosted.ts) → the wizards (./wizard-flows.ts) →
//   actions and keys (./actions-flows.ts) → the Cleanup Preview (./preview-flows.ts) → a retention policy file
//   (./policy-flows.ts)
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Flow } from './run-e2e';
import type { HostFixture } from '../extension/fixture';
import type { TestConfig, TestRegistryInfo } from '../extension/host-channel';
import { startRegistry, type RegistryAuth, type TestRegistry } from '../support/registry';
import { seedStandard, type StandardDataset } from '../support/seed';
import { flows as actionFlows } from './actions-flows';
import { hostedAcr, startHostedAcr, withHostedAcr } from './hosted';
import { hostedHub } from './hosted-hub';
import { flows as policyFlows } from './policy-flows';
import { flows as previewFlows } from './preview-flows';
import { flows as wizardFlows } from './wizard-flows';
import { expectedPrune, expectedTagOrder, without, type Fate } from './expectations';
import { rawCatalog, rawDigest, rawManifest, rawTagDigests, rawTags, type RawTarget } from './registry-http';
import { previewFrame, previewTitle, tableRows } from './preview-steps';
import {
  addOpenRegistry,
  addRegistryThroughPalette,
  answerAddRegistry,
  answerStep,
  collapseAll,
  filesContaining,
  longTasks,
  pressQuickPickOk,
  readClipboard,
  readUserSettings,
  rowsAtLevel,
  scrollTreeTo,
  startLongTaskRecorder,
  stepValue,
  VIEW,
  waitForQuickInputTitle,
  waitForRowGone,
  waitForStepMessage,
  waitForToastGone,
  widenSideBar,
} from './steps';
import {
  activeEditorText,
  clearNotifications,
  clickDialogButton,
  collapseRow,
  contextMenu,
  dismissHovers,
  editorTabs,
  expandRow,
  notificationSeverity,
  openViewContainer,
  pickOption,
  quickInput,
  runCommand,
  treeRow,
  UI_TIMEOUT,
  viewPane,
  waitForDialog,
  waitForNotification,
  waitForQuickInputClosed,
  waitForTreeRow,
  waitForWorkbench,
} from './vscode-page';

// ---------------------------------------------------------------- registries

interface Plan {
  name: 'basic' | 'delete' | 'nodelete' | 'prune';
  auth: RegistryAuth;
  big: boolean;
  deleteEnabled: boolean;
}

/** basic: Basic auth with the whole dataset (1050-tag `big` too); the others: open, fresh, one per flow. */
const PLANS: Plan[] = [
  { name: 'basic', auth: 'basic', big: true, deleteEnabled: true },
  { name: 'delete', auth: 'none', big: false, deleteEnabled: true },
  { name: 'nodelete', auth: 'none', big: false, deleteEnabled: false },
  { name: 'prune', auth: 'none', big: false, deleteEnabled: true },
];

/** Starts and seeds the registries. The first seed of each variant pushes; the others copy its storage. */
export async function fixture(workspace: string): Promise<HostFixture> {
  const started: TestRegistry[] = [];
  let stopAcr = async () => {};
  const stop = async () => {
    await Promise.all([...started.map((r) => r.stop()), stopAcr()]);
  };
  try {
    const regs = await Promise.all(
      PLANS.map(async (p) => {
        const r = await startRegistry({ auth: p.auth, deleteEnabled: p.deleteEnabled });
        started.push(r);
        return r;
      }),
    );
    const datasets: StandardDataset[] = [];
    const seed = async (i: number) => {
      datasets[i] = await seedStandard(regs[i], { big: PLANS[i].big });
    };
    const acr = startHostedAcr().then((a) => {
      stopAcr = a.stop;
      return a.info;
    });
    const seeded = (async () => {
      await Promise.all([seed(0), seed(1)]);
      await Promise.all([seed(2), seed(3)]);
    })();
    // Both settle before a failure is thrown, so stop() finds everything that was started.
    const [acrOutcome, seedOutcome] = await Promise.allSettled([acr, seeded]);
    if (seedOutcome.status === 'rejected') throw seedOutcome.reason;
    if (acrOutcome.status === 'rejected') throw acrOutcome.reason;
    const acrInfo = acrOutcome.value;
    const registries: Record<string, TestRegistryInfo> = {};
    PLANS.forEach((p, i) => {
      const user = regs[i].users[0];
      registries[p.name] = {
        url: regs[i].url,
        host: regs[i].host,
        auth: p.auth,
        ...(p.auth !== 'none' && user ? { username: user.username, password: user.password } : {}),
        dataset: datasets[i],
      };
    });
    return { config: withHostedAcr({ workspace, registries }, acrInfo), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** VS Code starts with no registry configured: flow 1 shows the empty state. */
export function settings(): Record<string, unknown> {
  return {};
}

function registry(config: TestConfig, name: Plan['name']): { info: TestRegistryInfo; raw: RawTarget; dataset: StandardDataset } {
  const info = config.registries[name];
  assert.ok(info, `the fixture started no ${name} registry`);
  const raw: RawTarget = { url: info.url, username: info.username, password: info.password };
  return { info, raw, dataset: info.dataset as StandardDataset };
}

// ---------------------------------------------------------------- shared steps

const DIGEST = /sha256:[0-9a-f]{64}/;
const SIDEBAR_WIDTH = 500;
/** VS Code's side bar width on a window this wide when nobody has dragged it. */
const DEFAULT_SIDEBAR_WIDTH = 300;

/** `sha256:` and 12 hex digits, as the tree shows it. */
const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12);
/** `sha256:975164…e3af826e`, as the dialogs name an image. */
const middle = (digest: string) => `sha256:${digest.slice(7, 13)}…${digest.slice(-8)}`;

/** Expands registry → repository and waits until every tag row shows its short digest. */
async function openRepository(page: Page, host: string, repository: string): Promise<{ label: string; description: string }[]> {
  await openViewContainer(page, VIEW);
  await expandRow(page, host, { view: VIEW });
  await expandRow(page, repository, { view: VIEW });
  const allResolved = `(() => {
    const tags = [...document.querySelectorAll('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="3"]')];
    return tags.length > 0 && tags.every((r) => /\\bsha256:[0-9a-f]{12}$/.test(r.querySelector('.label-description')?.textContent?.trim() ?? ''));
  })()`;
  await page
    .waitForFunction(allResolved, undefined, { timeout: UI_TIMEOUT })
    .catch(async () => {
      throw new Error(`the tags of ${repository} never all showed a digest: ${JSON.stringify(await rowsAtLevel(page, 3))}`);
    });
  return rowsAtLevel(page, 3);
}

/** Waits until every tag row shown says its age and size (read in the background on a V2 registry). */
async function waitForRowDetails(page: Page): Promise<void> {
  const allRead = `(() => {
    const tags = [...document.querySelectorAll('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="3"]')];
    return tags.length > 0 && tags.every((r) => / ago · .+ · sha256:[0-9a-f]{12}$/.test(r.querySelector('.label-description')?.textContent?.trim() ?? ''));
  })()`;
  await page.waitForFunction(allRead, undefined, { timeout: UI_TIMEOUT }).catch(async () => {
    throw new Error(`the tag rows never all showed age and size: ${JSON.stringify(await rowsAtLevel(page, 3))}`);
  });
}

function registriesSetting(userDataDir: string): unknown[] {
  const value = readUserSettings(userDataDir)['registryExplorer.registries'];
  return Array.isArray(value) ? value : [];
}

// ---------------------------------------------------------------- the flows

const emptyState: Flow = {
  name: 'empty state: the welcome view and its buttons',
  slug: 'empty-state',
  async run({ page, server, config, shot }) {
    const { raw, dataset } = registry(config, 'basic');
    await openViewContainer(page, VIEW);
    await widenSideBar(page, SIDEBAR_WIDTH);
    const pane = viewPane(page, VIEW);
    const welcome = pane.locator('.welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const text = await welcome.innerText();
    assert.match(text, /No container registry is configured yet\./);
    assert.match(text, /passwords and tokens only in VS Code's secret storage/);
    const add = welcome.getByRole('button', { name: 'Add Registry…' });
    const importButton = welcome.locator('a', { hasText: 'import the registries you have logged in to with docker' });
    assert.ok(await add.isVisible(), 'the welcome view offers "Add Registry…"');
    assert.equal(await welcome.locator('.monaco-button').count(), 1, 'one primary button');
    assert.ok(await importButton.isVisible(), 'the welcome view links the docker import');
    assert.ok(await welcome.locator('a', { hasText: 'registryExplorer.registries' }).isVisible(), 'the welcome view links the setting');
    assert.equal(await pane.locator('.monaco-list-row[role="treeitem"]').count(), 0, 'no registry row in the empty state');
    await shot('welcome-view', 'welcome.png');

    // Import from Docker Config: the run's docker config is empty, and it says so.
    await importButton.click();
    const toast = await waitForNotification(page, 'The docker config has no registry logins (docker login adds them).');
    assert.equal(await notificationSeverity(toast), 'info');
    await shot('import-nothing-to-import');
    await clearNotifications(page);

    // Add Registry…: the wizard opens at its first step; Escape leaves everything as it was.
    await add.click();
    await waitForQuickInputTitle(page, 'Add Registry (1/2)');
    assert.match(await quickInput(page).locator('.quick-input-message').innerText(), /Registry address/);
    await shot('add-registry-step-1');
    await page.keyboard.press('Escape');
    await waitForQuickInputClosed(page);
    await welcome.waitFor({ state: 'visible', timeout: UI_TIMEOUT });

    assert.deepEqual(registriesSetting(server.userDataDir), [], 'nothing was written to the user settings');
    assert.deepEqual((await rawCatalog(raw)).sort(), dataset.names, 'the registry is as seeded');
  },
};

const addRegistryBasic: Flow = {
  name: 'Add Registry with Basic auth through the palette; a wrong password saves nothing; signed in after a reload',
  slug: 'add-registry',
  async run({ page, server, config, shot, log }) {
    const { info, raw, dataset } = registry(config, 'basic');
    const username = info.username!;
    const password = info.password!;
    const wrong = `${password}-wrong`;
    // The wrong password really is wrong, and the right one right (so the UI is judged, not the fixture).
    assert.equal((await fetch(`${info.url}/v2/`, { headers: { Authorization: `Basic ${Buffer.from(`${username}:${wrong}`).toString('base64')}` } })).status, 401);
    assert.deepEqual((await rawCatalog(raw)).sort(), dataset.names);

    await clearNotifications(page);
    await answerAddRegistry(page, info.host, { username, password: wrong });
    // The wizard comes back to the password step (the user name kept) and says why; Escape saves nothing.
    const message = await waitForStepMessage(page, /rejected the credentials/);
    log(`wrong password: "${message}"`);
    await waitForToastGone(page, /^Connecting to/);
    assert.match(message, new RegExp(`rejected the credentials for user ${username}`));
    assert.ok(!message.includes(wrong) && !message.includes(password), 'the error shows no password');
    assert.equal(await stepValue(page), '', 'the refused password is not filled in again');
    await shot('wrong-password-error');
    await page.keyboard.press('Escape');
    await waitForQuickInputClosed(page);
    assert.deepEqual(registriesSetting(server.userDataDir), [], 'a failed login saves no registry');
    await viewPane(page, VIEW).locator('.welcome-view-content').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await clearNotifications(page);

    await addRegistryThroughPalette(page, info.host, { username, password });
    await waitForNotification(page, `Added ${info.host}.`);
    const row = await waitForTreeRow(page, info.host, { view: VIEW });
    assert.equal((await row.locator('.label-description').innerText()).trim(), username);
    await shot('registry-added');
    assert.deepEqual(registriesSetting(server.userDataDir), [{ url: info.host, username }], 'the registry and user are in the user settings');
    assert.deepEqual(filesContaining(server.userDataDir, password), [], 'the password is in no file of VS Code (only in SecretStorage)');
    await clearNotifications(page);

    // Reload in the same browser context: the login comes back from SecretStorage.
    await page.reload();
    await waitForWorkbench(page);
    await openViewContainer(page, VIEW);
    await widenSideBar(page, SIDEBAR_WIDTH);
    await expandRow(page, info.host, { view: VIEW });
    await waitForTreeRow(page, 'app', { view: VIEW, timeout: 30_000 });
    const repos = (await rowsAtLevel(page, 2)).map((r) => r.label);
    assert.deepEqual(repos, (await rawCatalog(raw)).sort(), 'the repositories shown are the catalog (signed in after the reload)');
    await shot('after-reload-signed-in');
  },
};

const browseTree: Flow = {
  name: 'expand registry → repositories → tags: semver order, short digests, full digest in the tooltip; 1050 tags with Load more',
  slug: 'browse',
  async run({ page, config, shot, log }) {
    const { info, raw } = registry(config, 'basic');
    await collapseAll(page);
    const rows = await openRepository(page, info.host, 'app');
    const tags = await rawTags(raw, 'app');
    assert.deepEqual(rows.map((r) => r.label), expectedTagOrder(tags), 'tags in semver order, newest first, then the rest A→Z');
    const digests = await rawTagDigests(raw, 'app');
    for (const r of rows) {
      const shown = r.description.split(' · ').pop();
      assert.equal(shown, short(digests[r.label]), `${r.label} shows the short form of its digest`);
      const sharing = Object.keys(digests).filter((t) => t !== r.label && digests[t] === digests[r.label]);
      if (sharing.length > 0) assert.match(r.description, new RegExp(`^= ${sharing[0]}${sharing.length > 1 ? ` \\+${sharing.length - 1}` : ''} · `), `${r.label} names the tags on the same image first`);
    }
    assert.match(rows.find((r) => r.label === '2.0.0')!.description, /^= latest · /);

    // Age and size arrive in the background; each arrival redraws the rows (and would close a hover opened before).
    await waitForRowDetails(page);
    // The tooltip of 2.0.0 has the full digest and says which tag shares it.
    await dismissHovers(page);
    const tagRow = treeRow(page, '2.0.0', VIEW).first();
    const hover = page.locator('.monaco-hover.workbench-hover').filter({ hasText: DIGEST }).first();
    // A row redrawn while its tooltip resolves (the last details coalesce for a moment) drops that hover, as it would
    // for a person, who hovers again: so does the test, a few times.
    for (let attempt = 1; ; attempt++) {
      await tagRow.locator('.monaco-icon-label').first().hover();
      const shown = await hover.waitFor({ state: 'visible', timeout: 4000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt === 4) throw new Error('the tooltip of 2.0.0 never showed its digest');
      await dismissHovers(page);
      await page.mouse.move(0, 0);
    }
    const tip = (await hover.innerText()).replace(/\u00a0/g, ' '); // the tooltip's plain text keeps its spaces as &nbsp;
    assert.ok(tip.includes(digests['2.0.0']), `the tooltip shows the full digest ${digests['2.0.0']}: ${tip}`);
    assert.match(tip, /Same image as: latest/);
    assert.match(tip, /application\/vnd\.oci\.image\.manifest\.v1\+json/);
    await shot('tags-with-tooltip', 'tree.png');
    await dismissHovers(page);

    // At VS Code's default side bar width the row still shows its shared-tag badge: it leads the description, and
    // what gets cut off is the digest at its end.
    await widenSideBar(page, DEFAULT_SIDEBAR_WIDTH);
    const badge = await tagRow.evaluate((row) => {
      const text = row.querySelector('.label-description')?.firstChild;
      const clip = row.querySelector('.monaco-icon-label-container') ?? row;
      if (!text) return { shown: '', fits: false };
      const range = row.ownerDocument.createRange();
      range.setStart(text, 0);
      range.setEnd(text, Math.min('= latest'.length, text.textContent?.length ?? 0));
      return { shown: range.toString(), fits: range.getBoundingClientRect().right <= clip.getBoundingClientRect().right };
    });
    assert.deepEqual(badge, { shown: '= latest', fits: true }, 'the "= latest" badge is visible at the default width');
    await shot('tags-default-width');
    await widenSideBar(page, SIDEBAR_WIDTH);

    // big: 1050 tags. The first page shows at once, the page stays responsive, and Load more offers the rest.
    const bigTags = await rawTags(raw, 'big');
    assert.equal(bigTags.length, 1050);
    const order = expectedTagOrder(bigTags);
    await collapseRow(page, 'app', { view: VIEW });
    await page.locator('.part.sidebar .monaco-list-row[aria-level="3"]').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await startLongTaskRecorder(page);
    const t0 = Date.now();
    await expandRow(page, 'big', { view: VIEW });
    await waitForTreeRow(page, order[0], { view: VIEW });
    const firstPageMs = Date.now() - t0;
    const top = (await rowsAtLevel(page, 3)).slice(0, 5).map((r) => r.label);
    assert.deepEqual(top, order.slice(0, 5), 'the newest versions come first');
    assert.match(await treeRow(page, 'big', VIEW).first().locator('.label-description').innerText(), /1050 tags/);
    const more = await scrollTreeTo(page, 'Load more…');
    assert.match(await more.locator('.label-description').innerText(), /950 more/);
    await shot('big-repository-load-more');
    // The rows redraw as their ages and sizes arrive; a click that lands as its row is replaced is lost, and a person
    // clicks again: so does the test, once, and says so.
    await more.locator('.label-name').click();
    const shownNow = await waitForTreeRow(page, order[100], { view: VIEW, timeout: 5000 }).then(() => true, () => false);
    if (!shownNow) {
      log('Load more… needed a second click (the first landed on a row being redrawn)');
      await (await scrollTreeTo(page, /Load more….*950 more/)).locator('.label-name').click();
    }
    await waitForTreeRow(page, order[100], { view: VIEW }); // the 101st version is shown now
    await scrollTreeTo(page, /Load more….*850 more/); // and the node moved down a page
    const tasks = await longTasks(page);
    log(`1050-tag repository: first page in ${firstPageMs} ms; longest main-thread task ${tasks.longest} ms (${tasks.count} over 50 ms)`);
    assert.ok(firstPageMs < 10_000, `the first page of tags took ${firstPageMs} ms`);
    assert.ok(tasks.longest < 1000, `the page froze for ${tasks.longest} ms`);
    assert.equal((await rawTags(raw, 'big')).length, 1050, 'browsing changed nothing');
  },
};

const copyDigest: Flow = {
  name: 'Copy Digest puts the exact digest on the clipboard',
  slug: 'copy-digest',
  async run({ page, config, shot, log }) {
    const { info, raw, dataset } = registry(config, 'basic');
    await collapseAll(page);
    await openRepository(page, info.host, 'app');
    await page.evaluate('navigator.clipboard.writeText("nothing copied yet")');
    await contextMenu(page, '2.1.0', 'Copy Digest', { view: VIEW });
    const expected = await rawDigest(raw, 'app', '2.1.0');
    assert.equal(expected, dataset.repositories.app.tags['2.1.0'], 'the registry holds the seeded digest');
    await page.locator('.part.statusbar').getByText(`Copied ${expected}`).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    let copied = await readClipboard(page);
    log(`clipboard: ${copied}`);
    assert.equal(copied, expected);
    await shot('digest-copied');

    // And where a user would put it: pasted into an editor.
    await runCommand(page, 'File: New Untitled Text File');
    await page.locator('.editor-group-container.active .monaco-editor textarea').first().waitFor({ state: 'attached', timeout: UI_TIMEOUT });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+V');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: expected! }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    copied = (await activeEditorText(page)).trim();
    assert.equal(copied, expected);
    await runCommand(page, 'View: Revert and Close Editor');
  },
};

const deleteImage: Flow = {
  name: 'Delete Image on a tag that shares its digest with latest: modal names both, Cancel deletes nothing, Delete removes both, GC hint',
  slug: 'delete-image',
  async run(ctx) {
    const { page, config, shot } = ctx;
    const { info, raw, dataset } = registry(config, 'delete');
    const seeded = dataset.repositories.app.tags;
    const digest = seeded['2.0.0'];
    assert.equal(seeded.latest, digest, 'the dataset has latest on the image of 2.0.0');
    await addOpenRegistry(ctx.page, info.host);
    await openRepository(page, info.host, 'app');

    await contextMenu(page, '2.0.0', 'Delete Image…', { view: VIEW });
    const modal = await waitForDialog(page, 30_000);
    assert.equal(modal.message, `Delete 1 image from ${info.host}/app? It takes 2 tags with it.`);
    assert.ok(modal.detail.includes(`Deleting ${middle(digest)} removes 2 tags: 2.0.0, latest`), modal.detail);
    assert.match(modal.detail, /You can undo this from the result or from Recently Deleted\./);
    assert.match(modal.detail, /It frees up to \d+(\.\d+)? (B|KiB|MiB) after garbage collection/, 'the modal says what the deletion frees');
    assert.ok(modal.buttons.includes('Delete') && modal.buttons.includes('Cancel'), JSON.stringify(modal.buttons));
    await waitForToastGone(page, /^Finding every tag/);
    await shot('delete-modal', 'delete-confirm.png');

    await clickDialogButton(page, 'Cancel');
    assert.deepEqual(await rawTagDigests(raw, 'app'), seeded, 'Cancel deleted nothing');
    await waitForTreeRow(page, '2.0.0', { view: VIEW });
    await waitForTreeRow(page, 'latest', { view: VIEW });

    await clearNotifications(page);
    await contextMenu(page, '2.0.0', 'Delete Image…', { view: VIEW });
    await waitForDialog(page, 30_000);
    await clickDialogButton(page, 'Delete');
    const done = await waitForNotification(page, 'Deleted 1 image (2 tags: 2.0.0, latest).', 30_000);
    const text = await done.locator('.notification-list-item-message').innerText();
    assert.match(text, /garbage collection/);
    await done.getByRole('button', { name: 'About Garbage Collection' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await waitForRowGone(page, '2.0.0');
    await waitForRowGone(page, 'latest');
    await waitForTreeRow(page, '2.1.0', { view: VIEW });
    await waitForToastGone(page, /^Deleting images/);
    await shot('deleted-with-gc-hint');

    assert.deepEqual(await rawTagDigests(raw, 'app'), without(seeded, ['2.0.0', 'latest']), 'the registry lost exactly 2.0.0 and latest');
    assert.equal(await rawDigest(raw, 'app', digest), undefined, 'the image itself is gone');
    const shown = (await rowsAtLevel(page, 3)).map((r) => r.label);
    assert.deepEqual(shown, expectedTagOrder(Object.keys(without(seeded, ['2.0.0', 'latest'])))) ;
    await clearNotifications(page);
  },
};

const deleteDisabled: Flow = {
  name: 'Delete on a registry with deletion disabled: the message says so and nothing changes',
  slug: 'delete-disabled',
  async run(ctx) {
    const { page, config, shot } = ctx;
    const { info, raw, dataset } = registry(config, 'nodelete');
    const seeded = dataset.repositories.app.tags;
    await addOpenRegistry(ctx.page, info.host);
    const before = await openRepository(page, info.host, 'app');

    await contextMenu(page, '1.0.0', 'Delete Image…', { view: VIEW });
    const modal = await waitForDialog(page, 30_000);
    assert.ok(modal.detail.includes(`Deleting ${middle(seeded['1.0.0'])} removes 1 tag: 1.0.0`), modal.detail);
    await clickDialogButton(page, 'Delete');
    const toast = await waitForNotification(page, `deletion is disabled on ${info.host}`, 30_000);
    assert.equal(await notificationSeverity(toast), 'error');
    const text = await toast.locator('.notification-list-item-message').innerText();
    assert.match(text, /storage\.delete\.enabled|REGISTRY_STORAGE_DELETE_ENABLED/, `the message says how to enable deletion: ${text}`);
    assert.equal(await page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^Deleted / }).count(), 0, 'no "Deleted" message');
    await waitForToastGone(page, /^Deleting images/);
    await shot('deletion-disabled');

    assert.deepEqual(await rawTagDigests(raw, 'app'), seeded, 'the registry is unchanged');
    const after = await openRepository(page, info.host, 'app');
    const digests = (list: { label: string; description: string }[]) => list.map((r) => `${r.label} ${r.description.split(' · ').pop()}`);
    assert.deepEqual(digests(after), digests(before), 'the tree is unchanged');
    await clearNotifications(page);
  },
};

const prune: Flow = {
  name: 'Prune through the palette (<2.0.0, keep 1): the Cleanup Preview lists every tag, the registry keeps exactly the rest',
  slug: 'prune',
  async run(ctx) {
    const { page, config, shot, log } = ctx;
    const { info, raw, dataset } = registry(config, 'prune');
    const seeded = dataset.repositories.app.tags;
    assert.deepEqual(await rawTagDigests(raw, 'app'), seeded);
    const range = '<2.0.0';
    const keep = 1;
    const expected = expectedPrune(seeded, range, keep);
    log(`expected: ${JSON.stringify(expected.fate)}`);
    await addOpenRegistry(ctx.page, info.host);

    await runCommand(page, 'Registry Explorer: Prune Tags by Semver…');
    await pickOption(page, info.host); // several registries are configured by now
    await waitForQuickInputTitle(page, `Prune ${info.host}`);
    await pickOption(page, 'app');
    await quickInput(page).locator('.quick-input-list .label-name', { hasText: 'loose' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await pickOption(page, 'semver'); // the versioning step: these tags are strict semver
    await quickInput(page).locator('.quick-input-message', { hasText: 'Delete tags in this semver range' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await answerStep(page, `Prune ${info.host}/app`, range);
    await waitForQuickInputTitle(page, `Prune ${info.host}/app`);
    await quickInput(page).locator('.quick-input-message', { hasText: 'Keep the N newest' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await answerStep(page, `Prune ${info.host}/app`, String(keep));
    await pickOption(page, 'In the whole range');
    await quickInput(page).locator('.quick-input-list .label-name', { hasText: 'Include prereleases' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await pressQuickPickOk(page); // no options

    // The Cleanup Preview (test/e2e/preview-flows.ts has its own flows; the README's pictures come from there).
    const frame = await previewFrame(page, previewTitle(info.host, 'app'));
    await waitForToastGone(page, /^Reading the tags/);
    const fates: Record<string, Fate> = {};
    for (const row of await tableRows(frame)) {
      fates[row.tag] = row.fate as Fate;
      assert.equal(row.keep, row.fate === 'delete' ? 'unchecked' : 'none', `${row.tag} offers "keep this one" only when it is deleted`);
    }
    assert.deepEqual(fates, expected.fate, 'the preview lists every tag with the expected fate');
    await shot('prune-preview');

    const deleted = Object.keys(expected.fate).filter((t) => expected.fate[t] === 'delete');
    const kept = Object.keys(expected.fate).filter((t) => expected.fate[t] === 'keep').length;
    const skipped = Object.keys(expected.fate).filter((t) => expected.fate[t] === 'skip').length;
    const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const images = count(expected.images, 'image');
    const tagsWord = count(deleted.length, 'tag');
    await frame.getByRole('button', { name: `Delete ${images}` }).click();
    const modal = await waitForDialog(page);
    assert.equal(modal.message, `Delete ${images} (${tagsWord}) from ${info.host}/app?`);
    assert.ok(modal.detail.startsWith(`${images} (${tagsWord}) will be deleted; ${count(kept, 'tag')} will be kept and ${count(skipped, 'tag')} skipped.`), modal.detail);
    await shot('prune-confirm');
    await clickDialogButton(page, 'Delete');

    await frame.locator('#result h2', { hasText: `Deleted ${expected.images} of ${images} (${tagsWord}).` }).waitFor({ state: 'visible', timeout: 60_000 });
    for (const row of await tableRows(frame)) assert.equal(row.status, row.fate === 'delete' ? 'deleted' : '', `${row.tag}: its result in the panel`);

    const after = await rawTagDigests(raw, 'app');
    assert.deepEqual(Object.keys(after).sort(), expected.remaining, 'the registry holds exactly the tags the policy keeps');
    for (const tag of expected.remaining) assert.equal(after[tag], seeded[tag], `${tag} still points at its image`);
    const rows = await openRepository(page, info.host, 'app');
    assert.deepEqual(rows.map((r) => r.label), expectedTagOrder(expected.remaining), 'the tree shows what is left');
    await shot('prune-summary');
    await clearNotifications(page);
  },
};

const openManifest: Flow = {
  name: 'Open Manifest on a multi-arch tag shows the JSON of its OCI index',
  slug: 'open-manifest',
  async run({ page, config, shot }) {
    const { info, raw, dataset } = registry(config, 'basic');
    const multi = dataset.repositories.multi;
    const index = multi.manifests[multi.tags['1.0.0']];
    assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json', 'multi:1.0.0 is seeded as an OCI index');
    await collapseAll(page);
    await openRepository(page, info.host, 'multi');
    await contextMenu(page, '1.0.0', 'Open Manifest', { view: VIEW });
    await page.locator('.tabs-container .tab.active', { hasText: 'multi:1.0.0 — manifest' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: 'image.index.v1+json' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.ok((await editorTabs(page)).includes('multi:1.0.0 — manifest'), `the tab is titled for people: ${JSON.stringify(await editorTabs(page))}`);
    const visible = await activeEditorText(page);
    assert.match(visible, /"mediaType": "application\/vnd\.oci\.image\.index\.v1\+json"/);
    // Opening JSON starts VS Code's JSON support: let the status bar settle for the picture.
    await page.locator('.part.statusbar', { hasText: 'Activating Extensions' }).waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    await dismissHovers(page); // the mouse rests where the context menu was
    await shot('oci-index-manifest', 'manifest.png');

    // The whole document, as the user would copy it, is the stored manifest.
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+C');
    const stored = await rawManifest(raw, 'multi', '1.0.0');
    assert.equal(stored.mediaType, index.mediaType);
    assert.equal(stored.digest, index.digest, 'the registry still holds the seeded index');
    await page.waitForFunction('navigator.clipboard.readText().then((t) => t.includes(\'"manifests"\'))', undefined, { timeout: UI_TIMEOUT, polling: 100 });
    const text = await readClipboard(page);
    const shown = JSON.parse(text) as { mediaType: string; manifests: { digest: string; platform: { architecture: string } }[] };
    assert.deepEqual(shown, JSON.parse(stored.body.toString('utf8')), 'the editor shows the stored manifest');
    assert.deepEqual(shown.manifests.map((m) => m.digest), index.children!.map((c) => c.digest));
    assert.deepEqual(shown.manifests.map((m) => m.platform.architecture), ['amd64', 'arm64']);
  },
};

export const flows: Flow[] = [
  emptyState,
  addRegistryBasic,
  browseTree,
  copyDigest,
  deleteImage,
  deleteDisabled,
  prune,
  openManifest,
  hostedAcr,
  hostedHub,
  // Each of these starts (and stops) the registries it needs.
  ...wizardFlows,
  ...actionFlows,
  ...previewFlows,
  ...policyFlows,
];
