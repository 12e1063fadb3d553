// Property tests of the prune planner (src/prune/plan.ts): generated repositories (versions, other tags, per-platform
// tags, shared digests, nested multi-arch indexes whose platforms may be unknown, unresolved tags, created dates)
// and generated policies, checked against the invariants in plan.ts's header. The rules a tag is kept by are
// written again here, plainly, as the oracle. Fixed seed: CI sees the same cases every run.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as semver from 'semver';
import { planPrune, type PlanFacts, type PrunePlan, type PrunePolicy, type TagState } from '../../src/prune';
import { isIndex } from '../../src/registry/mediatypes';
import type { Platform } from '../../src/registry/types';
import { arbRepositorySpec, type RepositorySpec } from '../support/model-registry';

const SEED = 0x5eed_2025;
const RUNS = 400;
const NOW = new Date('2025-06-01T00:00:00Z');
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DURATIONS: Record<string, number> = { '12h': 12 * HOUR_MS, '1d': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '2w': 14 * DAY_MS };
/** The wide ranges twice, so that more cases delete something. */
const RANGES = ['*', '*', '<2.0.0', '<2.0.0', '1.x', '>=1.0.0 <1.5.0', '^1.2.0'];
const PROTECT_PATTERNS = ['^latest$', '^stable$', 'rc', '^v', 'amd64$', '^1\\.0\\.', '^2'];

/** One generated case: the truth, what the planner is told about it, and a policy. */
interface PlannerCase {
  /** The repository as it really is (every index's platforms, nested ones included). */
  spec: RepositorySpec;
  /** The tags as read: some unresolved, some with created dates. */
  states: TagState[];
  /** The platforms the planner is told of: some indexes' are missing (unknown). */
  children: Map<string, Platform[]>;
  policy: PrunePolicy;
  /** A tag to keep by name on top of the policy (for monotonicity). */
  extraKeep?: string;
  /** A permutation of `states` (the order the registry lists tags in must not matter). */
  shuffled: TagState[];
}

/** An age in hours: anything up to 60 days, often right at or next to the durations policies use (12h, 1d, 7d, 2w, 30d). */
const arbHoursAgo: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 60 * 24 }),
  fc.constantFrom(12, 24, 7 * 24, 14 * 24, 30 * 24).chain((h) => fc.constantFrom(h - 1, h, h + 1)),
);

/** Up to `max` of `xs`. */
function fewOf<T>(xs: T[], max: number): fc.Arbitrary<T[]> {
  return fc.subarray(xs, { maxLength: Math.min(max, xs.length) });
}

/** `undefined` about half the time, otherwise a value of `arb`. */
function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(fc.constant(undefined), arb);
}

function arbPolicy(tagNames: string[]): fc.Arbitrary<PrunePolicy> {
  return fc
    .record({
      range: fc.constantFrom(...RANGES),
      keep: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: 5 }) }),
      keepPer: fc.constantFrom(undefined, 'major' as const, 'minor' as const),
      includePrerelease: fc.boolean(),
      protect: maybe(fewOf(PROTECT_PATTERNS, 2)),
      keepTags: maybe(fewOf([...tagNames, 'not-a-tag'], 3)),
      olderThan: maybe(fc.constantFrom(...Object.keys(DURATIONS))),
    })
    .map((p) => ({ ...p, keepPer: p.keep >= 1 ? p.keepPer : undefined, now: NOW }));
}

const arbCase: fc.Arbitrary<PlannerCase> = arbRepositorySpec(40).chain((spec) => {
  const tagNames = spec.tags.map(([t]) => t);
  const indexDigests = spec.manifests.filter((m) => m.platforms).map((m) => m.digest);
  const n = spec.manifests.length;
  return fc
    .record({
      unresolved: fc.oneof({ weight: 4, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fewOf(tagNames, 2) }),
      unknownIndexes: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fewOf(indexDigests, 2) }),
      /** Hours before NOW each manifest was created, or null (unknown); undefined when dates were not read at all. */
      createdHoursAgo: fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 3, arbitrary: fc.array(fc.option(arbHoursAgo, { freq: 8 }), { minLength: n, maxLength: n }) },
      ),
      policy: arbPolicy(tagNames),
      extraKeep: tagNames.length ? fc.constantFrom(...tagNames) : fc.constant(undefined),
      order: fc.shuffledSubarray(tagNames.map((_, i) => i), { minLength: tagNames.length, maxLength: tagNames.length }),
    })
    .map(({ unresolved, unknownIndexes, createdHoursAgo, policy, extraKeep, order }) => {
      const byDigest = new Map(spec.manifests.map((m, i) => [m.digest, { m, hours: createdHoursAgo?.[i] }]));
      const states: TagState[] = spec.tags.map(([tag, digest]) => {
        if (unresolved.includes(tag)) return { tag, error: 'HEAD answered 500' };
        const { m, hours } = byDigest.get(digest)!;
        return { tag, digest, mediaType: m.mediaType, ...(hours !== undefined && hours !== null ? { created: new Date(NOW.getTime() - hours * HOUR_MS) } : {}) };
      });
      const children = new Map(spec.manifests.filter((m) => m.platforms && !unknownIndexes.includes(m.digest)).map((m) => [m.digest, m.platforms!]));
      return { spec, states, children, policy, extraKeep, shuffled: order.map((i) => states[i]) };
    });
});

function plan(c: Pick<PlannerCase, 'states' | 'children' | 'policy'>, policy: PrunePolicy = c.policy): PrunePlan {
  const facts: PlanFacts = { repository: 'repo', children: c.children };
  return planPrune(c.states, policy, facts);
}

function deletedTags(p: PrunePlan): Set<string> {
  return new Set(p.entries.filter((e) => e.action === 'delete').map((e) => e.tag));
}

function distinct<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

// ---- The oracle: why a tag must stay, the rules written again ----

/** The version a tag names: an optional leading v, then semver (tags cannot carry +build). */
function versionOf(tag: string): semver.SemVer | null {
  const bare = tag.replace(/^[vV]/, '');
  return /^\d/.test(bare) ? semver.parse(bare) : null;
}

function alphabetical(a: string, b: string): number {
  const [la, lb] = [a.toLowerCase(), b.toLowerCase()];
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The tags the policy protects from deletion on their own (before shared digests and indexes), each with why. */
function mustStay(states: TagState[], policy: PrunePolicy): Map<string, string> {
  const why = new Map<string, string>();
  const protect = (policy.protect ?? ['^latest$']).map((s) => new RegExp(s));
  const keepTags = new Set(policy.keepTags ?? []);
  const includePrerelease = policy.includePrerelease === true;
  const candidates: { tag: string; version: semver.SemVer; state: TagState }[] = [];
  for (const s of states) {
    const version = versionOf(s.tag);
    if (protect.some((re) => re.test(s.tag))) why.set(s.tag, 'protected');
    else if (keepTags.has(s.tag)) why.set(s.tag, 'kept by name');
    else if (!version) why.set(s.tag, 'not a version');
    else if (version.prerelease.length > 0 && !includePrerelease) why.set(s.tag, 'a prerelease, not included');
    else if (!semver.satisfies(version, policy.range, { includePrerelease })) why.set(s.tag, 'outside the range');
    else candidates.push({ tag: s.tag, version, state: s });
  }
  // The `keep` newest candidates of each line are kept, whatever their digest or age.
  candidates.sort((a, b) => semver.rcompare(a.version, b.version) || alphabetical(a.tag, b.tag));
  const perLine = new Map<string, number>();
  const maxCreated = policy.olderThan ? NOW.getTime() - DURATIONS[policy.olderThan] : undefined;
  for (const c of candidates) {
    const line = policy.keepPer === 'major' ? `${c.version.major}` : policy.keepPer === 'minor' ? `${c.version.major}.${c.version.minor}` : '';
    const rank = perLine.get(line) ?? 0;
    perLine.set(line, rank + 1);
    const created = c.state.created?.getTime();
    if (rank < (policy.keep ?? 0)) why.set(c.tag, 'among the newest kept');
    else if (maxCreated !== undefined && created === undefined) why.set(c.tag, 'age unknown');
    else if (maxCreated !== undefined && created! > maxCreated) why.set(c.tag, 'too recent');
  }
  for (const s of states) if (!s.digest && !why.has(s.tag)) why.set(s.tag, 'unresolved');
  return why;
}

/** The digests that staying indexes name, following nested indexes through `platformsOf`. */
function referencedBy(staying: Iterable<string>, platformsOf: (index: string) => readonly Platform[] | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (index: string): void => {
    for (const p of platformsOf(index) ?? []) {
      if (out.has(p.digest)) continue;
      out.add(p.digest);
      visit(p.digest);
    }
  };
  for (const index of staying) visit(index);
  return out;
}

/** The digests from `root` down to `target` through nested indexes (`[]` when `root` does not name it). */
function pathTo(root: string, target: string, platformsOf: (index: string) => readonly Platform[] | undefined): string[] {
  for (const p of platformsOf(root) ?? []) {
    if (p.digest === target) return [root, target];
    const rest = pathTo(p.digest, target, platformsOf);
    if (rest.length) return [root, ...rest];
  }
  return [];
}

/** Index digests with at least one tag that the plan does not delete. */
function stayingIndexes(c: PlannerCase, p: PrunePlan): string[] {
  const deleted = deletedTags(p);
  return distinct(c.states.filter((s) => s.digest && isIndex(s.mediaType) && !deleted.has(s.tag)).map((s) => s.digest!));
}

function show(c: PlannerCase): string {
  return JSON.stringify({ tags: c.states, children: [...c.children], truth: c.spec.manifests.filter((m) => m.platforms), policy: c.policy });
}

const params = { seed: SEED, numRuns: RUNS };

describe('prune planner properties (generated repositories and policies)', function () {
  this.timeout(60_000);

  // The plan is a function of its input: every tag gets exactly one entry, and planning twice gives the same plan.
  it('1. lists every tag exactly once, and plans the same input the same way', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const p = plan(c);
        assert.deepEqual(p.entries.map((e) => e.tag).sort(), c.states.map((s) => s.tag).sort(), 'every tag, each once');
        assert.deepEqual(plan(c), p, 'same input, same plan');
      }),
      params,
    );
  });

  // The order the registry lists tags in does not change any tag's fate.
  it('1b. decides each tag the same whatever order the registry listed the tags in', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const actions = (p: PrunePlan) => Object.fromEntries(p.entries.map((e) => [e.tag, e.action]));
        const [a, b] = [plan(c), planPrune(c.shuffled, c.policy, { repository: 'repo', children: c.children })];
        assert.deepEqual(actions(b), actions(a));
        assert.deepEqual([...b.deleteDigests].sort(), [...a.deleteDigests].sort());
      }),
      params,
    );
  });

  // Deleting a digest removes every tag on it, so a digest is deleted only if all its tags are; deleteDigests is
  // exactly the set of digests of the deleted tags.
  it('2. deletes a digest only if every tag on it is deleted, and deleteDigests are exactly the digests of deleted tags', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const p = plan(c);
        const deleteEntries = p.entries.filter((e) => e.action === 'delete');
        assert.ok(deleteEntries.every((e) => e.digest), 'a deleted tag has a digest');
        assert.deepEqual(p.deleteDigests, distinct(deleteEntries.map((e) => e.digest!)), 'the distinct digests of the delete entries, in entry order');
        const goes = new Set(p.deleteDigests);
        const deleted = deletedTags(p);
        for (const s of c.states) if (s.digest && goes.has(s.digest)) assert.ok(deleted.has(s.tag), `${s.tag} is on deleted ${s.digest} but is not deleted`);
      }),
      params,
    );
  });

  // What the policy keeps stays, and so does the image it points at.
  it('3. never deletes a tag (or its digest) that is protected, kept by name, outside the range, an excluded prerelease, among the newest kept, too young, of unknown age, or unresolved', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const p = plan(c);
        const why = mustStay(c.states, c.policy);
        const goes = new Set(p.deleteDigests);
        for (const e of p.entries) {
          const reason = why.get(e.tag);
          if (!reason) continue;
          assert.notEqual(e.action, 'delete', `${e.tag} must stay (${reason}) but is deleted`);
          assert.ok(!e.digest || !goes.has(e.digest), `${e.tag} must stay (${reason}) but its digest ${e.digest} is deleted`);
        }
      }),
      params,
    );
  });

  // Not merely cautious: without multi-arch images, every tag the policy allows is deleted unless a kept tag shares
  // its image.
  it('3b. with no multi-arch image at all, deletes exactly the tags the rules allow whose digest carries no tag that must stay', () => {
    const noIndexes = arbCase.filter((c) => c.spec.manifests.every((m) => !m.platforms));
    fc.assert(
      fc.property(noIndexes, (c) => {
        const why = mustStay(c.states, c.policy);
        const held = new Set(c.states.filter((s) => s.digest && why.has(s.tag)).map((s) => s.digest!));
        const expected = c.states.filter((s) => !why.has(s.tag) && !held.has(s.digest!)).map((s) => s.tag);
        assert.deepEqual([...deletedTags(plan(c))].sort(), expected.sort());
      }),
      { ...params, numRuns: 200 },
    );
  });

  // A manifest that a staying multi-arch image names (directly or through the nested indexes the planner was told
  // of) stays; when the platforms of a staying index are unknown, nothing at all is deleted.
  it('4. never deletes a digest that a staying index names (through nested indexes it was told of), and deletes nothing when a staying index’s platforms are unknown', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const p = plan(c);
        const staying = stayingIndexes(c, p);
        const unknown = staying.filter((i) => !c.children.has(i));
        if (unknown.length > 0) {
          assert.deepEqual(p.deleteDigests, [], `the platforms of staying ${unknown.join(', ')} are unknown, yet something is deleted`);
          return;
        }
        const named = referencedBy(staying, (i) => c.children.get(i));
        for (const d of p.deleteDigests) assert.ok(!named.has(d), `${d} is deleted but a staying index names it`);
      }),
      params,
    );
  });

  // As 4, against the real graph: an index nested in a staying one whose platforms were not read may name any image.
  // FAILS today: see the report (referencedByStaying counts an index as unknown only at the top level).
  it('4b. never deletes a digest that a staying index really names, even through a nested index whose platforms were not read', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const p = plan(c);
        const truth = new Map(c.spec.manifests.map((m) => [m.digest, m.platforms]));
        const staying = stayingIndexes(c, p);
        const named = referencedBy(staying, (i) => truth.get(i));
        for (const d of p.deleteDigests) {
          if (!named.has(d)) continue;
          const path = staying.map((s) => pathTo(s, d, (i) => truth.get(i))).find((x) => x.length > 0)!;
          const tagsOf = (digest: string) => c.states.filter((s) => s.digest === digest).map((s) => s.tag);
          const steps = path.map((x) => `${x.slice(-4)} [${tagsOf(x).join(', ') || 'untagged'}${c.children.has(x) || !truth.get(x) ? '' : ', platforms unknown to the planner'}]`);
          assert.fail(`${d.slice(-4)} is deleted, but the staying index names it: ${steps.join(' → ')}\n${show(c)}`);
        }
      }),
      params,
    );
  });

  // Keeping one more tag by name only ever keeps more: no new deletion, no kept tag turned into a deleted one.
  it('5. keeping one more tag by name never adds a deletion, and never turns a kept tag into a deleted one', () => {
    fc.assert(
      fc.property(
        arbCase.filter((c) => c.extraKeep !== undefined),
        (c) => {
          const before = plan(c);
          const after = plan(c, { ...c.policy, keepTags: [...(c.policy.keepTags ?? []), c.extraKeep!] });
          const [was, is] = [deletedTags(before), deletedTags(after)];
          for (const t of is) assert.ok(was.has(t), `keeping ${c.extraKeep} made ${t} deleted`);
          const gone = new Set(before.deleteDigests);
          for (const d of after.deleteDigests) assert.ok(gone.has(d), `keeping ${c.extraKeep} made ${d} deleted`);
          assert.ok(!is.has(c.extraKeep!), `${c.extraKeep} is kept by name but deleted`);
        },
      ),
      params,
    );
  });
});
