// Credentials inside a real VS Code: Add Registry (tested before saving), SecretStorage round trip, a 401 as an
// error node with Edit Credentials, Remove Registry deleting the secret. Passwords never reach settings or messages.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MessageNode } from '../../src/extension/model/nodes';
import { testRegistry } from './config';
import { answerWith, clearAnswers, explorerApi, hostOf, messagesText, registryNode, repositoryNode, setRegistries, tagNodes, type TestApi } from './explorer-helpers';

describe('Registry Explorer: credentials and SecretStorage', function () {
  this.timeout(60_000);
  let t: TestApi;
  let basic: ReturnType<typeof testRegistry>;
  let host: string;

  before(async () => {
    basic = testRegistry('basic');
    assert.ok(basic.username && basic.password, 'the basic registry has no user');
    host = hostOf(basic.url);
    t = await explorerApi();
    await setRegistries([]);
    await t.credentials.delete(host);
  });

  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await t.credentials.delete(host);
    await setRegistries([]);
  });

  function registriesSetting(): unknown[] {
    return vscode.workspace.getConfiguration('registryExplorer').get<unknown[]>('registries') ?? [];
  }

  it('Add Registry tests the connection first: a wrong password saves nothing and says what failed', async () => {
    const wrong = `wrong-${basic.password!.slice(3)}`;
    const state = answerWith(t.hooks, {
      'addRegistry.url': basic.url,
      'addRegistry.auth': 'User name and password',
      'addRegistry.username': basic.username,
      // The wrong password, then Escape when the password step comes back saying why.
      'addRegistry.password': (r: { notice?: string }) => (r.notice ? undefined : wrong),
    });
    const key = await vscode.commands.executeCommand<string | undefined>('registryExplorer.addRegistry');
    assert.deepEqual(state.unexpected, []);
    assert.equal(key, undefined);
    assert.deepEqual(registriesSetting(), []);
    assert.equal(await t.credentials.get(host), undefined);
    const again = state.asked.filter((r) => r.id === 'addRegistry.password');
    assert.equal(again.length, 2, 'the password step was not asked again');
    assert.match(again[1].notice ?? '', /rejected the credentials/);
    assert.equal(again[1].value, undefined, 'the refused password is not filled in again');
    const text = [messagesText(t.hooks), ...state.asked.map((r) => r.notice ?? '')].join('\n');
    assert.ok(!text.includes(wrong), 'the password appeared in a message');
  });

  it('validates the URL as you type', async () => {
    let validate: ((v: string) => string | undefined) | undefined;
    answerWith(t.hooks, {
      'addRegistry.url': (r: { validate?: (v: string) => string | undefined }) => {
        validate = r.validate;
        return undefined;
      },
    });
    await vscode.commands.executeCommand('registryExplorer.addRegistry');
    assert.ok(validate);
    assert.ok(validate('ftp://x'), 'ftp:// accepted');
    assert.ok(validate(''), 'empty accepted');
    assert.ok(validate('host/with/path'), 'a path accepted');
    assert.equal(validate('localhost:5000'), undefined);
    assert.equal(validate('https://registry.example.com'), undefined);
  });

  it('saves the password only in SecretStorage (round trip), the user name in settings', async () => {
    answerWith(t.hooks, {
      'addRegistry.url': basic.url,
      'addRegistry.auth': 'User name and password',
      'addRegistry.username': basic.username,
      'addRegistry.password': basic.password,
    });
    const key = await vscode.commands.executeCommand<string | undefined>('registryExplorer.addRegistry');
    assert.equal(key, host, messagesText(t.hooks));
    assert.deepEqual(await t.credentials.get(host), { username: basic.username, password: basic.password });
    assert.deepEqual(registriesSetting(), [{ url: basic.url, username: basic.username }]);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('registryExplorer')).includes(basic.password!), 'the password is in the settings');

    const reg = await registryNode(t.tree, host);
    assert.equal(t.tree.getTreeItem(reg).description, basic.username);
    const repo = await repositoryNode(t.tree, host, 'app');
    const tags = await tagNodes(t.tree, repo);
    assert.ok(tags.some((n) => n.tag === 'latest'), 'the logged-in tree shows no tags');
  });

  it('shows a 401 as an error node offering Edit Credentials, which fixes it', async () => {
    await t.credentials.delete(host);
    t.tree.refresh();
    const reg = await registryNode(t.tree, host);
    const kids = await t.tree.getChildren(reg);
    const err = kids.find((n): n is MessageNode => n.kind === 'message' && n.severity === 'error');
    assert.ok(err, `no error node: ${kids.map((n) => n.kind).join(', ')}`);
    assert.equal(err.cause, 'login');
    assert.equal(t.tree.getTreeItem(err).contextValue, 'error.login', 'a refused login offers Edit Credentials');

    const state = answerWith(t.hooks, {
      'editCredentials.auth': 'User name and password',
      'editCredentials.username': (r: { value?: string }) => r.value ?? basic.username,
      'editCredentials.password': basic.password,
    });
    const ok = await vscode.commands.executeCommand<boolean>('registryExplorer.editCredentials', err);
    assert.equal(ok, true, messagesText(t.hooks));
    assert.deepEqual(state.unexpected, []);
    assert.deepEqual(await t.credentials.get(host), { username: basic.username, password: basic.password });
    const after = await t.tree.getChildren(await registryNode(t.tree, host));
    assert.ok(after.some((n) => n.kind === 'repository'), 'still no repositories after Edit Credentials');
  });

  it('Remove Registry removes the entry and its secret after a confirm', async () => {
    const reg = await registryNode(t.tree, host);
    answerWith(t.hooks, { 'removeRegistry.confirm': false });
    assert.equal(await vscode.commands.executeCommand('registryExplorer.removeRegistry', reg), false);
    assert.ok(await t.credentials.get(host), 'Cancel removed the secret');

    answerWith(t.hooks, { 'removeRegistry.confirm': true });
    assert.equal(await vscode.commands.executeCommand('registryExplorer.removeRegistry', reg), true);
    assert.equal(await t.credentials.get(host), undefined);
    assert.deepEqual(registriesSetting(), []);
    assert.deepEqual(await t.tree.getChildren(), []);
  });

  it('keeps every password out of the log', async () => {
    const { api } = t;
    assert.ok(api.logUri, 'no log folder');
    const files = readdirSync(api.logUri.fsPath, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.log'));
    assert.ok(files.length > 0, `no log file in ${api.logUri.fsPath}`);
    const text = files.map((f) => readFileSync(join(api.logUri!.fsPath, f), 'utf8')).join('\n');
    assert.match(text, /connection test to .* failed/, 'the failed connection test was not logged');
    assert.ok(!text.includes(basic.password!), 'a password reached the log');
    assert.ok(!text.includes(`wrong-${basic.password!.slice(3)}`), 'the wrong password reached the log');
  });

  it('imports registries from the docker config, which keeps providing their login', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regx-docker-config-'));
    const saved = process.env.DOCKER_CONFIG;
    // The extension host is this process: the docker config lookup sees the variable.
    process.env.DOCKER_CONFIG = dir;
    try {
      const auth = Buffer.from(`${basic.username}:${basic.password}`).toString('base64');
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }), { mode: 0o600 });
      const state = answerWith(t.hooks, { 'importDockerConfig.registries': (r: { items?: readonly vscode.QuickPickItem[] }) => r.items!.filter((i) => i.picked) });
      const added = await vscode.commands.executeCommand<string[]>('registryExplorer.importDockerConfig');
      assert.deepEqual(state.unexpected, []);
      assert.deepEqual(added, [host]);
      assert.deepEqual(registriesSetting(), [{ url: host }]);
      assert.equal(await t.credentials.get(host), undefined, 'the docker login was copied into SecretStorage');
      assert.ok(!messagesText(t.hooks).includes(basic.password!));
      const repo = await repositoryNode(t.tree, host, 'app');
      assert.ok((await tagNodes(t.tree, repo)).some((n) => n.tag === 'latest'), 'the docker config login was not used');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
