// The browser flow for a hosted registry (issue 9): a FAKE Azure Container Registry (test/support/fake-acr.ts, ACR's
// published API over a real docker-registry), added through the palette like any other registry. The tree says ACR
// answers for it, shows push ages from ACR's tag list (the storage is backdated so the ages differ), a lock on a tag
// whose delete is disabled, and an "Untagged manifests" group; its Delete removes the orphan and nothing else, and
// Delete Image on the locked tag is refused with ACR's own fix. The registry behind the fake is checked afterwards.
import * as assert from 'node:assert/strict';
import type { Flow } from './run-e2e';
import type { TestConfig, TestRegistryInfo } from '../extension/host-channel';
import { startFakeAcr, type FakeAcr } from '../support/fake-acr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { backdate, storedRepository } from '../support/registry-storage';
import { pushImage, pushIndex } from '../support/seed';
import { addRegistryThroughPalette, collapseAll, rowsAtLevel, VIEW } from './steps';
import {
  clearNotifications,
  clickDialogButton,
  contextMenu,
  expandRow,
  notificationSeverity,
  runCommand,
  treeRow,
  waitForDialog,
  waitForNotification,
  waitForTreeRow,
} from './vscode-page';

/** What the flow needs to know of the seeded ACR (plain JSON, carried in TestRegistryInfo.dataset). */
interface AcrDataset {
  dataDir: string;
  repository: string;
  /** tag → digest, as pushed. */
  tags: Record<string, string>;
  orphan: string;
  locked: string;
}

const DAY = 24 * 60 * 60 * 1000;
const ADMIN = { username: 'acr-admin', password: 'e2e-acr-admin-secret-5' };

/** A real registry with `web` seeded and backdated, and the fake ACR in front of it. */
export async function startHostedAcr(): Promise<{ info: TestRegistryInfo; stop: () => Promise<void> }> {
  let reg: TestRegistry | undefined;
  let acr: FakeAcr | undefined;
  const stop = async () => {
    await acr?.stop();
    await reg?.stop();
  };
  try {
    reg = await startRegistry({ auth: 'none' });
    const repository = 'web';
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    const old = await pushImage(reg, repository, ['1.0.0'], { salt: 'e2e-acr-1.0.0' });
    const mid = await pushImage(reg, repository, ['1.1.0'], { salt: 'e2e-acr-1.1.0' });
    const orphan = await pushImage(reg, repository, [], { salt: 'e2e-acr-orphan' });
    const current = await pushImage(reg, repository, ['2.0.0', 'latest'], { salt: 'e2e-acr-2.0.0' });
    const edge = await pushIndex(reg, repository, ['edge'], { salt: 'e2e-acr-edge' });
    await pushImage(reg, 'api', ['0.9.0', '1.0.0'], { salt: 'e2e-acr-api' });
    for (const [tag, days] of [['1.0.0', 130], ['1.1.0', 45], ['2.0.0', 3], ['latest', 3]] as const) backdate(reg.dataDir, repository, { tag }, ago(days));
    for (const [digest, days] of [[old.digest, 130], [mid.digest, 45], [orphan.digest, 60], [current.digest, 3]] as const) backdate(reg.dataDir, repository, { digest }, ago(days));
    acr = await startFakeAcr({ registry: reg, users: [ADMIN] });
    acr.setAttributes(repository, '1.0.0', { deleteEnabled: false });
    const url = acr.url;
    const dataset: AcrDataset = {
      dataDir: reg.dataDir,
      repository,
      tags: { '1.0.0': old.digest, '1.1.0': mid.digest, '2.0.0': current.digest, latest: current.digest, edge: edge.digest },
      orphan: orphan.digest,
      locked: '1.0.0',
    };
    return { info: { url, host: new URL(url).host, auth: 'basic', ...ADMIN, dataset }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const middle = (digest: string) => `sha256:${digest.slice(7, 13)}…${digest.slice(-8)}`;
const storedTags = (d: AcrDataset) => Object.fromEntries(storedRepository(d.dataDir, d.repository).tags.map((t) => [t.tag, t.digest]));
const storedDigests = (d: AcrDataset) => storedRepository(d.dataDir, d.repository).manifests.map((m) => m.digest);

export const hostedAcr: Flow = {
  name: 'A hosted registry (fake ACR): provider, push ages, a lock, Untagged manifests deleted from the tree, a locked tag refused',
  slug: 'hosted-acr',
  async run({ page, config, shot, log }) {
    const info = config.registries.acr;
    assert.ok(info, 'the fixture started no ACR');
    const data = info.dataset as AcrDataset;
    const group = 'Untagged manifests (1)';
    const manifestsBefore = storedDigests(data);

    await runCommand(page, 'View: Close All Editors'); // the picture is of the tree
    await collapseAll(page);
    await clearNotifications(page);
    await addRegistryThroughPalette(page, info.host, { username: info.username!, password: info.password! });
    await waitForNotification(page, `Added ${info.host}.`, 30_000);
    await clearNotifications(page);
    await expandRow(page, info.host, { view: VIEW, timeout: 30_000 });
    await expandRow(page, 'web', { view: VIEW, timeout: 30_000 });
    await waitForTreeRow(page, group, { view: VIEW, timeout: 30_000 });
    await waitForTreeRow(page, /acr-admin · ACR$/, { view: VIEW }); // the registry row says ACR answers for it

    const rows = Object.fromEntries((await rowsAtLevel(page, 3)).map((r) => [r.label, r.description]));
    log(`tags: ${JSON.stringify(rows)}`);
    assert.match(rows['1.0.0'], /^4 months ago · sha256:[0-9a-f]{12}$/, 'the push age comes from ACR');
    assert.match(rows['1.1.0'], /^1 month ago · sha256:[0-9a-f]{12}$/);
    assert.match(rows['2.0.0'], /^= latest · 3 days ago · sha256:[0-9a-f]{12}$/);
    const lockIcon = treeRow(page, '1.0.0', VIEW).first().locator('.codicon-lock');
    assert.equal(await lockIcon.count(), 1, 'the tag whose delete is disabled shows a lock');

    await expandRow(page, group, { view: VIEW });
    const orphanRow = await waitForTreeRow(page, middle(data.orphan), { view: VIEW });
    assert.match(await orphanRow.locator('.label-description').innerText(), /^2 months ago · /);
    const untaggedRows = (await rowsAtLevel(page, 4)).map((r) => r.label);
    assert.deepEqual(untaggedRows, [middle(data.orphan)], 'the platform images of edge are not offered as garbage');
    await shot('tree', 'hosted-acr.png');

    await contextMenu(page, group, 'Delete Untagged Manifests…', { view: VIEW });
    const modal = await waitForDialog(page, 30_000);
    assert.equal(modal.message, `Delete 1 untagged manifest from ${info.host}/web?`);
    assert.ok(modal.detail.includes(middle(data.orphan)), modal.detail);
    assert.match(modal.detail, /systems that pull them by digest lose them/);
    await clickDialogButton(page, 'Delete');
    await waitForNotification(page, `Deleted 1 untagged manifest of ${info.host}/web.`, 30_000);
    assert.deepEqual(storedDigests(data).sort(), manifestsBefore.filter((d) => d !== data.orphan).sort(), 'exactly the orphan is gone');
    assert.deepEqual(storedTags(data), data.tags, 'every tag is where it was');
    await clearNotifications(page);

    await contextMenu(page, data.locked, 'Delete Image…', { view: VIEW });
    const refused = await waitForNotification(page, /is locked in ACR \(delete disabled\): nothing was deleted/, 30_000);
    const text = await refused.locator('.notification-list-item-message').innerText();
    assert.equal(await notificationSeverity(refused), 'error');
    assert.match(text, /az acr repository update --name \S+ --image web(:1\.0\.0|@sha256:[0-9a-f]{64}) --delete-enabled true/, `the fix is ACR's own: ${text}`);
    assert.deepEqual(storedTags(data), data.tags, 'the locked tag stays');
    await clearNotifications(page);
  },
};

/** The fixture's registries plus this flow's ACR. */
export function withHostedAcr(config: TestConfig, acr: TestRegistryInfo): TestConfig {
  return { ...config, registries: { ...config.registries, acr } };
}
