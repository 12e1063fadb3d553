// Version tags: which tags name a version, and their order. The one copy of this rule, shared by the planner
// (which versions a range matches, which are newest) and both faces (the order tags are listed in). Pure.
import * as semver from 'semver';

export type TagSort = 'semver' | 'alphabetical';

/** The semantic version a tag names (`1.2.3`, `v1.2.3-rc.1`), or undefined. Tags cannot carry `+build`. */
export function tagVersion(tag: string): semver.SemVer | undefined {
  const bare = tag.replace(/^[vV]/, '');
  return /^\d/.test(bare) ? (semver.parse(bare) ?? undefined) : undefined;
}

/** A→Z ignoring case, then by code point so the order is total and stable. */
export function compareAlphabetical(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest version first; tags naming the same version (1.0.0, v1.0.0) A→Z. Both must be versions. */
export function compareVersionsNewestFirst(a: { tag: string; version: semver.SemVer }, b: { tag: string; version: semver.SemVer }): number {
  return semver.rcompare(a.version, b.version) || compareAlphabetical(a.tag, b.tag);
}

/** Sorts a copy of `tags`. `semver`: versions newest first, then the rest A→Z. `alphabetical`: all A→Z. */
export function sortTags(tags: readonly string[], mode: TagSort = 'semver'): string[] {
  if (mode === 'alphabetical') return [...tags].sort(compareAlphabetical);
  const versions: { tag: string; version: semver.SemVer }[] = [];
  const others: string[] = [];
  for (const tag of tags) {
    const version = tagVersion(tag);
    if (version) versions.push({ tag, version });
    else others.push(tag);
  }
  versions.sort(compareVersionsNewestFirst);
  return [...versions.map((v) => v.tag), ...others.sort(compareAlphabetical)];
}
