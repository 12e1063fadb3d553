// Hosted registries in a real VS Code: a FAKE Azure Container Registry (test/support/fake-acr.ts, ACR's published API
// over a real docker-registry) started inside the test. The tree says which provider speaks for it, shows push ages and
// a lock, and an "Untagged manifests" node whose Delete removes what nothing tagged needs; Untag goes through ACR's
// own tag delete. The registry behind the fake is checked afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { UntaggedOutcome } from '../../src/extension/commands';
import type { ManifestNode, UntaggedGroupNode } from '../../src/extension/model/nodes';
import { startFakeAcr, type FakeAcr } from '../support/fake-acr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { pushImage, pushIndex, type PushedImage } from '../support/seed';
import { answerWith, clearAnswers, explorerApi, headTag, hostOf, messagesText, registryNode, repositoryNode, setRegistries, tagNode, type TestApi } from './explorer-helpers';

const ADMIN = { username: 'acr-admin', password: 'admin-pw-host-acr-7' };

describe('Registry Explorer: hosted registries (fake ACR)', function () {
  this.timeout(90_000);
  let t: TestApi;
  let reg: TestRegistry;
  let acr: FakeAcr;
  let host: string;
  let orphan: PushedImage;
  let v2: PushedImage;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    await pushImage(reg, 'app', ['v1'], { salt: 'host-acr-v1' });
    v2 = await pushImage(reg, 'app', ['v2', 'latest'], { salt: 'host-acr-v2' });
    orphan = await pushImage(reg, 'app', [], { salt: 'host-acr-orphan' });
    await pushIndex(reg, 'app', ['multi'], { salt: 'host-acr-multi' });
    acr = await startFakeAcr({ registry: reg, users: [ADMIN] });
    acr.setAttributes('app', 'v1', { deleteEnabled: false });
    host = hostOf(acr.url);
    t = await explorerApi();
    await t.credentials.set(host, { username: ADMIN.username, password: ADMIN.password });
    await setRegistries([{ url: acr.url, username: ADMIN.username }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setRegistries([]);
    await t.credentials.delete(host);
    await acr?.stop();
    await reg?.stop();
  });

  it('shows the provider, push ages without a request per tag, a lock, and the Untagged manifests node', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    const kids = await t.tree.getChildren(repo);
    const group = kids.find((n): n is UntaggedGroupNode => n.kind === 'untagged');
    assert.ok(group, `no Untagged node: ${kids.map((n) => n.kind).join(', ')}`);
    assert.equal(t.tree.getTreeItem(group).label, 'Untagged manifests (1)');
    assert.match(String(t.tree.getTreeItem(await registryNode(t.tree, host)).description), /ACR$/);
    const v1 = t.tree.getTreeItem(await tagNode(t.tree, repo, 'v1'));
    assert.equal((v1.iconPath as vscode.ThemeIcon).id, 'lock');
    assert.match(String(v1.description), /^(just now|\d+ minutes? ago) · sha256:[0-9a-f]{12}$/);
    assert.equal(acr.requests({ method: 'HEAD', path: /^\/v2\/app\/manifests\// }).length, 0, 'digests came from the provider’s tag list');
    const ok = (path: RegExp) => acr.requests({ method: 'GET', path }).filter((r) => r.status === 200).length;
    assert.deepEqual([ok(/^\/acr\/v1\/app\/_tags/), ok(/^\/acr\/v1\/app\/_manifests($|\?)/)], [1, 1], 'one read of each list gives the tags and the Untagged node');
    const rows = (await t.tree.getChildren(group)).filter((n): n is ManifestNode => n.kind === 'manifest');
    assert.deepEqual(rows.map((n) => n.digest), [orphan.digest], 'platform images of multi are not untagged garbage');
  });

  it('Delete Untagged Manifests removes the orphan after one modal, and nothing else', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    const group = (await t.tree.getChildren(repo)).find((n): n is UntaggedGroupNode => n.kind === 'untagged')!;
    const [row] = (await t.tree.getChildren(group)).filter((n): n is ManifestNode => n.kind === 'manifest');
    const state = answerWith(t.hooks, { 'untagged.confirm': true });
    const outcome = await vscode.commands.executeCommand<UntaggedOutcome>('registryExplorer.deleteUntagged', row, [row]);
    assert.deepEqual(state.unexpected, []);
    assert.match(state.asked[0].detail ?? '', /systems that pull them by digest lose them/);
    // What it frees: at least its own manifest and config, which nothing else uses.
    const figure = /It frees up to (\d+(?:\.\d+)?) (B|KiB|MiB)/.exec(state.asked[0].detail ?? '');
    assert.ok(figure && Number(figure[1]) > 0, `the modal says what it frees: ${state.asked[0].detail}`);
    assert.deepEqual(outcome.deleted, [orphan.digest]);
    const stored = storedRepository(reg.dataDir, 'app').manifests.map((m) => m.digest);
    assert.ok(!stored.includes(orphan.digest));
    assert.equal(stored.length, 5, 'v1, v2, the index and its two platform images remain');
    assert.match(messagesText(t.hooks), /Deleted 1 untagged manifest of .*\/app\./);
  });

  it('Untag goes through ACR’s own tag delete: no throw-away manifest, no second question', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    const node = await tagNode(t.tree, repo, 'v2');
    const state = answerWith(t.hooks, { 'untag.confirm': true });
    assert.equal(await vscode.commands.executeCommand<boolean>('registryExplorer.untag', node), true, messagesText(t.hooks));
    assert.deepEqual(state.asked.map((r) => r.id), ['untag.confirm']);
    assert.equal(acr.requests({ method: 'PUT' }).length, 0);
    assert.equal(await headTag(reg.url, 'app', 'v2'), undefined);
    assert.equal(await headTag(reg.url, 'app', 'latest'), v2.digest);
  });
});
