// How the extension tells the user what happened: errors as one sentence (the engine's message and fix) with the
// buttons that can help, the garbage-collection hint, and the words for tags that were lost while deleting.
import * as vscode from 'vscode';
import { errorSentence, isRegistryError, isSelfHostedDistribution, type LostTag } from '../../engine';
import type { Explorer } from '../explorer';
import { notify } from '../ui';

const t = vscode.l10n.t;

export const GC_DOCS = 'https://distribution.github.io/distribution/about/garbage-collection/';

/** "Could not {what}: {message}. {fix}", with Edit Credentials when a login or a right is what is missing. */
export function showError(explorer: Explorer, e: unknown, what: string, registry?: string): void {
  const need = isRegistryError(e) ? e.need : undefined;
  const buttons = need && registry ? [t('Edit Credentials…')] : [];
  notify('error', t('Could not {0}: {1}', what, errorSentence(e)), buttons, () => vscode.commands.executeCommand('registryExplorer.editCredentials', { kind: 'registry', id: `r|${registry}`, registry }));
  explorer.log.error(`could not ${what}: ${errorSentence(e)}`);
}

/** A sentence and a button about garbage collection, when a deletion on a self-hosted registry freed space. */
export function gcHint(registries: string[]): { sentence?: string; button?: string } {
  if (!registries.some(isSelfHostedDistribution)) return {};
  return { sentence: t('The space comes back only after the registry’s garbage collection runs.'), button: t('About Garbage Collection') };
}

export function openGcDocs(): void {
  void vscode.env.openExternal(vscode.Uri.parse(GC_DOCS));
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
