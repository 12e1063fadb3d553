// The shipped JSON Schema (media/registry-retention.schema.json) and the validator (src/policy) agree: the same keys,
// the same choices and defaults, and, over generated documents (valid and invalid values, unknown keys, written as
// JSON and as YAML), the schema accepts a document exactly when parsePolicy finds no problem. A schema cannot compile
// a regex, parse a semver range or a registry address: generated values for those stay valid, and those checks are
// tested by example in policy-file.test.ts. The extension contributes the schema for the policy file names.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DEFAULT_POLICY_FILE, POLICY_FILE_KEYS, KEEP_PER_CHOICES, parsePolicy, REFERRERS_CHOICES, POLICY_RULE_KEYS, TAG_POLICY_KEYS, UNTAGGED_CHOICES } from '../../src/policy';
import { DEFAULT_PROTECT } from '../../src/prune/policy';
import { VERSIONINGS } from '../../src/prune/versions';

const ROOT = join(__dirname, '..', '..', '..');
const SCHEMA_PATH = join(ROOT, 'media', 'registry-retention.schema.json');

interface PropertySchema {
  title?: string;
  type?: string;
  description?: string;
  markdownDescription?: string;
  enum?: string[];
  default?: unknown;
}

interface Snippet {
  label: string;
  body: unknown;
}

interface RetentionSchema {
  properties: Record<string, PropertySchema>;
  required: string[];
  additionalProperties: boolean;
  defaultSnippets: Snippet[];
  definitions: {
    rule: { properties: Record<string, PropertySchema>; required: string[]; additionalProperties: boolean; dependencies: Record<string, string[]>; defaultSnippets: Snippet[] };
  };
}

const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as RetentionSchema;
const ruleSchema = schema.definitions.rule;

/** Ajv in strict mode, told of the keywords editors read (VS Code, Red Hat YAML). strictRequired would refuse `else: { required }`. */
function compileSchema(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addVocabulary(['markdownDescription', 'defaultSnippets', 'enumDescriptions', 'markdownEnumDescriptions', 'patternErrorMessage']);
  return ajv.compile(schema);
}

/** A snippet body with each `${n:default}` placeholder replaced by its default. */
function filledIn(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body).replace(/\$\{\d+:([^}]*)\}/g, '$1'));
}

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describe('policy schema: the same keys, choices and defaults as the validator', () => {
  it('compiles as draft-07 in strict mode', () => {
    assert.equal(typeof compileSchema(), 'function');
  });

  it('every property is a key the validator knows, and every key the validator knows is a property', () => {
    assert.deepEqual(Object.keys(ruleSchema.properties), [...POLICY_RULE_KEYS]);
    assert.deepEqual(sorted(Object.keys(schema.properties)), sorted(POLICY_FILE_KEYS));
    assert.equal(schema.additionalProperties, false);
    assert.equal(ruleSchema.additionalProperties, false);
    assert.deepEqual(schema.required, ['rules']);
    assert.deepEqual(sorted(ruleSchema.required), ['registry', 'repositories']);
    assert.deepEqual(sorted(Object.keys(ruleSchema.dependencies)), sorted(TAG_POLICY_KEYS), 'the tag-policy keys need semver');
  });

  it('the enums are the same', () => {
    assert.deepEqual(ruleSchema.properties.keepPer.enum, [...KEEP_PER_CHOICES]);
    assert.deepEqual(ruleSchema.properties.untagged.enum, [...UNTAGGED_CHOICES]);
    assert.deepEqual(ruleSchema.properties.referrers.enum, [...REFERRERS_CHOICES]);
    assert.deepEqual(ruleSchema.properties.versioning.enum, [...VERSIONINGS]);
  });

  it('the defaults it documents are the ones the parser and the engine apply', () => {
    const { document } = parsePolicy('rules: [{ registry: r.io, repositories: [a], semver: "*" }]', 'p.yaml');
    assert.ok(document);
    assert.equal(ruleSchema.properties.untagged.default, document.rules[0].untagged);
    assert.equal(ruleSchema.properties.referrers.default, document.rules[0].referrers);
    assert.deepEqual(ruleSchema.properties.protect.default, [...DEFAULT_PROTECT]);
    assert.equal(ruleSchema.properties.versioning.default, 'semver');
  });

  it('every property has a title, a description and a markdownDescription', () => {
    for (const [key, property] of [...Object.entries(ruleSchema.properties), ...Object.entries(schema.properties)]) {
      assert.ok(property.title && property.description && property.markdownDescription, key);
    }
  });

  it('the snippets are policies both accept', () => {
    const validate = compileSchema();
    const documents = [...schema.defaultSnippets.map((s) => filledIn(s.body)), ...ruleSchema.defaultSnippets.map((s) => ({ rules: [filledIn(s.body)] }))];
    assert.ok(documents.length >= 3);
    for (const document of documents) {
      assert.equal(validate(document), true, JSON.stringify(validate.errors));
      assert.deepEqual(parsePolicy(JSON.stringify(document), 'p.json').problems, [], JSON.stringify(document));
    }
  });

  it('the extension contributes it for the policy file names, as JSON and as YAML', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      contributes: { jsonValidation: { fileMatch: string[]; url: string }[]; yamlValidation: { fileMatch: string[]; url: string }[] };
    };
    const [json] = manifest.contributes.jsonValidation.filter((v) => v.url === './media/registry-retention.schema.json');
    const [yaml] = manifest.contributes.yamlValidation.filter((v) => v.url === './media/registry-retention.schema.json');
    assert.deepEqual(json.fileMatch, ['registry-retention.json', '*.registry-retention.json']);
    assert.deepEqual(yaml.fileMatch, [DEFAULT_POLICY_FILE, 'registry-retention.yml', '*.registry-retention.yaml']);
    assert.ok(existsSync(join(ROOT, yaml.url)));
    assert.ok(manifest.dependencies.yaml, 'yaml is a runtime dependency');
  });
});

/** Values of each key: the valid ones, and invalid ones a JSON Schema can tell (never a bad regex, range or host). */
const VALUES: Record<string, { valid: unknown[]; invalid: unknown[] }> = {
  registry: { valid: ['r.io', 'localhost:5000', 'https://ghcr.io', 'docker.io'], invalid: ['', ' ', 5000, null, ['r.io']] },
  repositories: { valid: [['team/*'], ['app', 'team/**'], ['**'], ['a?c', 'x.y']], invalid: [[], [''], ['a b'], [3], 'team/*', null] },
  semver: { valid: ['<2.0.0', '*', '1.x', '>=1.0.0 <1.5.0', ' ^1.2.0 '], invalid: ['', '  ', 1.2, true, null, ['*']] },
  keep: { valid: [0, 1, 3, 10], invalid: [-1, 1.5, '3', true, null] },
  keepPer: { valid: ['major', 'minor'], invalid: ['patch', 'Minor', 1, null] },
  prerelease: { valid: [true, false], invalid: ['yes', 1, null] },
  protect: { valid: [[], ['^latest$'], ['^a', 'b$']], invalid: ['^latest$', [1], [null], null] },
  olderThan: { valid: ['30d', '12h', '90m', '2w', ' 7d ', '30D', '0030d'], invalid: ['0d', '30', '30y', '', 'd', '-1d', '1.5d', 5, null] },
  versioning: { valid: ['semver', 'docker', 'loose'], invalid: ['calver', 1, null] },
  variant: { valid: ['^$', '^alpine', ''], invalid: [1, true, null] },
  untagged: { valid: ['delete', 'keep'], invalid: ['remove', true, null] },
  referrers: { valid: ['follow', 'keep'], invalid: ['delete', false, null] },
};
const UNKNOWN_KEYS = ['keep_per', 'tags', 'range', 'Semver'];

/** A value for a key: left out (most often), valid, or (less often) invalid. */
function arbValue(key: string): fc.Arbitrary<unknown> {
  const { valid, invalid } = VALUES[key];
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) },
  );
}

/** null most of the time, a value of `arb` once in `every` times. */
function rarely<T>(arb: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

/** A rule: usually registry, repositories and semver; any other key now and then; an unknown key rarely. */
const arbRule: fc.Arbitrary<unknown> = fc
  .record({
    values: fc.record(Object.fromEntries(POLICY_RULE_KEYS.map((key) => [key, arbValue(key)]))),
    core: fc.record({ registry: fc.nat(19).map((n) => n > 0), repositories: fc.nat(19).map((n) => n > 0), semver: fc.nat(9).map((n) => n > 0) }),
    unknown: rarely(fc.constantFrom(...UNKNOWN_KEYS), 12),
    notAMapping: rarely(fc.constantFrom<unknown>('r.io', 3, [1], {}), 30),
    /** Most of the time, a variant comes with docker versioning and keepPer with keep 1 or more (as people write them). */
    consistent: fc.nat(3).map((n) => n > 0),
  })
  .map(({ values, core, unknown, notAMapping, consistent }) => {
    if (notAMapping !== null) return notAMapping;
    const rule: Record<string, unknown> = {};
    for (const key of POLICY_RULE_KEYS) {
      const value = values[key];
      const wanted = key in core && core[key as keyof typeof core];
      if (value !== undefined) rule[key] = value;
      else if (wanted) rule[key] = VALUES[key].valid[0];
    }
    if (consistent && 'variant' in rule) rule.versioning = 'docker';
    if (consistent && 'keepPer' in rule) rule.keep = 2;
    if (unknown !== null) rule[unknown] = 'x';
    return rule;
  });

/** A document: rules (sometimes empty, not a list, or missing), sometimes $schema, rarely an unknown top-level key. */
const arbDocument: fc.Arbitrary<unknown> = fc
  .record({
    rules: fc.oneof(
      { weight: 12, arbitrary: fc.array(arbRule, { minLength: 1, maxLength: 2 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>([], null, 'rules', undefined) },
    ),
    schema: rarely(fc.constantFrom<unknown>('./registry-retention.schema.json', 7), 4),
    extra: rarely(fc.constantFrom('rule', 'version'), 20),
  })
  .map(({ rules, schema: address, extra }) => {
    const document: Record<string, unknown> = {};
    if (address !== null) document.$schema = address;
    if (rules !== undefined) document.rules = rules;
    if (extra !== null) document[extra] = 1;
    return document;
  });

describe('policy schema: accepts exactly what the validator accepts', () => {
  const validate = compileSchema();

  function agree(document: unknown, text: string): boolean {
    const schemaAccepts = validate(document) === true;
    const { problems } = parsePolicy(text, 'p');
    assert.equal(schemaAccepts, problems.length === 0, `${text}\nschema: ${JSON.stringify(validate.errors)}\nvalidator: ${JSON.stringify(problems)}`);
    return schemaAccepts;
  }

  it('generated documents, written as JSON and as YAML', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(arbDocument, (document) => {
        const json = agree(document, JSON.stringify(document, null, 1));
        agree(document, stringify(document));
        if (json) accepted++;
        else refused++;
      }),
      { seed: 1305, numRuns: 600 },
    );
    // Both sides of the agreement are exercised, not just one.
    assert.ok(accepted >= 60 && refused >= 60, `accepted ${accepted}, refused ${refused}`);
  });

  it('rules of one valid key and one invalid value each, so that every single check is met on its own', () => {
    const base = { registry: 'r.io', repositories: ['a'], semver: '*' };
    for (const [key, { valid, invalid }] of Object.entries(VALUES)) {
      for (const value of [...valid, ...invalid]) {
        const rule: Record<string, unknown> = { ...base, [key]: value };
        if (key === 'variant') rule.versioning = 'docker';
        if (key === 'keepPer') rule.keep = 1;
        const document = { rules: [rule] };
        assert.equal(agree(document, JSON.stringify(document)), valid.includes(value), `${key}: ${JSON.stringify(value)}`);
      }
    }
  });
});
