// The prune planner: a pure function from the repository's tags and a policy to a plan. No I/O.
// Safety first: a digest is deleted only when no tag that stays points at it, because deleting a digest
// removes every tag on it (see registry-facts.md), and a tag whose digest is unknown is never deleted.
import * as semver from 'semver';
import { badInput } from '../registry/errors';
import { isIndex } from '../registry/mediatypes';

export interface PrunePolicy {
  /** A semver range (`<2.0.0`, `1.x`, `*`). Only tags in it are candidates for deletion. */
  range: string;
  /** Keep the N newest candidates (by semver), or N per line with `keepPer`. Default 0. */
  keep?: number;
  keepPer?: 'major' | 'minor';
  /** Let prereleases be candidates (they are kept otherwise). */
  includePrerelease?: boolean;
  /** Regexes of tags that are never deleted. Default `['^latest$']`; a given list replaces the default. */
  protect?: string[];
  /** Only delete candidates created longer ago than this (`30d`, `12h`, `90m`, `2w`). */
  olderThan?: string;
  /** The clock for `olderThan` (tests, reproducible plans). Default: the time of planning. */
  now?: Date;
}

export interface TagState {
  tag: string;
  digest?: string;
  mediaType?: string;
  created?: Date;
  /** Why the digest could not be resolved. Such a tag is never deleted. */
  error?: string;
}

export type PruneAction = 'delete' | 'keep' | 'skip';

export interface PlanEntry {
  tag: string;
  digest?: string;
  mediaType?: string;
  action: PruneAction;
  reason: string;
  /** For `skip` because of a shared digest: the tags that stay and hold the image. */
  heldBy?: string[];
}

export interface PrunePlan {
  entries: PlanEntry[];
  /** Each digest to delete, once, in the order of the entries. */
  deleteDigests: string[];
  notes: string[];
}

export interface PlanSummary {
  tags: number;
  delete: number;
  keep: number;
  skip: number;
  /** Images (digests) that will be deleted. */
  digests: number;
}

export const DEFAULT_PROTECT = ['^latest$'];

const DURATION = /^(\d+)\s*(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30d`, `12h`, `90m`, `2w` → milliseconds. Throws BAD_INPUT for anything else. */
export function parseDuration(s: string): number {
  const m = DURATION.exec(String(s).trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n <= 0) {
    throw badInput(
      `"${s}" is not a duration`,
      'Write a positive whole number and a unit: m (minutes), h (hours), d (days) or w (weeks), e.g. 30d.',
    );
  }
  return n * UNIT_MS[m[2].toLowerCase()];
}

/** Parses a tag as semver, allowing one leading `v`. Tags cannot carry `+build`, so nothing else is loosened. */
export function parseTagVersion(tag: string): semver.SemVer | undefined {
  const bare = tag.replace(/^[vV]/, '');
  return /^\d/.test(bare) ? (semver.parse(bare) ?? undefined) : undefined;
}

interface CompiledPolicy {
  range: string;
  keep: number;
  keepPer?: 'major' | 'minor';
  includePrerelease: boolean;
  protect: { source: string; re: RegExp }[];
  maxCreated?: number; // candidates created after this (ms) are kept
  olderThan?: string;
}

function compilePolicy(policy: PrunePolicy): CompiledPolicy {
  if (!policy || typeof policy !== 'object') throw badInput('no prune policy was given', 'Give at least a semver range, e.g. "<2.0.0".');
  const range = typeof policy.range === 'string' ? policy.range.trim() : '';
  if (!range) throw badInput('the prune range is empty', 'Give a semver range such as "<2.0.0" or "1.x"; use "*" to consider every version.');
  if (semver.validRange(range) === null) {
    throw badInput(`"${range}" is not a semver range`, 'Use a range like "<2.0.0", ">=1.0.0 <1.5.0", "1.x" or "^1.2.0".');
  }
  const keep = policy.keep ?? 0;
  if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 0) {
    throw badInput(`keep must be a whole number of 0 or more (got ${String(policy.keep)})`, 'For example keep 3 keeps the three newest versions in the range.');
  }
  if (policy.keepPer !== undefined && policy.keepPer !== 'major' && policy.keepPer !== 'minor') {
    throw badInput(`keepPer must be "major" or "minor" (got "${String(policy.keepPer)}")`);
  }
  if (policy.keepPer !== undefined && keep === 0) {
    throw badInput(`keepPer "${policy.keepPer}" needs keep of 1 or more`, `For example keep 1 per ${policy.keepPer} keeps the newest of each ${policy.keepPer} line.`);
  }
  const sources = policy.protect ?? DEFAULT_PROTECT;
  if (!Array.isArray(sources)) throw badInput('protect must be a list of regular expressions');
  const protect = sources.map((source) => {
    try {
      return { source, re: new RegExp(source) };
    } catch {
      throw badInput(`protect pattern "${source}" is not a valid regular expression`, 'Write a JavaScript regular expression, e.g. ^latest$ or ^release-.');
    }
  });
  let maxCreated: number | undefined;
  if (policy.olderThan !== undefined) {
    const ms = parseDuration(policy.olderThan);
    const now = policy.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw badInput('the "now" given to the prune planner is not a valid date');
    maxCreated = now.getTime() - ms;
  }
  return { range, keep, keepPer: policy.keepPer, includePrerelease: policy.includePrerelease === true, protect, maxCreated, olderThan: policy.olderThan?.trim() };
}

/** Throws BAD_INPUT (with a fix) when the policy is malformed; otherwise does nothing. */
export function validatePolicy(policy: PrunePolicy): void {
  compilePolicy(policy);
}

interface Work {
  state: TagState;
  version?: semver.SemVer;
  entry: PlanEntry;
  /** True for a tag the policy would delete before the shared-digest check. */
  candidate: boolean;
}

function lineOf(v: semver.SemVer, per: 'major' | 'minor' | undefined): string {
  if (per === 'major') return `${v.major}.x`;
  if (per === 'minor') return `${v.major}.${v.minor}.x`;
  return '';
}

function listTags(tags: string[]): string {
  return tags.length === 1 ? `kept tag ${tags[0]}` : `kept tags ${tags.join(', ')}`;
}

/** Decides every tag's fate. Pure: same input, same plan. */
export function planPrune(tags: TagState[], policy: PrunePolicy): PrunePlan {
  const p = compilePolicy(policy);
  const works: Work[] = tags.map((state) => ({
    state,
    version: parseTagVersion(state.tag),
    candidate: false,
    entry: { tag: state.tag, digest: state.digest, mediaType: state.mediaType, action: 'keep', reason: '' },
  }));

  // 1. Reasons that do not depend on other tags.
  const inRange: Work[] = [];
  for (const w of works) {
    const guard = p.protect.find((x) => x.re.test(w.state.tag));
    if (guard) w.entry.reason = `keep: protected by ${guard.source}`;
    else if (!w.version) w.entry.reason = 'keep: not semver';
    else if (w.version.prerelease.length > 0 && !p.includePrerelease) w.entry.reason = 'keep: prerelease (not included)';
    else if (!semver.satisfies(w.version, p.range, { includePrerelease: p.includePrerelease })) w.entry.reason = `keep: outside ${p.range}`;
    else inRange.push(w);
  }

  // 2. Keep the N newest in range (per line), newest first.
  inRange.sort((a, b) => semver.rcompare(a.version!, b.version!) || a.state.tag.localeCompare(b.state.tag));
  const seen = new Map<string, number>();
  for (const w of inRange) {
    const line = lineOf(w.version!, p.keepPer);
    const n = seen.get(line) ?? 0;
    if (n < p.keep) {
      seen.set(line, n + 1);
      w.entry.reason = p.keepPer ? `keep: one of the ${p.keep} newest in ${line}` : `keep: one of the ${p.keep} newest in range`;
      continue;
    }
    // 3. Age, then resolution.
    if (p.maxCreated !== undefined) {
      const created = w.state.created?.getTime();
      if (created === undefined || Number.isNaN(created)) {
        w.entry.reason = `keep: created date unknown (needed for older than ${p.olderThan})`;
        continue;
      }
      if (created > p.maxCreated) {
        w.entry.reason = `keep: newer than ${p.olderThan}`;
        continue;
      }
    }
    if (!w.state.digest) {
      w.entry.action = 'skip';
      w.entry.reason = `skip: its digest could not be resolved${w.state.error ? ` (${w.state.error})` : ''}`;
      continue;
    }
    w.candidate = true;
    w.entry.action = 'delete';
    w.entry.reason = `delete: ${w.state.tag} matches ${p.range}${p.maxCreated !== undefined ? `, older than ${p.olderThan}` : ''}`;
  }

  // 4. A digest goes only if every tag on it goes: deleting it removes all of them.
  const holders = new Map<string, string[]>();
  for (const w of works) {
    if (w.state.digest && !w.candidate) {
      const list = holders.get(w.state.digest) ?? [];
      list.push(w.state.tag);
      holders.set(w.state.digest, list);
    }
  }
  for (const w of works) {
    const held = w.candidate ? holders.get(w.state.digest!) : undefined;
    if (held) {
      const sorted = [...held].sort();
      w.candidate = false;
      w.entry.action = 'skip';
      w.entry.heldBy = sorted;
      w.entry.reason = `skip: shares its image with ${listTags(sorted)}`;
    }
  }

  const entries = sortEntries(works).map((w) => w.entry);
  const tagsPerDigest = new Map<string, number>();
  const indexDigests = new Set<string>();
  for (const e of entries) {
    if (e.action !== 'delete' || !e.digest) continue;
    tagsPerDigest.set(e.digest, (tagsPerDigest.get(e.digest) ?? 0) + 1);
    if (isIndex(e.mediaType)) indexDigests.add(e.digest);
  }
  return { entries, deleteDigests: [...tagsPerDigest.keys()], notes: planNotes(works, tagsPerDigest, indexDigests) };
}

function sortEntries(works: Work[]): Work[] {
  return [...works].sort((a, b) => {
    if (a.version && b.version) return semver.rcompare(a.version, b.version) || a.state.tag.localeCompare(b.state.tag);
    if (a.version) return -1;
    if (b.version) return 1;
    return a.state.tag < b.state.tag ? -1 : a.state.tag > b.state.tag ? 1 : 0;
  });
}

function planNotes(works: Work[], tagsPerDigest: Map<string, number>, indexDigests: Set<string>): string[] {
  const notes: string[] = [];
  if (indexDigests.size > 0) {
    notes.push(
      `${indexDigests.size} of the images to delete ${indexDigests.size === 1 ? 'is a multi-arch index' : 'are multi-arch indexes'}: ` +
        'each index is deleted as one image; its platform manifests stay in storage until garbage collection.',
    );
  }
  const shared = [...tagsPerDigest.values()].filter((n) => n > 1).length;
  if (shared > 0) notes.push(`${shared} of the images to delete carry more than one tag; all of those tags go with it.`);
  const unresolved = works.filter((w) => !w.state.digest).length;
  if (unresolved > 0) {
    notes.push(`${unresolved} tag${unresolved === 1 ? '' : 's'} could not be resolved and will not be deleted; tags and digests are checked again right before deleting.`);
  }
  return notes;
}

export function summarizePlan(plan: PrunePlan): PlanSummary {
  const count = (a: PruneAction) => plan.entries.filter((e) => e.action === a).length;
  return { tags: plan.entries.length, delete: count('delete'), keep: count('keep'), skip: count('skip'), digests: plan.deleteDigests.length };
}
