// Version tags: which tags name a version under a versioning scheme, and their order. The one copy of this rule,
// shared by the planner (which versions a range matches, which are newest) and both faces (the order tags are
// listed in). Pure.
//
// Schemes:
//  - semver (the default): strict semantic versions with an optional leading `v` (`1.2.3`, `v1.2.3-rc.1`); text after
//    a hyphen is a prerelease, ranked below the release.
//  - loose: one to four numbers (`2`, `2.0`, `2.0.1`, `2.0.1.5`, optional `v`), compared number by number with missing
//    numbers as 0 (.NET's [Version]); anything else is not a version.
//  - docker: the numbers as in loose, and the text after the first hyphen is the *variant* (`3.11-slim`,
//    `3.11.6-alpine3.18`), never a prerelease: versions are compared only within one variant.
// Ranges (semver syntax) apply to the first three numbers; a fourth only orders.
import * as semver from 'semver';

export type TagSort = 'semver' | 'alphabetical';
export type Versioning = 'semver' | 'docker' | 'loose';
export const VERSIONINGS: readonly Versioning[] = ['semver', 'docker', 'loose'];

export interface Version {
  /** The numbers as written: 1 to 4 of them (semver: 3). */
  parts: number[];
  /** docker: the text after the first hyphen ('' for none). Otherwise ''. */
  variant: string;
  /** The version ranges are matched against: semver's own, or the first three numbers (missing ones 0). */
  range: semver.SemVer;
  /** semver only: a prerelease (`1.2.3-rc.1`). */
  prerelease: boolean;
}

const LOOSE = /^[vV]?(\d{1,15}(?:\.\d{1,15}){0,3})$/;
const DOCKER = /^[vV]?(\d{1,15}(?:\.\d{1,15}){0,3})(?:-(.+))?$/;

function numbers(text: string): number[] {
  return text.split('.').map(Number);
}

function numericVersion(parts: number[], variant: string): Version {
  return { parts, variant, range: new semver.SemVer(`${parts[0]}.${parts[1] ?? 0}.${parts[2] ?? 0}`), prerelease: false };
}

/** The version a tag names under `versioning`, or undefined when it names none. */
export function parseVersion(tag: string, versioning: Versioning = 'semver'): Version | undefined {
  if (versioning === 'semver') {
    const bare = tag.replace(/^[vV]/, '');
    const v = /^\d/.test(bare) ? semver.parse(bare) : null;
    return v ? { parts: [v.major, v.minor, v.patch], variant: '', range: v, prerelease: v.prerelease.length > 0 } : undefined;
  }
  const m = (versioning === 'loose' ? LOOSE : DOCKER).exec(tag);
  return m ? numericVersion(numbers(m[1]), m[2] ?? '') : undefined;
}

/** The strict semantic version a tag names (`1.2.3`, `v1.2.3-rc.1`), or undefined. */
export function tagVersion(tag: string): semver.SemVer | undefined {
  return parseVersion(tag, 'semver')?.range;
}

/**
 * Ascending order of two versions of one scheme: variant first ('' before the rest, A→Z), then the numbers (missing
 * ones as 0; semver with its prerelease rules), then fewer numbers first (`3.11` before `3.11.0`).
 */
export function compareVersions(a: Version, b: Version): number {
  if (a.variant !== b.variant) return a.variant === '' ? -1 : b.variant === '' ? 1 : compareAlphabetical(a.variant, b.variant);
  if (a.prerelease || b.prerelease) return semver.compare(a.range, b.range);
  for (let i = 0; i < Math.max(a.parts.length, b.parts.length); i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.parts.length - b.parts.length;
}

/** A→Z ignoring case, then by code point so the order is total and stable. */
export function compareAlphabetical(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Within a variant newest version first; tags naming the same version (1.0.0, v1.0.0) A→Z. */
export function compareNewestFirst(a: { tag: string; version: Version }, b: { tag: string; version: Version }): number {
  if (a.version.variant !== b.version.variant) return compareVersions(a.version, b.version);
  return -compareVersions(a.version, b.version) || compareAlphabetical(a.tag, b.tag);
}

/**
 * Sorts a copy of `tags`. `semver` sort: versions (of `versioning`) first — grouped by variant, newest first — then
 * the rest A→Z. `alphabetical`: all A→Z.
 */
export function sortTags(tags: readonly string[], mode: TagSort = 'semver', versioning: Versioning = 'semver'): string[] {
  if (mode === 'alphabetical') return [...tags].sort(compareAlphabetical);
  const versions: { tag: string; version: Version }[] = [];
  const others: string[] = [];
  for (const tag of tags) {
    const version = parseVersion(tag, versioning);
    if (version) versions.push({ tag, version });
    else others.push(tag);
  }
  versions.sort(compareNewestFirst);
  return [...versions.map((v) => v.tag), ...others.sort(compareAlphabetical)];
}

/** `X.Y`, `X.Y.Z`: the shape of a version's numbers, naming a line of tags of one precision. */
export function precisionName(version: Version): string {
  return ['X', 'X.Y', 'X.Y.Z', 'X.Y.Z.W'][version.parts.length - 1];
}

/**
 * A better scheme for these tags than `current`, when there is one: most tags that look like versions are Docker
 * style (two or four numbers, or a variant suffix), which `current` treats as non-versions or prereleases.
 */
export function suggestVersioning(tags: readonly string[], current: Versioning): { versioning: Versioning; why: string } | undefined {
  const looksLikeVersion = tags.filter((t) => parseVersion(t, 'docker'));
  if (current === 'docker' || looksLikeVersion.length < 2) return undefined;
  const misread = looksLikeVersion.filter((t) => {
    const v = parseVersion(t, current);
    return !v || v.prerelease;
  });
  if (misread.length * 2 <= looksLikeVersion.length) return undefined;
  const how = current === 'semver' ? 'are not semver or read as prereleases' : 'are not versions';
  return { versioning: 'docker', why: `${misread.length} of ${looksLikeVersion.length} version tags (like ${misread.slice(0, 2).join(', ')}) ${how} under ${current} versioning` };
}
