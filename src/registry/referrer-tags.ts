// Referrer tags: tags that exist only to attach something to an image, named after the image's digest. Two schemes:
//  - the OCI referrers tag schema (distribution-spec 1.1, for registries without the referrers API): the tag
//    `<alg>-<encoded>` (truncated, other characters as `-`) holds an index listing the referrers of that digest;
//  - cosign's tags: `sha256-<hex>.sig` (signatures), `.att` (attestations), `.sbom` (SBOMs), each a manifest of its own.
// Telling them from the tag name alone needs no request, so a whole repository's can be grouped from its tag list. Pure.
import { COSIGN_SUFFIX_KINDS, type ReferrerKind } from './mediatypes';

export type ReferrerTagSource = 'tag-schema' | 'cosign-tag';

/** What a referrer tag says: the digest it belongs to, what it holds, and which scheme named it. */
export interface ReferrerTag {
  /** The digest the tag is named after (`sha256:<hex>`): the image its content refers to. */
  subject: string;
  /** What it holds; `other` for the tag schema's index (which lists referrers of any kind). */
  kind: ReferrerKind;
  source: ReferrerTagSource;
}

// Only sha256 names a whole digest: the schema truncates longer digests to 64 characters, so their tags cannot say
// which digest they belong to.
const REFERRER_TAG = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;

/** The subject and kind a tag names when it is a referrer tag (`sha256-<hex>` with or without `.sig/.att/.sbom`). */
export function referrerTagSubject(tag: string): ReferrerTag | undefined {
  const m = REFERRER_TAG.exec(tag);
  if (!m) return undefined;
  const subject = `sha256:${m[1]}`;
  return m[2] ? { subject, kind: COSIGN_SUFFIX_KINDS[m[2]], source: 'cosign-tag' } : { subject, kind: 'other', source: 'tag-schema' };
}

/** True when the tag is a referrer tag, not a release tag of its own. */
export function isReferrerTag(tag: string): boolean {
  return REFERRER_TAG.test(tag);
}

/**
 * The referrers tag schema's tag for a digest: the algorithm truncated to 32 characters, `-`, the encoded part
 * truncated to 64, any character a tag may not hold replaced with `-`.
 */
export function referrersTagOf(digest: string): string {
  const colon = digest.indexOf(':');
  return `${digest.slice(0, colon).slice(0, 32)}-${digest.slice(colon + 1).slice(0, 64)}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/** cosign's tags for a sha256 digest: `sha256-<hex>.sig`, `.att`, `.sbom` (none for other algorithms). */
export function cosignTagsOf(digest: string): string[] {
  if (!digest.startsWith('sha256:')) return [];
  const base = referrersTagOf(digest);
  return Object.keys(COSIGN_SUFFIX_KINDS).map((suffix) => `${base}.${suffix}`);
}
