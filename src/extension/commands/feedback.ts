// How the extension tells the user what happened: errors as one sentence (the engine's message and fix) with the
// buttons that can help, the garbage-collection hint, and the words for tags that were lost while deleting.
import * as vscode from 'vscode';
import { errorSentence, isRegistryError, isSelfHostedDistribution, type LostTag } from '../../engine';
import type { Explorer } from '../explorer';
import { notify, testHooks } from '../ui';

const t = vscode.l10n.t;

export const GC_DOCS = 'https://distribution.github.io/distribution/about/garbage-collection/';

/** "Could not {what}: {message}. {fix}", with Edit Credentials when a login or a right is what is missing. */
export function showError(explorer: Explorer, e: unknown, what: string, registry?: string): void {
  const need = isRegistryError(e) ? e.need : undefined;
  const buttons = need && registry ? [t('Edit Credentials…')] : [];
  notify('error', t('Could not {0}: {1}', what, errorSentence(e)), buttons, () => vscode.commands.executeCommand('registryExplorer.editCredentials', { kind: 'registry', id: `r|${registry}`, registry }));
  explorer.log.error(`could not ${what}: ${errorSentence(e)}`);
}

const GC_DISMISSED = 'registryExplorer.gcHint.dismissed';
/** Where "Don't Show Again" is remembered (the extension's global state), set when the extension starts. */
let remembered: vscode.Memento | undefined;
/** Registries told about garbage collection in this window: the advice is given once per registry. */
const told = new Set<string>();

/** The provider speaking for a registry, when known: only a plain distribution registry needs garbage collection. */
let providerOf: (registry: string) => string | undefined = () => undefined;

export function initFeedback(state: vscode.Memento, provider?: (registry: string) => string | undefined): void {
  remembered = state;
  told.clear();
  if (provider) providerOf = provider;
}

export interface GcHint {
  sentence?: string;
  /** About Garbage Collection (kept for callers that show one button). */
  button?: string;
  /** About Garbage Collection, Don't Show Again: handle them with onGcButton. */
  buttons?: string[];
}

/**
 * The garbage-collection advice, when a deletion on a self-hosted registry freed space: once per registry in a
 * window, never again after "Don't Show Again". Empty when it is not due.
 */
export function gcHint(registries: string[]): GcHint {
  // A hosted service (known by its host, or by the provider that answered for it) has no garbage collection to run.
  const due = registries.filter((r) => isSelfHostedDistribution(r) && (providerOf(r) ?? 'distribution') === 'distribution' && !told.has(r));
  if (due.length === 0 || remembered?.get<boolean>(GC_DISMISSED)) return {};
  for (const r of due) told.add(r);
  const about = t('About Garbage Collection');
  return { sentence: t('The space comes back only after the registry’s garbage collection runs.'), button: about, buttons: [about, t('Don’t Show Again')] };
}

/** Acts on a button of gcHint; false when `button` is not one of them. */
export function onGcButton(button: string): boolean {
  if (button === t('About Garbage Collection')) {
    openGcDocs();
    return true;
  }
  if (button === t('Don’t Show Again')) {
    void remembered?.update(GC_DISMISSED, true);
    return true;
  }
  return false;
}

export function openGcDocs(): void {
  void vscode.env.openExternal(vscode.Uri.parse(GC_DOCS));
}

/**
 * A result that needs nothing from the user: a few seconds in the status bar instead of a notification that stays.
 * Recorded with the notifications for the tests.
 */
export function confirmInStatusBar(text: string): void {
  testHooks.messages.push({ severity: 'info', message: text, buttons: [], statusBar: true });
  vscode.window.setStatusBarMessage(`$(check) ${text}`, 8000);
}

/** Tells the user about tags that disappeared while deleting without being confirmed. */
export function reportLostTags(explorer: Explorer, where: string, lost: LostTag[]): void {
  if (lost.length === 0) return;
  for (const l of lost) explorer.log.error(`lost tag ${where}:${l.tag} (it pointed at ${l.digest}) while deleting`);
  notify(
    'error',
    t(
      'Tag {0} of {1} disappeared while deleting: it was most likely moved onto an image as that image was deleted, and went with it. It pointed at {2} before. See the log.',
      lost.map((l) => l.tag).join(', '),
      where,
      lost[0].digest,
    ),
    [t('Show Log')],
    () => explorer.log.show(),
  );
}
