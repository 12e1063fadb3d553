// Browser flows for the wizards (run: node out/test/e2e/run-e2e.js --link --flows out/test/e2e/wizard-flows.js):
// Add Registry recovering instead of discarding — an unreachable host (Edit Address, then it works), TLS with a
// self-signed certificate (Choose CA File… through VS Code's own file dialog), a registry that needs no login given
// one — and the prune wizard's live range count and Back. Each flow starts the registries it needs and stops them,
// and takes the registries it added out of the settings again, so it can run among other flows.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { HostFixture } from '../extension/fixture';
import { freePort, startRegistry, type TestRegistry } from '../support/registry';
import { pushImage } from '../support/seed';
import { startTlsFront } from '../support/tls-front';
import type { Flow, FlowContext } from './run-e2e';
import {
  addRegistryTitle,
  answerAddRegistry,
  answerStep,
  collapseAll,
  filesContaining,
  pressBack,
  readUserSettings,
  stepValue,
  VIEW,
  waitForQuickInputTitle,
  waitForStepMessage,
  waitForToastGone,
} from './steps';
import {
  clearNotifications,
  clickDialogButton,
  contextMenu,
  expandRow,
  openViewContainer,
  pickOption,
  quickInput,
  treeRow,
  UI_TIMEOUT,
  waitForDialog,
  waitForNotification,
  waitForQuickInputClosed,
  waitForTreeRow,
} from './vscode-page';

/** The flows need no registry from the runner: each starts its own. */
export async function fixture(workspace: string): Promise<HostFixture> {
  return { config: { workspace, registries: {} }, stop: async () => {} };
}

/** A fresh registry without auth holding `wizard/app` (1.0.0, 1.1.0, 1.2.0, 1.3.0-rc.1, 2.0.0 = latest). */
async function startSeeded(): Promise<TestRegistry> {
  const registry = await startRegistry({ auth: 'none' });
  try {
    for (const [tags, salt] of [[['1.0.0'], 'a'], [['1.1.0'], 'b'], [['1.2.0'], 'c'], [['1.3.0-rc.1'], 'd'], [['2.0.0', 'latest'], 'e']] as [string[], string][]) {
      await pushImage({ url: registry.url }, 'wizard/app', tags, { salt: `wizard-${salt}` });
    }
    return registry;
  } catch (e) {
    await registry.stop();
    throw e;
  }
}

/** The entries of the registries setting for `host` (other flows may have added registries of their own). */
function settingFor(userDataDir: string, host: string): Record<string, unknown>[] {
  return registriesSetting(userDataDir).filter((r) => typeof r.url === 'string' && r.url.replace(/^https?:\/\//, '') === host);
}

function registriesSetting(userDataDir: string): Record<string, unknown>[] {
  const value = readUserSettings(userDataDir)['registryExplorer.registries'];
  return Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
}

/** Removes the flow's registries (Remove Registry on each row), so the flows after this one find the view as before. */
async function forgetRegistries(ctx: FlowContext, hosts: string[]): Promise<void> {
  for (const host of hosts) {
    await contextMenu(ctx.page, host, 'Remove Registry', { view: VIEW });
    await clickDialogButton(ctx.page, 'Remove');
    await treeRow(ctx.page, host, VIEW).first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }
}

/** The dialog's buttons are `expected` (VS Code orders them by platform: compared as a set). */
function assertButtons(shown: string[], expected: string[]): void {
  assert.deepEqual([...shown].sort(), [...expected].sort(), `the dialog offers ${JSON.stringify(shown)}`);
}

/** Waits for the toast `text` and returns its message, then clears the notifications. */
async function toastText(page: Page, text: string): Promise<string> {
  const toast = await waitForNotification(page, text);
  const message = (await toast.locator('.notification-list-item-message').innerText()).trim();
  return message;
}

const unreachable: Flow = {
  name: 'Add Registry, unreachable host: the dialog offers Retry, Edit Address, Add Anyway, Use http://; Edit Address keeps the rest, then it works',
  slug: 'wizard-unreachable',
  async run(ctx) {
    const { page, server, shot } = ctx;
    const registry = await startSeeded();
    const closed = `127.0.0.1:${await freePort()}`;
    try {
      await openViewContainer(page, VIEW);
      await clearNotifications(page);
      await answerAddRegistry(page, closed);
      const dialog = await waitForDialog(page, 30_000);
      assert.equal(dialog.message, `Could not connect to ${closed}`);
      assert.match(dialog.detail, /refused the connection/);
      assertButtons(dialog.buttons, ['Retry', 'Edit Address', 'Add Anyway', 'Use http://', 'Back']);
      await waitForToastGone(page, /^Connecting to/);
      await shot('unreachable-dialog');

      await clickDialogButton(page, 'Edit Address');
      await waitForQuickInputTitle(page, 'Add Registry (1/2)');
      assert.equal(await stepValue(page), closed, 'Edit Address starts from the address typed');
      await answerStep(page, 'Add Registry (1/2)', registry.host);
      await waitForQuickInputTitle(page, addRegistryTitle(registry.host, 2, 2));
      const active = quickInput(page).locator('.quick-input-list .monaco-list-row.focused .label-name');
      assert.equal((await active.innerText()).trim(), 'Anonymous', 'the login kind chosen before is highlighted');
      await page.keyboard.press('Enter');
      await waitForQuickInputClosed(page);
      await waitForNotification(page, `Added ${registry.host}.`);
      await waitForTreeRow(page, registry.host, { view: VIEW });
      assert.deepEqual(settingFor(server.userDataDir, registry.host), [{ url: registry.host }]);
      await clearNotifications(page);
      await forgetRegistries(ctx, [registry.host]);
    } finally {
      await registry.stop();
    }
  },
};

/**
 * Chooses `file` in VS Code's own (simple) open dialog, a quick input with a path box and an OK button named
 * `openLabel`, as a keyboard user would: wait for it to show its starting folder, type the path, press Enter.
 */
async function chooseInSimpleFileDialog(page: Page, titleText: string, openLabel: string, file: string): Promise<void> {
  await waitForQuickInputTitle(page, titleText);
  const box = quickInput(page).locator('.quick-input-box input');
  const boxValue = `document.querySelector('.quick-input-widget .quick-input-box input')?.value ?? ''`;
  // The dialog fills in its starting folder once it has read it: typing before that would be overwritten.
  await page.waitForFunction(`${boxValue}.startsWith('/')`, undefined, { timeout: UI_TIMEOUT });
  // It may fill in its folder once more after the first time (as it finishes reading it): type until the path stays.
  for (let attempt = 1; ; attempt++) {
    await box.fill(file);
    await page.waitForTimeout(300);
    if ((await box.inputValue()) === file) break;
    if (attempt === 5) throw new Error(`the open dialog kept replacing the path typed with ${await box.inputValue()}`);
  }
  await box.press('Enter');
  const closed = await quickInput(page).waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false);
  if (!closed) {
    // It completed the path instead of accepting it: the OK button accepts the file typed.
    await quickInput(page).getByRole('button', { name: openLabel }).click();
    await quickInput(page).waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }
}

const tlsCaFile: Flow = {
  name: 'Add Registry, TLS with a self-signed certificate: Choose CA File… in the open dialog saves it as caFile, verification on',
  slug: 'wizard-tls',
  async run(ctx) {
    const { page, server, shot } = ctx;
    const registry = await startSeeded();
    const tls = await startTlsFront(registry.url);
    try {
      await openViewContainer(page, VIEW);
      await collapseAll(page).catch(() => undefined);
      await clearNotifications(page);
      await answerAddRegistry(page, tls.host);
      const dialog = await waitForDialog(page, 30_000);
      assert.equal(dialog.message, `Could not connect to ${tls.host}`);
      assert.match(dialog.detail, /certificate is not trusted \(it is self-signed\)/);
      assert.match(dialog.detail, /Mark Insecure turns certificate verification off/);
      assertButtons(dialog.buttons, ['Choose CA File…', 'Mark Insecure', 'Edit Address', 'Retry', 'Back']);
      await waitForToastGone(page, /^Connecting to/);
      await shot('tls-dialog');

      await clickDialogButton(page, 'Choose CA File…');
      await chooseInSimpleFileDialog(page, 'CA certificate that signed the certificate of', 'Use as CA File', tls.certPath);
      await waitForNotification(page, `Added ${tls.host}.`, 30_000);
      assert.deepEqual(settingFor(server.userDataDir, tls.host), [{ url: tls.host, caFile: tls.certPath }]);
      await expandRow(page, tls.host, { view: VIEW });
      await waitForTreeRow(page, 'wizard/app', { view: VIEW, timeout: 30_000 });
      await shot('tls-added');
      await clearNotifications(page);
      await forgetRegistries(ctx, [tls.host]);
    } finally {
      await tls.stop();
      await registry.stop();
    }
  },
};

const unneededLogin: Flow = {
  name: 'Add Registry with a login for a registry that needs none: it asks, and saves no password by default',
  slug: 'wizard-unneeded-login',
  async run(ctx) {
    const { page, server, shot } = ctx;
    const registry = await startSeeded();
    const password = `unneeded-${Date.now()}`;
    try {
      await openViewContainer(page, VIEW);
      await collapseAll(page).catch(() => undefined);
      await clearNotifications(page);
      await answerAddRegistry(page, registry.host, { username: 'alice', password });
      const dialog = await waitForDialog(page, 30_000);
      assert.equal(dialog.message, `${registry.host} needs no login`);
      assert.match(dialog.detail, /sent only when asked for/);
      assertButtons(dialog.buttons, ['Save Without the Login', 'Keep the Login', 'Back']);
      await waitForToastGone(page, /^Connecting to/);
      await shot('unneeded-login-dialog');
      await clickDialogButton(page, 'Save Without the Login');
      const said = await toastText(page, `Added ${registry.host}.`);
      assert.equal(said, `Added ${registry.host}. It needs no login, so the login was not saved.`);
      assert.deepEqual(settingFor(server.userDataDir, registry.host), [{ url: registry.host }], 'no user name in the settings');
      assert.deepEqual(filesContaining(server.userDataDir, password), [], 'the password is in no file');
      await clearNotifications(page);
      await forgetRegistries(ctx, [registry.host]);
    } finally {
      await registry.stop();
    }
  },
};

const pruneBack: Flow = {
  name: 'Prune wizard: "n/N" and the repository in the title, the range says how many tags it matches, Back returns to the earlier answer',
  slug: 'wizard-prune-back',
  async run(ctx) {
    const { page, shot } = ctx;
    const registry = await startSeeded();
    const where = `${registry.host}/wizard/app`;
    try {
      await openViewContainer(page, VIEW);
      await collapseAll(page).catch(() => undefined);
      await clearNotifications(page);
      await answerAddRegistry(page, registry.host);
      await waitForQuickInputClosed(page);
      await waitForNotification(page, `Added ${registry.host}.`);
      await clearNotifications(page);
      await expandRow(page, registry.host, { view: VIEW });
      await contextMenu(page, 'wizard/app', 'Prune Tags by Semver…', { view: VIEW });

      await waitForQuickInputTitle(page, `Prune ${where} (1/4)`);
      await pickOption(page, 'semver');
      await waitForQuickInputTitle(page, `Prune ${where} (2/4)`);
      const box = quickInput(page).locator('.quick-input-box input');
      await box.fill('<2.0.0');
      assert.equal(await waitForStepMessage(page, /^Matches/), 'Matches 3 of 6 tags: 1.2.0, 1.1.0, 1.0.0');
      await box.fill('*');
      assert.equal(await waitForStepMessage(page, /^Matches 4/), 'Matches 4 of 6 tags: 2.0.0, 1.2.0, 1.1.0, 1.0.0');
      await box.fill('<1.2.0');
      await waitForStepMessage(page, 'Matches 2 of 6 tags');
      await shot('prune-range-matches');
      await box.press('Enter');

      await waitForQuickInputTitle(page, `Prune ${where} (3/4)`);
      await pressBack(page);
      await waitForQuickInputTitle(page, `Prune ${where} (2/4)`);
      assert.equal(await stepValue(page), '<1.2.0', 'Back shows the range given');
      await waitForStepMessage(page, 'Matches 2 of 6 tags');
      await pressBack(page);
      await waitForQuickInputTitle(page, `Prune ${where} (1/4)`);
      assert.equal(await quickInput(page).locator('.quick-input-titlebar').getByRole('button', { name: 'Back' }).count(), 0, 'the first step has no Back');
      const active = quickInput(page).locator('.quick-input-list .monaco-list-row.focused .label-name');
      assert.equal((await active.innerText()).trim(), 'semver', 'the versioning chosen is highlighted');
      await shot('prune-back-to-versioning');
      await page.keyboard.press('Enter');
      await waitForQuickInputTitle(page, `Prune ${where} (2/4)`);
      assert.equal(await stepValue(page), '<1.2.0', 'the range is still filled in');
      await page.keyboard.press('Escape');
      await waitForQuickInputClosed(page);
      await forgetRegistries(ctx, [registry.host]);
    } finally {
      await registry.stop();
    }
  },
};

export const flows: Flow[] = [unreachable, tlsCaFile, unneededLogin, pruneBack];
