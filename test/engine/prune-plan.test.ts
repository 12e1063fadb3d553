// The prune planner is pure: these tests feed it tag states and read the plan, no registry involved.
import * as assert from 'node:assert/strict';
import { planPrune, parseDuration, validatePolicy, summarizePlan, tagVersion as parseTagVersion, type TagState, type PrunePlan, type PlanEntry } from '../../src/prune';
import { isRegistryError } from '../../src/registry/errors';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/registry/mediatypes';

const d = (n: number | string): string => `sha256:${String(n).padStart(64, '0')}`;

/** One tag per digest unless told otherwise. */
function tags(...names: string[]): TagState[] {
  return names.map((tag, i) => ({ tag, digest: d(i + 1), mediaType: OCI_MANIFEST }));
}

function entry(plan: PrunePlan, tag: string): PlanEntry {
  const e = plan.entries.find((x) => x.tag === tag);
  assert.ok(e, `no entry for ${tag}`);
  return e;
}

function actions(plan: PrunePlan): Record<string, string> {
  return Object.fromEntries(plan.entries.map((e) => [e.tag, e.action]));
}

function assertBadInput(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRegistryError(e, 'BAD_INPUT'), `expected BAD_INPUT, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.ok(e.fix === undefined || e.fix.length > 0);
    return true;
  });
}

describe('prune planner', () => {
  describe('range and semver', () => {
    it('deletes the tags in range and keeps the rest, with reasons', () => {
      const plan = planPrune(tags('1.0.0', '1.5.0', '2.0.0', '2.1.0'), { range: '<2.0.0' });
      assert.deepEqual(actions(plan), { '2.1.0': 'keep', '2.0.0': 'keep', '1.5.0': 'delete', '1.0.0': 'delete' });
      assert.equal(entry(plan, '1.0.0').reason, 'delete: matches <2.0.0');
      assert.equal(entry(plan, '2.0.0').reason, 'keep: outside <2.0.0');
      assert.deepEqual(plan.deleteDigests, [d(2), d(1)]);
    });

    it('accepts a leading v and compares by version, not by text', () => {
      const plan = planPrune(tags('v1.2.0', 'v1.10.0', '1.9.0', 'v2.0.0'), { range: '<2.0.0', keep: 1 });
      assert.equal(entry(plan, 'v1.10.0').action, 'keep');
      assert.equal(entry(plan, 'v1.10.0').reason, 'keep: one of the 1 newest in range');
      assert.equal(entry(plan, '1.9.0').action, 'delete');
      assert.equal(entry(plan, 'v1.2.0').action, 'delete');
      assert.equal(entry(plan, 'v1.2.0').reason, 'delete: matches <2.0.0');
      assert.equal(entry(plan, 'v2.0.0').reason, 'keep: outside <2.0.0');
      assert.equal(parseTagVersion('V3.1.4')?.version, '3.1.4');
      assert.equal(parseTagVersion('vv1.0.0'), undefined);
    });

    it('never deletes a tag that is not semver, even with range *', () => {
      const plan = planPrune(tags('1.0', 'stable', 'main-abc123', '20240101', '1.0.0'), { range: '*', protect: [] });
      assert.equal(entry(plan, '1.0.0').action, 'delete');
      for (const t of ['1.0', 'stable', 'main-abc123', '20240101']) {
        assert.equal(entry(plan, t).action, 'keep', t);
        assert.equal(entry(plan, t).reason, 'keep: not semver');
      }
    });

    it('keeps prereleases unless they are included', () => {
      const input = tags('1.0.0-rc.1', '1.0.0', '1.1.0-beta.2', 'v0.9.0-alpha');
      const plain = planPrune(input, { range: '<2.0.0' });
      assert.equal(entry(plain, '1.0.0').action, 'delete');
      for (const t of ['1.0.0-rc.1', '1.1.0-beta.2', 'v0.9.0-alpha']) {
        assert.equal(entry(plain, t).action, 'keep');
        assert.equal(entry(plain, t).reason, 'keep: prerelease (not included)');
      }
      const withPre = planPrune(input, { range: '<2.0.0', includePrerelease: true });
      assert.deepEqual(actions(withPre), { '1.1.0-beta.2': 'delete', '1.0.0': 'delete', '1.0.0-rc.1': 'delete', 'v0.9.0-alpha': 'delete' });
      // A prerelease counts among the newest when included.
      const keepOne = planPrune(input, { range: '<2.0.0', includePrerelease: true, keep: 1 });
      assert.equal(entry(keepOne, '1.1.0-beta.2').action, 'keep');
      assert.equal(entry(keepOne, '1.0.0').action, 'delete');
    });

    it('sorts entries by version, newest first, then other tags A to Z', () => {
      const plan = planPrune(tags('zeta', '1.0.0', 'alpha', 'v10.0.0', '2.0.0', 'latest'), { range: '<2.0.0' });
      assert.deepEqual(plan.entries.map((e) => e.tag), ['v10.0.0', '2.0.0', '1.0.0', 'alpha', 'latest', 'zeta']);
    });

    it('gives the same plan for the same input in any order', () => {
      const input = tags('1.0.0', '1.1.0', 'latest', '0.9.0', '1.2.0', 'dev');
      input[2].digest = input[4].digest;
      const a = planPrune(input, { range: '<2.0.0', keep: 1 });
      const b = planPrune([...input].reverse(), { range: '<2.0.0', keep: 1 });
      assert.deepEqual(a, b);
    });
  });

  describe('keep', () => {
    it('keeps the N newest candidates', () => {
      const plan = planPrune(tags('1.0.0', '1.1.0', '1.2.0', '1.3.0', '3.0.0'), { range: '<2.0.0', keep: 2 });
      assert.deepEqual(actions(plan), { '3.0.0': 'keep', '1.3.0': 'keep', '1.2.0': 'keep', '1.1.0': 'delete', '1.0.0': 'delete' });
      assert.equal(entry(plan, '1.2.0').reason, 'keep: one of the 2 newest in range');
      assert.equal(entry(plan, '3.0.0').reason, 'keep: outside <2.0.0');
    });

    it('keeps everything when N is at least the number of candidates', () => {
      const plan = planPrune(tags('1.0.0', '1.1.0'), { range: '*', keep: 5 });
      assert.equal(plan.deleteDigests.length, 0);
      assert.deepEqual(summarizePlan(plan), { tags: 2, delete: 0, keep: 2, skip: 0, digests: 0 });
    });

    it('keeps N per major line', () => {
      const plan = planPrune(tags('1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.0.1', '3.0.0'), { range: '*', keep: 1, keepPer: 'major' });
      assert.deepEqual(actions(plan), { '3.0.0': 'keep', '2.0.1': 'keep', '2.0.0': 'delete', '1.2.0': 'keep', '1.1.0': 'delete', '1.0.0': 'delete' });
      assert.equal(entry(plan, '1.2.0').reason, 'keep: one of the 1 newest in 1.x');
    });

    it('keeps N per minor line', () => {
      const plan = planPrune(tags('1.0.0', '1.0.1', '1.0.2', '1.1.0', '1.1.1', 'v2.3.4'), { range: '<2.0.0', keep: 2, keepPer: 'minor' });
      assert.deepEqual(actions(plan), { 'v2.3.4': 'keep', '1.1.1': 'keep', '1.1.0': 'keep', '1.0.2': 'keep', '1.0.1': 'keep', '1.0.0': 'delete' });
      assert.equal(entry(plan, '1.0.1').reason, 'keep: one of the 2 newest in 1.0.x');
      assert.equal(entry(plan, 'v2.3.4').reason, 'keep: outside <2.0.0');
    });
  });

  describe('protect', () => {
    it('protects latest by default', () => {
      // A tag named like a version can be protected too; latest is the default pattern.
      const plan = planPrune(tags('latest', '1.0.0'), { range: '*' });
      assert.equal(entry(plan, 'latest').reason, 'keep: protected by ^latest$');
      assert.equal(entry(plan, '1.0.0').action, 'delete');
    });

    it('uses custom patterns instead of the default', () => {
      const plan = planPrune(tags('1.0.0', '1.1.0', '1.2.0', 'latest'), { range: '*', protect: ['^1\\.1\\.', '^1\\.2\\.0$'] });
      assert.equal(entry(plan, '1.1.0').action, 'keep');
      assert.equal(entry(plan, '1.1.0').reason, 'keep: protected by ^1\\.1\\.');
      assert.equal(entry(plan, '1.2.0').reason, 'keep: protected by ^1\\.2\\.0$');
      assert.equal(entry(plan, '1.0.0').action, 'delete');
      assert.equal(entry(plan, 'latest').reason, 'keep: not semver');
    });

    it('does not count protected tags among the N kept', () => {
      const plan = planPrune(tags('1.0.0', '1.1.0', '1.2.0'), { range: '*', keep: 1, protect: ['^1\\.2\\.0$'] });
      assert.deepEqual(actions(plan), { '1.2.0': 'keep', '1.1.0': 'keep', '1.0.0': 'delete' });
      assert.equal(entry(plan, '1.1.0').reason, 'keep: one of the 1 newest in range');
    });
  });

  describe('olderThan', () => {
    const now = new Date('2026-06-30T00:00:00Z');
    const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

    it('deletes only candidates older than the duration', () => {
      const input: TagState[] = [
        { tag: '1.0.0', digest: d(1), created: daysAgo(90) },
        { tag: '1.1.0', digest: d(2), created: daysAgo(31) },
        { tag: '1.2.0', digest: d(3), created: daysAgo(29) },
        { tag: '1.3.0', digest: d(4), created: daysAgo(1) },
      ];
      const plan = planPrune(input, { range: '<2.0.0', olderThan: '30d', now });
      assert.deepEqual(actions(plan), { '1.3.0': 'keep', '1.2.0': 'keep', '1.1.0': 'delete', '1.0.0': 'delete' });
      assert.equal(entry(plan, '1.2.0').reason, 'keep: newer than 30d');
      assert.equal(entry(plan, '1.1.0').reason, 'delete: matches <2.0.0, older than 30d');
      // The same tags a week later: 1.2.0 has aged.
      const later = planPrune(input, { range: '<2.0.0', olderThan: '30d', now: new Date(now.getTime() + 7 * 86_400_000) });
      assert.equal(entry(later, '1.2.0').action, 'delete');
    });

    it('keeps a candidate whose created date is unknown', () => {
      const plan = planPrune([{ tag: '1.0.0', digest: d(1) }, { tag: '0.1.0', digest: d(2), created: daysAgo(400) }], { range: '*', olderThan: '2w', now });
      assert.equal(entry(plan, '1.0.0').action, 'keep');
      assert.equal(entry(plan, '1.0.0').reason, 'keep: created date unknown (needed for older than 2w)');
      assert.equal(entry(plan, '0.1.0').action, 'delete');
    });

    it('applies keep before age', () => {
      const input: TagState[] = [
        { tag: '1.0.0', digest: d(1), created: daysAgo(100) },
        { tag: '1.1.0', digest: d(2), created: daysAgo(100) },
      ];
      const plan = planPrune(input, { range: '*', keep: 1, olderThan: '12h', now });
      assert.deepEqual(actions(plan), { '1.1.0': 'keep', '1.0.0': 'delete' });
    });

    it('parses durations', () => {
      assert.equal(parseDuration('90m'), 90 * 60_000);
      assert.equal(parseDuration('12h'), 12 * 3_600_000);
      assert.equal(parseDuration('30d'), 30 * 86_400_000);
      assert.equal(parseDuration('2w'), 14 * 86_400_000);
      assert.equal(parseDuration(' 3D '), 3 * 86_400_000);
      for (const bad of ['', '30', 'd', '-1d', '0d', '1.5d', '30days', '1y', '10s', '1d2h']) {
        assertBadInput(() => parseDuration(bad), /is not a duration/);
      }
    });
  });

  describe('shared digests', () => {
    it('skips a candidate whose image is also under latest, naming latest', () => {
      const input = tags('1.0.0', '2.0.0', '2.1.0', 'latest');
      input[3].digest = input[1].digest; // latest → 2.0.0
      const plan = planPrune(input, { range: '<=2.0.0' });
      assert.equal(entry(plan, '2.0.0').action, 'skip');
      assert.equal(entry(plan, '2.0.0').reason, 'skip: shares its image with kept tag latest');
      assert.deepEqual(entry(plan, '2.0.0').heldBy, ['latest']);
      assert.equal(entry(plan, '1.0.0').action, 'delete');
      assert.deepEqual(plan.deleteDigests, [d(1)]);
    });

    it('skips when a kept, outside or non-semver tag holds the digest', () => {
      const input: TagState[] = [
        { tag: '1.0.0', digest: d('a') },
        { tag: '1.0.1', digest: d('b') },
        { tag: '1.1.0', digest: d('b') }, // kept as newest: holds b
        { tag: '0.9.0', digest: d('c') },
        { tag: '3.0.0', digest: d('c') }, // outside: holds c
        { tag: '0.8.0', digest: d('e') },
        { tag: 'stable', digest: d('e') }, // not semver: holds e
        { tag: 'edge', digest: d('e') },
      ];
      const plan = planPrune(input, { range: '<2.0.0', keep: 1 });
      assert.equal(entry(plan, '1.0.1').reason, 'skip: shares its image with kept tag 1.1.0');
      assert.equal(entry(plan, '0.9.0').reason, 'skip: shares its image with kept tag 3.0.0');
      assert.equal(entry(plan, '0.8.0').reason, 'skip: shares its image with kept tags edge, stable');
      assert.deepEqual(plan.deleteDigests, [d('a')]);
      assert.deepEqual(summarizePlan(plan), { tags: 8, delete: 1, keep: 4, skip: 3, digests: 1 });
    });

    it('lists a digest once when all its tags are deleted', () => {
      const input: TagState[] = [
        { tag: '1.0.0', digest: d(1) },
        { tag: 'v1.0.0', digest: d(1) },
        { tag: '1.0.1', digest: d(1) },
        { tag: '1.1.0', digest: d(2) },
      ];
      const plan = planPrune(input, { range: '<2.0.0' });
      assert.deepEqual(plan.deleteDigests, [d(2), d(1)]);
      assert.equal(plan.entries.filter((e) => e.action === 'delete').length, 4);
      assert.ok(plan.notes.some((n) => /^1 of the images to delete carries more than one tag; all of its tags go with it\.$/.test(n)), plan.notes.join('\n'));
    });

    it('skips candidates held by a protected tag', () => {
      const input = tags('1.0.0', 'prod');
      input[1].digest = input[0].digest;
      const plan = planPrune(input, { range: '*', protect: ['^prod$'] });
      assert.equal(entry(plan, '1.0.0').reason, 'skip: shares its image with kept tag prod');
      assert.deepEqual(plan.deleteDigests, []);
    });
  });

  describe('unresolved tags and multi-arch', () => {
    it('never deletes a tag whose digest is unknown', () => {
      const input: TagState[] = [
        { tag: '1.0.0', error: 'HEAD answered 500' },
        { tag: '1.1.0', digest: d(2) },
        { tag: 'dev', error: 'timed out' },
      ];
      const plan = planPrune(input, { range: '*' });
      assert.equal(entry(plan, '1.0.0').action, 'skip');
      assert.equal(entry(plan, '1.0.0').reason, 'skip: its digest could not be resolved (HEAD answered 500)');
      assert.equal(entry(plan, 'dev').action, 'keep');
      assert.equal(entry(plan, '1.1.0').action, 'delete');
      assert.deepEqual(plan.deleteDigests, [d(2)]);
      assert.ok(plan.notes.some((n) => /2 tags could not be resolved/.test(n)));
    });

    it('treats an index as one image and notes its platform manifests', () => {
      const input: TagState[] = [
        { tag: '1.0.0', digest: d(1), mediaType: OCI_INDEX },
        { tag: '1.1.0', digest: d(2), mediaType: OCI_MANIFEST },
      ];
      const plan = planPrune(input, { range: '*' });
      assert.deepEqual(plan.deleteDigests, [d(2), d(1)]);
      assert.equal(plan.notes.length, 1);
      assert.match(plan.notes[0], /1 of the images to delete is a multi-arch index.*platform manifests stay.*garbage collection/);
      const noIndex = planPrune([input[1]], { range: '*' });
      assert.deepEqual(noIndex.notes, []);
    });
  });

  describe('bad input', () => {
    it('rejects an invalid range', () => {
      assertBadInput(() => planPrune(tags('1.0.0'), { range: 'not a range' }), /"not a range" is not a semver range/);
      assertBadInput(() => planPrune(tags('1.0.0'), { range: '  ' }), /range is empty/);
      assertBadInput(() => validatePolicy({ range: '>=1.0.0 <' }), /not a semver range/);
    });

    it('rejects an invalid protect regex', () => {
      assertBadInput(() => planPrune(tags('1.0.0'), { range: '*', protect: ['^latest$', '(unclosed'] }), /"\(unclosed" is not a valid regular expression/);
    });

    it('rejects a negative or fractional keep and a bad keepPer', () => {
      assertBadInput(() => validatePolicy({ range: '*', keep: -1 }), /keep must be a whole number/);
      assertBadInput(() => validatePolicy({ range: '*', keep: 1.5 }), /keep must be a whole number/);
      assertBadInput(() => validatePolicy({ range: '*', keep: 1, keepPer: 'patch' as 'major' }), /keepPer must be/);
      assertBadInput(() => validatePolicy({ range: '*', keepPer: 'major' }), /needs keep of 1 or more/);
    });

    it('rejects a bad duration and a bad clock', () => {
      assertBadInput(() => planPrune(tags('1.0.0'), { range: '*', olderThan: '30 days' }), /"30 days" is not a duration/);
      assertBadInput(() => validatePolicy({ range: '*', olderThan: '1d', now: new Date('nope') }), /not a valid date/);
    });

    it('accepts a good policy', () => {
      validatePolicy({ range: '^1.2.0 || 2.x', keep: 3, keepPer: 'minor', includePrerelease: true, protect: ['^stable$'], olderThan: '2w', now: new Date() });
    });
  });

  describe('what the workspace deploys', () => {
    const I = `sha256:${'1'.repeat(64)}`;
    const P = `sha256:${'2'.repeat(64)}`;
    const Q = `sha256:${'3'.repeat(64)}`;
    const fateOf = (plan: PrunePlan, tag: string): PlanEntry => plan.entries.find((e) => e.tag === tag)!;

    it('an image deployed by digest keeps every tag on it, saying where', () => {
      const tags: TagState[] = [
        { tag: '1.0.0', digest: P, mediaType: OCI_MANIFEST },
        { tag: '1.0', digest: P, mediaType: OCI_MANIFEST },
        { tag: '1.1.0', digest: Q, mediaType: OCI_MANIFEST },
      ];
      const plan = planPrune(tags, { range: '*', versioning: 'loose', protectedDigests: { [P]: 'used in deploy/a.yaml:3' } });
      assert.equal(fateOf(plan, '1.0.0').action, 'keep');
      assert.equal(fateOf(plan, '1.0').reason, 'keep: used in deploy/a.yaml:3 (by digest)');
      assert.deepEqual(plan.deleteDigests, [Q]);
    });

    it('a multi-arch image one of whose platform images is deployed by digest stays, naming the platform', () => {
      const tags: TagState[] = [
        { tag: '1.0.0', digest: I, mediaType: OCI_INDEX },
        { tag: '1.1.0', digest: Q, mediaType: OCI_MANIFEST },
      ];
      const children = new Map([[I, [{ os: 'linux', architecture: 'arm64', variant: 'v8', digest: P, mediaType: OCI_MANIFEST }]]]);
      const plan = planPrune(tags, { range: '*', protectedDigests: { [P]: 'used in deploy/a.yaml:3' } }, { repository: 'app', children });
      assert.equal(fateOf(plan, '1.0.0').action, 'keep');
      assert.equal(fateOf(plan, '1.0.0').reason, 'keep: used in deploy/a.yaml:3 (its linux/arm64/v8 image) (by digest)');
      assert.deepEqual(plan.deleteDigests, [Q]);
    });
  });
});
