// Repository globs and rule choice (src/policy/globs.ts): examples, and properties over generated globs and names
// (fixed seeds). The oracle is a plain backtracking matcher written from the rules in globs.ts's header, so the
// regular expressions are checked against an independent reading of the same rules.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { globRegExp, isGlobPattern, parsePolicy, repositoryMatches, ruleFor, type PolicyDocument, type PolicyRule } from '../../src/policy';
import { isRegistryError } from '../../src/registry/errors';
import { parseRegistry } from '../../src/registry/reference';

const SEED = 1305;
const RUNS = 300;

/** Whether the rest of the glob from `i` is a `/` followed only by two or more stars (`team/**`). */
function trailingSegmentsStar(glob: string, i: number): boolean {
  return /^\/\*{2,}$/.test(glob.slice(i));
}

/** The glob rules, read plainly: does `glob` match all of `name`? */
function oracleMatches(glob: string, name: string): boolean {
  const from = (gi: number, ni: number): boolean => {
    if (gi === glob.length) return ni === name.length;
    if (glob[gi] === '/' && trailingSegmentsStar(glob, gi)) return ni === name.length || name[ni] === '/';
    if (glob[gi] === '?') return ni < name.length && name[ni] !== '/' && from(gi + 1, ni + 1);
    if (glob[gi] !== '*') return ni < name.length && name[ni] === glob[gi] && from(gi + 1, ni + 1);
    let end = gi;
    while (glob[end] === '*') end++;
    if (end - gi === 1) {
      // `*`: any run of characters other than `/`.
      for (let k = ni; k <= name.length; k++) {
        if (from(end, k)) return true;
        if (name[k] === '/') return false;
      }
      return false;
    }
    const wholeSegment = (gi === 0 || glob[gi - 1] === '/') && glob[end] === '/';
    if (wholeSegment) {
      // `**/`: zero or more whole segments, each ending in `/`.
      if (from(end + 1, ni)) return true;
      for (let k = ni; k < name.length; k++) if (name[k] === '/' && from(end + 1, k + 1)) return true;
      return false;
    }
    for (let k = ni; k <= name.length; k++) if (from(end, k)) return true;
    return false;
  };
  return from(0, 0);
}

/** Names and globs over a small alphabet, so that they meet often; `.` and `+` check that regex specials are literal. */
const arbName = fc.array(fc.constantFrom('a', 'b', '.', '+', '/'), { maxLength: 8 }).map((xs) => xs.join(''));
const arbGlob = fc.array(fc.constantFrom('a', 'b', '.', '+', '/', '*', '*', '?'), { minLength: 1, maxLength: 8 }).map((xs) => xs.join(''));
/** A repository-like segment: letters, digits and the separators the grammar allows, with regex specials mixed in. */
const arbSegment = fc.array(fc.constantFrom('a', 'b', 'z', '0', '9', '.', '_', '-', '+', '(', ')', '[', '$', '^', '|', '\\'), { minLength: 1, maxLength: 6 }).map((xs) => xs.join(''));
const arbLiteralName = fc.array(arbSegment, { minLength: 1, maxLength: 4 }).map((xs) => xs.join('/'));

describe('policy globs: examples', () => {
  const cases: [string, string, boolean][] = [
    ['team/*', 'team/app', true],
    ['team/*', 'team/a/b', false],
    ['team/*', 'team', false],
    ['team/*', 'team/', true],
    ['team/**', 'team', true],
    ['team/**', 'team/a', true],
    ['team/**', 'team/a/b', true],
    ['team/**', 'teams', false],
    ['team/**', 'teams/a', false],
    ['**', 'a/b/c', true],
    ['**', '', true],
    ['*', 'app', true],
    ['*', 'team/app', false],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false],
    ['a?c', 'ac', false],
    ['app.v1', 'app.v1', true],
    ['app.v1', 'appxv1', false],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['(x)|y', '(x)|y', true],
    ['(x)|y', 'y', false],
    ['**/cache', 'cache', true],
    ['**/cache', 'x/y/cache', true],
    ['**/cache', 'xcache', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/xb', false],
    ['a**b', 'a/x/b', true],
    ['*-api', 'team-api', true],
    ['*/*-api', 'team/billing-api', true],
    ['app', 'app/sub', false],
    ['app', 'my/app', false],
  ];
  for (const [glob, name, expected] of cases) {
    it(`${glob} ${expected ? 'matches' : 'does not match'} "${name}"`, () => {
      assert.equal(repositoryMatches([glob], name), expected);
      assert.equal(oracleMatches(glob, name), expected, 'the oracle agrees');
    });
  }

  it('any glob of the list may match; an empty list matches nothing', () => {
    assert.equal(repositoryMatches(['x/*', 'app'], 'app'), true);
    assert.equal(repositoryMatches(['x/*', 'app'], 'x/y'), true);
    assert.equal(repositoryMatches(['x/*', 'app'], 'y'), false);
    assert.equal(repositoryMatches([], 'app'), false);
  });

  it('isGlobPattern tells wildcards from literal names', () => {
    assert.deepEqual(['team/*', 'a?', '**', 'team/app', 'a.b+c'].map(isGlobPattern), [true, true, true, false, false]);
  });
});

describe('policy globs: properties', () => {
  it('the compiled glob agrees with the plain reading of the rules', () => {
    fc.assert(
      fc.property(arbGlob, arbName, (glob, name) => {
        assert.equal(globRegExp(glob).test(name), oracleMatches(glob, name));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('a literal name matches itself and nothing else', () => {
    fc.assert(
      fc.property(arbLiteralName, arbLiteralName, (name, other) => {
        assert.equal(repositoryMatches([name], name), true);
        assert.equal(repositoryMatches([name], other), name === other);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('* never crosses /: segments of * match exactly the names with that many segments', () => {
    fc.assert(
      fc.property(fc.array(arbSegment, { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), (segments, starred, count) => {
        const glob = segments.map((s, i) => (starred[i] ? '*' : s)).join('/');
        assert.equal(repositoryMatches([glob], segments.join('/')), true, 'each * stands for its segment');
        const names = Array.from({ length: count }, (_, i) => segments[i % segments.length]).join('/');
        if (count !== segments.length) assert.equal(repositoryMatches([glob], names), false, `${glob} vs ${names}`);
        assert.equal(repositoryMatches(['*'], `${segments[0]}/${segments[0]}`), false);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('** matches any suffix, / included', () => {
    fc.assert(
      fc.property(fc.oneof(arbLiteralName, fc.constant(''), arbLiteralName.map((n) => `${n}/`)), fc.string({ maxLength: 20 }), (prefix, suffix) => {
        assert.equal(repositoryMatches([`${prefix}**`], `${prefix}${suffix}`), true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('? matches exactly one character other than /', () => {
    fc.assert(
      fc.property(arbLiteralName, fc.constantFrom('a', '.', '-', '/'), (name, c) => {
        assert.equal(repositoryMatches([`${name}?`], `${name}${c}`), c !== '/');
        assert.equal(repositoryMatches([`${name}?`], name), false);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/** A document of rules by hand (ruleFor does not care how rules were made). */
function documentOf(rules: { registry: string; repositories: string[] }[]): PolicyDocument {
  return {
    file: 'p.yaml',
    rules: rules.map((r, index): PolicyRule => ({ index, line: index + 2, registry: r.registry, repositories: r.repositories, tags: { range: '*' }, untagged: 'keep', referrers: 'follow' })),
  };
}

describe('policy globs: ruleFor', () => {
  it('the first rule in file order whose registry and glob match; later rules never apply to what an earlier one matched', () => {
    const { document } = parsePolicy(
      ['rules:', '  - registry: r.io', '    repositories: ["team/*"]', '    semver: "<1.0.0"', '  - registry: r.io', '    repositories: ["**"]', '    semver: "*"', '  - registry: other.io', '    repositories: ["team/*"]', '    semver: "*"'].join('\n'),
      'p.yaml',
    );
    assert.ok(document);
    assert.equal(ruleFor(document, 'r.io', 'team/app')?.index, 0);
    assert.equal(ruleFor(document, 'r.io', 'team/a/b')?.index, 1);
    assert.equal(ruleFor(document, 'r.io', 'solo')?.index, 1);
    assert.equal(ruleFor(document, 'other.io', 'team/app')?.index, 2);
    assert.equal(ruleFor(document, 'other.io', 'solo'), undefined);
    assert.equal(ruleFor(document, 'third.io', 'team/app'), undefined);
  });

  it('registries compare by host: scheme and case ignored, Docker Hub aliases one host, the port counts', () => {
    const document = documentOf([
      { registry: 'https://R.io/', repositories: ['a'] },
      { registry: 'docker.io', repositories: ['library/*'] },
      { registry: 'r.io:5000', repositories: ['b'] },
    ]);
    assert.equal(ruleFor(document, 'http://r.io', 'a')?.index, 0);
    assert.equal(ruleFor(document, 'r.io', 'a')?.index, 0);
    assert.equal(ruleFor(document, 'registry-1.docker.io', 'library/nginx')?.index, 1);
    assert.equal(ruleFor(document, 'r.io:5000', 'b')?.index, 2);
    assert.equal(ruleFor(document, 'r.io:5000', 'a'), undefined);
    assert.equal(ruleFor(document, 'r.io', 'b'), undefined);
  });

  it('a host that is not a registry address is BAD_INPUT', () => {
    assert.throws(() => ruleFor(documentOf([{ registry: 'r.io', repositories: ['a'] }]), 'not a host', 'a'), (e) => isRegistryError(e, 'BAD_INPUT'));
  });

  it('returns the first rule that matches (generated documents)', () => {
    const registries = ['r.io', 'R.IO', 'https://r.io', 'r.io:5000', 'http://r.io:5000', 'docker.io', 'index.docker.io', 'other.example'];
    const arbRule = fc.record({ registry: fc.constantFrom(...registries), repositories: fc.array(arbGlob, { minLength: 1, maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(arbRule, { minLength: 1, maxLength: 6 }), fc.constantFrom(...registries), arbName, (rules, host, repository) => {
        const document = documentOf(rules);
        const hostKey = parseRegistry(host).host;
        const applies = (r: (typeof rules)[number]): boolean => parseRegistry(r.registry).host === hostKey && r.repositories.some((g) => oracleMatches(g, repository));
        const expected = rules.findIndex(applies);
        const found = ruleFor(document, host, repository);
        assert.equal(found?.index ?? -1, expected);
        if (found) assert.equal(found, document.rules[expected], 'the rule itself, not a copy');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
