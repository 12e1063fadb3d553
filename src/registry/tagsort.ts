// Tag order shared by the CLI and the extension: semantic versions newest first (a leading `v` allowed),
// then every other tag A→Z. Pure: no I/O.
import * as semver from 'semver';

export type TagSort = 'semver' | 'alphabetical';

/** The semantic version a tag names (`1.2.3`, `v1.2.3-rc.1`), or undefined. Same rule as the prune planner. */
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

/** Sorts a copy of `tags`. `semver`: versions descending first, then the rest A→Z. `alphabetical`: all A→Z. */
export function sortTags(tags: readonly string[], mode: TagSort = 'semver'): string[] {
  if (mode === 'alphabetical') return [...tags].sort(compareAlphabetical);
  const versions: { tag: string; version: semver.SemVer }[] = [];
  const others: string[] = [];
  for (const tag of tags) {
    const version = tagVersion(tag);
    if (version) versions.push({ tag, version });
    else others.push(tag);
  }
  versions.sort((a, b) => semver.rcompare(a.version, b.version) || compareAlphabetical(a.tag, b.tag));
  return [...versions.map((v) => v.tag), ...others.sort(compareAlphabetical)];
}
