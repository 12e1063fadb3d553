// A prune policy: what the user asks for, checked field by field. The validators are exported so that every face
// checks input with the same rules and words (the extension's wizard validates as you type with them).
import * as semver from 'semver';
import { badInput } from '../registry/errors';
import { VERSIONINGS, type Versioning } from './versions';

export interface PrunePolicy {
  /** A semver range (`<2.0.0`, `1.x`, `*`). Only tags in it are candidates for deletion. */
  range: string;
  /** Which tags are versions and how they compare: `semver` (default), `docker` or `loose` (see versions.ts). */
  versioning?: Versioning;
  /** docker versioning: a regex of the variants to prune (`^$` for tags without one, `^alpine`); others are kept. */
  variant?: string;
  /** Keep the N newest candidates (by semver), or N per line with `keepPer`. Default 0. */
  keep?: number;
  keepPer?: 'major' | 'minor';
  /** Let prereleases be candidates (they are kept otherwise). */
  includePrerelease?: boolean;
  /** Regexes of tags that are never deleted. Default `DEFAULT_PROTECT`; a given list replaces the default. */
  protect?: string[];
  /** Tags kept by name (e.g. unchecked in a preview), with the images they point at. */
  keepTags?: string[];
  /** Tags kept because something deploys them: tag → why ("used in deploy/api.yaml:12"; src/protect). */
  protectedBy?: Record<string, string>;
  /** Images kept because something deploys them by digest: digest → why. Every tag on them stays. */
  protectedDigests?: Record<string, string>;
  /** Only delete candidates created longer ago than this (`30d`, `12h`, `90m`, `2w`). Needs created dates. */
  olderThan?: string;
  /** The clock for `olderThan` (tests, reproducible plans). Default: the time of planning. */
  now?: Date;
  /**
   * Delete referrer tags (cosign's `sha256-<hex>.sig/.att/.sbom`, the referrers tag schema's `sha256-<hex>`) whose
   * image no tag points at any more. Default false: they are kept and reported as orphaned.
   */
  deleteOrphans?: boolean;
  /** Keep every referrer tag (signatures, SBOMs, attestations) whatever its image's fate. Default false: they follow it. */
  keepReferrers?: boolean;
}

/** The tags protected when a policy names none: the one copy of this default (the extension's setting defaults to it too). */
export const DEFAULT_PROTECT: readonly string[] = ['^latest$'];

export interface CompiledPolicy {
  range: string;
  versioning: Versioning;
  variant?: { source: string; re: RegExp };
  keep: number;
  keepPer?: 'major' | 'minor';
  includePrerelease: boolean;
  protect: { source: string; re: RegExp }[];
  keepTags: ReadonlySet<string>;
  protectedBy: ReadonlyMap<string, string>;
  protectedDigests: ReadonlyMap<string, string>;
  /** Candidates created after this (ms since epoch) are kept. */
  maxCreated?: number;
  olderThan?: string;
  deleteOrphans: boolean;
  keepReferrers: boolean;
}

const DURATION = /^(\d+)\s*(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30d`, `12h`, `90m`, `2w` → milliseconds. Throws BAD_INPUT for anything else. */
export function parseDuration(s: string): number {
  const m = DURATION.exec(String(s).trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n <= 0) {
    throw badInput(`"${s}" is not a duration`, 'Write a positive whole number and a unit: m (minutes), h (hours), d (days) or w (weeks), e.g. 30d.');
  }
  return n * UNIT_MS[m[2].toLowerCase()];
}

/** The range, trimmed. Throws BAD_INPUT when it is empty or not a semver range. */
export function checkRange(range: unknown): string {
  const trimmed = typeof range === 'string' ? range.trim() : '';
  if (!trimmed) throw badInput('the prune range is empty', 'Give a semver range such as "<2.0.0" or "1.x"; use "*" to consider every version.');
  if (semver.validRange(trimmed) === null) throw badInput(`"${trimmed}" is not a semver range`, 'Use a range like "<2.0.0", ">=1.0.0 <1.5.0", "1.x" or "^1.2.0".');
  return trimmed;
}

/** A versioning scheme's name. */
export function checkVersioning(versioning: unknown): Versioning {
  if (VERSIONINGS.includes(versioning as Versioning)) return versioning as Versioning;
  throw badInput(`"${String(versioning)}" is not a versioning`, 'Use semver (1.2.3), docker (3.11, 3.11.6-slim: the text after the hyphen is a variant) or loose (2.0, 1.2.3.4).');
}

/** A regular expression of variants (docker versioning only). */
export function checkVariant(variant: unknown, versioning: Versioning): { source: string; re: RegExp } {
  if (versioning !== 'docker') throw badInput('a variant filter needs docker versioning', 'Add --versioning docker (or choose docker versioning), or leave the variant out.');
  try {
    return { source: String(variant), re: new RegExp(String(variant)) };
  } catch {
    throw badInput(`variant pattern "${String(variant)}" is not a valid regular expression`, 'Write a JavaScript regular expression, e.g. ^$ (no variant), ^slim$ or ^alpine.');
  }
}

/** A keep count: a whole number of 0 or more. Accepts the text a person typed. */
export function checkKeep(keep: unknown): number {
  const n = typeof keep === 'string' && /^\s*\d+\s*$/.test(keep) ? Number(keep) : keep;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw badInput(`keep must be a whole number of 0 or more (got ${String(keep)})`, 'For example keep 3 keeps the three newest versions in the range.');
  }
  return n;
}

/** Regular expressions of protected tags. Throws BAD_INPUT naming the first that does not compile. */
export function checkProtect(patterns: unknown): { source: string; re: RegExp }[] {
  if (!Array.isArray(patterns)) throw badInput('protect must be a list of regular expressions');
  return patterns.map((source) => {
    try {
      return { source: String(source), re: new RegExp(String(source)) };
    } catch {
      throw badInput(`protect pattern "${String(source)}" is not a valid regular expression`, 'Write a JavaScript regular expression, e.g. ^latest$ or ^release-.');
    }
  });
}

/** A map of name → reason (protectedBy, protectedDigests) as a Map. Throws BAD_INPUT when it is not one. */
function checkReasons(reasons: unknown, field: string): ReadonlyMap<string, string> {
  if (reasons === undefined) return new Map();
  const entries = reasons && typeof reasons === 'object' && !Array.isArray(reasons) ? Object.entries(reasons) : undefined;
  if (!entries || entries.some(([, v]) => typeof v !== 'string')) throw badInput(`${field} must map names to reasons (text)`);
  return new Map(entries as [string, string][]);
}

export function compilePolicy(policy: PrunePolicy): CompiledPolicy {
  if (!policy || typeof policy !== 'object') throw badInput('no prune policy was given', 'Give at least a semver range, e.g. "<2.0.0".');
  const range = checkRange(policy.range);
  const versioning = checkVersioning(policy.versioning ?? 'semver');
  const variant = policy.variant === undefined ? undefined : checkVariant(policy.variant, versioning);
  const keep = checkKeep(policy.keep ?? 0);
  if (policy.keepPer !== undefined && policy.keepPer !== 'major' && policy.keepPer !== 'minor') {
    throw badInput(`keepPer must be "major" or "minor" (got "${String(policy.keepPer)}")`);
  }
  if (policy.keepPer !== undefined && keep === 0) {
    throw badInput(`keepPer "${policy.keepPer}" needs keep of 1 or more`, `For example keep 1 per ${policy.keepPer} keeps the newest of each ${policy.keepPer} line.`);
  }
  const protect = checkProtect(policy.protect ?? [...DEFAULT_PROTECT]);
  if (policy.keepTags !== undefined && (!Array.isArray(policy.keepTags) || policy.keepTags.some((t) => typeof t !== 'string'))) {
    throw badInput('keepTags must be a list of tag names');
  }
  const protectedBy = checkReasons(policy.protectedBy, 'protectedBy');
  const protectedDigests = checkReasons(policy.protectedDigests, 'protectedDigests');
  if (policy.deleteOrphans !== undefined && typeof policy.deleteOrphans !== 'boolean') {
    throw badInput(`deleteOrphans must be true or false (got ${String(policy.deleteOrphans)})`);
  }
  if (policy.keepReferrers !== undefined && typeof policy.keepReferrers !== 'boolean') {
    throw badInput(`keepReferrers must be true or false (got ${String(policy.keepReferrers)})`);
  }
  let maxCreated: number | undefined;
  if (policy.olderThan !== undefined) {
    const ms = parseDuration(policy.olderThan);
    const now = policy.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw badInput('the "now" given to the prune planner is not a valid date');
    maxCreated = now.getTime() - ms;
  }
  return {
    range,
    versioning,
    variant,
    keep,
    keepPer: policy.keepPer,
    includePrerelease: policy.includePrerelease === true,
    protect,
    keepTags: new Set(policy.keepTags ?? []),
    protectedBy,
    protectedDigests,
    maxCreated,
    olderThan: policy.olderThan?.trim(),
    deleteOrphans: policy.deleteOrphans === true,
    keepReferrers: policy.keepReferrers === true,
  };
}

/** Throws BAD_INPUT (with a fix) when the policy is malformed; otherwise does nothing. */
export function validatePolicy(policy: PrunePolicy): void {
  compilePolicy(policy);
}

/** True when planning needs each image's created date (an age rule): the reader then fetches it. */
export function needsCreatedDates(policy: PrunePolicy): boolean {
  return policy.olderThan !== undefined;
}
