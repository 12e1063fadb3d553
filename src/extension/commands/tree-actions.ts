// What the tree's rows offer beyond browsing: filtering tags (and clearing any filter), and the fixes an error row
// offers for its cause: Edit Address and Open Settings when the registry could not be reached, Choose CA File… and
// Mark Insecure when its certificate was not trusted (Edit Credentials and Retry live with the registry commands).
import * as vscode from 'vscode';
import { parseRegistry, registryKey } from '../../engine';
import { rawRegistries, SECTION, writeRegistries, type Explorer } from '../explorer';
import type { ExplorerNode } from '../model/nodes';
import { withoutRegistry, withRegistry, type RegistrySetting } from '../model/settings';
import { confirm, input, notify, openFile, validatorFrom } from '../ui';

const t = vscode.l10n.t;

function registryOf(explorer: Explorer, node?: unknown): string | undefined {
  const n = (node ?? explorer.selection()[0]) as ExplorerNode | undefined;
  return n && 'registry' in n ? n.registry : undefined;
}

function settingOf(registry: string): RegistrySetting | undefined {
  return rawRegistries().find((item): item is RegistrySetting => {
    const url = (item as RegistrySetting | undefined)?.url;
    if (typeof url !== 'string') return false;
    try {
      return registryKey(url) === registry;
    } catch {
      return false;
    }
  });
}

/** Filter Tags…: shows only the tags of a repository whose name contains a text; empty shows all. */
export async function filterTags(explorer: Explorer, node?: unknown): Promise<void> {
  const n = (node ?? explorer.selection()[0]) as ExplorerNode | undefined;
  if (!n || n.kind !== 'repository') {
    notify('info', t('Select a repository in the Registries view first.'));
    return;
  }
  const value = await input('filterTags.filter', {
    title: t('Filter Tags of {0}/{1}', n.registry, n.repository),
    prompt: t('Show only tags whose name contains this text (empty shows all)'),
    value: explorer.tree.tagFilterOf(n.registry, n.repository) ?? '',
  });
  if (value === undefined) return;
  explorer.tree.setTagFilter(n.registry, n.repository, value);
}

/** Clear Filter: on a filtered registry or repository, or on the "Filtered by …" row under it. */
export function clearFilter(explorer: Explorer, node?: unknown): void {
  const n = (node ?? explorer.selection()[0]) as ExplorerNode | undefined;
  if (!n || !('registry' in n)) return;
  const repository = n.kind === 'repository' || n.kind === 'message' ? n.repository : undefined;
  if (repository) explorer.tree.setTagFilter(n.registry, repository, undefined);
  else explorer.tree.setFilter(n.registry, undefined);
}

/**
 * Edit Address…: the registry's URL, for when it could not be reached. Its settings (user, CA file, repositories,
 * provider) and its saved login move to the new address.
 */
export async function editAddress(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const registry = registryOf(explorer, node);
  const setting = registry ? settingOf(registry) : undefined;
  if (!registry || !setting) return undefined;
  const url = await input('editAddress.url', {
    title: t('Edit Address of {0}', registry),
    prompt: t('Registry address, e.g. registry.example.com or http://localhost:5000'),
    value: setting.url,
    validate: validatorFrom((v) => parseRegistry(v.trim())),
  });
  if (url === undefined || url.trim() === setting.url) return undefined;
  const next = registryKey(url.trim());
  if (next !== registry && settingOf(next)) {
    notify('error', t('{0} is already in the Registries view.', next));
    return undefined;
  }
  const saved = await explorer.secrets.get(registry);
  if (saved && next !== registry) await explorer.secrets.set(next, saved);
  await writeRegistries(withRegistry(withoutRegistry(rawRegistries(), registry), { ...setting, url: url.trim() }));
  if (saved && next !== registry) await explorer.secrets.delete(registry);
  return next;
}

/** Open Settings: the registries setting, where the address and its TLS options are. */
export async function openRegistrySettings(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.registries`);
}

/** Choose CA File…: a PEM file of the CA that signed the registry's certificate, saved as its `caFile`. */
export async function chooseCaFile(explorer: Explorer, node?: unknown): Promise<string | undefined> {
  const registry = registryOf(explorer, node);
  const setting = registry ? settingOf(registry) : undefined;
  if (!registry || !setting) return undefined;
  const file = await openFile('chooseCaFile.file', {
    title: t('CA certificate for {0}', registry),
    openLabel: t('Trust This CA'),
    filters: { [t('Certificates')]: ['pem', 'crt', 'cer'], [t('All files')]: ['*'] },
  });
  if (!file) return undefined;
  await writeRegistries(withRegistry(rawRegistries(), { ...setting, caFile: file }));
  return file;
}

/** Mark Insecure: TLS verification off for this registry, after a warning that says what that means. */
export async function markInsecure(explorer: Explorer, node?: unknown): Promise<boolean> {
  const registry = registryOf(explorer, node);
  const setting = registry ? settingOf(registry) : undefined;
  if (!registry || !setting) return false;
  const ok = await confirm(
    'markInsecure.confirm',
    t('Turn off certificate checks for {0}?', registry),
    t('Anyone between you and the registry could then read your login and change what you see. Prefer Choose CA File… when you have the CA certificate.'),
    t('Mark Insecure'),
  );
  if (!ok) return false;
  await writeRegistries(withRegistry(rawRegistries(), { ...setting, insecure: true }));
  return true;
}
