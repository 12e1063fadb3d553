// The login part of Add Registry and Edit Credentials: the steps (how the registry logs you in → user name →
// password, or → token), the credential they make, the connection test that checks exactly that credential, and
// the question when a login was given to a registry that asked for none. The password or token typed lives in
// the wizard's state in memory only; the commands save it nowhere but SecretStorage.
import * as vscode from 'vscode';
import { capitalise, describeError, DOCKER_HUB, errorSentence, registryKey, type Credential, type PingResult } from '../../engine';
import { currentSettings, newClient, type Explorer } from '../explorer';
import type { LoginStep } from '../model/recovery';
import type { RegistryEntry } from '../model/settings';
import { outcomeOf, type WizardStep } from '../multistep';
import { choose, stepInput, stepPick, type StepSession } from '../ui';

const t = vscode.l10n.t;

export type AuthKind = 'anonymous' | 'password' | 'token';

/** The answers of the login steps. */
export interface LoginAnswers {
  auth?: AuthKind;
  username?: string;
  password?: string;
  token?: string;
}

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

const required = (what: string) => (value: string) => (value.trim() ? undefined : t('Enter the {0}.', what));

/**
 * The login steps, ids `<idPrefix>.auth|username|password|token`, each titled `title(state)` (it names the
 * registry). A resumed step shows the notice: the auth step before its question, the others under the box.
 */
/** The password step's prompt: on Docker Hub, GHCR and GitLab.com it names the token to give and its scopes. */
function passwordPrompt(host: string | undefined, username: string): string {
  if (host === DOCKER_HUB || host === 'docker.io') return t('Docker Hub personal access token for {0} (Read, Write, Delete to delete images)', username);
  if (host === 'ghcr.io') return t('GitHub personal access token (classic) for {0}: read:packages, and delete:packages to delete', username);
  if (host === 'registry.gitlab.com') return t('GitLab access token for {0}: read_api, and api to untag', username);
  return t('Password or access token for {0}', username);
}

export function loginSteps<S extends LoginAnswers>(idPrefix: string, title: (state: S) => string, host?: (state: S) => string | undefined): WizardStep<S>[] {
  return [
    {
      name: 'auth',
      async ask(s, at) {
        const items = authItems();
        const picked = await stepPick(
          `${idPrefix}.auth`,
          items,
          {
            ...at,
            title: title(s),
            placeHolder: t('How does this registry log you in?'),
            notice: at.notice ? `${capitalise(at.notice)}.` : undefined,
            active: items.find((i) => i.auth === s.auth),
            totalIf: (item) => at.totalWith({ auth: item.auth } as Partial<S>),
          },
          at.session,
        );
        return outcomeOf(picked, (item) => (s.auth = item.auth));
      },
    },
    {
      name: 'username',
      when: (s) => s.auth === 'password',
      async ask(s, at) {
        const user = await stepInput(`${idPrefix}.username`, { ...at, title: title(s), prompt: t('User name'), value: s.username, validate: required(t('user name')) }, at.session);
        return outcomeOf(user, (v) => (s.username = v.trim()));
      },
    },
    {
      name: 'password',
      when: (s) => s.auth === 'password',
      async ask(s, at) {
        const password = await stepInput(
          `${idPrefix}.password`,
          { ...at, title: title(s), prompt: passwordPrompt(host?.(s), s.username ?? ''), password: true, value: s.password, validate: required(t('password')) },
          at.session,
        );
        return outcomeOf(password, (v) => (s.password = v));
      },
    },
    {
      name: 'token',
      when: (s) => s.auth === 'token',
      async ask(s, at) {
        const token = await stepInput(`${idPrefix}.token`, { ...at, title: title(s), prompt: t('Registry token'), password: true, value: s.token, validate: required(t('token')) }, at.session);
        return outcomeOf(token, (v) => (s.token = v.trim()));
      },
    },
  ];
}

/** The credential the answers make; undefined for anonymous. */
export function credentialOf(s: LoginAnswers): Credential | undefined {
  if (s.auth === 'password') return { username: s.username, password: s.password };
  if (s.auth === 'token') return { registryToken: s.token };
  return undefined;
}

/**
 * Where the wizard resumes after the registry refused the login: the step to ask again, saying why (the auth step's
 * notice goes before its question, so it gets the message alone). The refused secret is forgotten, so that step
 * starts empty.
 */
export function askAgain(s: LoginAnswers, step: LoginStep, error: unknown): { at: string; notice: string } {
  s.password = undefined;
  s.token = undefined;
  return { at: step, notice: step === 'auth' ? describeError(error).message : errorSentence(error) };
}

export type ConnectionResult = { ping: PingResult } | { error: unknown } | 'cancelled';

/**
 * Pings the registry with exactly the login that will be saved, the last step shown busy and a cancellable
 * progress notification: Escape on the step or Cancel on the notification stop it ('cancelled').
 */
export async function testConnection(
  explorer: Explorer,
  entry: Pick<RegistryEntry, 'url' | 'insecure' | 'caFile'>,
  credential: Credential | undefined,
  session: StepSession,
): Promise<ConnectionResult> {
  const host = registryKey(entry.url);
  const result = await session.whileBusy((hidden) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Connecting to {0}…', host), cancellable: true }, async (_progress, token): Promise<ConnectionResult> => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      hidden.addEventListener('abort', () => controller.abort());
      let client;
      try {
        client = await newClient(explorer, entry, currentSettings(), credential ?? null);
        const ping = await client.ping(controller.signal);
        explorer.log.info(`connected to ${host} (${ping.scheme}, auth ${ping.auth})`);
        return { ping };
      } catch (e) {
        if (controller.signal.aborted) return 'cancelled';
        explorer.log.warn(`connection test to ${host} failed: ${errorSentence(e)}`);
        return { error: e };
      } finally {
        sub.dispose();
        await client?.close();
      }
    }),
  );
  return result ?? 'cancelled';
}

/**
 * A login was given but the registry answered without asking for one. It may still ask to push or delete (a proxy
 * in front of a registry often guards only writes, which /v2/ cannot tell), so the user decides; not keeping it is
 * the default. Resolves 'drop', 'keep', or undefined (Back).
 */
export async function askUnneededLogin(id: string, host: string): Promise<'drop' | 'keep' | undefined> {
  const drop = t('Save Without the Login');
  const keep = t('Keep the Login');
  const chosen = await choose(
    id,
    t('{0} needs no login', host),
    t('It answered without asking for one. Keep the login (in VS Code’s secret storage) only if the registry asks for it to push or delete: it is sent only when asked for.'),
    [drop, keep],
    t('Back'),
  );
  return chosen === drop ? 'drop' : chosen === keep ? 'keep' : undefined;
}
