// The browser flow for Docker Hub: a FAKE Docker Hub API (test/support/fake-dockerhub.ts, Hub's published API over a
// real docker-registry) in front of a real registry that takes the same login (the user's access token is their
// registry password too, as on Docker Hub). The registry is added through the palette, the token given in the
// wizard's password step (so it reaches SecretStorage as a user's would); then the user settings get
// `provider: dockerhub` and the fake's `apiUrl`, written in settings.json through VS Code's editor as a user would
// (code-server does not notice a write to the file from outside). The tree groups the
// repositories by namespace (the user's own and its organisation's), shows push ages from Hub's tag list (one page,
// no request per tag), and Delete Image untags every tag of the image through Hub, after a modal that says Hub keeps
// the data. The flow starts the registry and the fake itself and removes the registry again, so it runs anywhere in
// the list; alone: node out/test/e2e/run-e2e.js --link --flows out/test/e2e/hosted-hub.js
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { HostFixture } from '../extension/fixture';
import { startFakeDockerHub, type FakeDockerHub } from '../support/fake-dockerhub';
import { startRegistry, type TestRegistry } from '../support/registry';
import { backdate, storedRepository } from '../support/registry-storage';
import { pushImage } from '../support/seed';
import type { Flow, FlowContext } from './run-e2e';
import { addRegistryThroughPalette, collapseAll, editUserSettingsJson, filesContaining, readUserSettings, rowsAtLevel, settingsWithRegistryFields, VIEW, waitForRowGone, widenSideBar } from './steps';
import {
  clearNotifications,
  clickDialogButton,
  contextMenu,
  escapeAll,
  expandRow,
  notificationTexts,
  openViewContainer,
  runCommand,
  treeRow,
  treeRows,
  UI_TIMEOUT,
  waitForDialog,
  waitForNotification,
  waitForTreeRow,
} from './vscode-page';

const DAY = 24 * 60 * 60 * 1000;
const USER = 'alice';
const ORG = 'acme';
/** The repository whose image is deleted: 1.0.0 and stable are one image, 2.0.0 another. */
const APP = `${USER}/app`;
const OTHER_REPOSITORIES = [`${USER}/cli`, `${ORG}/web`];

/** The seeded registry and the fake Hub in front of it; `token` is the user's access token (never logged). */
interface HubSetup {
  registry: TestRegistry;
  hub: FakeDockerHub;
  token: string;
  /** The digest of 1.0.0 and stable. */
  shared: string;
}

const ago = (days: number) => new Date(Date.now() - days * DAY);

/** Pushes an image under `tags` and makes each look pushed `days` ago. */
async function pushAged(registry: TestRegistry, repository: string, tags: string[], days: number): Promise<string> {
  const image = await pushImage(registry, repository, tags, { salt: `e2e-hub-${repository}-${tags[0]}` });
  for (const tag of tags) backdate(registry.dataDir, repository, { tag }, ago(days));
  backdate(registry.dataDir, repository, { digest: image.digest }, ago(days));
  return image.digest;
}

/** A real registry whose login is the Hub user's token, seeded; the fake Hub imports every repository of it. */
async function startHub(): Promise<HubSetup> {
  const token = `dckr_pat_${randomBytes(18).toString('base64url')}`;
  // `info` logs every request the registry answers: the flow counts the manifest reads of the tag list.
  const registry = await startRegistry({ auth: 'basic', users: [{ username: USER, password: token }], logLevel: 'info' });
  try {
    const shared = await pushAged(registry, APP, ['1.0.0', 'stable'], 45);
    await pushAged(registry, APP, ['2.0.0'], 3);
    await pushAged(registry, `${USER}/cli`, ['0.1.0'], 10);
    await pushAged(registry, `${ORG}/web`, ['latest'], 1);
    const hub = await startFakeDockerHub({ registry, accounts: [{ username: USER, secret: token, orgs: [ORG] }] });
    for (const repository of [APP, ...OTHER_REPOSITORIES]) hub.importFromRegistry(repository);
    return { registry, hub, token, shared };
  } catch (err) {
    await registry.stop();
    throw err;
  }
}

async function stopHub(setup: HubSetup): Promise<void> {
  await setup.hub.stop();
  await setup.registry.stop();
}

/** Registry Explorer: Add Registry… with the user and token, then the Hub provider and API in the user settings. */
async function addHubRegistry(ctx: FlowContext, setup: HubSetup): Promise<void> {
  const { page, server } = ctx;
  const host = setup.registry.host;
  await addRegistryThroughPalette(page, host, { username: USER, password: setup.token });
  await waitForNotification(page, `Added ${host}.`, 30_000);
  await waitForTreeRow(page, host, { view: VIEW, timeout: 30_000 });
  const hubFields = { provider: 'dockerhub', apiUrl: setup.hub.url };
  await editUserSettingsJson(page, server.userDataDir, settingsWithRegistryFields(server.userDataDir, host, hubFields));
  const saved = (readUserSettings(server.userDataDir)['registryExplorer.registries'] as Record<string, unknown>[]).filter((r) => r.url === host);
  assert.deepEqual(saved, [{ url: host, username: USER, ...hubFields }], 'the settings name the user, the provider and its API; no token');
  assert.deepEqual(filesContaining(server.userDataDir, setup.token), [], 'the token is in no file of VS Code (only in SecretStorage)');
  await clearNotifications(page);
}

/** `sha256:975164…e3af826e`, as the dialogs name an image. */
const middle = (digest: string) => `sha256:${digest.slice(7, 13)}…${digest.slice(-8)}`;

/** Lines of the registry's log that read a manifest of `repository` (a HEAD or GET per tag would show here). */
function manifestReads(registry: TestRegistry, repository: string): string[] {
  return registry
    .logTail(100_000)
    .split('\n')
    .filter((line) => line.includes(`/v2/${repository}/manifests/`));
}

/** Waits until the settings reached the extension: the registry's children are namespace rows. */
async function expandNamespaces(page: Page, host: string): Promise<void> {
  await expandRow(page, host, { view: VIEW, timeout: 30_000 });
  await waitForTreeRow(page, USER, { view: VIEW, timeout: 30_000 });
}

async function checkNamespaceRows(ctx: FlowContext, host: string): Promise<void> {
  const { page, log } = ctx;
  await expandNamespaces(ctx.page, host);
  const registryRow = await waitForTreeRow(page, host, { view: VIEW });
  // The row names the service once the provider has answered (it redraws then).
  let described = '';
  for (const end = Date.now() + 15_000; !/· Docker Hub$/.test(described) && Date.now() < end; await page.waitForTimeout(100)) {
    described = (await registryRow.locator('.label-description').innerText().catch(() => '')).trim();
  }
  log(`registry row: ${host} — ${described}`);
  assert.match(described, /· Docker Hub$/, 'the registry row names the service');
  const namespaces = await rowsAtLevel(page, 2);
  assert.deepEqual(namespaces, [
    { label: ORG, description: '1 repository' },
    { label: USER, description: '2 repositories' },
  ]);
  await expandRow(page, USER, { view: VIEW, timeout: 30_000 });
  await waitForTreeRow(page, 'app', { view: VIEW, timeout: 30_000 });
  assert.deepEqual((await rowsAtLevel(page, 3)).map((r) => r.label), ['app', 'cli'], 'repository rows are named without their namespace');
}

/** Expands alice → app and checks its tag rows: ages and sizes from Hub's list, read in one page, no manifest read. */
async function checkTagRows(ctx: FlowContext, setup: HubSetup): Promise<void> {
  const { page, log } = ctx;
  const readsBefore = manifestReads(setup.registry, APP).length;
  assert.ok(readsBefore > 0, 'the registry log records manifest requests (the seed pushed them), so none below means none');
  setup.hub.log.length = 0;
  await expandRow(page, 'app', { view: VIEW, timeout: 30_000 });
  await waitForTreeRow(page, /^2\.0\.0.*sha256:/, { view: VIEW, timeout: 30_000 });
  await waitForTreeRow(page, /^1\.0\.0.*sha256:/, { view: VIEW, timeout: 30_000 });
  const rows = Object.fromEntries((await rowsAtLevel(page, 4)).map((r) => [r.label, r.description]));
  log(`tags: ${JSON.stringify(rows)}`);
  assert.deepEqual(Object.keys(rows).sort(), ['1.0.0', '2.0.0', 'stable']);
  assert.match(rows['1.0.0'], /^= stable · 1 month ago · \d+(\.\d+)? (B|KiB) · sha256:[0-9a-f]{12}$/, 'the push age and size come from Hub');
  assert.match(rows['2.0.0'], /^3 days ago · \d+(\.\d+)? (B|KiB) · sha256:[0-9a-f]{12}$/);
  const tagPages = setup.hub.requests({ method: 'GET', path: /^\/v2\/namespaces\/alice\/repositories\/app\/tags\/?(\?|$)/ });
  assert.equal(tagPages.length, 1, `the tags came in one page: ${JSON.stringify(tagPages.map((r) => r.url))}`);
  assert.deepEqual(manifestReads(setup.registry, APP).slice(readsBefore), [], 'no manifest read per tag: the digests are Hub’s');
}

/** Delete Image… on 1.0.0: the modal names both tags and says Hub keeps the data; Delete untags both through Hub. */
async function deleteSharedImage(ctx: FlowContext, setup: HubSetup): Promise<void> {
  const { page, log } = ctx;
  const host = setup.registry.host;
  await contextMenu(page, '1.0.0', 'Delete Image…', { view: VIEW });
  const modal = await waitForDialog(page, 30_000);
  assert.equal(modal.message, `Delete 1 image from ${host}/${APP}? It takes 2 tags with it.`);
  assert.ok(modal.detail.includes(`Deleting ${middle(setup.shared)} removes 2 tags: 1.0.0, stable`), modal.detail);
  assert.ok(modal.detail.includes('Docker Hub keeps the image data'), modal.detail);
  assert.ok(!modal.detail.includes(setup.token), 'the modal shows no token');
  await clickDialogButton(page, 'Delete');
  await waitForDoneMessage(page, 'Deleted 1 image (2 tags: 1.0.0, stable).');
  const said = await notificationTexts(page);
  log(`notifications: ${JSON.stringify(said)}`);
  assert.ok(!said.some((n) => /garbage collection/.test(n)), 'no garbage-collection advice for Docker Hub');
  log(`Hub untag requests: ${JSON.stringify(setup.hub.requests({ method: 'DELETE' }).map((r) => `${r.url} ${r.status}`))}`);
  assert.deepEqual(setup.hub.tags(APP), ['2.0.0'], 'Hub no longer lists 1.0.0 and stable; the other image’s tag stays');
  assert.deepEqual(storedRepository(setup.registry.dataDir, APP).tags.map((t) => t.tag), ['2.0.0'], 'the registry behind Hub lost the tags too');
  assert.deepEqual(OTHER_REPOSITORIES.map((r) => setup.hub.tags(r)), [['0.1.0'], ['latest']], 'the other repositories are untouched');
  await waitForRowGone(page, 'stable', 30_000);
  await waitForRowGone(page, '1.0.0', 30_000);
  assert.deepEqual((await rowsAtLevel(page, 4)).map((r) => r.label), ['2.0.0'], 'the tree shows the tag that is left');
}

/** A plain success is said in the status bar; with a hint added it is a notification. Either names what went. */
async function waitForDoneMessage(page: Page, text: string): Promise<void> {
  const said = page.locator('.part.statusbar, .notifications-toasts').getByText(text).first();
  await said.waitFor({ state: 'visible', timeout: 30_000 });
}

/** Collapse All, when the view shows a tree at all (the welcome view has no such action). */
async function collapseTree(page: Page): Promise<void> {
  if ((await treeRows(page, VIEW).count()) > 0) await collapseAll(page);
}

/** Removes the flow's registry from the view (context menu, then the modal), which forgets its token too. */
async function removeRegistry(page: Page, host: string): Promise<void> {
  await escapeAll(page);
  await collapseTree(page);
  await contextMenu(page, host, 'Remove Registry', { view: VIEW });
  await waitForDialog(page);
  await clickDialogButton(page, 'Remove');
  await treeRow(page, host, VIEW).first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

export const hostedHub: Flow = {
  name: 'A Docker Hub registry (fake Hub API): namespaces → repositories → tags with push ages; Delete Image untags every tag and says Hub keeps the data',
  slug: 'hosted-dockerhub',
  async run(ctx) {
    const { page, shot } = ctx;
    const setup = await startHub();
    const host = setup.registry.host;
    try {
      await runCommand(page, 'View: Close All Editors'); // the picture is of the tree
      await openViewContainer(page, VIEW);
      await widenSideBar(page, 500);
      await collapseTree(page);
      await clearNotifications(page);
      await addHubRegistry(ctx, setup);
      await checkNamespaceRows(ctx, host);
      await checkTagRows(ctx, setup);
      await shot('tree', 'hosted-dockerhub.png');
      await deleteSharedImage(ctx, setup);
    } finally {
      await removeRegistry(page, host).catch((e: unknown) => ctx.log(`could not remove ${host} from the view: ${e instanceof Error ? e.message : String(e)}`));
      await stopHub(setup);
    }
  },
};

/** For --flows: this flow alone (it starts the registries it needs). */
export const flows: Flow[] = [hostedHub];

export async function fixture(workspace: string): Promise<HostFixture> {
  return { config: { workspace, registries: {} }, stop: async () => {} };
}
