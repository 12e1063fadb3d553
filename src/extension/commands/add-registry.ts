// Add Registry…: address → how it logs you in → user name → password (or → token), a connection test with exactly
// that login, then save. A failed test keeps every answer: a refused login goes back to its step saying why; any
// other failure offers what fits its cause (model/recovery.ts): Retry, Edit Address, Add Anyway, Use http://,
// Choose CA File…, Mark Insecure. Passwords and tokens go to SecretStorage only; settings get the user name.
import * as vscode from 'vscode';
import { errorSentence, isLoopbackHost, parseRegistry, registryKey, type Credential, type PingResult } from '../../engine';
import { currentSettings, rawRegistries, writeRegistries, type Explorer } from '../explorer';
import { plainHttpAddress, recoveryFor, type Remedy } from '../model/recovery';
import { withRegistry } from '../model/settings';
import { lastStepName, outcomeOf, runWizard, type WizardStep } from '../multistep';
import { choose, confirm, notify, openFile, stepInput, StepSession, validatorFrom } from '../ui';
import { askAgain, askUnneededLogin, credentialOf, loginSteps, testConnection, type LoginAnswers } from './login-steps';

const t = vscode.l10n.t;

interface AddAnswers extends LoginAnswers {
  url?: string;
  insecure?: boolean;
  caFile?: string;
}

/** Where the wizard goes on: resume its steps, or it ended (saved under `key`, or cancelled). */
type Next = { resume: { at?: string; notice?: string } } | { key: string | undefined };

const validUrl = validatorFrom(parseRegistry);

function hostOf(s: AddAnswers): string {
  try {
    return registryKey(s.url ?? '');
  } catch {
    return s.url ?? '';
  }
}

function addressStep(existing: ReadonlySet<string>): WizardStep<AddAnswers> {
  const alreadyListed = (v: string) => (existing.has(registryKey(v)) ? t('{0} is already in the list. Use Edit Credentials to change its login.', registryKey(v)) : undefined);
  return {
    name: 'url',
    async ask(s, at) {
      const url = await stepInput(
        'addRegistry.url',
        {
          ...at,
          title: t('Add Registry'),
          prompt: t('Registry address: host[:port], or a URL with http:// or https://'),
          placeHolder: 'localhost:5000, ghcr.io, https://registry.example.com',
          value: s.url,
          validate: (v) => validUrl(v) ?? alreadyListed(v),
        },
        at.session,
      );
      return outcomeOf(url, (v) => (s.url = v.trim().replace(/\/+$/, '')));
    },
  };
}

function addSteps(existing: ReadonlySet<string>): WizardStep<AddAnswers>[] {
  return [addressStep(existing), ...loginSteps<AddAnswers>('addRegistry', (s) => t('Add Registry {0}', hostOf(s)), hostOf)];
}

/** Resolves with the registry key when it was added. */
export async function addRegistry(explorer: Explorer): Promise<string | undefined> {
  const existing = new Set(currentSettings().registries.map((r) => r.key));
  const steps = addSteps(existing);
  const state: AddAnswers = {};
  const session = new StepSession();
  try {
    let next: Next = { resume: {} };
    while ('resume' in next) {
      if (!(await runWizard(steps, state, session, next.resume))) return undefined;
      next = await connect(explorer, steps, state, session);
    }
    return next.key;
  } finally {
    session.close();
  }
}

/** Tests the connection, then saves or recovers (again and again, until saved, back in the wizard, or cancelled). */
async function connect(explorer: Explorer, steps: WizardStep<AddAnswers>[], s: AddAnswers, session: StepSession): Promise<Next> {
  const back: Next = { resume: { at: lastStepName(steps, s) } };
  for (;;) {
    const result = await testConnection(explorer, { url: s.url!, insecure: s.insecure, caFile: s.caFile }, credentialOf(s), session);
    if (result === 'cancelled') return { key: undefined };
    if ('ping' in result) return saveTested(explorer, s, result.ping, session, back);
    const recovery = recoveryFor(result.error, { url: s.url!, login: s.auth ?? 'anonymous', insecure: s.insecure });
    if ('ask' in recovery) return { resume: askAgain(s, recovery.ask, result.error) };
    session.close();
    const applied = await offerRemedies(explorer, s, result.error, recovery.remedies);
    if (applied === 'back') return back;
    if (applied === 'edit-address') return { resume: { at: 'url' } };
    if (applied !== 'retest') return applied;
  }
}

async function saveTested(explorer: Explorer, s: AddAnswers, ping: PingResult, session: StepSession, back: Next): Promise<Next> {
  const credential = credentialOf(s);
  const key = hostOf(s);
  if (!credential || ping.auth !== 'none') {
    await save(explorer, s, credential);
    if (s.insecure) notify('warning', t('Added {0} with certificate verification off: anyone on the network path could pose as it. Choose a CA file for it instead when you can.', key));
    else notify('info', t('Added {0}.', key));
    return { key };
  }
  session.close();
  const choice = await askUnneededLogin('addRegistry.unneededLogin', key);
  if (!choice) return back;
  await save(explorer, s, choice === 'keep' ? credential : undefined);
  notify('info', choice === 'keep' ? t('Added {0}. It asked for no login; yours is kept and sent only when it asks.', key) : t('Added {0}. It needs no login, so the login was not saved.', key));
  return { key };
}

async function save(explorer: Explorer, s: AddAnswers, credential: Credential | undefined): Promise<void> {
  const key = hostOf(s);
  if (credential) await explorer.secrets.set(key, credential);
  else await explorer.secrets.delete(key);
  await writeRegistries(withRegistry(rawRegistries(), { url: s.url!, username: credential?.username, insecure: s.insecure, caFile: s.caFile }));
  explorer.tree.reconcile(new Set([key]));
}

function remedyLabel(r: Remedy): string {
  switch (r) {
    case 'retry':
      return t('Retry');
    case 'edit-address':
      return t('Edit Address');
    case 'add-anyway':
      return t('Add Anyway');
    case 'use-http':
      return t('Use http://');
    case 'choose-ca-file':
      return t('Choose CA File…');
    case 'mark-insecure':
      return t('Mark Insecure');
  }
}

/** What each offered remedy means, one line each, under the error. */
function remedyWords(r: Remedy, s: AddAnswers): string | undefined {
  const host = hostOf(s);
  switch (r) {
    case 'add-anyway':
      return t('Add Anyway saves it untested (offline, VPN not connected): the view shows what fails until it can connect.');
    case 'use-http':
      return !isLoopbackHost(host) && credentialOf(s) ? t('Over http://, the login travels unencrypted.') : undefined;
    case 'mark-insecure':
      return t('Mark Insecure turns certificate verification off for {0}.', host);
    default:
      return undefined;
  }
}

type Applied = 'retest' | 'back' | 'edit-address' | { key: string };

/** The modal with the error and the remedies that fit; applies the one chosen. */
async function offerRemedies(explorer: Explorer, s: AddAnswers, error: unknown, remedies: Remedy[]): Promise<Applied> {
  const host = hostOf(s);
  const detail = [errorSentence(error), ...remedies.map((r) => remedyWords(r, s)).filter((w): w is string => !!w)].join('\n\n');
  for (;;) {
    const label = await choose('addRegistry.recover', t('Could not connect to {0}', host), detail, remedies.map(remedyLabel), t('Back'), 'error');
    const remedy = remedies.find((r) => remedyLabel(r) === label);
    if (!remedy) return 'back';
    const applied = await applyRemedy(explorer, s, remedy);
    if (applied !== 'again') return applied;
  }
}

/** 'again': the remedy was not carried out (a dialog cancelled); the same choice is offered again. */
async function applyRemedy(explorer: Explorer, s: AddAnswers, remedy: Remedy): Promise<Applied | 'again'> {
  switch (remedy) {
    case 'retry':
      return 'retest';
    case 'edit-address':
      return 'edit-address';
    case 'use-http':
      s.url = plainHttpAddress(s.url!);
      return 'retest';
    case 'choose-ca-file':
      return chooseCaFile(s);
    case 'mark-insecure':
      return markInsecure(s);
    case 'add-anyway': {
      await save(explorer, s, credentialOf(s));
      notify('info', t('Added {0} without testing the connection. It shows what fails until it can connect.', hostOf(s)));
      return { key: hostOf(s) };
    }
  }
}

async function chooseCaFile(s: AddAnswers): Promise<'retest' | 'again'> {
  const file = await openFile('addRegistry.caFile', {
    title: t('CA certificate that signed the certificate of {0}', hostOf(s)),
    openLabel: t('Use as CA File'),
    filters: { [t('Certificates')]: ['pem', 'crt', 'cer'], [t('All files')]: ['*'] },
  });
  if (!file) return 'again';
  s.caFile = file;
  return 'retest';
}

async function markInsecure(s: AddAnswers): Promise<'retest' | 'again'> {
  const host = hostOf(s);
  const ok = await confirm(
    'addRegistry.insecure',
    t('Turn off certificate verification for {0}?', host),
    t('Anyone on the network path could then pose as {0} and read the login sent to it. Do this only on a network you trust; a CA file keeps verification on.', host),
    t('Mark Insecure'),
  );
  if (!ok) return 'again';
  s.insecure = true;
  return 'retest';
}
