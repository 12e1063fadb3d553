// Referrer tags in a prune plan: cosign's `sha256-<hex>.sig/.att/.sbom` and the referrers tag schema's `sha256-<hex>`
// are never versions and never candidates on their own: they belong to the image they are named after (their
// subject). Pure.
//
// Invariants (tested with generated repositories in test/engine/referrers-properties.test.ts):
//  - a referrer tag is deleted only when its subject's digest is deleted by the plan (every tag on it goes), or, with
//    `deleteOrphans`, when no tag points at its subject at all;
//  - every referrer tag of a deleted subject is deleted, unless it is protected, kept by name, of unknown digest,
//    or its own digest is held by something that stays (then it is kept or skipped, and says why);
//  - a referrer of a referrer (a signature of an SBOM) follows the referrer it refers to, the same way.
import { referrerTagSubject, type ReferrerTag } from '../registry/referrer-tags';
import { referencedByStaying, describeUses } from './graph';
import type { PlanEntry, PlanFacts, TagState } from './plan';
import { isIndex } from '../registry/mediatypes';

/** The part of the planner's work this file reads and decides. */
export interface ReferrerWork {
  state: TagState;
  entry: PlanEntry;
  /** Set for referrer tags: what the tag's name says. */
  referrer?: ReferrerTag;
  /** Set when the decision was taken on the tag alone (protected, kept by name): the subject does not change it. */
  fixed?: boolean;
}

const KIND_WORDS: Record<string, string> = { signature: 'signature', sbom: 'SBOM', attestation: 'attestation', other: 'referrers index' };

function kindWords(r: ReferrerTag): string {
  return KIND_WORDS[r.kind] ?? 'referrer';
}

const short = (digest: string): string => digest.slice(0, 19);

/** digest → the works on it. */
function byDigest(works: readonly ReferrerWork[]): Map<string, ReferrerWork[]> {
  const out = new Map<string, ReferrerWork[]>();
  for (const w of works) if (w.state.digest) out.set(w.state.digest, [...(out.get(w.state.digest) ?? []), w]);
  return out;
}

/** "1.2.0", "the SBOM of 1.2.0", "multi:1.0.0 (linux/amd64)": what a subject digest is, for a reason. */
function subjectName(digest: string, on: Map<string, ReferrerWork[]>, facts: PlanFacts, depth = 0): string {
  const tagged = (on.get(digest) ?? []).map((w) => w.state.tag).sort();
  const own = tagged.find((t) => !referrerTagSubject(t));
  if (own) return own;
  const via = (on.get(digest) ?? []).find((w) => w.referrer);
  if (via?.referrer && depth < 4) return `the ${kindWords(via.referrer)} of ${subjectName(via.referrer.subject, on, facts, depth + 1)}`;
  const platform = platformOwner(digest, on, facts);
  return platform ?? short(digest);
}

/** "multi:1.0.0 (linux/amd64)" when a tagged multi-arch image names the digest as one of its platforms. */
function platformOwner(digest: string, on: Map<string, ReferrerWork[]>, facts: PlanFacts): string | undefined {
  const indexes = new Map<string, string[]>();
  for (const [d, works] of on) if (isIndex(works[0].state.mediaType)) indexes.set(d, works.map((w) => w.state.tag).sort());
  const uses = referencedByStaying(indexes, facts.children ?? new Map()).uses.get(digest);
  return uses?.length ? describeUses(facts.repository, uses) : undefined;
}

/** Whether the digest goes with the plan: true when every tag on it is deleted; undefined when no tag is on it. */
function goes(digest: string, on: Map<string, ReferrerWork[]>): boolean | undefined {
  const works = on.get(digest);
  return works?.length ? works.every((w) => w.entry.action === 'delete') : undefined;
}

function set(w: ReferrerWork, action: PlanEntry['action'], reason: string): boolean {
  const changed = w.entry.action !== action || w.entry.reason !== reason;
  w.entry.action = action;
  w.entry.reason = reason;
  return changed;
}

/** One referrer tag's fate from its subject's: with it, orphaned, or (no digest) skipped. True when it changed. */
function follow(w: ReferrerWork, on: Map<string, ReferrerWork[]>, facts: PlanFacts, deleteOrphans: boolean): boolean {
  const r = w.referrer!;
  const what = kindWords(r);
  if (!w.state.digest) return set(w, 'skip', `skip: ${what} whose digest could not be resolved${w.state.error ? ` (${w.state.error})` : ''}`);
  const subjectGoes = goes(r.subject, on);
  if (subjectGoes === true) return set(w, 'delete', `delete: ${what} of ${subjectName(r.subject, on, facts)}, which is deleted`);
  if (subjectGoes === false) return set(w, 'keep', `keep: ${what} of ${subjectName(r.subject, on, facts)}, which stays`);
  const platform = platformOwner(r.subject, on, facts);
  if (platform) return set(w, 'keep', `keep: ${what} of a platform of ${platform}`);
  w.entry.orphaned = true;
  if (deleteOrphans) return set(w, 'delete', `delete: orphaned ${what} (no tag points at ${short(r.subject)})`);
  return set(w, 'keep', `keep: orphaned ${what} (no tag points at ${short(r.subject)}; deleting orphans was not asked)`);
}

/**
 * First pass, after the other tags were decided on their own: each referrer tag takes its subject's fate. Repeated
 * until stable, so that a signature of an SBOM follows the SBOM once the SBOM follows its image (a referrer tag only
 * goes from kept to deleted here, so it ends).
 */
export function followSubjects(works: readonly ReferrerWork[], facts: PlanFacts, deleteOrphans: boolean): void {
  const referrers = works.filter((w) => w.referrer && !w.fixed);
  for (const w of referrers) {
    w.entry.subject = w.referrer!.subject;
    w.entry.action = 'keep';
  }
  for (let round = 0; round <= referrers.length; round++) {
    const on = byDigest(works);
    let changed = false;
    for (const w of referrers) if (follow(w, on, facts, deleteOrphans)) changed = true;
    if (!changed) return;
  }
}

/**
 * Later passes, after shared images and platforms of staying indexes turned some deletions into skips: a referrer
 * tag planned to go whose subject now stays, stays too. Only turns deletions into keeps. True when one changed.
 */
export function keepReferrersOfStayingSubjects(works: readonly ReferrerWork[], facts: PlanFacts): boolean {
  const on = byDigest(works);
  let changed = false;
  for (const w of works) {
    if (!w.referrer || w.fixed || w.entry.action !== 'delete' || w.entry.orphaned) continue;
    if (goes(w.referrer.subject, on) === true) continue;
    set(w, 'keep', `keep: ${kindWords(w.referrer)} of ${subjectName(w.referrer.subject, on, facts)}, which stays`);
    changed = true;
  }
  return changed;
}

/** Notes for the plan: what goes with the images, and the orphans. */
export function referrerNotes(works: readonly ReferrerWork[]): string[] {
  const notes: string[] = [];
  const going = works.filter((w) => w.referrer && w.entry.action === 'delete' && !w.entry.orphaned).length;
  if (going > 0) notes.push(`${going} signature, SBOM or attestation tag${going === 1 ? ' goes' : 's go'} with the image${going === 1 ? '' : 's'} ${going === 1 ? 'it belongs' : 'they belong'} to.`);
  const orphans = works.filter((w) => w.referrer && w.entry.orphaned);
  const kept = orphans.filter((w) => w.entry.action !== 'delete').length;
  if (kept > 0) notes.push(`${kept} signature, SBOM or attestation tag${kept === 1 ? ' refers' : 's refer'} to an image no tag points at (orphaned): kept. Ask to delete orphans to delete ${kept === 1 ? 'it' : 'them'}.`);
  const deleted = orphans.length - kept;
  if (deleted > 0) notes.push(`${deleted} orphaned signature, SBOM or attestation tag${deleted === 1 ? ' is' : 's are'} deleted (no tag points at the image${deleted === 1 ? '' : 's'}).`);
  return notes;
}
