// The retention policy file (src/policy): the issue's example parses to the exact rules, the JSON form to the same,
// and every kind of problem is placed at its exact line, column and field, all of them, in document order.
// loadPolicy's error message places the first problem and counts the rest; a missing or oversized file says so.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEFAULT_POLICY_FILE, loadPolicy, MAX_POLICY_BYTES, parsePolicy, type PolicyProblem, type PolicyRule } from '../../src/policy';
import { isRegistryError, RegistryError } from '../../src/registry/errors';

const ISSUE_EXAMPLE = `rules:
  - registry: registry.example.com        # host[:port] or URL, as elsewhere
    repositories: ["team/*", "app"]       # globs over repository names
    semver: "<2.0.0"
    keep: 3
    keepPer: minor                        # optional: major | minor
    prerelease: false
    protect: ["^latest$", "^stable$"]
    olderThan: 30d
    untagged: keep                        # delete | keep
    referrers: follow                     # follow | keep
`;

const ISSUE_RULE: PolicyRule = {
  index: 0,
  line: 2,
  registry: 'registry.example.com',
  repositories: ['team/*', 'app'],
  tags: { range: '<2.0.0', keep: 3, keepPer: 'minor', includePrerelease: false, protect: ['^latest$', '^stable$'], olderThan: '30d' },
  untagged: 'keep',
  referrers: 'follow',
  olderThan: '30d',
};

/** The problems of a text that must have some, as [line, column, endLine, endColumn, field]. */
function placed(text: string): [number, number, number, number, string][] {
  const { document, problems } = parsePolicy(text, 'policy.yaml');
  assert.equal(document, undefined, 'a text with problems yields no document');
  return problems.map((p) => [p.line, p.column, p.endLine, p.endColumn, p.field]);
}

function problemsOf(text: string): PolicyProblem[] {
  const { document, problems } = parsePolicy(text, 'policy.yaml');
  assert.equal(document, undefined, 'a text with problems yields no document');
  assert.ok(problems.length > 0);
  return problems;
}

function rulesOf(text: string): PolicyRule[] {
  const { document, problems } = parsePolicy(text, 'policy.yaml');
  assert.deepEqual(problems, []);
  assert.ok(document);
  return document.rules;
}

/** A rule's lines under `rules:`, each indented as the first key of a block-sequence item. */
function ruleYaml(...lines: string[]): string {
  return lines.map((line, i) => (i === 0 ? `  - ${line}` : `    ${line}`)).join('\n');
}

const BASE = ['registry: registry.example.com', 'repositories: ["team/*"]', 'semver: "<2.0.0"'];

describe('policy file: parsing', () => {
  it('the issue example parses to the exact rule', () => {
    const { document, problems } = parsePolicy(ISSUE_EXAMPLE, 'registry-retention.yaml');
    assert.deepEqual(problems, []);
    assert.deepEqual(document, { file: 'registry-retention.yaml', rules: [ISSUE_RULE] });
    assert.equal(DEFAULT_POLICY_FILE, 'registry-retention.yaml');
  });

  it('the JSON form gives the same rules', () => {
    const json = JSON.stringify({
      $schema: './node_modules/registry-explorer/media/registry-retention.schema.json',
      rules: [{ registry: 'registry.example.com', repositories: ['team/*', 'app'], semver: '<2.0.0', keep: 3, keepPer: 'minor', prerelease: false, protect: ['^latest$', '^stable$'], olderThan: '30d', untagged: 'keep', referrers: 'follow' }],
    });
    assert.deepEqual(rulesOf(json), [{ ...ISSUE_RULE, line: 1 }]);
    const pretty = JSON.stringify(JSON.parse(json), null, 2);
    assert.deepEqual(rulesOf(pretty), [{ ...ISSUE_RULE, line: 4 }], 'the rule starts at its { on line 4');
  });

  it('defaults: untagged keep, referrers follow, no protect means the engine default (left out of the tag policy)', () => {
    const [rule] = rulesOf(`rules:\n${ruleYaml(...BASE)}\n`);
    assert.deepEqual(rule, { index: 0, line: 2, registry: 'registry.example.com', repositories: ['team/*'], tags: { range: '<2.0.0' }, untagged: 'keep', referrers: 'follow' });
  });

  it('versioning, variant, referrers: keep, an untagged-only rule, a URL registry, and each rule\'s index and line', () => {
    const text = [
      'rules:',
      ruleYaml('registry: https://ghcr.io/', 'repositories: [acme/python]', 'semver: "*"', 'versioning: docker', 'variant: ^slim$', 'referrers: keep', 'protect: []'),
      '  # untagged images only',
      ruleYaml('registry: localhost:5000', 'repositories:', '  - "**"', 'untagged: delete', 'olderThan: 7d'),
      '',
    ].join('\n');
    assert.deepEqual(rulesOf(text), [
      {
        index: 0,
        line: 2,
        registry: 'https://ghcr.io/',
        repositories: ['acme/python'],
        tags: { range: '*', versioning: 'docker', variant: '^slim$', protect: [], keepReferrers: true },
        untagged: 'keep',
        referrers: 'keep',
      },
      { index: 1, line: 10, registry: 'localhost:5000', repositories: ['**'], untagged: 'delete', referrers: 'follow', olderThan: '7d' },
    ]);
  });

  it('ranges and durations are trimmed as the prune policy trims them; a byte order mark does not shift columns', () => {
    const [rule] = rulesOf(`\uFEFFrules:\n${ruleYaml('registry: r.io', 'repositories: [a]', 'semver: " <2.0.0 "', 'olderThan: " 2w"')}\n`);
    assert.deepEqual(rule.tags, { range: '<2.0.0', olderThan: '2w' });
    assert.equal(rule.olderThan, '2w');
    assert.deepEqual(placed('\uFEFFrulez: []\n'), [
      [1, 1, 1, 6, 'rulez'],
      [1, 1, 1, 6, 'rules'],
    ]);
  });

  it('aliases are followed; one that names no anchor is a problem at the alias', () => {
    const [rule] = rulesOf(`rules:\n${ruleYaml('registry: &r r.io', 'repositories: &globs [a, b/*]', 'semver: "*"')}\n${ruleYaml('registry: *r', 'repositories: *globs', 'semver: "1.x"')}\n`);
    assert.equal(rule.registry, 'r.io');
    const second = rulesOf(`rules:\n${ruleYaml('registry: &r r.io', 'repositories: &globs [a, b/*]', 'semver: "*"')}\n${ruleYaml('registry: *r', 'repositories: *globs', 'semver: "1.x"')}\n`)[1];
    assert.deepEqual(second.repositories, ['a', 'b/*']);
    const problems = problemsOf(`rules:\n${ruleYaml('registry: r.io', 'repositories: [a]', 'semver: *nothing')}\n`);
    assert.deepEqual(problems.map((p) => [p.line, p.column, p.field, p.message]), [[4, 13, 'rules[0].semver', 'the alias *nothing names no anchor']]);
  });
});

describe('policy file: problems are placed at the line, column and field', () => {
  it('keepPer: patch on line 7 is reported at line 7, field rules[0].keepPer, with the prune policy\'s words', () => {
    const text = ISSUE_EXAMPLE.replace('keepPer: minor', 'keepPer: patch');
    const [problem, ...others] = problemsOf(text);
    assert.deepEqual(others, []);
    assert.deepEqual(problem, {
      line: 6,
      column: 14,
      endLine: 6,
      endColumn: 19,
      field: 'rules[0].keepPer',
      message: 'keepPer must be "major" or "minor" (got "patch")',
      fix: 'Write one of major, minor.',
    });
    const seventh = `# retention\n${text}`;
    assert.deepEqual(placed(seventh), [[7, 14, 7, 19, 'rules[0].keepPer']]);
  });

  /** Each case's rule is BASE and `line` (on line 5), or `rule` when given. */
  const cases: { what: string; line?: string; rule?: string[]; at: [number, number, number, number, string]; message: RegExp }[] = [
    { what: 'a bad semver range (checkRange)', rule: ['registry: r.io', 'repositories: [a]', 'keep: 1', 'semver: "<<2"'], at: [5, 13, 5, 18, 'rules[0].semver'], message: /^"<<2" is not a semver range$/ },
    { what: 'an empty semver range (checkRange)', rule: ['registry: r.io', 'repositories: [a]', 'keep: 1', 'semver: " "'], at: [5, 13, 5, 16, 'rules[0].semver'], message: /^the prune range is empty$/ },
    { what: 'a semver range YAML reads as a number', rule: ['registry: r.io', 'repositories: [a]', 'keep: 1', 'semver: 1.2'], at: [5, 13, 5, 16, 'rules[0].semver'], message: /^semver must be a semver range \(got the number 1.2\)$/ },
    { what: 'keep below 0 (checkKeep)', line: 'keep: -1', at: [5, 11, 5, 13, 'rules[0].keep'], message: /^keep must be a whole number of 0 or more \(got -1\)$/ },
    { what: 'keep as text', line: 'keep: "3"', at: [5, 11, 5, 14, 'rules[0].keep'], message: /^keep must be a whole number of 0 or more \(got the text "3"\)$/ },
    { what: 'keep as a fraction', line: 'keep: 1.5', at: [5, 11, 5, 14, 'rules[0].keep'], message: /^keep must be a whole number of 0 or more \(got 1.5\)$/ },
    { what: 'prerelease as text', line: 'prerelease: yes', at: [5, 17, 5, 20, 'rules[0].prerelease'], message: /^prerelease must be true or false \(got the text "yes"\)$/ },
    { what: 'a protect pattern that does not compile (checkProtect)', line: 'protect: ["^ok$", "(x"]', at: [5, 23, 5, 27, 'rules[0].protect[1]'], message: /^protect pattern "\(x" is not a valid regular expression$/ },
    { what: 'protect that is not a list', line: 'protect: ^latest$', at: [5, 14, 5, 22, 'rules[0].protect'], message: /^protect must be a list of regular expressions \(got the text "\^latest\$"\)$/ },
    { what: 'a duration without a unit (parseDuration)', line: 'olderThan: 30', at: [5, 16, 5, 18, 'rules[0].olderThan'], message: /^olderThan must be a duration such as 30d \(got the number 30\)$/ },
    { what: 'a zero duration (parseDuration)', line: 'olderThan: 0d', at: [5, 16, 5, 18, 'rules[0].olderThan'], message: /^"0d" is not a duration$/ },
    { what: 'an unknown versioning (checkVersioning)', line: 'versioning: calver', at: [5, 17, 5, 23, 'rules[0].versioning'], message: /^"calver" is not a versioning$/ },
    { what: 'a variant without docker versioning (checkVariant)', line: 'variant: ^slim$', at: [5, 14, 5, 20, 'rules[0].variant'], message: /^a variant filter needs docker versioning$/ },
    { what: 'untagged outside its choices', line: 'untagged: remove', at: [5, 15, 5, 21, 'rules[0].untagged'], message: /^untagged must be "delete" or "keep" \(got the text "remove"\)$/ },
    { what: 'referrers outside its choices', line: 'referrers: true', at: [5, 16, 5, 20, 'rules[0].referrers'], message: /^referrers must be "follow" or "keep" \(got true\)$/ },
    { what: 'keepPer without keep (compilePolicy)', line: 'keepPer: major', at: [5, 14, 5, 19, 'rules[0].keepPer'], message: /^keepPer "major" needs keep of 1 or more$/ },
    { what: 'a key with no value', line: 'olderThan:', at: [5, 5, 5, 14, 'rules[0].olderThan'], message: /^olderThan must be a duration such as 30d \(got nothing\)$/ },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const text = `rules:\n${ruleYaml(...(c.rule ?? [...BASE, c.line ?? '']))}\n`;
      const problems = problemsOf(text);
      assert.deepEqual(
        problems.map((p) => [p.line, p.column, p.endLine, p.endColumn, p.field]),
        [c.at],
        JSON.stringify(problems),
      );
      assert.match(problems[0].message, c.message);
      assert.ok(problems[0].fix, 'every problem has a fix');
    });
  }

  it('registry is checked by parseRegistry', () => {
    const problems = problemsOf(`rules:\n${ruleYaml('registry: "user:pw@r.io"', 'repositories: [a]', 'semver: "*"')}\n`);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.endLine, p.endColumn, p.field]),
      [[2, 15, 2, 29, 'rules[0].registry']],
    );
    assert.match(problems[0].message, /credentials do not belong in the address/);
    assert.ok(!problems[0].message.includes('pw'), 'the password is not quoted');
    assert.match(problemsOf(`rules:\n${ruleYaml('registry: r.io/team', 'repositories: [a]', 'semver: "*"')}\n`)[0].message, /has a path/);
  });

  it('repositories: an empty list, an empty glob, a glob with a space, a number', () => {
    const problems = problemsOf(`rules:\n${ruleYaml('registry: r.io', 'semver: "*"', 'repositories: []')}\n${ruleYaml('registry: r.io', 'semver: "*"', 'repositories: ["", "a b", 7]')}\n`);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.endLine, p.endColumn, p.field, p.message]),
      [
        [4, 19, 4, 21, 'rules[0].repositories', 'repositories is empty: the rule would apply to no repository'],
        [7, 20, 7, 22, 'rules[1].repositories[0]', 'a repository glob is empty'],
        [7, 24, 7, 29, 'rules[1].repositories[1]', 'the repository glob "a b" holds a space; repository names never do'],
        [7, 31, 7, 32, 'rules[1].repositories[2]', 'repositories[2] must be text (got the number 7)'],
      ],
    );
    assert.equal(problems[3].fix, 'Put it in quotes: "7".');
  });

  it('missing keys are reported at the rule\'s first key, with the field they belong to', () => {
    const problems = problemsOf('rules:\n  - keep: 2\n    protect: []\n  - {}\n');
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.endLine, p.endColumn, p.field, p.message]),
      [
        [2, 5, 2, 9, 'rules[0].registry', 'rule 1 has no registry'],
        [2, 5, 2, 9, 'rules[0].repositories', 'rule 1 has no repositories'],
        [2, 5, 2, 9, 'rules[0].semver', 'rule 1 has no semver range, so it would prune no tags'],
        [4, 5, 4, 7, 'rules[1].registry', 'rule 2 has no registry'],
        [4, 5, 4, 7, 'rules[1].repositories', 'rule 2 has no repositories'],
        [4, 5, 4, 7, 'rules[1].semver', 'rule 2 has no semver range, so it would prune no tags'],
      ],
    );
  });

  it('without semver a rule must say untagged: delete, and may then hold no tag-policy key', () => {
    const problems = problemsOf(`rules:\n${ruleYaml('registry: r.io', 'repositories: [a]', 'untagged: delete', 'keep: 2', 'olderThan: 1d', 'versioning: loose')}\n`);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.field]),
      [
        [5, 5, 'rules[0].keep'],
        [7, 5, 'rules[0].versioning'],
      ],
    );
    assert.equal(problems[0].message, 'keep applies to tags, and this rule has no semver range: it only cleans untagged images');
  });

  it('an unknown key names itself, lists the allowed keys and suggests the likely one', () => {
    const [typo] = problemsOf(`rules:\n${ruleYaml(...BASE, 'keep: 1', 'keep_per: minor')}\n`);
    assert.deepEqual(typo, {
      line: 6,
      column: 5,
      endLine: 6,
      endColumn: 13,
      field: 'rules[0].keep_per',
      message: 'unknown key "keep_per" (did you mean keepPer?); a rule may have registry, repositories, semver, keep, keepPer, prerelease, protect, olderThan, versioning, variant, untagged, referrers',
      fix: 'Rename it to keepPer.',
    });
    const suggestions = (key: string): string => problemsOf(`rules:\n${ruleYaml(...BASE, `${key}: x`)}\n`)[0].fix ?? '';
    assert.equal(suggestions('semvar'), 'Rename it to semver.');
    assert.equal(suggestions('range'), 'Rename it to semver.');
    assert.equal(suggestions('OlderThan'), 'Rename it to olderThan.');
    assert.equal(suggestions('includePrerelease'), 'Rename it to prerelease.');
    assert.equal(suggestions('owner'), 'Remove "owner", or use one of the keys listed.');
    const [top] = problemsOf(`rules:\n${ruleYaml(...BASE)}\nrule: []\n`);
    assert.deepEqual([top.line, top.column, top.field, top.message], [5, 1, 'rule', 'unknown key "rule" (did you mean rules?); the file may have $schema, rules']);
  });

  it('a key written twice is a problem at the second', () => {
    const problems = problemsOf(`rules:\n${ruleYaml(...BASE, 'keep: 1', 'keep: 2')}\n`);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.endLine, p.endColumn, p.field, p.message]),
      [[6, 5, 6, 9, 'rules[0].keep', 'keep is given twice (first on line 5)']],
    );
    assert.deepEqual(placed(`rules: []\nrules:\n${ruleYaml(...BASE)}\n`), [
      [1, 8, 1, 10, 'rules'],
      [2, 1, 2, 6, 'rules'],
    ]);
  });

  it('the top of the file: empty, not a mapping, no rules, empty rules, rules not a list, a rule that is not a mapping, $schema not text', () => {
    const at = (text: string): [number, number, string, string][] => problemsOf(text).map((p) => [p.line, p.column, p.field, p.message]);
    assert.deepEqual(at(''), [[1, 1, '', 'the file holds no rules']]);
    assert.deepEqual(at('# only a comment\n'), [[1, 1, '', 'the file holds no rules']]);
    assert.deepEqual(at('- a\n'), [[1, 1, '', 'the file must be a mapping with a rules list (got a list)']]);
    assert.deepEqual(at('$schema: x.json\n'), [[1, 1, 'rules', 'the file has no rules']]);
    assert.deepEqual(at('rules: []\n'), [[1, 8, 'rules', 'rules is empty: the policy would clean nothing']]);
    assert.deepEqual(at('rules:\n  registry: r.io\n'), [[2, 3, 'rules', 'rules must be a list of rules (got a mapping)']]);
    assert.deepEqual(at('rules:\n  - r.io\n'), [[2, 5, 'rules[0]', 'rule 1 must be a mapping of keys (got the text "r.io")']]);
    assert.deepEqual(at(`$schema: 3\nrules:\n${ruleYaml(...BASE)}\n`), [[1, 10, '$schema', "$schema must be the schema's address as text (got the number 3)"]]);
  });

  it('a YAML syntax error is reported at its position, and alone', () => {
    const problems = problemsOf(`rules:\n${ruleYaml(...BASE)}\n    keep: [1, 2\n    keepPer: minr\n`);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].field, '');
    assert.equal(problems[0].message, 'not valid YAML: flow sequence in block collection must be sufficiently indented and end with a ]');
    assert.deepEqual([problems[0].line, problems[0].column], [6, 5], 'where the unclosed list meets the next key');
    const indent = problemsOf('rules:\n  - registry: r.io\n   semver: "*"\n');
    assert.deepEqual(
      indent.map((p) => [p.line, p.column, p.field, p.message]),
      [[3, 1, '', 'not valid YAML: sequence item without - indicator']],
      'a key indented less than its rule\'s keys',
    );
    const tag = problemsOf(`rules:\n${ruleYaml(...BASE, 'keep: !int 3')}\n`);
    assert.deepEqual(
      tag.map((p) => [p.line, p.column, p.message]),
      [[5, 11, 'not valid YAML: unresolved tag: !int']],
    );
  });

  it('more than one YAML document is a problem at the second', () => {
    const problems = problemsOf(`rules:\n${ruleYaml(...BASE)}\n---\nrules: []\n`);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.field, p.message]),
      [[5, 1, '', 'the file holds more than one YAML document (a --- line starts another); a policy is one document']],
    );
  });

  it('several problems are all reported, in document order', () => {
    const text = [
      'rules:',
      ruleYaml('registry: r.io', 'repositories: [a]', 'semver: "*"', 'keep: -2', 'colour: blue'),
      ruleYaml('registry: "http://"', 'repositories: [b]', 'semver: "nope"', 'olderThan: 3y'),
      'extra: true',
      '',
    ].join('\n');
    assert.deepEqual(
      problemsOf(text).map((p) => [p.line, p.field]),
      [
        [5, 'rules[0].keep'],
        [6, 'rules[0].colour'],
        [7, 'rules[1].registry'],
        [9, 'rules[1].semver'],
        [10, 'rules[1].olderThan'],
        [11, 'extra'],
      ],
    );
  });

  it('never throws, and returns a document exactly when there is no problem (generated texts)', () => {
    const fragments = ['rules:', '  - ', 'registry: r.io', 'repositories: [a]', 'semver: "*"', 'keep: 3', ':', '- ', '[', ']', '{', '}', '"', "'", '&a', '*a', '!t', '---', '#', '\t', '\n', '  ', 'x'];
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.array(fc.constantFrom(...fragments), { maxLength: 40 }).map((xs) => xs.join(''))), (text) => {
        const { document, problems } = parsePolicy(text, 'f.yaml');
        assert.equal(document === undefined, problems.length > 0);
        const lines = text.split(/\r\n|\r|\n/).length;
        for (const p of problems) {
          assert.ok(p.line >= 1 && p.line <= lines && p.column >= 1, JSON.stringify(p));
          assert.ok(p.endLine > p.line || (p.endLine === p.line && p.endColumn >= p.column), JSON.stringify(p));
          assert.ok(p.message.length > 0);
        }
        for (let i = 1; i < problems.length; i++) {
          const [a, b] = [problems[i - 1], problems[i]];
          assert.ok(a.line < b.line || (a.line === b.line && a.column <= b.column), 'document order');
        }
      }),
      { seed: 1305, numRuns: 300 },
    );
  });
});

describe('policy file: loadPolicy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'regx-policy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function refusal(path: string): Promise<RegistryError> {
    try {
      await loadPolicy(path);
    } catch (e) {
      assert.ok(isRegistryError(e, 'BAD_INPUT'), String(e));
      return e;
    }
    assert.fail('loadPolicy should have refused the file');
  }

  it('reads a good file into its rules, with the path as given', async () => {
    const path = join(dir, DEFAULT_POLICY_FILE);
    writeFileSync(path, ISSUE_EXAMPLE);
    assert.deepEqual(await loadPolicy(path), { file: path, rules: [ISSUE_RULE] });
  });

  it('names the first problem as file:line:column: field: message, counts the others, and gives its fix', async () => {
    const path = join(dir, 'p.yaml');
    writeFileSync(path, ISSUE_EXAMPLE.replace('keepPer: minor', 'keepPer: patch').replace('olderThan: 30d', 'olderThan: soon').replace('referrers: follow', 'referers: follow'));
    const e = await refusal(path);
    assert.equal(e.message, `${path}:6:14: rules[0].keepPer: keepPer must be "major" or "minor" (got "patch") (and 2 more problems)`);
    assert.equal(e.fix, 'Write one of major, minor.');
    writeFileSync(path, ISSUE_EXAMPLE.replace('keep: 3', 'keep: three'));
    assert.equal((await refusal(path)).message, `${path}:5:11: rules[0].keep: keep must be a whole number of 0 or more (got the text "three")`);
    writeFileSync(path, ISSUE_EXAMPLE.replace('keep: 3', 'keep: three').replace('semver: "<2.0.0"', 'semver: ""'));
    assert.match((await refusal(path)).message, /\(and 1 more problem\)$/);
    writeFileSync(path, 'rules: [\n');
    assert.match((await refusal(path)).message, new RegExp(`^${path.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}:2:1: not valid YAML: `));
  });

  it('a missing file says so, with a fix', async () => {
    const path = join(dir, 'nope', DEFAULT_POLICY_FILE);
    const e = await refusal(path);
    assert.equal(e.message, `the policy file ${path} does not exist`);
    assert.match(e.fix ?? '', /Create it with a rules: list/);
  });

  it('refuses a file over 1 MB, a folder, and text that is not UTF-8', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `rules: []\n${'#'.repeat(MAX_POLICY_BYTES)}\n`);
    assert.match((await refusal(big)).message, /is 1\.0 MB; a policy file may be at most 1 MB$/);
    assert.match((await refusal(dir)).message, /is a folder, not a policy file$/);
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from([0x72, 0x75, 0x6c, 0x65, 0x73, 0x3a, 0x20, 0xe9, 0x0a]));
    assert.match((await refusal(latin1)).message, /is not UTF-8 text$/);
  });
});
