// Commands on registries: add (multi-step, connection tested before saving), import from the docker config,
// edit credentials, remove, refresh, filter, add a repository by hand.
import * as vscode from 'vscode';
import { errorSentence, listDockerConfigRegistries, parseRegistry, registryKey, validateRepository, type Credential, type PingResult } from '../../engine';
import { currentSettings, newClient, rawRegistries, writeRegistries, type Explorer } from '../explorer';
import type { ExplorerNode } from '../model/nodes';
import { withoutRegistry, withRegistry, withRepository, type RegistryEntry } from '../model/settings';
import { confirm, input, notify, pick, pickMany, validatorFrom } from '../ui';

const t = vscode.l10n.t;

type AuthKind = 'anonymous' | 'password' | 'token';

interface AuthItem extends vscode.QuickPickItem {
  auth: AuthKind;
}

function authItems(): AuthItem[] {
  return [
    { auth: 'anonymous', label: t('Anonymous'), description: t('no login (or the one in ~/.docker/config.json)') },
    { auth: 'password', label: t('User name and password'), description: t('or a personal access token as the password') },
    { auth: 'token', label: t('Bearer token'), description: t('a registry token sent as is') },
  ];
}

const validUrl = validatorFrom(parseRegistry);

const required = (what: string) => (value: string) => (value.trim() ? undefined : t('Enter the {0}.', what));

/** Asks for a login: returns the credential (undefined = anonymous), or 'cancel'. */
async function askCredential(
  idPrefix: string,
  title: string,
  step: number,
  totalSteps: number,
  username?: string,
): Promise<{ credential: Credential | undefined; kind: AuthKind } | 'cancel'> {
  const kind = await pick(`${idPrefix}.auth`, authItems(), { title, placeHolder: t('How does this registry log you in?') });
  if (!kind) return 'cancel';
  if (kind.auth === 'anonymous') return { credential: undefined, kind: 'anonymous' };
  if (kind.auth === 'token') {
    const token = await input(`${idPrefix}.token`, { title, step: step + 1, totalSteps, prompt: t('Registry token'), password: true, validate: required(t('token')) });
    if (token === undefined) return 'cancel';
    return { credential: { registryToken: token.trim() }, kind: 'token' };
  }
  const user = await input(`${idPrefix}.username`, { title, step: step + 1, totalSteps, prompt: t('User name'), value: username, validate: required(t('user name')) });
  if (user === undefined) return 'cancel';
  const password = await input(`${idPrefix}.password`, {
    title,
    step: step + 2,
    totalSteps,
    prompt: t('Password or access token for {0}', user.trim()),
    password: true,
    validate: required(t('password')),
  });
  if (password === undefined) return 'cancel';
  return { credential: { username: user.trim(), password }, kind: 'password' };
}

/** Pings the registry with exactly the login that will be saved. Shows what failed and returns undefined then. */
async function testConnection(
  explorer: Explorer,
  entry: Pick<RegistryEntry, 'url' | 'insecure' | 'caFile'>,
  credential: Credential | undefined,
): Promise<PingResult | undefined> {
  const host = registryKey(entry.url);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: t('Connecting to {0}…', host), cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      const client = await newClient(explorer, entry, currentSettings(), credential ?? null);
      try {
        const ping = await client.ping(controller.signal);
        explorer.log.info(`connected to ${host} (${ping.scheme}, auth ${ping.auth})`);
        return ping;
      } catch (e) {
        if (token.isCancellationRequested) return undefined;
        explorer.log.warn(`connection test to ${host} failed: ${errorSentence(e)}`);
        notify('error', t('Could not connect to {0}: {1}', host, errorSentence(e)), [t('Show Log')], () => explorer.log.show());
        return undefined;
      } finally {
        sub.dispose();
        await client.close();
      }
    },
  );
}

/**
 * Add Registry…: URL → auth kind → user → password (masked) → connection test → save.
 * Resolves with the registry key when it was added.
 */
export async function addRegistry(explorer: Explorer): Promise<string | undefined> {
  const title = t('Add Registry');
  const existing = new Set(currentSettings().registries.map((r) => r.key));
  const url = await input('addRegistry.url', {
    title,
    step: 1,
    totalSteps: 4,
    prompt: t('Registry address: host[:port], or a URL with http:// or https://'),
    placeHolder: 'localhost:5000, ghcr.io, https://registry.example.com',
    validate: (v) => validUrl(v) ?? (existing.has(registryKey(v)) ? t('{0} is already in the list. Use Edit Credentials to change its login.', registryKey(v)) : undefined),
  });
  if (url === undefined) return undefined;
  const trimmed = url.trim().replace(/\/+$/, '');
  const login = await askCredential('addRegistry', title, 2, 4);
  if (login === 'cancel') return undefined;
  const entry = { url: trimmed };
  const ping = await testConnection(explorer, entry, login.credential);
  if (!ping) return undefined;
  const key = registryKey(trimmed);
  if (login.credential) await explorer.secrets.set(key, login.credential);
  else await explorer.secrets.delete(key);
  await writeRegistries(withRegistry(rawRegistries(), { url: trimmed, username: login.credential?.username }));
  explorer.tree.reconcile(new Set([key]));
  notify('info', t('Added {0}.', key));
  return key;
}

/** Import from Docker Config: adds the registries `~/.docker/config.json` has logins for (secrets stay there). */
export async function importDockerConfig(explorer: Explorer): Promise<string[]> {
  let found;
  try {
    found = await listDockerConfigRegistries({ logger: explorer.log });
  } catch (e) {
    notify('error', errorSentence(e));
    return [];
  }
  const existing = new Set(currentSettings().registries.map((r) => r.key));
  const fresh = found.filter((r) => !existing.has(r.host));
  if (found.length === 0) {
    notify('info', t('The docker config has no registry logins (docker login adds them).'));
    return [];
  }
  if (fresh.length === 0) {
    notify('info', t('Every registry in the docker config is already in the list.'));
    return [];
  }
  const items = fresh.map((r) => ({
    label: r.host,
    description: r.store === 'helper' ? t('credential helper: {0}', r.helper ?? '') : t('login in the config file'),
    picked: true,
    host: r.host,
  }));
  const chosen = await pickMany('importDockerConfig.registries', items, { title: t('Import from Docker Config'), placeHolder: t('Registries to add') });
  if (!chosen || chosen.length === 0) return [];
  let list = rawRegistries();
  for (const c of chosen) list = withRegistry(list, { url: c.host });
  await writeRegistries(list);
  explorer.tree.reconcile();
  notify('info', t('Imported {0} registries from the docker config. Their logins stay in the docker config.', chosen.length));
  return chosen.map((c) => c.host);
}

/** The registry a command is about: the node's, or one the user picks. */
export async function chooseRegistry(id: string, node: ExplorerNode | undefined, placeHolder: string): Promise<RegistryEntry | undefined> {
  const registries = currentSettings().registries;
  if (node) return registries.find((r) => r.key === node.registry);
  if (registries.length === 0) {
    notify('info', t('No registry is configured yet. Add one with "Add Registry…".'));
    return undefined;
  }
  if (registries.length === 1) return registries[0];
  const chosen = await pick(
    id,
    registries.map((r) => ({ label: r.key, description: r.username ?? t('anonymous'), entry: r })),
    { placeHolder },
  );
  return chosen?.entry;
}

export async function editCredentials(explorer: Explorer, node?: ExplorerNode): Promise<boolean> {
  const entry = await chooseRegistry('editCredentials.registry', node, t('Registry whose login to change'));
  if (!entry) return false;
  const title = t('Edit Credentials for {0}', entry.key);
  const saved = await explorer.secrets.get(entry.key);
  const login = await askCredential('editCredentials', title, 1, 3, saved?.username ?? entry.username);
  if (login === 'cancel') return false;
  if (!(await testConnection(explorer, entry, login.credential))) return false;
  if (login.credential) await explorer.secrets.set(entry.key, login.credential);
  else await explorer.secrets.delete(entry.key);
  await writeRegistries(withRegistry(rawRegistries(), { url: entry.url, username: login.credential?.username }));
  explorer.tree.reconcile(new Set([entry.key]));
  notify('info', t('Saved the login for {0}.', entry.key));
  return true;
}

export async function removeRegistry(explorer: Explorer, node?: ExplorerNode): Promise<boolean> {
  const entry = await chooseRegistry('removeRegistry.registry', node, t('Registry to remove from the list'));
  if (!entry) return false;
  const ok = await confirm(
    'removeRegistry.confirm',
    t('Remove {0} from the Registries view?', entry.key),
    t('Its saved password or token is deleted from VS Code too. Nothing is deleted on the registry.'),
    t('Remove'),
  );
  if (!ok) return false;
  await explorer.secrets.delete(entry.key);
  await writeRegistries(withoutRegistry(rawRegistries(), entry.key));
  explorer.tree.reconcile(new Set([entry.key]));
  return true;
}

export async function filterRepositories(explorer: Explorer, node?: ExplorerNode): Promise<void> {
  const entry = await chooseRegistry('filterRepositories.registry', node, t('Registry to filter'));
  if (!entry) return;
  const value = await input('filterRepositories.filter', {
    title: t('Filter Repositories of {0}', entry.key),
    prompt: t('Show only repositories whose name contains this text (empty shows all)'),
    value: explorer.tree.filterOf(entry.key) ?? '',
  });
  if (value === undefined) return;
  explorer.tree.setFilter(entry.key, value);
}

export async function addRepository(explorer: Explorer, node?: ExplorerNode): Promise<string | undefined> {
  const entry = await chooseRegistry('addRepository.registry', node, t('Registry to add a repository to'));
  if (!entry) return undefined;
  const name = await input('addRepository.name', {
    title: t('Add Repository to {0}', entry.key),
    prompt: t('Repository name, e.g. team/app (on Docker Hub: library/nginx)'),
    validate: validatorFrom((v) => validateRepository(v.trim())),
  });
  if (name === undefined) return undefined;
  await writeRegistries(withRepository(rawRegistries(), entry.key, name.trim()));
  explorer.tree.reconcile();
  return name.trim();
}

export function refresh(explorer: Explorer, node?: ExplorerNode): void {
  explorer.tree.refresh(node);
}
