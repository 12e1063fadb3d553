// What the tree says of signatures, SBOMs and attestations, told from the repository's tag list alone (no request):
// cosign's `sha256-<hex>.sig/.att/.sbom` tags and the referrers tag schema's `sha256-<hex>` name the digest they
// belong to. A tag row whose image has some gets a badge ("signed", "SBOM"); a referrer tag's own row names the tags
// of the image it belongs to. Pure, words apart (items.ts words them): tested in the engine suite.
import { referrerTagSubject, type ReferrerKind, type ReferrerTag } from '../../engine';

export interface ReferrerTagRow extends ReferrerTag {
  tag: string;
}

/** The referrer tags of a tag list, by the digest they belong to. */
export function referrerTagsBySubject(tags: readonly string[]): Map<string, ReferrerTagRow[]> {
  const out = new Map<string, ReferrerTagRow[]>();
  for (const tag of tags) {
    const found = referrerTagSubject(tag);
    if (found) out.set(found.subject, [...(out.get(found.subject) ?? []), { ...found, tag }]);
  }
  return out;
}

const ORDER: ReferrerKind[] = ['signature', 'attestation', 'sbom', 'other'];

/** The kinds of referrer an image with these referrer tags has, each once, in a fixed order (the row's badges). */
export function referrerKinds(rows: readonly ReferrerTagRow[] | undefined): ReferrerKind[] {
  const kinds = new Set((rows ?? []).map((r) => r.kind));
  return ORDER.filter((k) => kinds.has(k));
}

/**
 * What a referrer tag belongs to: its kind and the tags of its image (referrer tags left out; empty when no tag names
 * the image here, which may still be pulled by digest). Undefined for any other tag.
 */
export function referrerTagOwner(tag: string, tagsOf: (digest: string) => readonly string[]): { kind: ReferrerKind; subject: string; tags: string[] } | undefined {
  const found = referrerTagSubject(tag);
  if (!found) return undefined;
  return { kind: found.kind, subject: found.subject, tags: tagsOf(found.subject).filter((t) => !referrerTagSubject(t)) };
}
