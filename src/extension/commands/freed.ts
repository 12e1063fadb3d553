// The space a deletion frees, for the modals that confirm one (Delete Image, Delete Untagged Manifests): counted by
// the engine from the repository's manifests, waited for only a moment, and worded as a sentence.
import * as vscode from 'vscode';
import { formatSize, isSelfHostedDistribution, spaceFreed, type FreedCount, type RegistryClient, type RepositorySnapshot } from '../../engine';

const t = vscode.l10n.t;

/** How long a modal waits for the space count: a first count of a big repository reads every manifest. */
const FREED_WAIT_MS = 4000;

/**
 * What deleting `digests` frees, or undefined when counting takes longer than a moment (the reads go on and fill
 * the digest cache, so the next count is immediate) or fails: a modal never waits long for a figure, and a failed
 * count changes nothing about what is deleted.
 */
export async function freedSoon(client: RegistryClient, snapshot: RepositorySnapshot, digests: readonly string[], signal: AbortSignal): Promise<FreedCount | undefined> {
  const counting = spaceFreed(client, snapshot, [...digests], { signal }).catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), FREED_WAIT_MS)));
  const freed = await Promise.race([counting, late]);
  clearTimeout(timer);
  return freed && !freed.notRead ? freed : undefined;
}

/** "It frees up to 312 MB after garbage collection (…)." for one or more repositories; undefined if one was not counted. */
export function freedSentence(counts: readonly { registry: string; freed?: FreedCount }[]): string | undefined {
  if (counts.length === 0 || counts.some((c) => c.freed === undefined)) return undefined;
  const bytes = counts.reduce((n, c) => n + c.freed!.bytes, 0);
  const unknown = counts.reduce((n, c) => n + c.freed!.unknown.length, 0);
  const figure = unknown > 0 ? t('at least {0}', formatSize(bytes)) : t('up to {0}', formatSize(bytes));
  return counts.every((c) => isSelfHostedDistribution(c.registry))
    ? t('It frees {0} after garbage collection (layers other repositories share are counted too).', figure)
    : t('It frees {0} (layers other repositories share are counted too).', figure);
}
