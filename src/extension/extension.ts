// Registry Explorer's VS Code face. activate() only wires things up: no network I/O happens until the
// Registries view asks for its children (or a command runs), and the HTTP stack is loaded on first use.
import * as vscode from 'vscode';
import {
  addRegistry,
  addRepository,
  copyDigest,
  chooseCaFile,
  clearFilter,
  copyImageReference,
  copyPullCommand,
  copyRepositoryName,
  copyTag,
  deleteImage,
  deleteRepository,
  deleteUntagged,
  editAddress,
  editCredentials,
  filterRepositories,
  filterTags,
  importDockerConfig,
  markInsecure,
  openConfig,
  openManifest,
  openRegistrySettings,
  pruneTags,
  pullImage,
  recentlyDeleted,
  refresh,
  removeRegistry,
  untag,
} from './commands';
import { initFeedback } from './commands/feedback';
import { extensionJournal } from './commands/undo';
import { currentSettings, newClient, SECTION, type Explorer } from './explorer';
import type { CredentialStore, Quota } from '../engine';
import { createLog } from './log';
import { initLoginTrust, warnWithheldLogins } from './login-trust';
import { ManifestDocumentProvider, SCHEME, showAsJson } from './manifestProvider';
import type { ExplorerNode, LoadMoreNode } from './model/nodes';
import type { RegistryEntry } from './model/settings';
import { PolicyEditor } from './policy';
import { secretCredentialStore } from './secrets';
import { RegistryTreeProvider } from './tree/provider';
import { notify, testHooks, type TestHooks } from './ui';

export const VIEW_ID = 'registryExplorer.registries';

/**
 * What `activate` returns (the extension's `exports`). Everything but `activationMs` is present only in
 * Development and Test mode (the extension-host tests): an installed extension hands no other extension its
 * tree, its clients or its credential store.
 */
export interface ExplorerApi {
  /** How long activate() took, in ms. */
  readonly activationMs: number;
  readonly treeProvider?: RegistryTreeProvider;
  readonly view?: vscode.TreeView<ExplorerNode>;
  /** Answers prompts instead of the user and records messages: see src/extension/ui.ts. */
  readonly testHooks?: TestHooks;
  /** The SecretStorage-backed credential store (to check the round trip). */
  readonly credentials?: CredentialStore;
  /** Where the "Registry Explorer" log is written (to check that no secret reaches it). */
  readonly logUri?: vscode.Uri;
  /** Where the undo journal is kept (to check that no secret reaches it). */
  readonly journalDir?: string;
}

/** "registry-1.docker.io: 8 of 200 requests to the service’s API are left until 14:30." */
function lowQuotaText(registry: string, q: Quota): string {
  const until = q.resetsAt ? vscode.l10n.t(' until {0}', q.resetsAt.toLocaleTimeString()) : '';
  return vscode.l10n.t('{0}: {1} of {2} requests to the service’s API are left{3}. Browsing on may be refused until then.', registry, q.remaining, q.limit, until);
}

function updateContextKeys(view: vscode.TreeView<ExplorerNode>): void {
  void vscode.commands.executeCommand('setContext', 'registryExplorer.configured', currentSettings().registries.length > 0);
  void vscode.commands.executeCommand('setContext', 'registryExplorer.tagSelected', view.selection.some((n) => n.kind === 'tag'));
}

export function activate(context: vscode.ExtensionContext): ExplorerApi {
  const started = performance.now();
  const log = createLog();
  const secrets = secretCredentialStore(context.secrets, (v) => log.addSecret(v));
  const explorerDeps = { secrets, log };
  const tree = new RegistryTreeProvider({
    settings: currentSettings,
    createClient: (entry, settings) => newClient(explorerDeps, entry, settings),
    log,
    lowQuota: (registry, q) => notify('warning', lowQuotaText(registry, q)),
  });
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  let lastSelection: readonly ExplorerNode[] = [];
  context.subscriptions.push(view.onDidChangeSelection((e) => (lastSelection = e.selection)));
  const selection = (): readonly ExplorerNode[] => (view.selection.length > 0 ? view.selection : lastSelection.filter((n) => tree.isShown(n)));
  const explorer: Explorer = { context, log, secrets, tree, view, selection };
  initFeedback(context.globalState, (registry) => tree.providerName(registry));
  initLoginTrust(context.globalState);
  const reconnect = (entry: RegistryEntry) => tree.reconcile(new Set([entry.key]));

  const register = (id: string, fn: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(`registryExplorer.${id}`, fn as (...args: unknown[]) => unknown));
  register('addRegistry', () => addRegistry(explorer));
  register('importDockerConfig', () => importDockerConfig(explorer));
  register('editCredentials', (node?: ExplorerNode) => editCredentials(explorer, node));
  register('removeRegistry', (node?: ExplorerNode) => removeRegistry(explorer, node));
  register('refresh', (node?: ExplorerNode) => refresh(explorer, node));
  register('retry', (node?: ExplorerNode) => refresh(explorer, node));
  register('filterRepositories', (node?: ExplorerNode) => filterRepositories(explorer, node));
  register('addRepository', (node?: ExplorerNode) => addRepository(explorer, node));
  register('loadMore', (node: LoadMoreNode) => tree.loadMore(node));
  register('copyDigest', (node?: ExplorerNode) => copyDigest(explorer, node));
  register('copyImageReference', (node?: ExplorerNode) => copyImageReference(explorer, node));
  register('copyPullCommand', (node?: ExplorerNode) => copyPullCommand(explorer, node));
  register('copyTag', (node?: ExplorerNode) => copyTag(explorer, node));
  register('pullImage', (node?: ExplorerNode) => pullImage(explorer, node));
  register('copyRepositoryName', (node?: ExplorerNode) => copyRepositoryName(explorer, node));
  register('deleteRepository', (node?: ExplorerNode) => deleteRepository(explorer, node));
  register('openManifest', (node?: ExplorerNode) => openManifest(explorer, node));
  register('openConfig', (node?: ExplorerNode) => openConfig(explorer, node));
  register('deleteImage', (node?: ExplorerNode, nodes?: ExplorerNode[]) => deleteImage(explorer, node, nodes));
  register('deleteUntagged', (node?: ExplorerNode, nodes?: ExplorerNode[]) => deleteUntagged(explorer, node, nodes));
  register('untag', (node?: ExplorerNode) => untag(explorer, node));
  register('pruneTags', (node?: ExplorerNode) => pruneTags(explorer, node));
  register('recentlyDeleted', () => recentlyDeleted(explorer));
  register('filterTags', (node?: ExplorerNode) => filterTags(explorer, node));
  register('clearFilter', (node?: ExplorerNode) => clearFilter(explorer, node));
  register('editAddress', (node?: ExplorerNode) => editAddress(explorer, node));
  register('openRegistrySettings', () => openRegistrySettings());
  register('chooseCaFile', (node?: ExplorerNode) => chooseCaFile(explorer, node));
  register('markInsecure', (node?: ExplorerNode) => markInsecure(explorer, node));
  register('showLog', () => log.show());
  // Retention policy files: CodeLenses, diagnostics, Preview and Apply (src/extension/policy).
  const policy = new PolicyEditor(explorer);
  context.subscriptions.push(policy);
  register('previewPolicy', (uri?: vscode.Uri) => policy.preview(uri));
  register('applyPolicy', (uri?: vscode.Uri) => policy.apply(uri));

  context.subscriptions.push(
    log.channel,
    tree,
    view,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, new ManifestDocumentProvider((r) => tree.client(r))),
    vscode.workspace.onDidOpenTextDocument(showAsJson),
    view.onDidChangeSelection(() => updateContextKeys(view)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      const s = currentSettings();
      for (const p of s.problems) log.warn(p);
      warnWithheldLogins(s.registries, reconnect);
      if (e.affectsConfiguration(`${SECTION}.tagSort`) || e.affectsConfiguration(`${SECTION}.versioning`) || e.affectsConfiguration(`${SECTION}.pageSize`) || e.affectsConfiguration(`${SECTION}.concurrency`)) {
        tree.refresh();
      } else {
        tree.reconcile();
      }
      updateContextKeys(view);
    }),
    secrets.onDidChange((host) => tree.reconcile(new Set([host]))),
  );
  // Reading the settings is the slowest step left; it need not hold up activation.
  setTimeout(() => {
    updateContextKeys(view);
    const s = currentSettings();
    for (const p of s.problems) log.warn(p);
    warnWithheldLogins(s.registries, reconnect);
  }, 0);

  const activationMs = performance.now() - started;
  log.debug(`activated in ${activationMs.toFixed(1)} ms`);
  if (context.extensionMode === vscode.ExtensionMode.Production) return { activationMs };
  return { activationMs, treeProvider: tree, view, testHooks, credentials: secrets, logUri: context.logUri, journalDir: extensionJournal(explorer).dir };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
