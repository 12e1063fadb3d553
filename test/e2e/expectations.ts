// What the flows expect, worked out from the seeded dataset and the documented rules, written here on their own
// (not by calling the extension's sorter or planner), so a bug there shows as a difference.
import * as semver from 'semver';

/** A tag's version: semver with at most one leading `v` (README, "Tag order"); undefined for other tags. */
function version(tag: string): semver.SemVer | undefined {
  const bare = tag.replace(/^[vV]/, '');
  return /^\d/.test(bare) ? (semver.parse(bare) ?? undefined) : undefined;
}

/** The Registries view's tag order (setting `tagSort: semver`): versions newest first, then the rest A→Z. */
export function expectedTagOrder(tags: readonly string[]): string[] {
  const versions = tags.filter((t) => version(t)).sort((a, b) => semver.rcompare(version(a)!, version(b)!));
  const others = tags.filter((t) => !version(t)).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return [...versions, ...others];
}

export type Fate = 'delete' | 'keep' | 'skip';

export interface PruneExpectation {
  fate: Record<string, Fate>;
  /** The tags the repository holds afterwards. */
  remaining: string[];
  /** How many images (digests) go. */
  images: number;
}

/**
 * Prune by semver, as documented: protected tags (default `^latest$`), tags that are not versions and
 * prereleases stay; versions outside the range stay; of the versions in range the `keep` newest stay; the rest
 * are deleted, unless a tag that stays shares the image (then they are skipped: deleting the digest would take
 * the staying tag with it).
 */
export function expectedPrune(tags: Record<string, string>, range: string, keep: number, protect: RegExp[] = [/^latest$/]): PruneExpectation {
  const fate: Record<string, Fate> = {};
  const inRange: string[] = [];
  for (const tag of Object.keys(tags)) {
    const v = version(tag);
    if (protect.some((p) => p.test(tag)) || !v || v.prerelease.length > 0 || !semver.satisfies(v, range)) fate[tag] = 'keep';
    else inRange.push(tag);
  }
  inRange.sort((a, b) => semver.rcompare(version(a)!, version(b)!));
  inRange.forEach((tag, i) => (fate[tag] = i < keep ? 'keep' : 'delete'));
  const staying = new Set(Object.keys(tags).filter((t) => fate[t] !== 'delete').map((t) => tags[t]));
  for (const tag of Object.keys(tags)) if (fate[tag] === 'delete' && staying.has(tags[tag])) fate[tag] = 'skip';
  const deleted = Object.keys(tags).filter((t) => fate[t] === 'delete');
  return {
    fate,
    remaining: Object.keys(tags).filter((t) => fate[t] !== 'delete').sort(),
    images: new Set(deleted.map((t) => tags[t])).size,
  };
}

/** The dataset's tags minus `gone`, as a tag → digest record. */
export function without(tags: Record<string, string>, gone: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([t]) => !gone.includes(t)));
}
