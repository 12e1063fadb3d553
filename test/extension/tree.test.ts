// The Registries tree against a real registry seeded with the standard dataset (test/support/seed.ts):
// repositories, semver-first tag order, "Load more…" paging of the 1050-tag `big`, digests filled in,
// shared-digest labels, multi-arch icon, tooltip, manifest documents, error nodes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LoadMoreNode, MessageNode } from '../../src/extension/model/nodes';
import type { StandardDataset } from '../support/seed';
import { testRegistry } from './config';
import { clearAnswers, answerWith, explorerApi, hostOf, registryNode, repositoryNode, setRegistries, setSetting, tagNode, tagNodes, type TestApi } from './explorer-helpers';

const short = (d: string) => d.slice(0, 'sha256:'.length + 12);

describe('Registry Explorer: the Registries tree', function () {
  this.timeout(60_000);
  let t: TestApi;
  let host: string;
  let dataset: StandardDataset;

  before(async () => {
    const open = testRegistry('open');
    dataset = open.dataset as StandardDataset;
    host = hostOf(open.url);
    t = await explorerApi();
    await setRegistries([{ url: open.url }]);
    t.tree.refresh();
  });

  after(async () => {
    clearAnswers(t.hooks);
    await setSetting('tagSort', undefined);
    await setSetting('pageSize', undefined);
  });

  it('shows the registry with its user (anonymous) and its repositories from the catalog', async () => {
    const reg = await registryNode(t.tree, host);
    const item = t.tree.getTreeItem(reg);
    assert.equal(item.label, host);
    assert.equal(item.description, 'anonymous');
    assert.equal(item.contextValue, 'registry');
    const kids = await t.tree.getChildren(reg);
    const names = kids.filter((n) => n.kind === 'repository').map((n) => (n.kind === 'repository' ? n.repository : ''));
    for (const name of dataset.names) assert.ok(names.includes(name), `repository ${name} missing from ${names.join(', ')}`);
    assert.deepEqual([...names].sort(), names, 'repositories are not sorted A→Z');
  });

  it('sorts tags semver-descending (leading v allowed), then the others A→Z, and fills in digests', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    const tags = await tagNodes(t.tree, repo);
    assert.deepEqual(
      tags.map((n) => n.tag),
      ['2.1.0', '2.0.0', 'v1.3.0', '1.2.0-rc.1', '1.1.0', '1.0.0', 'dev', 'latest', 'nightly-2026'],
    );
    await t.tree.whenDetailsSettled(repo);
    await t.tree.getChildren(repo);
    const app = dataset.repositories.app;
    // The badge first (a narrow sidebar never cuts it off), then age and size read in the background, the digest last.
    const AGE = '(just now|\\d+ (minute|hour|day|week|month|year)s? ago)';
    const SIZE = '\\d+(\\.\\d+)? (B|KiB|MiB|GiB)';
    const d200 = t.tree.getTreeItem(tags.find((n) => n.tag === '2.0.0')!);
    assert.match(String(d200.description), new RegExp(`^= latest · ${AGE} · ${SIZE} · ${short(app.tags['2.0.0'])}$`));
    const latest = t.tree.getTreeItem(tags.find((n) => n.tag === 'latest')!);
    assert.match(String(latest.description), new RegExp(`^= 2\\.0\\.0 · ${AGE} · ${SIZE} · ${short(app.tags.latest)}$`));
    const dev = t.tree.getTreeItem(tags.find((n) => n.tag === 'dev')!);
    assert.match(String(dev.description), new RegExp(`^${AGE} · ${SIZE} · ${short(app.tags.dev)}$`));
    assert.equal((dev.iconPath as vscode.ThemeIcon).id, 'tag');
    assert.equal(dev.contextValue, 'tag');
  });

  it('gives multi-arch tags the layers icon and a tooltip with digest, media type and platforms', async () => {
    const repo = await repositoryNode(t.tree, host, 'multi');
    await tagNodes(t.tree, repo);
    await t.tree.whenDigestsSettled(repo);
    const node = await tagNode(t.tree, repo, '1.0.0');
    const item = t.tree.getTreeItem(node);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'layers');
    assert.equal(item.contextValue, 'tag.multiarch');
    assert.equal(item.tooltip, undefined, 'the tooltip should be resolved lazily on hover');
    const resolved = await t.tree.resolveTreeItem(item, node, new vscode.CancellationTokenSource().token);
    const md = (resolved.tooltip as vscode.MarkdownString).value;
    const digest = dataset.repositories.multi.tags['1.0.0'];
    assert.ok(md.includes(digest), md);
    assert.ok(md.includes('application/vnd.oci.image.index.v1+json'), md);
    assert.ok(md.includes('linux/amd64') && md.includes('linux/arm64'), md);
  });

  it('pages the 1050-tag repository with "Load more…" and resolves the visible digests', async () => {
    const repo = await repositoryNode(t.tree, host, 'big');
    const started = Date.now();
    let kids = await t.tree.getChildren(repo);
    const took = Date.now() - started;
    assert.equal(kids.length, 101, `expected 100 tags and a Load more node, got ${kids.length}`);
    assert.equal(kids[0].kind === 'tag' && kids[0].tag, '1.10.49');
    const more = kids[100] as LoadMoreNode;
    assert.equal(more.kind, 'loadMore');
    assert.equal(more.remaining, 950);
    const moreItem = t.tree.getTreeItem(more);
    assert.equal(moreItem.label, 'Load more…');
    assert.equal(moreItem.command?.command, 'registryExplorer.loadMore');
    assert.ok(took < 5000, `expanding took ${took} ms`);

    await t.tree.whenDigestsSettled(repo);
    kids = await t.tree.getChildren(repo);
    const first = kids[0];
    assert.ok(String(t.tree.getTreeItem(first).description).endsWith(short(dataset.repositories.big.tags['1.10.49'])));

    await vscode.commands.executeCommand('registryExplorer.loadMore', more);
    kids = await t.tree.getChildren(repo);
    assert.equal(kids.length, 201);
    assert.equal((kids[200] as LoadMoreNode).remaining, 850);
    await t.tree.whenDigestsSettled(repo);
    kids = await t.tree.getChildren(repo);
    const tag150 = kids[150];
    assert.equal(tag150.kind, 'tag');
    assert.match(String(t.tree.getTreeItem(tag150).description), /(^|· )sha256:[0-9a-f]{12}$/);
  });

  it('sorts tags A→Z when registryExplorer.tagSort is alphabetical, and pages by registryExplorer.pageSize', async () => {
    await setSetting('tagSort', 'alphabetical');
    await setSetting('pageSize', 3);
    t.tree.refresh(); // the configuration event may come after update() resolves
    try {
      const repo = await repositoryNode(t.tree, host, 'app');
      const kids = await t.tree.getChildren(repo);
      assert.deepEqual(
        kids.map((n) => (n.kind === 'tag' ? n.tag : n.kind)),
        ['1.0.0', '1.1.0', '1.2.0-rc.1', 'loadMore'],
      );
    } finally {
      await setSetting('tagSort', undefined);
      await setSetting('pageSize', undefined);
      t.tree.refresh();
    }
  });

  it('opens the manifest and the config as read-only JSON documents', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    const node = await tagNode(t.tree, repo, '1.0.0');
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('registryExplorer.openManifest', node);
    assert.ok(doc, 'no document');
    assert.equal(doc.uri.scheme, 'registry-explorer');
    assert.equal(doc.languageId, 'json');
    const manifest = JSON.parse(doc.getText());
    assert.equal(manifest.schemaVersion, 2);
    assert.equal(manifest.config.digest, dataset.repositories.app.manifests[dataset.repositories.app.tags['1.0.0']].configDigest);

    const config = await vscode.commands.executeCommand<vscode.TextDocument>('registryExplorer.openConfig', node);
    assert.ok(config);
    assert.equal(JSON.parse(config.getText()).created, dataset.repositories.app.manifests[dataset.repositories.app.tags['1.0.0']].created);

    const multi = await tagNode(t.tree, await repositoryNode(t.tree, host, 'multi'), '2.0.0');
    const state = answerWith(t.hooks, { 'openConfig.platform': 'linux/arm64' });
    try {
      const armConfig = await vscode.commands.executeCommand<vscode.TextDocument>('registryExplorer.openConfig', multi);
      assert.ok(armConfig);
      assert.equal(JSON.parse(armConfig.getText()).architecture, 'arm64');
      assert.deepEqual(state.unexpected, []);
    } finally {
      clearAnswers(t.hooks);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('copies the digest, the image reference and the pull command', async () => {
    const repo = await repositoryNode(t.tree, host, 'team/api');
    const node = await tagNode(t.tree, repo, 'stable');
    const digest = dataset.repositories['team/api'].tags.stable;
    assert.equal(await vscode.commands.executeCommand('registryExplorer.copyDigest', node), digest);
    assert.equal(await vscode.commands.executeCommand('registryExplorer.copyImageReference', node), `${host}/team/api@${digest}`);
    assert.equal(await vscode.commands.executeCommand('registryExplorer.copyPullCommand', node), `docker pull ${host}/team/api:stable`);
  });

  it('pages the catalog with "Load more…", filters repositories, and adds repositories by hand', async () => {
    await setSetting('pageSize', 2);
    t.tree.refresh();
    try {
      const reg = await registryNode(t.tree, host);
      let kids = await t.tree.getChildren(reg);
      assert.deepEqual(kids.map((n) => n.kind), ['repository', 'repository', 'loadMore']);
      await vscode.commands.executeCommand('registryExplorer.loadMore', kids[2]);
      kids = await t.tree.getChildren(reg);
      assert.equal(kids.filter((n) => n.kind === 'repository').length, 4);
      while (kids.at(-1)?.kind === 'loadMore') {
        await vscode.commands.executeCommand('registryExplorer.loadMore', kids.at(-1));
        kids = await t.tree.getChildren(reg);
      }
      const all = kids.map((n) => (n.kind === 'repository' ? n.repository : n.kind));
      for (const name of dataset.names) assert.ok(all.includes(name), `${name} missing after paging: ${all.join(', ')}`);

      answerWith(t.hooks, { 'filterRepositories.filter': 'TEAM' });
      await vscode.commands.executeCommand('registryExplorer.filterRepositories', reg);
      kids = await t.tree.getChildren(reg);
      assert.deepEqual(kids.map((n) => (n.kind === 'repository' ? n.repository : n.kind)), ['message', 'team/api']);
      assert.match(String(t.tree.getTreeItem(kids[0]).label), /^Filtered by "TEAM": 1 of \d+ repositories$/);
      assert.match(String(t.tree.getTreeItem(reg).description), /filter: TEAM/);
      answerWith(t.hooks, { 'filterRepositories.filter': '' });
      await vscode.commands.executeCommand('registryExplorer.filterRepositories', reg);
      assert.ok((await t.tree.getChildren(reg)).length > 1, 'clearing the filter did not show everything again');

      const state = answerWith(t.hooks, { 'addRepository.name': (r: { validate?: (v: string) => string | undefined }) => {
        assert.ok(r.validate?.('Not/Valid'), 'an upper-case repository name was accepted');
        return 'hand/added';
      } });
      assert.equal(await vscode.commands.executeCommand('registryExplorer.addRepository', reg), 'hand/added');
      assert.deepEqual(state.unexpected, []);
      const setting = vscode.workspace.getConfiguration('registryExplorer').get<{ url: string; repositories?: string[] }[]>('registries');
      assert.deepEqual(setting?.[0].repositories, ['hand/added']);
      kids = await t.tree.getChildren(reg);
      assert.ok(kids.some((n) => n.kind === 'repository' && n.repository === 'hand/added'), 'the added repository is not shown');
    } finally {
      clearAnswers(t.hooks);
      await setSetting('pageSize', undefined);
      await setRegistries([{ url: testRegistry('open').url }]);
      t.tree.refresh();
    }
  });

  it('shows a repository that does not exist as an error node with Retry, not a modal', async () => {
    await setRegistries([{ url: testRegistry('open').url, repositories: ['does/not-exist'] }]);
    const repo = await repositoryNode(t.tree, host, 'does/not-exist');
    const kids = await t.tree.getChildren(repo);
    assert.equal(kids.length, 1);
    const err = kids[0] as MessageNode;
    assert.equal(err.kind, 'message');
    assert.equal(err.severity, 'error');
    const item = t.tree.getTreeItem(err);
    assert.equal(item.contextValue, 'error');
    assert.equal(item.command?.command, 'registryExplorer.retry');
    assert.match(String(item.label), /does\/not-exist/);
    await setRegistries([{ url: testRegistry('open').url }]);
  });
});
