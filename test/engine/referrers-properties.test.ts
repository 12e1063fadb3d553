// Property tests of referrer tags in the prune planner (src/prune/referrers.ts, through planPrune): generated
// repositories of versioned images with cosign tags (`sha256-<hex>.sig/.att/.sbom`), referrers tag schema tags
// (`sha256-<hex>`), signatures of SBOMs, orphans (their image untagged), unresolved referrer tags, and a kept
// multi-arch image naming some of the images (so an image planned to go may stay after all); generated
// policies (range, keep, protection, tags kept by name, deleting orphans). Fixed seed: CI sees the same cases.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { planPrune, type PlanFacts, type PrunePlan, type PrunePolicy, type TagState } from '../../src/prune';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/registry/mediatypes';
import { referrerTagSubject } from '../../src/registry/referrer-tags';

const SEED = 0x5eed_0c1;
const RUNS = 400;
const SUFFIXES = ['sig', 'att', 'sbom', ''] as const;

const digestOf = (seed: string): string => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const tagFor = (subject: string, suffix: string): string => `${subject.replace(':', '-')}${suffix ? `.${suffix}` : ''}`;

interface Case {
  states: TagState[];
  policy: PrunePolicy;
  /** A multi-arch image `bundle` (kept: not a version) may name some of the images as its platforms. */
  facts: PlanFacts;
}

/** Images with version tags (some sharing one image), then referrers of them, of each other, and of untagged images. */
const arbCase: fc.Arbitrary<Case> = fc
  .record({
    versions: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 6 }),
    share: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    referrers: fc.array(fc.record({ on: fc.nat(20), suffix: fc.constantFrom(...SUFFIXES), orphan: fc.boolean(), unresolved: fc.boolean() }), { maxLength: 10 }),
    range: fc.constantFrom('*', '<2.0.0', '1.x', '<1.0.0'),
    keep: fc.integer({ min: 0, max: 2 }),
    protect: fc.constantFrom<string[] | undefined>(undefined, ['^latest$'], ['\\.sig$'], ['^1\\.']),
    keepSome: fc.nat(20),
    deleteOrphans: fc.boolean(),
    bundle: fc.subarray([0, 1, 2, 3, 4, 5]),
  })
  .map((g) => {
    const states: TagState[] = [];
    const images: string[] = [];
    g.versions.forEach(([major, minor], i) => {
      // Every other version may share the previous one's image.
      const digest = i > 0 && g.share[i] ? images[i - 1] : digestOf(`image-${major}.${minor}`);
      images.push(digest);
      states.push({ tag: `${major}.${minor}.0`, digest, mediaType: OCI_MANIFEST });
    });
    const subjects = [...new Set(images)];
    for (const [i, r] of g.referrers.entries()) {
      // A referrer of an image, of an earlier referrer (a signature of an SBOM), or of an image no tag points at.
      const subject = r.orphan ? digestOf(`untagged-${i}`) : subjects[r.on % subjects.length];
      const tag = tagFor(subject, r.suffix);
      if (states.some((s) => s.tag === tag)) continue;
      const digest = digestOf(`referrer-${i}`);
      states.push(r.unresolved && i % 3 === 0 ? { tag, error: 'timed out' } : { tag, digest, mediaType: r.suffix ? OCI_MANIFEST : OCI_INDEX });
      if (!r.suffix) continue;
      subjects.push(digest);
    }
    const children = new Map<string, { os: string; architecture: string; digest: string; mediaType: string }[]>();
    const platforms = [...new Set(g.bundle.filter((i) => i < images.length).map((i) => images[i]))];
    if (platforms.length) {
      states.push({ tag: 'bundle', digest: digestOf('bundle'), mediaType: OCI_INDEX });
      children.set(digestOf('bundle'), platforms.map((digest) => ({ os: 'linux', architecture: 'amd64', digest, mediaType: OCI_MANIFEST })));
    }
    const keepTags = states.length && g.keepSome % 4 === 0 ? [states[g.keepSome % states.length].tag] : undefined;
    const policy: PrunePolicy = { range: g.range, keep: g.keep, ...(g.protect ? { protect: g.protect } : {}), ...(keepTags ? { keepTags } : {}), deleteOrphans: g.deleteOrphans };
    return { states, policy, facts: { repository: 'model/app', children } };
  });

/** digest → tags on it, and the plan's fate of each tag. */
function facts(c: Case, plan: PrunePlan): { tagsOn: Map<string, string[]>; action: Map<string, string> } {
  const tagsOn = new Map<string, string[]>();
  for (const s of c.states) if (s.digest) tagsOn.set(s.digest, [...(tagsOn.get(s.digest) ?? []), s.tag]);
  return { tagsOn, action: new Map(plan.entries.map((e) => [e.tag, e.action])) };
}

function subjectDeleted(subject: string, f: ReturnType<typeof facts>): boolean | undefined {
  const tags = f.tagsOn.get(subject);
  return tags ? tags.every((t) => f.action.get(t) === 'delete') : undefined;
}

const params = { seed: SEED, numRuns: RUNS };

describe('prune plan: referrer tags follow their image (properties, generated repositories)', () => {
  it('never deletes a referrer tag whose image stays (some tag on it is kept)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const plan = planPrune(c.states, c.policy, c.facts);
        const f = facts(c, plan);
        for (const e of plan.entries) {
          const named = referrerTagSubject(e.tag);
          if (!named || e.action !== 'delete') continue;
          const deleted = subjectDeleted(named.subject, f);
          if (deleted === undefined) assert.ok(c.policy.deleteOrphans, `${e.tag}: orphan deleted without deleteOrphans`);
          else assert.ok(deleted, `${e.tag} is deleted while its image stays: ${e.reason}`);
        }
      }),
      params,
    );
  });

  it('with keepReferrers, deletes no referrer tag and no image a referrer tag is on, and deletes nothing it would not delete without it', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const plan = planPrune(c.states, { ...c.policy, keepReferrers: true }, c.facts);
        const without = planPrune(c.states, c.policy, c.facts);
        const referrerDigests = new Set(c.states.filter((s) => referrerTagSubject(s.tag) && s.digest).map((s) => s.digest));
        for (const e of plan.entries) {
          if (referrerTagSubject(e.tag)) assert.notEqual(e.action, 'delete', `${e.tag} deleted although referrers are kept`);
        }
        for (const d of plan.deleteDigests) assert.ok(!referrerDigests.has(d), `${d} carries a referrer tag and is deleted`);
        // Kept referrers may keep more (a kept referrers index whose platforms are unknown holds everything), never less.
        const deletedWithout = new Set(without.deleteDigests);
        for (const d of plan.deleteDigests) assert.ok(deletedWithout.has(d), `${d} is deleted only because referrers are kept`);
      }),
      params,
    );
  });

  it('puts every referrer tag of a deleted image in the plan as deleted, unless protected, kept by name or unresolved', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const plan = planPrune(c.states, c.policy, c.facts);
        const f = facts(c, plan);
        const protect = (c.policy.protect ?? ['^latest$']).map((p) => new RegExp(p));
        for (const s of c.states) {
          const named = referrerTagSubject(s.tag);
          if (!named || subjectDeleted(named.subject, f) !== true) continue;
          const exempt = !s.digest || protect.some((re) => re.test(s.tag)) || c.policy.keepTags?.includes(s.tag);
          if (!exempt) assert.equal(f.action.get(s.tag), 'delete', `${s.tag} stays although its image is deleted`);
        }
      }),
      params,
    );
  });

  it('never calls a referrer tag "not semver", and every referrer tag entry names the image it belongs to', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const plan = planPrune(c.states, c.policy, c.facts);
        for (const e of plan.entries) {
          const named = referrerTagSubject(e.tag);
          if (!named) continue;
          assert.doesNotMatch(e.reason, /not semver|not a version/);
          assert.equal(e.subject, named.subject);
        }
      }),
      params,
    );
  });

  it('still deletes a digest only when every tag on it is deleted', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const plan = planPrune(c.states, c.policy, c.facts);
        const f = facts(c, plan);
        for (const d of plan.deleteDigests) for (const t of f.tagsOn.get(d) ?? []) assert.equal(f.action.get(t), 'delete', `${t} stays on deleted ${d}`);
      }),
      params,
    );
  });
});
