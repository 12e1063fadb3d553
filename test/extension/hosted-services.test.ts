// Docker Hub, GHCR and GitLab in a real VS Code, through FAKE service APIs (test/support/fake-dockerhub.ts,
// fake-ghcr.ts, fake-gitlab.ts, built from their published descriptions) in front of a real registry: the repositories come from the service's
// list (no catalog), Delete Image goes through the service (Hub: every tag untagged, and the modal says Hub keeps the
// data; GHCR: the package version), Untag on GHCR says it has none, and GitLab is found from its token realm with its
// projects' repositories grouped and its tags' times from the registry's list, and untags through its API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeleteOutcome } from '../../src/extension/commands';
import type { FakeDockerHub } from '../support/fake-dockerhub';
import { fakeClassicToken, startFakeGhcr, type FakeGhcr } from '../support/fake-ghcr';
import { startFakeGitlab, type FakeGitlab } from '../support/fake-gitlab';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushManifest } from '../support/seed';
import { storedRepository } from '../support/registry-storage';
import { answerWith, children, clearAnswers, dockerHubInView, explorerApi, headTag, hostOf, messagesText, registryNode, repositoryNode, setRegistries, tagNode, type TestApi } from './explorer-helpers';

const HUB_USER = { username: 'alice', secret: 'dckr_pat_alice-host-hub-9' };

describe('Registry Explorer: Docker Hub (fake Hub API)', function () {
  this.timeout(90_000);
  let t: TestApi;
  let reg: TestRegistry;
  let hub: FakeDockerHub;
  let host: string;
  let stop: (() => Promise<void>) | undefined;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    const img = await pushImage(reg, 'alice/app', ['1.0.0'], { salt: 'host-hub-1' });
    await pushManifest(reg, 'alice/app', 'stable', img.mediaType, storedRepository(reg.dataDir, 'alice/app').manifests[0].bytes);
    await pushImage(reg, 'alice/app', ['2.0.0'], { salt: 'host-hub-2' });
    ({ t, hub, host, stop } = await dockerHubInView(reg, HUB_USER, ['alice/app']));
  });
  afterEach(() => clearAnswers(t.hooks));
  after(() => stop?.());

  it('lists the repositories from the Hub API and tags with their ages, without a request per tag', async () => {
    // Grouped by namespace: alice → app.
    const namespaces = await children(t.tree, await registryNode(t.tree, host));
    const alice = namespaces.find((n) => n.kind === 'namespace' && n.namespace === 'alice');
    assert.ok(alice, JSON.stringify(namespaces.map((n) => n.id)));
    assert.deepEqual([t.tree.getTreeItem(alice).label, t.tree.getTreeItem(alice).description], ['alice', '1 repository']);
    const [app] = await children(t.tree, alice);
    assert.deepEqual([app.kind, t.tree.getTreeItem(app).label], ['repository', 'app']);
    // Hub's own list says how often it was pulled and when it was last updated.
    assert.match(String(t.tree.getTreeItem(app).description), /(^|· )0 pulls · updated (just now|\d+ \w+ ago)$/);
    assert.equal(t.tree.getParent(app)?.id, alice.id, 'revealed under its namespace');
    hub.log.length = 0;
    const repo = await repositoryNode(t.tree, host, 'alice/app');
    const tags = (await children(t.tree, repo)).flatMap((n) => (n.kind === 'tag' ? [n.tag] : []));
    assert.deepEqual(tags, ['2.0.0', '1.0.0', 'stable']);
    assert.match(String(t.tree.getTreeItem(await tagNode(t.tree, repo, '1.0.0')).description), /^= stable · (just now|.*ago) · \d+(\.\d+)? (B|KiB) · sha256:/);
    assert.ok(hub.requests({ method: 'GET' }).length <= 2, 'one page of tags (and perhaps a token)');
  });

  it('says once, in words, when few requests to the Hub API are left', async () => {
    hub.setRemaining(5);
    t.hooks.messages.length = 0;
    const repo = await repositoryNode(t.tree, host, 'alice/app');
    t.tree.refresh(repo);
    await children(t.tree, await repositoryNode(t.tree, host, 'alice/app'));
    const warned = t.hooks.messages.filter((m) => /requests to the service’s API are left/.test(m.message));
    assert.equal(warned.length, 1, JSON.stringify(t.hooks.messages));
    assert.match(warned[0].message, /: \d of 10000 requests to the service’s API are left until /);
    assert.equal(warned[0].severity, 'warning');
    t.tree.refresh(repo);
    await children(t.tree, await repositoryNode(t.tree, host, 'alice/app'));
    assert.equal(t.hooks.messages.filter((m) => /are left/.test(m.message)).length, 1, 'once per quota window');
    hub.setRemaining(10_000);
  });

  it('Delete Image untags every tag of the image through the Hub API, after a modal that says Hub keeps the data', async () => {
    const repo = await repositoryNode(t.tree, host, 'alice/app');
    const state = answerWith(t.hooks, { 'delete.confirm': true });
    const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, '1.0.0'));
    assert.deepEqual(state.unexpected, []);
    assert.match(state.asked[0].detail ?? '', /removes 2 tags: 1\.0\.0, stable/);
    assert.match(state.asked[0].detail ?? '', /Docker Hub keeps the image data/);
    assert.equal(outcome.deleted.length, 1);
    assert.deepEqual(hub.tags('alice/app'), ['2.0.0']);
    assert.equal(await headTag(reg.url, 'alice/app', 'stable'), undefined);
    assert.match(messagesText(t.hooks), /Deleted 1 image/);
  });
});

describe('Registry Explorer: GHCR (fake GitHub packages API)', function () {
  this.timeout(90_000);
  let t: TestApi;
  let reg: TestRegistry;
  let gh: FakeGhcr;
  let host: string;
  const user = { login: 'octo', token: fakeClassicToken() };

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    await pushImage(reg, 'octo/app', ['v1'], { salt: 'host-ghcr-1' });
    await pushImage(reg, 'octo/app', ['v2'], { salt: 'host-ghcr-2' });
    gh = await startFakeGhcr({ registry: reg, users: [user] });
    host = hostOf(reg.url);
    t = await explorerApi();
    await t.credentials.set(host, { username: user.login, password: user.token });
    await setRegistries([{ url: reg.url, username: user.login, provider: 'ghcr', apiUrl: gh.url }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setRegistries([]);
    await t.credentials.delete(host);
    await gh?.stop();
    await reg?.stop();
  });

  it('Delete Image deletes the package version; Untag says GHCR has none and changes nothing', async () => {
    const repo = await repositoryNode(t.tree, host, 'octo/app');
    const state = answerWith(t.hooks, { 'delete.confirm': true });
    const outcome = await vscode.commands.executeCommand<DeleteOutcome>('registryExplorer.deleteImage', await tagNode(t.tree, repo, 'v1'));
    assert.equal(outcome.deleted.length, 1);
    assert.equal(gh.requests({ method: 'DELETE', path: /\/versions\/\d+$/ }).length, 1);
    assert.equal(await headTag(reg.url, 'octo/app', 'v1'), undefined);
    assert.deepEqual(state.unexpected, []);

    clearAnswers(t.hooks);
    const fresh = await repositoryNode(t.tree, host, 'octo/app');
    const asked = answerWith(t.hooks, {});
    await vscode.commands.executeCommand('registryExplorer.untag', await tagNode(t.tree, fresh, 'v2'));
    assert.deepEqual(asked.asked, [], 'nothing is asked');
    assert.match(messagesText(t.hooks), /GHCR has no way to remove one tag/);
    assert.ok(await headTag(reg.url, 'octo/app', 'v2'));
  });
});

describe('Registry Explorer: GitLab (fake GitLab over a real registry)', function () {
  this.timeout(90_000);
  let t: TestApi;
  let reg: TestRegistry;
  let gitlab: FakeGitlab;
  let host: string;
  const TOKEN = { token: 'glpat-host-gitlab-token-6', scopes: ['api'] };

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    await pushImage(reg, 'group/app', ['v1'], { salt: 'host-gitlab-1', created: new Date('2026-01-02T03:04:05Z') });
    await pushImage(reg, 'group/app', ['v2', 'latest'], { salt: 'host-gitlab-2' });
    gitlab = await startFakeGitlab({ registry: reg, projects: ['group/app'], tokens: [TOKEN] });
    host = hostOf(gitlab.url);
    t = await explorerApi();
    await t.credentials.set(host, { username: 'alice', password: TOKEN.token });
    // No provider named: it is found from the registry's /jwt/auth realm.
    await setRegistries([{ url: gitlab.url, username: 'alice' }]);
    t.tree.refresh();
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setRegistries([]);
    await t.credentials.delete(host);
    await gitlab?.stop();
    await reg?.stop();
  });

  it('is found from its realm; repositories under their group; tags with times from the registry’s list; Untag through the API', async () => {
    const top = await children(t.tree, await registryNode(t.tree, host));
    assert.deepEqual(top.map((n) => (n.kind === 'namespace' ? n.namespace : n.kind)), ['group']);
    const repo = await repositoryNode(t.tree, host, 'group/app');
    assert.equal(t.tree.getTreeItem(repo).label, 'app');
    const tags = (await children(t.tree, repo)).flatMap((n) => (n.kind === 'tag' ? [n.tag] : []));
    assert.deepEqual(tags, ['latest', 'v1', 'v2'], 'not semver: A→Z');
    assert.match(String(t.tree.getTreeItem(await tagNode(t.tree, repo, 'v2')).description), /^= latest · /);

    const state = answerWith(t.hooks, { 'untag.confirm': true });
    await vscode.commands.executeCommand('registryExplorer.untag', await tagNode(t.tree, repo, 'latest'));
    assert.deepEqual(state.unexpected, []);
    assert.equal(await headTag(reg.url, 'group/app', 'latest'), undefined, 'the tag is gone');
    assert.ok(await headTag(reg.url, 'group/app', 'v2'), 'its image and other tag stay');
    assert.ok(gitlab.requests({ server: 'gitlab', method: 'DELETE' }).length >= 1, 'through the GitLab API');
  });
});
