// How regx words the space a deletion frees (counted by the engine from the repository's manifests): the figure, and
// beside it what the figure cannot see — manifests that could not be read, untagged manifests the registry cannot
// list, platform images a registry may keep — never guessed. Other repositories of the registry may share a layer,
// so the figure is "up to". In JSON: `freedBytes` (null when nothing was read) and a small `freed` object.
import { formatSize, type FreedCount } from '../engine';
import { has } from './args';
import type { Context } from './context';

/** Whether a command counts the space freed: always on a dry run, and before asking at a terminal (not with --yes). */
export function wantsFreed(ctx: Context): boolean {
  return has(ctx.args, 'dry-run') || (!has(ctx.args, 'yes') && ctx.io.stdinIsTTY);
}

function manifestsWord(n: number): string {
  return `${n} manifest${n === 1 ? '' : 's'}`;
}

/** The figure in one sentence. */
function headline(freed: FreedCount): string {
  if (freed.unknown.length > 0) return `Frees at least ${formatSize(freed.bytes)} after garbage collection (layers shared with other repositories are counted too).`;
  if (freed.bytes === 0) return 'Frees no space: every layer of it is still used by an image that stays.';
  return `Frees up to ${formatSize(freed.bytes)} after garbage collection (layers shared with other repositories are counted too).`;
}

/** The lines regx prints about the space freed. */
export function freedLines(freed: FreedCount): string[] {
  if (freed.notRead) return [`Space freed: not counted. ${freed.notRead}.`];
  const lines = [headline(freed)];
  const { unknown, keptUnknown } = freed;
  if (unknown.length) lines.push(`note: ${manifestsWord(unknown.length)} that go could not be read: what ${unknown.length === 1 ? 'it holds' : 'they hold'} is not counted.`);
  if (keptUnknown.length) lines.push(`note: ${manifestsWord(keptUnknown.length)} that stay could not be read: they may hold some of the layers counted.`);
  if (!freed.untaggedListed) lines.push('note: this registry cannot list its untagged manifests: one of them may still hold some of it.');
  if (freed.childBytes > 0) {
    lines.push(
      `note: ${formatSize(freed.childBytes)} of it is in platform images only the deleted multi-arch images name: a registry may keep them as untagged manifests ` +
        '(distribution does, through garbage collection without --delete-untagged).',
    );
  }
  return lines;
}

/** The JSON fields of the count: nothing when it was not counted. */
export function freedJson(freed: FreedCount | undefined): Record<string, unknown> {
  if (!freed) return {};
  if (freed.notRead) return { freedBytes: null, freed: { notRead: freed.notRead, exact: false } };
  const exact = freed.unknown.length === 0 && freed.keptUnknown.length === 0 && freed.untaggedListed;
  return {
    freedBytes: freed.bytes,
    freed: {
      bytes: freed.bytes,
      blobs: freed.blobs,
      manifests: freed.manifests,
      childBytes: freed.childBytes,
      unknown: freed.unknown,
      keptUnknown: freed.keptUnknown,
      untaggedListed: freed.untaggedListed,
      exact,
    },
  };
}
