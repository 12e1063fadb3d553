// The prune planner: a pure function from the repository's tags (and what its multi-arch images reference) and a
// policy to a plan. No I/O.
//
// Invariants (tested with generated repositories in test/engine/prune-properties.test.ts):
//  - a digest is deleted only when every tag on it is deleted: deleting a digest removes every tag on it;
//  - a tag that is protected, kept by name, outside the range, among the newest kept, too young or of unknown age
//    is never deleted, and neither is the image it points at;
//  - a tag whose digest is unknown is never deleted;
//  - a digest that an index that stays references (a platform manifest of a kept multi-arch image) is never
//    deleted, and when the platforms of a staying index are unknown, nothing is deleted;
//  - a tag on an image the workspace deploys (by tag or by digest), or on a multi-arch image one of whose platform
//    images it deploys by digest, is never deleted;
//  - referrer tags (cosign's `sha256-<hex>.sig/.att/.sbom`, the referrers tag schema's `sha256-<hex>`) are never
//    candidates on their own: they go with the image they belong to, and stay with it (referrers.ts).
import * as semver from 'semver';
import { isIndex } from '../registry/mediatypes';
import type { Platform } from '../registry/types';
import { referrerTagSubject } from '../registry/referrer-tags';
import { describeUses, platformName, referencedByStaying, type IndexUse } from './graph';
import { checkRange, checkVersioning, compilePolicy, type CompiledPolicy, type PrunePolicy } from './policy';
import { followSubjects, keepReferrersOfStayingSubjects, referrerNotes, type ReferrerWork } from './referrers';
import { compareNewestFirst, parseVersion, precisionName, type Version } from './versions';

export interface TagState {
  tag: string;
  digest?: string;
  mediaType?: string;
  created?: Date;
  /** Why the digest could not be resolved. Such a tag is never deleted. */
  error?: string;
}

/** What the planner knows beyond the tags: the repository's name (for reasons) and each index's platform manifests. */
export interface PlanFacts {
  repository?: string;
  /** index digest → its platform manifests. An index tag missing here has unknown platforms. */
  children?: ReadonlyMap<string, readonly Platform[]>;
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
  /** For `skip` because a multi-arch image that stays references this digest. */
  partOf?: IndexUse[];
  /** For a referrer tag (`sha256-<hex>.sig`, …): the digest of the image it belongs to; it follows that image's fate. */
  subject?: string;
  /** For a referrer tag: no tag points at the image it belongs to. */
  orphaned?: boolean;
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

interface Work extends ReferrerWork {
  version?: Version;
}

/** The line a version is kept within: the range (semver, loose), per major or minor; docker adds variant and precision. */
function lineOf(v: Version, p: CompiledPolicy): string {
  const per = p.keepPer === 'major' ? `${v.parts[0]}.x` : p.keepPer === 'minor' ? `${v.parts[0]}.${v.parts[1] ?? 0}.x` : '';
  return p.versioning === 'docker' ? `${precisionName(v)}${v.variant ? `-${v.variant}` : ''}\n${per}` : per;
}

/** "in range", "in 1.x", "X.Y-slim tags", "X.Y.Z tags in 3.x": the line's words for a reason. */
function lineWords(line: string, p: CompiledPolicy): string {
  if (p.versioning !== 'docker') return line ? `in ${line}` : 'in range';
  const [shape, per] = line.split('\n');
  return `${shape} tags${per ? ` in ${per}` : ''}`;
}

/** " (docker versioning)": named in reasons unless it is the default. */
function schemeWords(p: CompiledPolicy): string {
  return p.versioning === 'semver' ? '' : ` (${p.versioning} versioning)`;
}

function inRange(v: Version, p: Pick<CompiledPolicy, 'range' | 'versioning' | 'includePrerelease'>): boolean {
  return semver.satisfies(v.range, p.range, { includePrerelease: p.versioning === 'semver' && p.includePrerelease });
}

/**
 * The tags a range takes in on its own, matched as the planner matches them (versions of the scheme, prereleases
 * only when included), before protection, keep and age: for a count shown while the range is typed.
 * Throws BAD_INPUT like the policy's validators.
 */
export function tagsInRange(tags: readonly string[], policy: Pick<PrunePolicy, 'range' | 'versioning' | 'includePrerelease'>): string[] {
  const p = { range: checkRange(policy.range), versioning: checkVersioning(policy.versioning ?? 'semver'), includePrerelease: policy.includePrerelease === true };
  return tags.filter((tag) => {
    const v = parseVersion(tag, p.versioning);
    return v !== undefined && (!v.prerelease || p.includePrerelease) && inRange(v, p);
  });
}

function keptTagsPhrase(tags: string[]): string {
  return tags.length === 1 ? `kept tag ${tags[0]}` : `kept tags ${tags.join(', ')}`;
}

function skip(w: Work, reason: string): void {
  w.entry.action = 'skip';
  w.entry.reason = reason;
}

/** Why a tag is kept because something deploys it (by tag, or its image by digest): the policy's protectedBy/protectedDigests. */
function deployedReason(w: Work, p: CompiledPolicy): string | undefined {
  const byTag = p.protectedBy.get(w.state.tag);
  if (byTag) return `keep: ${byTag}`;
  const byDigest = w.state.digest ? p.protectedDigests.get(w.state.digest) : undefined;
  return byDigest ? `keep: ${byDigest} (by digest)` : undefined;
}

/** Why a tag is kept before any comparison with other tags, or undefined when it is in range. */
function keptAlone(w: Work, p: CompiledPolicy): string | undefined {
  const deployed = deployedReason(w, p);
  if (deployed) return deployed;
  const guard = p.protect.find((x) => x.re.test(w.state.tag));
  if (guard) return `keep: protected by ${guard.source}`;
  if (p.keepTags.has(w.state.tag)) return 'keep: kept by choice';
  if (!w.version) return p.versioning === 'semver' ? 'keep: not semver' : `keep: not a version${schemeWords(p)}`;
  if (w.version.prerelease && !p.includePrerelease) return 'keep: prerelease (not included)';
  if (p.variant && !p.variant.re.test(w.version.variant)) return `keep: variant ${w.version.variant || '(none)'} not selected by ${p.variant.source}`;
  if (!inRange(w.version, p)) return `keep: outside ${p.range}${schemeWords(p)}`;
  return undefined;
}

/** Why a referrer tag stays whatever its image does: protected or kept by name. */
function referrerKeptAlone(w: Work, p: CompiledPolicy): string | undefined {
  const deployed = deployedReason(w, p);
  if (deployed) return deployed;
  const guard = p.protect.find((x) => x.re.test(w.state.tag));
  if (guard) return `keep: protected by ${guard.source}`;
  if (p.keepTags.has(w.state.tag)) return 'keep: kept by choice';
  if (p.keepReferrers) return 'keep: signatures, SBOMs and attestations are kept (referrers: keep)';
  return undefined;
}

/** 1–3: each tag on its own: protected, kept by name, not a version, outside the range, newest N, age, digest. */
function decideAlone(works: Work[], p: CompiledPolicy): void {
  const candidates: Work[] = [];
  for (const w of works) {
    const kept = w.referrer ? referrerKeptAlone(w, p) : keptAlone(w, p);
    if (w.referrer) {
      // Decided with their image (referrers.ts), unless kept on their own.
      w.fixed = kept !== undefined;
      w.entry.subject = w.referrer.subject;
      w.entry.reason = kept ?? '';
    } else if (kept) w.entry.reason = kept;
    else candidates.push(w);
  }
  candidates.sort((a, b) => compareNewestFirst({ tag: a.state.tag, version: a.version! }, { tag: b.state.tag, version: b.version! }));
  const seen = new Map<string, number>();
  for (const w of candidates) {
    const line = lineOf(w.version!, p);
    const n = seen.get(line) ?? 0;
    if (n < p.keep) {
      seen.set(line, n + 1);
      w.entry.reason = `keep: one of the ${p.keep} newest ${lineWords(line, p)}${schemeWords(p)}`;
      continue;
    }
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
      skip(w, `skip: its digest could not be resolved${w.state.error ? ` (${w.state.error})` : ''}`);
      continue;
    }
    w.entry.action = 'delete';
    w.entry.reason = `delete: matches ${p.range}${p.maxCreated !== undefined ? `, older than ${p.olderThan}` : ''}${schemeWords(p)}`;
  }
}

/** 4: a digest goes only if every tag on it goes, since deleting it removes all of them. */
function keepSharedImages(works: Work[]): void {
  const holders = new Map<string, string[]>();
  for (const w of works) {
    if (!w.state.digest || w.entry.action === 'delete') continue;
    holders.set(w.state.digest, [...(holders.get(w.state.digest) ?? []), w.state.tag]);
  }
  for (const w of works) {
    const held = w.entry.action === 'delete' ? holders.get(w.state.digest!) : undefined;
    if (!held) continue;
    w.entry.heldBy = [...held].sort();
    skip(w, `skip: shares its image with ${keptTagsPhrase(w.entry.heldBy)}`);
  }
}

/** 5: nothing that a staying multi-arch image references goes. Repeats until stable, as a skipped index stays too. */
function keepPlatformsOfStayingIndexes(works: Work[], facts: PlanFacts): void {
  for (;;) {
    const staying = new Map<string, string[]>();
    for (const w of works) {
      if (w.entry.action === 'delete' || !w.state.digest || !isIndex(w.state.mediaType)) continue;
      staying.set(w.state.digest, [...(staying.get(w.state.digest) ?? []), w.state.tag]);
    }
    const { uses, unknown } = referencedByStaying(staying, facts.children ?? new Map());
    let changed = false;
    for (const w of works) {
      if (w.entry.action !== 'delete') continue;
      const partOf = uses.get(w.state.digest!);
      if (partOf) {
        w.entry.partOf = partOf;
        skip(w, `skip: part of ${describeUses(facts.repository, partOf)}`);
        changed = true;
      } else if (unknown.length > 0) {
        const tags = staying.get(unknown[0]) ?? [];
        skip(w, `skip: the platforms of the multi-arch image ${tags[0] ?? unknown[0]} could not be read, so this image may be one of them`);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

/**
 * A multi-arch image one of whose platform images the workspace deploys by digest stays too: deleting the index would
 * leave that platform image untagged, for garbage collection to take. Nested indexes: until nothing more is added.
 */
function withDeployedIndexes(p: CompiledPolicy, facts: PlanFacts): CompiledPolicy {
  if (p.protectedDigests.size === 0 || !facts.children?.size) return p;
  const deployed = new Map(p.protectedDigests);
  for (let added = true; added; ) {
    added = false;
    for (const [index, platforms] of facts.children) {
      if (deployed.has(index)) continue;
      const used = platforms.find((pl) => deployed.has(pl.digest));
      if (!used) continue;
      deployed.set(index, `${deployed.get(used.digest)!.replace(/ \(its [^)]*\)$/, '')} (its ${platformName(used)} image)`);
      added = true;
    }
  }
  return { ...p, protectedDigests: deployed };
}

/** Decides every tag's fate. Pure: same input, same plan. */
export function planPrune(tags: TagState[], policy: PrunePolicy, facts: PlanFacts = {}): PrunePlan {
  const p = withDeployedIndexes(compilePolicy(policy), facts);
  const works: Work[] = tags.map((state) => {
    const referrer = referrerTagSubject(state.tag);
    return {
      state,
      ...(referrer ? { referrer } : { version: parseVersion(state.tag, p.versioning) }),
      entry: { tag: state.tag, digest: state.digest, mediaType: state.mediaType, action: 'keep', reason: '' },
    };
  });
  decideAlone(works, p);
  followSubjects(works, facts, p.deleteOrphans);
  // Each pass only turns deletions into skips or keeps, so this ends.
  do {
    keepSharedImages(works);
    keepPlatformsOfStayingIndexes(works, facts);
  } while (keepReferrersOfStayingSubjects(works, facts));

  const entries = sortEntries(works).map((w) => w.entry);
  const tagsPerDigest = new Map<string, number>();
  const indexDigests = new Set<string>();
  for (const e of entries) {
    if (e.action !== 'delete' || !e.digest) continue;
    tagsPerDigest.set(e.digest, (tagsPerDigest.get(e.digest) ?? 0) + 1);
    if (isIndex(e.mediaType)) indexDigests.add(e.digest);
  }
  return { entries, deleteDigests: [...tagsPerDigest.keys()], notes: [...planNotes(works, tagsPerDigest, indexDigests, p), ...referrerNotes(works)] };
}

function sortEntries(works: Work[]): Work[] {
  return [...works].sort((a, b) => {
    if (a.version && b.version) return compareNewestFirst({ tag: a.state.tag, version: a.version }, { tag: b.state.tag, version: b.version });
    if (a.version) return -1;
    if (b.version) return 1;
    return a.state.tag < b.state.tag ? -1 : a.state.tag > b.state.tag ? 1 : 0;
  });
}

function planNotes(works: Work[], tagsPerDigest: Map<string, number>, indexDigests: Set<string>, p: CompiledPolicy): string[] {
  const notes: string[] = [];
  const shapes = new Set(works.filter((w) => w.version).map((w) => precisionName(w.version!)));
  if (p.versioning === 'docker' && shapes.size > 1) {
    notes.push(
      `Tags of different precision are separate lines (${[...shapes].sort().join(', ')}): a floating tag such as 3.11 usually moves to the newest 3.11.x, ` +
        'and is kept or deleted as its own line, never counted with the releases.',
    );
  }
  if (indexDigests.size > 0) {
    notes.push(
      `${indexDigests.size} of the images to delete ${indexDigests.size === 1 ? 'is a multi-arch index' : 'are multi-arch indexes'}: ` +
        'each index is deleted as one image; its platform manifests stay in storage until garbage collection.',
    );
  }
  const shared = [...tagsPerDigest.values()].filter((n) => n > 1).length;
  if (shared === 1) notes.push('1 of the images to delete carries more than one tag; all of its tags go with it.');
  else if (shared > 1) notes.push(`${shared} of the images to delete carry more than one tag; all of those tags go with them.`);
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

/**
 * The plan's deletions as the executor takes them: each digest with the tags the plan deletes with it (sorted), and
 * for a referrer (every tag on it a referrer tag) the image it belongs to: the executor deletes it after that image.
 */
export function plannedDeletions(plan: PrunePlan): { digest: string; tags: string[]; subject?: string }[] {
  const byDigest = new Map<string, PlanEntry[]>(plan.deleteDigests.map((d) => [d, []]));
  for (const e of plan.entries) if (e.action === 'delete' && e.digest) byDigest.get(e.digest)?.push(e);
  return [...byDigest].map(([digest, entries]) => {
    const subject = entries.every((e) => e.subject) ? entries[0]?.subject : undefined;
    return { digest, tags: entries.map((e) => e.tag).sort(), ...(subject ? { subject } : {}) };
  });
}
