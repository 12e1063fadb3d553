// The tree's rows and the calm around them, in a real VS Code against a real registry started here: a repository keeps
// "N tags" while it reloads, tag filters with a visible Clear, error rows that offer the fix for their cause (Edit
// Address moves the registry and its login), readable editor tabs for manifests and configs, and the garbage
// collection advice once per registry (a plain delete after it only confirms in the status bar).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeleteOutcome } from '../../src/extension/commands';
import type { MessageNode, TagNode } from '../../src/extension/model/nodes';
import { freePort, startRegistry, type TestRegistry } from '../support/registry';
import { startTlsFront } from '../support/tls-front';
import { pushImage, pushIndex } from '../support/seed';
import { answerWith, children, clearAnswers, explorerApi, hostOf, registryNode, repositoryNode, setRegistries, tagNode, tagNodes, type TestApi } from './explorer-helpers';

describe('Registry Explorer: rows, filters, error fixes, tabs and notifications', function () {
  this.timeout(60_000);
  let t: TestApi;
  let reg: TestRegistry;
  let host: string;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    await pushImage(reg, 'app', ['1.0.0'], { salt: 'rows-1' });
    await pushImage(reg, 'app', ['1.1.0-rc.1'], { salt: 'rows-2' });
    await pushImage(reg, 'app', ['2.0.0', 'latest'], { salt: 'rows-3' });
    await pushImage(reg, 'app', ['2.1.0'], { salt: 'rows-4' });
    await pushIndex(reg, 'multi', ['1.0.0'], { salt: 'rows-multi' });
    // Built out of version order: the newest order is not the version order.
    await pushImage(reg, 'timed', ['2.0.0'], { salt: 'rows-t1', created: new Date('2026-09-01T00:00:00Z') });
    await pushImage(reg, 'timed', ['0.9.0'], { salt: 'rows-t2', created: new Date('2026-11-01T00:00:00Z') });
    await pushImage(reg, 'timed', ['1.0.0'], { salt: 'rows-t3', created: new Date('2026-10-01T00:00:00Z') });
    // A signed image with an SBOM, as cosign tags them (the tags name the digest they belong to).
    const signed = await pushImage(reg, 'signed', ['1.0.0'], { salt: 'rows-signed' });
    const hex = signed.digest.slice('sha256:'.length);
    await pushImage(reg, 'signed', [`sha256-${hex}.sig`], { salt: 'rows-signed-sig' });
    await pushImage(reg, 'signed', [`sha256-${hex}.sbom`], { salt: 'rows-signed-sbom' });
    await pushImage(reg, 'signed', ['0.9.0'], { salt: 'rows-unsigned' });
    host = hostOf(reg.url);
    t = await explorerApi();
    await setRegistries([{ url: reg.url }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setRegistries([]);
    await reg?.stop();
  });

  it('a repository keeps "N tags" while it reloads after a refresh', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    await t.tree.getChildren(repo);
    assert.equal(t.tree.getTreeItem(repo).description, '5 tags');
    t.tree.refresh(repo);
    assert.equal(t.tree.getTreeItem(repo).description, '5 tags', 'the count it had, before its tags are read again');
  });

  it('Filter Tags shows a "Filtered by" row first, the count in the repository row, and Clear brings every tag back', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    answerWith(t.hooks, { 'filterTags.filter': '2.' });
    await vscode.commands.executeCommand('registryExplorer.filterTags', repo);
    const kids = await t.tree.getChildren(repo);
    const note = kids[0] as MessageNode;
    assert.equal(note.kind, 'message');
    const item = t.tree.getTreeItem(note);
    assert.equal(item.label, 'Filtered by "2.": 2 of 5 tags');
    assert.equal(item.contextValue, 'info.filter');
    assert.equal(item.command?.command, 'registryExplorer.clearFilter', 'clicking the row clears the filter');
    assert.deepEqual(kids.slice(1).map((n) => (n as TagNode).tag), ['2.1.0', '2.0.0']);
    assert.equal(t.tree.getTreeItem(repo).description, '2 of 5 tags');
    assert.equal(t.tree.getTreeItem(repo).contextValue, 'repository.filtered', 'the row offers Clear Filter');

    await vscode.commands.executeCommand('registryExplorer.clearFilter', note);
    assert.deepEqual((await tagNodes(t.tree, repo)).map((n) => n.tag), ['2.1.0', '2.0.0', '1.1.0-rc.1', '1.0.0', 'latest']);
    assert.equal(t.tree.getTreeItem(repo).contextValue, 'repository');
  });

  it('an unreachable registry offers Edit Address, not Edit Credentials; the new address takes its login along', async () => {
    const port = await freePort(); // nothing listens there
    const dead = `127.0.0.1:${port}`;
    await t.credentials.set(dead, { username: 'mover', password: 'rows-secret-move-1' });
    await setRegistries([{ url: `http://${dead}` }, { url: reg.url }]);
    t.tree.refresh();
    const kids = await t.tree.getChildren(await registryNode(t.tree, dead));
    const error = kids.find((n): n is MessageNode => n.kind === 'message' && n.severity === 'error');
    assert.ok(error, `no error row: ${kids.map((n) => n.kind).join(', ')}`);
    assert.equal(t.tree.getTreeItem(error).contextValue, 'error.address');

    answerWith(t.hooks, { 'editAddress.url': reg.url });
    // The live registry is in the list already: moving onto it is refused, and nothing changes.
    assert.equal(await vscode.commands.executeCommand('registryExplorer.editAddress', error), undefined);
    assert.match(t.hooks.messages.map((m) => m.message).join('\n'), /already in the Registries view/);
    await setRegistries([{ url: `http://${dead}` }]);
    answerWith(t.hooks, { 'editAddress.url': reg.url });
    assert.equal(await vscode.commands.executeCommand('registryExplorer.editAddress', error), host);
    const setting = vscode.workspace.getConfiguration('registryExplorer').get<{ url: string }[]>('registries');
    assert.deepEqual(setting?.map((r) => r.url), [reg.url]);
    assert.deepEqual(await t.credentials.get(host), { username: 'mover', password: 'rows-secret-move-1' }, 'the login moved with it');
    assert.equal(await t.credentials.get(dead), undefined, 'and is no longer kept for the old address');
    await t.credentials.delete(host);
    t.tree.refresh();
  });

  it('an untrusted certificate offers Choose CA File… and Mark Insecure; the CA file chosen makes the registry browse', async () => {
    const front = await startTlsFront(reg.url);
    try {
      await setRegistries([{ url: front.url }]);
      t.tree.refresh();
      const node = await registryNode(t.tree, front.host);
      const kids = await t.tree.getChildren(node);
      const error = kids.find((n): n is MessageNode => n.kind === 'message' && n.severity === 'error');
      assert.ok(error, `no error row: ${kids.map((n) => n.kind).join(', ')}`);
      assert.equal(t.tree.getTreeItem(error).contextValue, 'error.tls');

      answerWith(t.hooks, { 'markInsecure.confirm': false, 'chooseCaFile.file': front.certPath });
      assert.equal(await vscode.commands.executeCommand('registryExplorer.markInsecure', error), false, 'Cancel changes nothing');
      assert.equal(await vscode.commands.executeCommand('registryExplorer.chooseCaFile', error), front.certPath);
      const setting = vscode.workspace.getConfiguration('registryExplorer').get<{ url: string; caFile?: string; insecure?: boolean }[]>('registries');
      assert.deepEqual(setting, [{ url: front.url, caFile: front.certPath }], 'the CA file is saved, verification stays on');
      const repos = await t.tree.getChildren(await registryNode(t.tree, front.host));
      assert.ok(repos.some((n) => n.kind === 'repository' && n.repository === 'app'), `the registry browses now: ${repos.map((n) => n.kind).join(', ')}`);
    } finally {
      await setRegistries([{ url: reg.url }]);
      t.tree.refresh();
      await front.stop();
    }
  });

  it('a multi-arch tag expands to its platform images, each with its size and digest', async () => {
    const multi = await repositoryNode(t.tree, host, 'multi');
    const tag = await tagNode(t.tree, multi, '1.0.0');
    await t.tree.whenDigestsSettled(multi);
    assert.equal(t.tree.getTreeItem(tag).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const kids = await t.tree.getChildren(tag);
    assert.deepEqual(kids.map((n) => (n.kind === 'platform' ? n.platform : n.kind)), ['linux/amd64', 'linux/arm64']);
    const item = t.tree.getTreeItem(kids[0]);
    assert.match(String(item.description), /^\d+(\.\d+)? (B|KiB) · sha256:[0-9a-f]{12}$/);
    assert.equal(item.contextValue, 'platform');
    assert.equal(t.tree.getParent(kids[0]), tag);
    const app = await repositoryNode(t.tree, host, 'app');
    await t.tree.whenDigestsSettled(app);
    assert.equal(t.tree.getTreeItem(await tagNode(t.tree, app, '2.1.0')).collapsibleState, vscode.TreeItemCollapsibleState.None, 'a single-platform tag does not expand');
  });

  it('registryExplorer.tagSort newest orders by when each image was built, reading them on a plain registry', async () => {
    await vscode.workspace.getConfiguration('registryExplorer').update('tagSort', 'newest', vscode.ConfigurationTarget.Global);
    try {
      t.tree.refresh();
      const timed = await repositoryNode(t.tree, host, 'timed');
      assert.deepEqual((await tagNodes(t.tree, timed)).map((n) => n.tag), ['0.9.0', '1.0.0', '2.0.0']);
      assert.match(String(t.tree.getTreeItem(await tagNode(t.tree, timed, '0.9.0')).description), / ago · (.+ · )?sha256:[0-9a-f]{12}$/, 'the age is known at once');
    } finally {
      await vscode.workspace.getConfiguration('registryExplorer').update('tagSort', undefined, vscode.ConfigurationTarget.Global);
      t.tree.refresh();
    }
  });

  it('manifest and config tabs are titled for people, and read as JSON', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    const doc = await vscode.commands.executeCommand<vscode.TextDocument>('registryExplorer.openManifest', await tagNode(t.tree, repo, '2.0.0'));
    assert.equal(doc.uri.path.split('/').pop(), 'app:2.0.0 — manifest');
    assert.match(doc.getText(), /"schemaVersion": 2/);
    const deadline = Date.now() + 5000;
    while (vscode.window.activeTextEditor?.document.languageId !== 'json' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'json');

    const multi = await repositoryNode(t.tree, host, 'multi');
    answerWith(t.hooks, { 'openConfig.platform': 'linux/arm64' });
    const config = await vscode.commands.executeCommand<vscode.TextDocument>('registryExplorer.openConfig', await tagNode(t.tree, multi, '1.0.0'));
    assert.equal(config.uri.path.split('/').pop(), 'multi:1.0.0 (linux\u2215arm64) — config');
    assert.match(config.getText(), /"architecture": "arm64"/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the garbage-collection advice comes once per registry, with Undo and Don’t Show Again; a later delete offers Undo alone', async () => {
    const repo = await repositoryNode(t.tree, host, 'app');
    answerWith(t.hooks, { 'delete.confirm': true });
    const first = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '1.0.0'));
    assert.equal(first.deleted.length, 1);
    const told = t.hooks.messages.find((m) => /Deleted 1 image/.test(m.message));
    assert.ok(told && !told.statusBar, 'the first delete on this registry is a notification');
    assert.match(told.message, /garbage collection/);
    assert.deepEqual(told.buttons, ['Undo', 'About Garbage Collection', 'Don’t Show Again']);

    t.hooks.messages.length = 0;
    const fresh = await repositoryNode(t.tree, host, 'app');
    const second = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, fresh, '1.1.0-rc.1'));
    assert.equal(second.deleted.length, 1);
    const quiet = t.hooks.messages.find((m) => /Deleted 1 image/.test(m.message));
    assert.ok(quiet && !quiet.statusBar, `the second is a notification, for its Undo: ${JSON.stringify(t.hooks.messages)}`);
    assert.deepEqual(quiet.buttons, ['Undo']);
    assert.doesNotMatch(quiet.message, /garbage collection/);
  });

  it('deleting a multi-arch image says its platform images stay in storage until garbage collection', async () => {
    const multi = await repositoryNode(t.tree, host, 'multi');
    const state = answerWith(t.hooks, { 'delete.confirm': true });
    const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, multi, '1.0.0'));
    assert.equal(outcome.deleted.length, 1);
    assert.match(state.asked[0].detail ?? '', /It is a multi-arch image: its 2 platform images are no longer reachable, and stay in storage until garbage collection\./);
  });

  it('a signed image says so on its row and expands to its signature and SBOM; their tags are grouped apart, each saying whose it is', async () => {
    const repo = await repositoryNode(t.tree, host, 'signed');
    await tagNodes(t.tree, repo);
    await t.tree.whenDigestsSettled(repo);
    const description = async (tag: string) => String(t.tree.getTreeItem(await tagNode(t.tree, repo, tag)).description);
    assert.match(await description('1.0.0'), /^signed · SBOM · /);
    assert.doesNotMatch(await description('0.9.0'), /signed|SBOM/);
    // Among the release tags only the releases; the referrer tags in their own group.
    const kids = await children(t.tree, repo);
    assert.deepEqual(kids.filter((n): n is TagNode => n.kind === 'tag').map((n) => n.tag), ['1.0.0', '0.9.0']);
    const group = kids.find((n) => n.kind === 'referrerTags')!;
    assert.ok(group, 'a "Signatures and SBOMs" group');
    assert.equal(t.tree.getTreeItem(group).label, 'Signatures and SBOMs (2)');
    const grouped = (await children(t.tree, group)) as TagNode[];
    await t.tree.whenDigestsSettled(repo);
    const sig = grouped.find((n) => n.tag.endsWith('.sig'))!;
    const sbom = grouped.find((n) => n.tag.endsWith('.sbom'))!;
    assert.match(String(t.tree.getTreeItem(sig).description), /^signature of 1\.0\.0 · /);
    assert.match(String(t.tree.getTreeItem(sbom).description), /^SBOM of 1\.0\.0 · /);
    assert.equal(t.tree.getParent(sig)?.id, group.id, 'a referrer tag is revealed under its group');
    // The image's row expands to what refers to it.
    const signed = await tagNode(t.tree, repo, '1.0.0');
    assert.equal(t.tree.getTreeItem(signed).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const refs = await children(t.tree, signed);
    assert.deepEqual(refs.map((n) => [n.kind, t.tree.getTreeItem(n).label]).sort(), [['referrer', 'SBOM'], ['referrer', 'Signature']]);
    assert.match(String(t.tree.getTreeItem(refs.find((n) => t.tree.getTreeItem(n).label === 'Signature')!).description), new RegExp(`^${sig.tag} · `));
    assert.equal(t.tree.getTreeItem(await tagNode(t.tree, repo, '0.9.0')).collapsibleState, vscode.TreeItemCollapsibleState.None);

    // Delete Image says they go after it (Cancel here: nothing changes).
    const state = answerWith(t.hooks, { 'delete.confirm': false });
    await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '1.0.0'));
    assert.match(state.asked[0].detail ?? '', new RegExp(`After it go its signature ${sig.tag}; SBOM ${sbom.tag}\\.`));
  });

  it('Delete Image warns when the workspace deploys the image, naming the file and line (the user may still go ahead)', async function () {
    this.timeout(100_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test window has a workspace');
    const file = vscode.Uri.joinPath(folder.uri, 'deploy', 'api.yaml');
    const text = ['apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  containers:', `    - image: ${host}/app:2.1.0 # pinned`, ''].join('\n');
    await vscode.workspace.fs.writeFile(file, Buffer.from(text));
    try {
      const repo = await repositoryNode(t.tree, host, 'app');
      let detail = '';
      // The scan is read again once the file watcher says the file changed — or, should the watcher be late (it
      // was once, on a fresh CI machine), once the scan is a minute old (FRESH_MS): up to 70 s.
      for (const end = Date.now() + 70_000; !/workspace deploys it/.test(detail) && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        const state = answerWith(t.hooks, { 'delete.confirm': false });
        await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '2.1.0'));
        detail = state.asked[0]?.detail ?? '';
        clearAnswers(t.hooks);
      }
      assert.match(detail, /The workspace deploys it: tag 2\.1\.0 is used in deploy\/api\.yaml:5\. Deleting it breaks that deployment\./);
    } finally {
      await vscode.workspace.fs.delete(file);
    }
  });

  it('a deploy file the scan cannot read (over 8 MB) is told, not taken as deploying nothing', async function () {
    this.timeout(100_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test window has a workspace');
    const file = vscode.Uri.joinPath(folder.uri, 'deploy', 'bundle.yaml');
    await vscode.workspace.fs.writeFile(file, Buffer.from(`image: ${host}/app:2.1.0\n${'#'.repeat(8 * 1024 * 1024)}\n`));
    try {
      const repo = await repositoryNode(t.tree, host, 'app');
      let told: string | undefined;
      // As above: the watcher, or FRESH_MS.
      for (const end = Date.now() + 70_000; !told && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        answerWith(t.hooks, { 'delete.confirm': false });
        await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '2.1.0'));
        told = t.hooks.messages.find((m) => m.severity === 'warning' && /could not read/.test(m.message))?.message;
        clearAnswers(t.hooks);
      }
      assert.equal(told, 'Registry Explorer could not read 1 file or folder of the workspace, so the images named there are not protected from cleanups: deploy/bundle.yaml (over 8 MB, not read).');
    } finally {
      await vscode.workspace.fs.delete(file);
    }
  });
});
