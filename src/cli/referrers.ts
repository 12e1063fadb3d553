// How the CLI shows an image's referrers (signatures, SBOMs, attestations) in a delete: which go with it, after it,
// and which stay and why; the same as JSON. The engine decides (src/ops/referrers.ts); this only words it.
import { referrerTagsGone, type ImageReferrers, type ImageToDelete } from '../engine';
import { listNames } from './output';

const KIND_WORDS: Record<string, string> = { signature: 'signature', sbom: 'SBOM', attestation: 'attestation', other: 'artifact' };

function named(r: { kind: string; digest: string; tags: readonly string[] }): string {
  return `${KIND_WORDS[r.kind] ?? r.kind} ${r.tags.length ? listNames([...r.tags]) : r.digest}`;
}

/** The lines that say what happens to the image's referrers (none when it has none). */
export function referrerLines(image: ImageToDelete): string[] {
  const r = image.referrers;
  if (!r) return [];
  if (r.error) return [`Its signatures and SBOMs could not be read (${r.error.message}): none of them is deleted.`];
  const going = r.referrers.filter((x) => x.action === 'delete');
  const staying = r.referrers.filter((x) => x.action === 'keep');
  const lines: string[] = [];
  if (going.length) lines.push(`After it go ${going.length} referrer${going.length === 1 ? '' : 's'}: ${going.map(named).join('; ')}.`);
  const indexes = r.indexes.filter((i) => i.action === 'delete');
  if (indexes.length) lines.push(`And the referrers index${indexes.length === 1 ? '' : 'es'} ${listNames(indexes.map((i) => i.tag))}.`);
  for (const s of staying) lines.push(`Stays: ${named(s)} — ${s.reason.replace(/^kept:?\s*/, '')}.`);
  return lines;
}

/** Every tag that disappeared with the image: its own, then those of its referrers that were deleted. */
export function allTagsGone(image: ImageToDelete, deleted: readonly string[]): string[] {
  return [...image.tags, ...referrerTagsGone(image.referrers, deleted)];
}

/** The JSON of the image's referrers: each with its fate. */
export function referrersJson(r: ImageReferrers | undefined): Record<string, unknown> {
  if (!r) return {};
  return {
    referrers: r.referrers.map((x) => ({ digest: x.digest, kind: x.kind, tags: x.tags, action: x.action, reason: x.reason, foundBy: x.foundBy })),
    referrerTags: r.tags,
    ...(r.error ? { referrersError: r.error.message } : {}),
  };
}
