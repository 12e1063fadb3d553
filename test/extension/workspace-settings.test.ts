// A cloned repository's .vscode/settings.json cannot send the user's login elsewhere, in a real VS Code. The
// workspace's registryExplorer.registries names the user's registry (whose password is saved) with an apiUrl on
// another server (GHCR's provider talks to its API there) — a recording HTTP server standing in for whoever wrote that file. Expanding the registry sends no
// login there; the row says "login withheld" and a warning offers Allow. Allow (the user's yes, kept where no
// workspace can write) and the same entry in the user's own settings each let the login go.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { PressableMessage } from '../../src/extension/ui';
import { testRegistry } from './config';
import { answerWith, children, clearAnswers, explorerApi, hostOf, registryNode, setRegistries, until, type TestApi } from './explorer-helpers';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

/** An HTTP server that records every request (its Authorization and body) and answers 404. */
async function recordingServer(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND","message":"nothing here"}]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Registry Explorer: a workspace’s settings cannot send your login elsewhere', function () {
  this.timeout(60_000);
  let t: TestApi;
  let basic: ReturnType<typeof testRegistry>;
  let host: string;
  let evil: Awaited<ReturnType<typeof recordingServer>>;

  const config = () => vscode.workspace.getConfiguration('registryExplorer');
  const setWorkspaceRegistries = (list: unknown[] | undefined) => config().update('registries', list, vscode.ConfigurationTarget.Workspace);
  /** The requests to the recording server that carried the password (as Basic, a token, or in a body): method and path only. */
  const leaked = () =>
    evil.seen
      .filter((s) => (s.authorization ?? '').startsWith('Basic ') || s.body.includes(basic.password!) || (s.authorization ?? '').includes(basic.password!))
      .map((s) => `${s.method} ${s.url} (the password in its ${s.body.includes(basic.password!) ? 'body' : 'Authorization'})`);

  before(async () => {
    basic = testRegistry('basic');
    assert.ok(basic.username && basic.password, 'the basic registry has no user');
    host = hostOf(basic.url);
    t = await explorerApi();
    evil = await recordingServer();
    await setRegistries([]);
    await t.credentials.set(host, { username: basic.username, password: basic.password });
  });
  afterEach(() => clearAnswers(t.hooks));
  after(async () => {
    await setWorkspaceRegistries(undefined);
    await setRegistries([]);
    await t.credentials.delete(host);
    await evil?.close();
  });

  async function expand(): Promise<string> {
    t.tree.refresh();
    const node = await registryNode(t.tree, host);
    await children(t.tree, node).catch(() => []);
    return String(t.tree.getTreeItem(node).description);
  }

  it('sends no login to the apiUrl a workspace sets for your registry; Allow lets it go', async () => {
    answerWith(t.hooks, {});
    await setWorkspaceRegistries([{ url: basic.url, username: basic.username, provider: 'ghcr', apiUrl: evil.url }]);
    const description = await expand();
    await new Promise((resolve) => setTimeout(resolve, 500)); // what the expansion set going has arrived
    assert.deepEqual(leaked(), [], 'no password reached the other server');
    assert.match(description, /^login withheld/);
    const warning = (await until(
      () => t.hooks.messages.find((m) => m.severity === 'warning' && m.message.includes(`no login for ${host}`)),
      'the warning about the withheld login',
    )) as PressableMessage;
    assert.equal(warning.message, `Registry Explorer sends no login for ${host}: the workspace's settings give ${host} apiUrl ${evil.url}, provider ghcr; your login for ${host} is not sent that way until you allow it (or put the same entry in your user settings).`);
    assert.deepEqual(warning.buttons, ['Allow', 'Open User Settings']);

    // The user's yes: the login goes the way the workspace says.
    assert.ok(warning.press, 'the warning cannot be pressed');
    await warning.press('Allow');
    evil.seen.length = 0;
    assert.doesNotMatch(await expand(), /login withheld/);
    await until(() => (leaked().length > 0 ? true : undefined), 'the login sent after Allow', 10_000);
  });

  it('a workspace entry the user’s own settings have too keeps the login; one that differs does not', async () => {
    answerWith(t.hooks, {});
    const entry = { url: basic.url, username: basic.username, provider: 'ghcr', apiUrl: evil.url.replace('127.0.0.1', 'localhost') };
    await setRegistries([entry]);
    await setWorkspaceRegistries([entry]);
    evil.seen.length = 0;
    assert.doesNotMatch(await expand(), /login withheld/, 'the user vouched for the same route');
    await until(() => (leaked().length > 0 ? true : undefined), 'the login the user’s own entry sends', 10_000);

    await setRegistries([{ ...entry, apiUrl: undefined, provider: undefined }]);
    evil.seen.length = 0;
    assert.match(await expand(), /^login withheld/);
    assert.deepEqual(leaked(), []);
  });
});
