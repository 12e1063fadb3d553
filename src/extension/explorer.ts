// What every command needs, in one place: settings, secrets, the log, the tree and engine clients.
import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import { chainCredentialSources, createRegistryClient, dockerConfigCredentialSource, toCredentialSource, type Credential, type CredentialSource, type RegistryClient } from '../engine';
import { allowedRoutes } from './login-trust';
import type { ExplorerLog } from './log';
import { readSettings, type ExplorerSettings, type RegistryEntry } from './model/settings';
import type { ExplorerNode } from './model/nodes';
import type { SecretCredentialStore } from './secrets';
import type { RegistryTreeProvider } from './tree/provider';

export const SECTION = 'registryExplorer';

export interface Explorer {
  readonly context: vscode.ExtensionContext;
  readonly log: ExplorerLog;
  readonly secrets: SecretCredentialStore;
  readonly tree: RegistryTreeProvider;
  readonly view: vscode.TreeView<ExplorerNode>;
  /**
   * The view's selection, as commands run from a key or the palette take it. While a repository redraws, VS Code's
   * `view.selection` is briefly empty (its rows are being fetched again): then the last selection the view reported
   * stands, as far as those rows are still in the tree.
   */
  selection(): readonly ExplorerNode[];
}

export function currentSettings(): ExplorerSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const registries = c.get<unknown>('registries');
  const inspected = c.inspect<unknown>('registries');
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  // In Restricted Mode VS Code leaves out the workspace's value (a restricted setting): then the list is the user's.
  const source = fromWorkspace !== undefined && isDeepStrictEqual(registries, fromWorkspace) ? 'workspace' : 'user';
  return readSettings({
    registries,
    vouchers: { source, own: inspected?.globalValue, allowed: allowedRoutes() },
    pageSize: c.get('pageSize'),
    concurrency: c.get('concurrency'),
    tagSort: c.get('tagSort'),
    versioning: c.get('versioning'),
    protect: c.get('prune.protect'),
  });
}

/** The raw `registryExplorer.registries` list, as the user wrote it. */
export function rawRegistries(): unknown[] {
  const v = vscode.workspace.getConfiguration(SECTION).get<unknown>('registries');
  return Array.isArray(v) ? [...v] : [];
}

/** Writes the list where it is defined now: the workspace when the workspace sets it, else user settings. */
export async function writeRegistries(list: unknown[]): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const inspected = c.inspect('registries');
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await c.update('registries', list, target);
}

/**
 * Where a registry's login comes from: the password or token saved in secret storage, else the docker config
 * (and its credential helpers), so registries imported from there keep working until a password is saved.
 */
export function credentialSourceFor(explorer: Pick<Explorer, 'secrets' | 'log'>, override?: Credential | null): CredentialSource {
  const docker = dockerConfigCredentialSource({ logger: explorer.log });
  if (override === null) return docker; // "anonymous" chosen: only what docker itself would send
  if (override) {
    const fixed: Credential = override;
    return chainCredentialSources(async () => fixed);
  }
  return chainCredentialSources(toCredentialSource(explorer.secrets), docker);
}

/** A new engine client (the HTTP stack loads on its first connection, so activation stays fast). */
export async function newClient(
  explorer: Pick<Explorer, 'secrets' | 'log'>,
  entry: Pick<RegistryEntry, 'url' | 'insecure' | 'caFile' | 'provider' | 'apiUrl' | 'loginWithheld'>,
  settings: ExplorerSettings,
  override?: Credential | null,
): Promise<RegistryClient> {
  // SAFETY: an entry whose login is withheld (model/login-route.ts) connects with none: not the saved one, not
  // docker's, not one given here.
  const credentials: CredentialSource = entry.loginWithheld ? async () => undefined : credentialSourceFor(explorer, override);
  return createRegistryClient({
    url: entry.url,
    insecure: entry.insecure,
    caFile: entry.caFile,
    provider: entry.provider,
    apiUrl: entry.apiUrl,
    concurrency: settings.concurrency,
    credentials,
    logger: explorer.log,
  });
}
