// Browser flows for the actions and keys of issue 10, each with a registry of its own (started in the flow, added
// through the palette, removed and stopped at the end): the keyboard on the Registries view (Delete, Ctrl+C, Enter act
// on the row the keyboard is on; on a repository they harm nothing), the one-step Untag (one modal, its words, no
// placeholder left), and Delete Repository from the context menu. Each checks the registry afterwards over plain
// HTTP and its storage on disk.
//   node out/test/e2e/run-e2e.js --link --flows out/test/e2e/actions-flows.js
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { HostFixture } from '../extension/fixture';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { pushImage, type PushedImage } from '../support/seed';
import { rawDigest, rawTagDigests } from './registry-http';
import type { Flow, FlowContext } from './run-e2e';
import { addRegistryThroughPalette, collapseAll, readClipboard, rowsAtLevel, VIEW, waitForRowGone, waitForToastGone, widenSideBar } from './steps';
import {
  clearNotifications,
  clickDialogButton,
  contextMenu,
  dialog,
  dismissHovers,
  escapeAll,
  expandRow,
  menuItems,
  notificationTexts,
  openViewContainer,
  runCommand,
  selectRow,
  treeRow,
  UI_TIMEOUT,
  waitForDialog,
  waitForNotification,
  waitForTreeRow,
} from './vscode-page';

/** The runner starts no registry for these flows: each starts its own. */
export async function fixture(workspace: string): Promise<HostFixture> {
  return { config: { workspace, registries: {} }, stop: async () => {} };
}

/** `sha256:975164…e3af826e`, as the dialogs name an image. */
const middle = (digest: string) => `sha256:${digest.slice(7, 13)}…${digest.slice(-8)}`;
const storedDigests = (reg: TestRegistry, repository: string) => storedRepository(reg.dataDir, repository).manifests.map((m) => m.digest).sort();

/** Starts a registry, seeds it, adds it through the palette (anonymous); `run` gets it; then it is removed and stopped. */
async function withRegistry(ctx: FlowContext, seed: (reg: TestRegistry) => Promise<void>, run: (reg: TestRegistry) => Promise<void>): Promise<void> {
  const { page } = ctx;
  const reg = await startRegistry({ auth: 'none' });
  try {
    await seed(reg);
    await openViewContainer(page, VIEW);
    await widenSideBar(page, 500);
    await clearNotifications(page);
    await addRegistryThroughPalette(page, reg.host);
    await waitForTreeRow(page, reg.host, { view: VIEW, timeout: 30_000 });
    await collapseAll(page);
    await clearNotifications(page);
    await run(reg);
  } finally {
    await removeRegistry(page, reg.host).catch((e: unknown) => ctx.log(`could not remove ${reg.host} from the view: ${String(e)}`));
    await reg.stop();
  }
}

/** Removes the flow's registry from the view (its context menu, then the modal), so the next flow starts clean. */
async function removeRegistry(page: Page, host: string): Promise<void> {
  await escapeAll(page);
  await collapseAll(page);
  await contextMenu(page, host, 'Remove Registry', { view: VIEW });
  await waitForDialog(page);
  await clickDialogButton(page, 'Remove');
  await waitForRowGone(page, host);
}

/** Expands registry → repository and waits until every tag row shows its digest. */
async function openRepository(page: Page, host: string, repository: string): Promise<string[]> {
  await expandRow(page, host, { view: VIEW, timeout: 30_000 });
  await expandRow(page, repository, { view: VIEW, timeout: 30_000 });
  await page.waitForFunction(
    `(() => { const r = [...document.querySelectorAll('.part.sidebar .monaco-list-row[role="treeitem"][aria-level="3"]')];
      return r.length > 0 && r.every((x) => /sha256:[0-9a-f]{12}/.test(x.querySelector('.label-description')?.textContent ?? '')); })()`,
    undefined,
    { timeout: 30_000 },
  );
  return (await rowsAtLevel(page, 3)).map((r) => r.label);
}

/** Clicks a row's label, so the tree has focus and that row alone is selected. */
async function clickRow(page: Page, label: string): Promise<void> {
  await dismissHovers(page);
  await selectRow(page, label, { view: VIEW });
  await page.waitForFunction((el) => el?.getAttribute('aria-selected') === 'true', await treeRow(page, label, VIEW).first().elementHandle(), { timeout: UI_TIMEOUT });
}

/** Which rows of the Registries view are selected (their labels). */
async function selectedRows(page: Page): Promise<string[]> {
  return treeRow(page, /./, VIEW).evaluateAll((rows) => rows.filter((r) => r.getAttribute('aria-selected') === 'true').map((r) => r.querySelector('.label-name')?.textContent?.trim() ?? ''));
}

const keyboard: Flow = {
  name: 'keyboard on the Registries view: Delete opens Delete Image, Ctrl+C copies the image reference, Enter opens the manifest, on the row the keyboard is on; on a repository they harm nothing',
  slug: 'keys',
  async run(ctx) {
    const { page, shot, log } = ctx;
    let images: Record<string, PushedImage> = {};
    await withRegistry(
      ctx,
      async (reg) => {
        images = {
          current: await pushImage(reg, 'app', ['2.0.0', 'latest'], { salt: 'e2e-keys-2' }),
          old: await pushImage(reg, 'app', ['1.0.0'], { salt: 'e2e-keys-1' }),
        };
      },
      async (reg) => {
        const raw = { url: reg.url };
        const before = await rawTagDigests(raw, 'app');
        const rows = await openRepository(page, reg.host, 'app');
        assert.deepEqual(rows, ['2.0.0', '1.0.0', 'latest']);

        // Delete on a tag chosen with the mouse: the Delete Image modal, naming every tag that goes. Cancel.
        await clickRow(page, '2.0.0');
        await page.keyboard.press('Delete');
        let modal = await waitForDialog(page, 30_000);
        assert.equal(modal.message, `Delete 1 image from ${reg.host}/app? It takes 2 tags with it.`);
        assert.ok(modal.detail.includes(`Deleting ${middle(images.current.digest)} removes 2 tags: 2.0.0, latest`), modal.detail);
        await waitForToastGone(page, /^Finding every tag/);
        await shot('delete-key-modal');
        await clickDialogButton(page, 'Cancel');
        assert.deepEqual(await rawTagDigests(raw, 'app'), before, 'Cancel deleted nothing');

        // Ctrl+C: the image reference of the selected tag, by digest.
        await clickRow(page, '2.0.0');
        await page.evaluate('navigator.clipboard.writeText("nothing copied yet")');
        await page.keyboard.press('Control+C');
        const currentRef = `${reg.host}/app@${images.current.digest}`;
        await page.locator('.part.statusbar').getByText(`Copied ${currentRef}`).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
        assert.equal(await readClipboard(page), currentRef);

        // The arrow keys move the focus, not the selection: the keys act on the row the keyboard is on.
        await clickRow(page, '2.0.0');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Control+C');
        const oldRef = `${reg.host}/app@${images.old.digest}`;
        await page.waitForFunction(`navigator.clipboard.readText().then((t) => t === ${JSON.stringify(oldRef)})`, undefined, { timeout: UI_TIMEOUT, polling: 100 }).catch(async () => {
          throw new Error(`Ctrl+C after ArrowDown copied ${await readClipboard(page)}, not 1.0.0's ${oldRef}`);
        });
        assert.deepEqual(await selectedRows(page), ['1.0.0'], 'the row acted on is now the selected one');
        await clickRow(page, '2.0.0');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Delete');
        modal = await waitForDialog(page, 30_000);
        assert.ok(modal.detail.includes(`Deleting ${middle(images.old.digest)} removes 1 tag: 1.0.0`), `Delete after ArrowDown: ${modal.detail}`);
        await clickDialogButton(page, 'Cancel');

        // Enter: the manifest of the tag the keyboard is on, in an editor.
        await clickRow(page, '2.0.0');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: '"schemaVersion"' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
        await page.locator('.tabs-container .tab.active', { hasText: '1.0.0' }).waitFor({ state: 'visible', timeout: UI_TIMEOUT });
        await shot('enter-opens-manifest');
        await runCommand(page, 'View: Close All Editors');
        await clearNotifications(page);

        // On the repository row (reached with the keyboard): Enter expands and collapses it as in any tree, quietly;
        // Delete and Ctrl+C say to select a tag and change nothing.
        await clickRow(page, '2.0.0');
        await page.keyboard.press('ArrowLeft'); // to the parent: app
        const app = treeRow(page, 'app', VIEW).first();
        await page.waitForFunction((el) => el?.classList.contains('focused'), await app.elementHandle(), { timeout: UI_TIMEOUT });
        await page.keyboard.press('Enter');
        log(`app after Enter: aria-expanded=${await app.getAttribute('aria-expanded')}`);
        await waitForRowGone(page, '1.0.0');
        await page.keyboard.press('Enter');
        await waitForTreeRow(page, '1.0.0', { view: VIEW });
        assert.deepEqual(await notificationTexts(page), [], 'Enter on a repository says nothing');
        await page.evaluate('navigator.clipboard.writeText("untouched")');
        await page.keyboard.press('Delete');
        await waitForNotification(page, 'Select one or more tags in the Registries view first.');
        assert.equal(await dialog(page).count(), 0, 'no modal on a repository');
        await page.keyboard.press('Control+C');
        await waitForNotification(page, 'Select a tag in the Registries view first (a row under a repository).');
        assert.equal(await readClipboard(page), 'untouched');
        await shot('keys-on-repository');
        await clearNotifications(page);
        assert.deepEqual(await rawTagDigests(raw, 'app'), before, 'the keys changed nothing in the registry');
      },
    );
  },
};

const oneStepUntag: Flow = {
  name: 'Untag on distribution 2.8: one modal in plain words with one button, the tag goes, the image and its other tag stay, no placeholder left',
  slug: 'untag',
  async run(ctx) {
    const { page, shot } = ctx;
    let current: PushedImage | undefined;
    await withRegistry(
      ctx,
      async (reg) => {
        current = await pushImage(reg, 'app', ['2.0.0', 'latest'], { salt: 'e2e-untag-2' });
        await pushImage(reg, 'app', ['1.0.0'], { salt: 'e2e-untag-1' });
      },
      async (reg) => {
        const manifests = storedDigests(reg, 'app');
        await openRepository(page, reg.host, 'app');
        await dismissHovers(page);
        await treeRow(page, 'latest', VIEW).first().click({ button: 'right' });
        const items = await menuItems(page);
        await page.keyboard.press('Escape');
        const order = ['Open Manifest', 'Open Image Config', 'Pull Image', 'Copy Tag', 'Copy Image Reference', 'Copy Digest', 'Copy Pull Command', 'Untag…', 'Delete Image…'];
        // A menu item may end in its key (`Delete Image… Delete`).
        const named = items.map((i) => order.find((o) => i === o || i.startsWith(`${o} `))).filter((i) => i !== undefined);
        assert.deepEqual(named, order, `the tag's menu, grouped navigation / clipboard / destructive: ${JSON.stringify(items)}`);

        await contextMenu(page, 'latest', 'Untag…', { view: VIEW });
        const modal = await waitForDialog(page, 30_000);
        assert.equal(modal.message, `This registry can't remove just a tag. Remove latest from ${reg.host}/app by pointing it at a temporary placeholder image?`);
        assert.equal(modal.detail, 'The image and 2.0.0 stay. The placeholder is deleted right after.');
        assert.deepEqual(modal.buttons.filter((b) => b !== 'Cancel'), ['Remove Tag'], 'one action button');
        await waitForToastGone(page, /^Checking/);
        await shot('untag-modal');
        await clickDialogButton(page, 'Remove Tag');
        await waitForNotification(page, `Removed the tag ${reg.host}/app:latest.`, 30_000);
        assert.equal(await dialog(page).count(), 0, 'no second dialog');
        await waitForRowGone(page, 'latest');
        await shot('untagged');
        const raw = { url: reg.url };
        assert.deepEqual(await rawTagDigests(raw, 'app'), { '2.0.0': current!.digest, '1.0.0': (await rawDigest(raw, 'app', '1.0.0'))! });
        assert.deepEqual(storedDigests(reg, 'app'), manifests, 'the image stays and no placeholder manifest is left');
        await clearNotifications(page);
      },
    );
  },
};

const deleteRepository: Flow = {
  name: 'Delete Repository… from the context menu: one modal listing every image and tag, then the repository shows No tags',
  slug: 'delete-repository',
  async run(ctx) {
    const { page, shot } = ctx;
    let images: PushedImage[] = [];
    await withRegistry(
      ctx,
      async (reg) => {
        images = [await pushImage(reg, 'doomed', ['2.0.0', 'latest'], { salt: 'e2e-doomed-2' }), await pushImage(reg, 'doomed', ['1.0.0'], { salt: 'e2e-doomed-1' })];
        await pushImage(reg, 'kept', ['1.0.0'], { salt: 'e2e-kept' });
      },
      async (reg) => {
        await expandRow(page, reg.host, { view: VIEW, timeout: 30_000 });
        await dismissHovers(page);
        await treeRow(page, 'doomed', VIEW).first().click({ button: 'right' });
        const items = await menuItems(page);
        await page.keyboard.press('Escape');
        assert.ok(items.includes('Copy Repository Name'), `the repository's menu: ${JSON.stringify(items)}`);
        assert.equal(items[items.length - 1], 'Delete Repository…', `destructive last: ${JSON.stringify(items)}`);

        await contextMenu(page, 'doomed', 'Delete Repository…', { view: VIEW });
        const modal = await waitForDialog(page, 30_000);
        assert.equal(modal.message, `Delete every image of ${reg.host}/doomed? That is 2 images, with 3 tags.`);
        assert.ok(modal.detail.includes(`${middle(images[0].digest)}: 2 tags: 2.0.0, latest`), modal.detail);
        assert.ok(modal.detail.includes(`${middle(images[1].digest)}: 1 tag: 1.0.0`), modal.detail);
        await waitForToastGone(page, /^Reading every tag/);
        await shot('delete-repository-modal');
        await clickDialogButton(page, 'Delete 2 Images');
        await waitForNotification(page, `Deleted 2 images of ${reg.host}/doomed (3 tags).`, 30_000);
        await expandRow(page, 'doomed', { view: VIEW });
        await waitForTreeRow(page, 'No tags', { view: VIEW, timeout: 30_000 });
        await shot('repository-deleted');
        const raw = { url: reg.url };
        assert.deepEqual(await rawTagDigests(raw, 'doomed'), {}, 'no tag is left');
        for (const image of images) assert.equal(await rawDigest(raw, 'doomed', image.digest), undefined, 'the image is gone');
        assert.deepEqual(Object.keys(await rawTagDigests(raw, 'kept')), ['1.0.0'], 'another repository was touched');
        await clearNotifications(page);
      },
    );
  },
};

export const flows: Flow[] = [keyboard, oneStepUntag, deleteRepository];
