// Commands on registries: add (add-registry.ts: multi-step, connection tested before saving), import from the
// docker config, edit credentials (the same login steps), remove, refresh, filter, add a repository by hand.
import * as vscode from 'vscode';
import { errorSentence, listDockerConfigRegistries, validateRepository, type Credential } from '../../engine';
import { currentSettings, rawRegistries, writeRegistries, type Explorer } from '../explorer';
import type { ExplorerNode } from '../model/nodes';
import { recoveryFor } from '../model/recovery';
import { withoutRegistry, withRegistry, withRepository, type RegistryEntry } from '../model/settings';
import { lastStepName, runWizard, type WizardStep } from '../multistep';
import { choose, confirm, input, notify, pick, pickMany, StepSession, validatorFrom } from '../ui';
import { askAgain, askUnneededLogin, credentialOf, loginSteps, testConnection, type LoginAnswers } from './login-steps';

const t = vscode.l10n.t;

export { addRegistry } from './add-registry';

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

/** Edit Credentials: the login steps for a listed registry (the current kind of login highlighted), tested, then saved. */
export async function editCredentials(explorer: Explorer, node?: ExplorerNode): Promise<boolean> {
  const entry = await chooseRegistry('editCredentials.registry', node, t('Registry whose login to change'));
  if (!entry) return false;
  const saved = await explorer.secrets.get(entry.key);
  const username = saved?.username ?? entry.username;
  const state: LoginAnswers = { username, auth: saved?.registryToken ? 'token' : username ? 'password' : undefined };
  const steps = loginSteps<LoginAnswers>('editCredentials', () => t('Edit Credentials for {0}', entry.key), () => entry.key);
  const session = new StepSession();
  try {
    let resume: { at?: string; notice?: string } = {};
    for (;;) {
      if (!(await runWizard(steps, state, session, resume))) return false;
      const outcome = await checkLogin(explorer, entry, steps, state, session);
      if (outcome === 'saved') return true;
      if (outcome === 'cancelled') return false;
      resume = outcome.resume;
    }
  } finally {
    session.close();
  }
}

type LoginOutcome = 'saved' | 'cancelled' | { resume: { at?: string; notice?: string } };

/** Tests the login; saves it, goes back to the step that fits the failure, or offers Retry and Save Anyway. */
async function checkLogin(explorer: Explorer, entry: RegistryEntry, steps: WizardStep<LoginAnswers>[], s: LoginAnswers, session: StepSession): Promise<LoginOutcome> {
  const back = { resume: { at: lastStepName(steps, s) } };
  for (;;) {
    const result = await testConnection(explorer, entry, credentialOf(s), session);
    if (result === 'cancelled') return 'cancelled';
    if ('ping' in result) {
      let credential = credentialOf(s);
      if (credential && result.ping.auth === 'none') {
        session.close();
        const choice = await askUnneededLogin('editCredentials.unneededLogin', entry.key);
        if (!choice) return back;
        if (choice === 'drop') credential = undefined;
      }
      await saveLogin(explorer, entry, credential);
      notify('info', t('Saved the login for {0}.', entry.key));
      return 'saved';
    }
    const recovery = recoveryFor(result.error, { url: entry.url, login: s.auth ?? 'anonymous', insecure: entry.insecure });
    if ('ask' in recovery) return { resume: askAgain(s, recovery.ask, result.error) };
    session.close();
    const retry = t('Retry');
    const anyway = t('Save Anyway');
    const chosen = await choose('editCredentials.recover', t('Could not connect to {0}', entry.key), errorSentence(result.error), [retry, anyway], t('Back'), 'error');
    if (chosen === anyway) {
      await saveLogin(explorer, entry, credentialOf(s));
      notify('info', t('Saved the login for {0} without testing it.', entry.key));
      return 'saved';
    }
    if (chosen !== retry) return back;
  }
}

async function saveLogin(explorer: Explorer, entry: RegistryEntry, credential: Credential | undefined): Promise<void> {
  if (credential) await explorer.secrets.set(entry.key, credential);
  else await explorer.secrets.delete(entry.key);
  await writeRegistries(withRegistry(rawRegistries(), { url: entry.url, username: credential?.username }));
  explorer.tree.reconcile(new Set([entry.key]));
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
