// Helpers for the extension-host tests of the Registries view and commands (run inside a real VS Code).
// Not a test file itself: each *.test.ts bundles its own copy.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../../src/extension/extension';
import type { ExplorerNode, RepositoryNode, TagNode } from '../../src/extension/model/nodes';
import type { PromptRequest, TestHooks } from '../../src/extension/ui';
import type { RegistryTreeProvider } from '../../src/extension/tree/provider';
import type { CredentialStore } from '../../src/credentials/store';
import { startFakeDockerHub, type FakeDockerHub } from '../support/fake-dockerhub';
import type { TestRegistry } from '../support/registry';
import { FULL_ACCEPT } from '../support/seed';
import { testRegistry } from './config';

export const EXTENSION_ID = 'registry-explorer.registry-explorer';

export interface TestApi {
  api: ExplorerApi;
  tree: RegistryTreeProvider;
  hooks: TestHooks;
  credentials: CredentialStore;
}

export async function explorerApi(): Promise<TestApi> {
  const ext = vscode.extensions.getExtension<ExplorerApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api.treeProvider && api.testHooks && api.credentials, 'the test API is missing (is the extension in Test mode?)');
  return { api, tree: api.treeProvider, hooks: api.testHooks, credentials: api.credentials };
}

export async function setRegistries(list: unknown[]): Promise<void> {
  await vscode.workspace.getConfiguration('registryExplorer').update('registries', list, vscode.ConfigurationTarget.Global);
}

/** The runner's test registry `name` (no login) as the only registry in the view: its URL and host, and the test API. */
export async function openRegistryInView(name = 'open'): Promise<{ t: TestApi; url: string; host: string }> {
  const url = testRegistry(name).url;
  const t = await explorerApi();
  await setRegistries([{ url }]);
  t.tree.refresh();
  return { t, url, host: hostOf(url) };
}

/**
 * A FAKE Docker Hub API (test/support/fake-dockerhub.ts) in front of `registry`, serving `repositories`, with
 * `account` signed in and the registry the only one in the view. `stop()` takes it all down, the registry too.
 */
export async function dockerHubInView(
  registry: TestRegistry,
  account: { username: string; secret: string },
  repositories: string[],
): Promise<{ t: TestApi; hub: FakeDockerHub; host: string; stop(): Promise<void> }> {
  const hub = await startFakeDockerHub({ registry, accounts: [{ ...account, orgs: [] }] }).catch(async (e: unknown) => {
    await registry.stop();
    throw e;
  });
  for (const repository of repositories) hub.importFromRegistry(repository);
  const host = hostOf(registry.url);
  const t = await explorerApi();
  await t.credentials.set(host, { username: account.username, password: account.secret });
  await setRegistries([{ url: registry.url, username: account.username, provider: 'dockerhub', apiUrl: hub.url }]);
  t.tree.refresh();
  const stop = async (): Promise<void> => {
    await setRegistries([]);
    await t.credentials.delete(host);
    await hub.stop();
    await registry.stop();
  };
  return { t, hub, host, stop };
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('registryExplorer').update(key, value, vscode.ConfigurationTarget.Global);
}

/**
 * Answers prompts by id: a value, or a function of the request. A prompt with no answer fails the test
 * (answering undefined, i.e. Escape, and recording it).
 */
export function answerWith(hooks: TestHooks, answers: Record<string, unknown>): { unexpected: string[]; asked: PromptRequest[] } {
  const state = { unexpected: [] as string[], asked: [] as PromptRequest[] };
  hooks.answer = (req) => {
    state.asked.push(req);
    if (!(req.id in answers)) {
      state.unexpected.push(req.id);
      return undefined;
    }
    const a = answers[req.id];
    return typeof a === 'function' ? (a as (r: PromptRequest) => unknown)(req) : a;
  };
  return state;
}

export function clearAnswers(hooks: TestHooks): void {
  hooks.answer = undefined;
  hooks.messages.length = 0;
  hooks.prompts.length = 0;
}

export async function children(tree: RegistryTreeProvider, node?: ExplorerNode): Promise<ExplorerNode[]> {
  return tree.getChildren(node);
}

export async function registryNode(tree: RegistryTreeProvider, host: string): Promise<ExplorerNode> {
  const roots = await children(tree);
  const node = roots.find((n) => n.registry === host);
  assert.ok(node, `no registry node ${host} (have ${roots.map((n) => n.registry).join(', ')})`);
  return node;
}

export async function repositoryNode(tree: RegistryTreeProvider, host: string, repository: string): Promise<RepositoryNode> {
  let kids = await children(tree, await registryNode(tree, host));
  // Docker Hub, GHCR, GitLab: registry → namespace → repository.
  const namespace = kids.find((n) => n.kind === 'namespace' && n.namespace === repository.split('/')[0]);
  if (namespace) kids = await children(tree, namespace);
  const node = kids.find((n): n is RepositoryNode => n.kind === 'repository' && n.repository === repository);
  assert.ok(node, `no repository ${repository} under ${host} (have ${kids.map((n) => (n.kind === 'repository' ? n.repository : n.kind)).join(', ')})`);
  return node;
}

export async function tagNodes(tree: RegistryTreeProvider, repo: RepositoryNode): Promise<TagNode[]> {
  return (await children(tree, repo)).filter((n): n is TagNode => n.kind === 'tag');
}

export async function tagNode(tree: RegistryTreeProvider, repo: RepositoryNode, tag: string): Promise<TagNode> {
  const tags = await tagNodes(tree, repo);
  const node = tags.find((n) => n.tag === tag);
  assert.ok(node, `no tag ${tag} in ${repo.repository} (have ${tags.map((n) => n.tag).join(', ')})`);
  return node;
}

/** What the registry says about a tag, over plain HTTP (not through the engine): its digest, or undefined on 404. */
export async function headTag(registryUrl: string, repository: string, tag: string, auth?: { username: string; password: string }): Promise<string | undefined> {
  const headers: Record<string, string> = { accept: FULL_ACCEPT };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const res = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, { method: 'HEAD', headers, signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, `HEAD ${repository}:${tag} answered ${res.status}`);
  return res.headers.get('docker-content-digest') ?? undefined;
}

/** The registry's host key from its URL (`http://127.0.0.1:5000` → `127.0.0.1:5000`). */
export function hostOf(url: string): string {
  return new URL(url).host;
}

export function messagesText(hooks: TestHooks): string {
  return hooks.messages.map((m) => `[${m.severity}] ${m.message}`).join('\n');
}

/** Polls `get` until it gives a value (a command runs on while the test waits for what it shows). */
export async function until<T>(get: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The tags the registry lists now, over plain HTTP (not through the engine), sorted. */
export async function registryTags(url: string, repository: string): Promise<string[]> {
  const res = await fetch(`${url}/v2/${repository}/tags/list?n=10000`, { signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return [];
  assert.equal(res.status, 200);
  return (((await res.json()) as { tags?: string[] | null }).tags ?? []).sort();
}
