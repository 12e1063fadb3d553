// Versioning schemes (src/prune/versions.ts) and the planner with them, pure: which tags are versions under semver,
// loose and docker, their order, the suggestion of a better scheme, exact plans for a python-like repository, and
// properties over generated tag sets (random numbers, precisions and variants).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareVersions, parseVersion, planPrune, sortTags, suggestVersioning, validatePolicy, type PrunePolicy, type TagState, type Version } from '../../src/prune';
import { isRegistryError } from '../../src/registry/errors';
import { PYTHON_LIKE_TAGS } from '../support/seed';

const d = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;
const states = (tags: string[]): TagState[] => tags.map((tag, i) => ({ tag, digest: d(i + 1) }));
const fate = (tags: string[], policy: PrunePolicy): Record<string, string> =>
  Object.fromEntries(planPrune(states(tags), policy).entries.map((e) => [e.tag, `${e.action}: ${e.reason.replace(/^\w+: /, '')}`]));

const PYTHON_LIKE = PYTHON_LIKE_TAGS;

describe('versioning schemes', () => {
  it('semver: strict semantic versions only; a hyphen starts a prerelease', () => {
    assert.deepEqual(parseVersion('v1.2.3')?.parts, [1, 2, 3]);
    assert.equal(parseVersion('1.2.3-alpine')?.prerelease, true);
    for (const tag of ['2.0', '3.11', '20.04', '1.2.3.4', 'latest']) assert.equal(parseVersion(tag), undefined, tag);
  });

  it('loose: one to four numbers with an optional v, compared number by number, missing numbers as 0', () => {
    assert.deepEqual(parseVersion('2', 'loose')?.parts, [2]);
    assert.deepEqual(parseVersion('v2.0.1.5', 'loose')?.parts, [2, 0, 1, 5]);
    assert.deepEqual(parseVersion('20.04', 'loose')?.parts, [20, 4]);
    for (const tag of ['1.2.3.4.5', '3.11-slim', '1.2.3-rc.1', 'x1', '']) assert.equal(parseVersion(tag, 'loose'), undefined, tag);
    const v = (t: string): Version => parseVersion(t, 'loose')!;
    assert.ok(compareVersions(v('2.0'), v('10.0')) < 0, '2.0 sorts below 10.0');
    assert.ok(compareVersions(v('2.0'), v('2.0.1')) < 0);
    assert.ok(compareVersions(v('1.2.3'), v('1.2.3.4')) < 0);
    assert.equal(parseVersion('1.2.3.4', 'loose')?.range.version, '1.2.3', 'ranges see the first three numbers');
  });

  it('docker: the text after the first hyphen is a variant, never a prerelease', () => {
    assert.deepEqual(parseVersion('3.11.6-alpine3.18', 'docker'), { ...parseVersion('3.11.6-alpine3.18', 'docker'), parts: [3, 11, 6], variant: 'alpine3.18', prerelease: false });
    assert.equal(parseVersion('1.25.3-bookworm', 'docker')?.variant, 'bookworm');
    assert.equal(parseVersion('3.11', 'docker')?.variant, '');
    assert.equal(parseVersion('slim', 'docker'), undefined);
  });

  it('sorts by the scheme: 3.10 above 3.9, variants grouped, the rest A→Z', () => {
    assert.deepEqual(sortTags(PYTHON_LIKE, 'semver', 'docker'), [
      '20.04', '3.11.6', '3.11', '3.10.13', '3.10', '3.9.18', '3.9', '1.2.3.4',
      '3.11-alpine', '3.11.6-alpine3.18', '3.11.6-slim', '3.11-slim',
      'latest', 'slim',
    ]);
    assert.deepEqual(sortTags(['2.0', '10.0', '9', 'v2.0.1'], 'semver', 'loose'), ['10.0', '9', 'v2.0.1', '2.0']);
    // The default is unchanged: strict semver.
    assert.deepEqual(sortTags(['1.10.0', '1.9.0', '3.11', 'dev']), ['1.10.0', '1.9.0', '3.11', 'dev']);
  });

  it('suggests docker when most version-like tags are misread, and nothing otherwise', () => {
    const s = suggestVersioning(PYTHON_LIKE, 'semver');
    assert.equal(s?.versioning, 'docker');
    assert.match(s!.why, /^\d+ of 12 version tags \(like .*\) are not semver or read as prereleases under semver versioning$/);
    assert.equal(suggestVersioning(['1.0.0', '1.1.0', '2.0.0-rc.1', 'latest'], 'semver'), undefined);
    assert.equal(suggestVersioning(PYTHON_LIKE, 'docker'), undefined);
  });

  it('checks the policy: an unknown versioning, and a variant without docker versioning, are bad input', () => {
    for (const policy of [{ range: '*', versioning: 'calver' as 'docker' }, { range: '*', variant: '^slim$' }, { range: '*', versioning: 'docker' as const, variant: '(' }]) {
      assert.throws(() => validatePolicy(policy), (e: unknown) => isRegistryError(e, 'BAD_INPUT'));
    }
  });
});

describe('planning with versioning schemes (a python-like repository)', () => {
  it('docker, <3.11, keep 1: per variant and precision, the 3.11 lines and non-versions untouched', () => {
    assert.deepEqual(fate(PYTHON_LIKE, { range: '<3.11', keep: 1, versioning: 'docker' }), {
      '20.04': 'keep: outside <3.11 (docker versioning)',
      '3.11.6': 'keep: outside <3.11 (docker versioning)',
      '3.11': 'keep: outside <3.11 (docker versioning)',
      '3.10.13': 'keep: one of the 1 newest X.Y.Z tags (docker versioning)',
      '3.10': 'keep: one of the 1 newest X.Y tags (docker versioning)',
      '3.9.18': 'delete: matches <3.11 (docker versioning)',
      '3.9': 'delete: matches <3.11 (docker versioning)',
      '1.2.3.4': 'keep: one of the 1 newest X.Y.Z.W tags (docker versioning)',
      '3.11-alpine': 'keep: outside <3.11 (docker versioning)',
      '3.11.6-alpine3.18': 'keep: outside <3.11 (docker versioning)',
      '3.11.6-slim': 'keep: outside <3.11 (docker versioning)',
      '3.11-slim': 'keep: outside <3.11 (docker versioning)',
      latest: 'keep: protected by ^latest$',
      slim: 'keep: not a version (docker versioning)',
    });
    assert.match(planPrune(states(PYTHON_LIKE), { range: '<3.11', keep: 1, versioning: 'docker' }).notes.join('\n'), /different precision are separate lines/);
  });

  it('docker with a variant filter: only the slim tags are considered', () => {
    const f = fate(PYTHON_LIKE, { range: '*', versioning: 'docker', variant: '^slim$' });
    assert.equal(f['3.11-slim'], 'delete: matches * (docker versioning)');
    assert.equal(f['3.11.6-slim'], 'delete: matches * (docker versioning)');
    assert.equal(f['3.9'], 'keep: variant (none) not selected by ^slim$');
    assert.equal(f['3.11.6-alpine3.18'], 'keep: variant alpine3.18 not selected by ^slim$');
  });

  it('loose, <3.11, keep 1: one line, variants are not versions', () => {
    assert.deepEqual(fate(PYTHON_LIKE, { range: '<3.11', keep: 1, versioning: 'loose' }), {
      '20.04': 'keep: outside <3.11 (loose versioning)',
      '3.11.6': 'keep: outside <3.11 (loose versioning)',
      '3.11': 'keep: outside <3.11 (loose versioning)',
      '3.10.13': 'keep: one of the 1 newest in range (loose versioning)',
      '3.10': 'delete: matches <3.11 (loose versioning)',
      '3.9.18': 'delete: matches <3.11 (loose versioning)',
      '3.9': 'delete: matches <3.11 (loose versioning)',
      '1.2.3.4': 'delete: matches <3.11 (loose versioning)',
      '3.11-alpine': 'keep: not a version (loose versioning)',
      '3.11-slim': 'keep: not a version (loose versioning)',
      '3.11.6-alpine3.18': 'keep: not a version (loose versioning)',
      '3.11.6-slim': 'keep: not a version (loose versioning)',
      latest: 'keep: protected by ^latest$',
      slim: 'keep: not a version (loose versioning)',
    });
  });

  it('semver, the default, is unchanged: 3.11 is not semver and 3.11.6-slim a prerelease', () => {
    const f = fate(PYTHON_LIKE, { range: '<3.11', keep: 1 });
    assert.equal(f['3.11'], 'keep: not semver');
    assert.equal(f['3.11.6-slim'], 'keep: prerelease (not included)');
    assert.equal(f['3.9.18'], 'delete: matches <3.11');
  });
});

describe('versioning properties (generated tag sets)', () => {
  const SEED = 0x5eed14;
  const numbers = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 });
  const variant = fc.constantFrom('', 'slim', 'alpine', 'alpine3.18', 'bookworm');
  const dockerTag = fc.tuple(fc.boolean(), numbers, variant).map(([v, n, x]) => `${v ? 'v' : ''}${n.join('.')}${x ? `-${x}` : ''}`);
  const tagSet = fc.uniqueArray(fc.oneof(dockerTag, dockerTag, fc.constantFrom('latest', 'slim', 'dev', 'stable')), { minLength: 1, maxLength: 30 });
  const scheme = fc.constantFrom('docker' as const, 'loose' as const);

  it('the order is total and consistent with numeric comparison (within a variant)', () => {
    fc.assert(
      fc.property(tagSet, scheme, (tags, versioning) => {
        const sorted = sortTags(tags, 'semver', versioning);
        assert.deepEqual([...sorted].sort(), [...tags].sort(), 'a permutation');
        assert.deepEqual(sortTags([...tags].reverse(), 'semver', versioning), sorted, 'independent of the input order');
        const versions = sorted.map((t) => parseVersion(t, versioning)).filter((v): v is Version => v !== undefined);
        for (let i = 1; i < versions.length; i++) {
          const [a, b] = [versions[i - 1], versions[i]];
          if (a.variant !== b.variant) continue;
          const numeric = [0, 1, 2, 3].map((k) => (a.parts[k] ?? 0) - (b.parts[k] ?? 0)).find((x) => x !== 0) ?? 0;
          assert.ok(numeric >= 0, `${sorted[i - 1]} before ${sorted[i]} is not newest first`);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a range, with a variant filter, never selects another variant’s tags', () => {
    fc.assert(
      fc.property(tagSet, fc.constantFrom('<3.0.0', '*', '>=2.0.0 <10.0.0', '1.x'), variant, (tags, range, only) => {
        const plan = planPrune(states(tags), { range, versioning: 'docker', variant: `^${only.replace('.', '\\.')}$` });
        for (const e of plan.entries.filter((x) => x.action === 'delete')) assert.equal(parseVersion(e.tag, 'docker')?.variant, only, e.tag);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('keep N keeps the N newest of each variant and precision, and deletes only older ones of the same line', () => {
    fc.assert(
      fc.property(tagSet, fc.integer({ min: 1, max: 3 }), (tags, keep) => {
        const plan = planPrune(states(tags), { range: '*', keep, versioning: 'docker', protect: [] });
        const lines = new Map<string, { tag: string; version: Version; deleted: boolean }[]>();
        for (const e of plan.entries) {
          const version = parseVersion(e.tag, 'docker');
          if (!version) continue;
          const key = `${version.variant}|${version.parts.length}`;
          lines.set(key, [...(lines.get(key) ?? []), { tag: e.tag, version, deleted: e.action === 'delete' }]);
        }
        for (const members of lines.values()) {
          const kept = members.filter((m) => !m.deleted);
          assert.equal(kept.length, Math.min(keep, members.length), `${members.map((m) => m.tag).join(', ')}: keeps ${kept.length}`);
          for (const gone of members.filter((m) => m.deleted)) for (const k of kept) assert.ok(compareVersions(k.version, gone.version) >= 0, `${gone.tag} deleted while older ${k.tag} kept`);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
