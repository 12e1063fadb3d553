// One reader per rule key: the written value → the checked value, or undefined with the problem(s) recorded where
// the value is. Values are checked by the engine's own validators (src/prune/policy.ts, parseRegistry), so a file,
// the CLI and the extension refuse the same input with the same words. Types are checked first and strictly (the
// JSON Schema says the same): `keep: "3"` is text, not a number, even though the CLI accepts "3" typed at a prompt.
import { checkKeep, checkProtect, checkRange, checkVariant, checkVersioning, compilePolicy, parseDuration } from '../prune/policy';
import { VERSIONINGS, type Versioning } from '../prune/versions';
import { parseRegistry } from '../registry/reference';
import { checkGlob } from './globs';
import { asSeq, describeValue, scalarValue, writtenAt, type ReadContext, type Written } from './nodes';
import { KEEP_PER_CHOICES, REFERRERS_CHOICES, UNTAGGED_CHOICES, type ReferrersChoice, type PolicyRuleKey, type UntaggedChoice } from './types';

/** A rule's values that passed their own checks (checks between keys come later, in validate.ts). */
export interface RuleValues {
  registry?: string;
  repositories?: string[];
  semver?: string;
  keep?: number;
  keepPer?: (typeof KEEP_PER_CHOICES)[number];
  prerelease?: boolean;
  protect?: string[];
  olderThan?: string;
  versioning?: Versioning;
  variant?: string;
  untagged?: UntaggedChoice;
  referrers?: ReferrersChoice;
}

type Reader<K extends PolicyRuleKey> = (value: Written, context: ReadContext) => RuleValues[K] | undefined;

/** The key's name at the end of a field path (`rules[0].protect[1]` → `protect[1]`). */
function nameIn(field: string): string {
  return field.slice(field.lastIndexOf('.') + 1);
}

/** A quick fix for a number or boolean where text was wanted: the same value in quotes. */
function quoteFix(value: Written, example: string): string {
  const plain = scalarValue(value);
  const key = nameIn(value.field);
  const quoted = `"${String(plain)}"`;
  if (typeof plain === 'number' || typeof plain === 'boolean') return key.includes('[') ? `Put it in quotes: ${quoted}.` : `Put it in quotes: ${key}: ${quoted}.`;
  return `For example ${key}: ${example}.`;
}

/** The text a key holds, or undefined with a problem when it holds something else. */
function textOf(value: Written, context: ReadContext, expectation: string, example: string): string | undefined {
  const plain = scalarValue(value);
  if (typeof plain === 'string') return plain;
  context.problems.add(value.at, value.field, `${nameIn(value.field)} must be ${expectation} (got ${describeValue(value)})`, quoteFix(value, example));
  return undefined;
}

/** One of a few words. */
function choiceOf<T extends string>(value: Written, context: ReadContext, choices: readonly T[]): T | undefined {
  const plain = scalarValue(value);
  if (choices.includes(plain as T)) return plain as T;
  const words = choices.map((c) => `"${c}"`).join(' or ');
  context.problems.add(value.at, value.field, `${nameIn(value.field)} must be ${words} (got ${describeValue(value)})`, `Write one of ${choices.join(', ')}.`);
  return undefined;
}

/** One item of a text list: its text when it is text and `checkItem` accepts it, else undefined (with the problem). */
function checkedItem(node: unknown, index: number, list: Written, context: ReadContext, checkItem: (item: string) => unknown): string | undefined {
  const item = writtenAt(node, list.at, `${list.field}[${index}]`, context);
  const text = item && textOf(item, context, 'text', '"…"');
  return item && text !== undefined ? context.problems.check(item.at, item.field, () => (checkItem(text), text)) : undefined;
}

/**
 * A list of text items, each checked by `checkItem` (an engine validator that throws BAD_INPUT). Every bad item is
 * reported at its own position; the list is returned only when all of them are good.
 */
function textListOf(value: Written, context: ReadContext, expectation: string, checkItem: (item: string) => unknown): string[] | undefined {
  const seq = asSeq(value);
  if (!seq) {
    const key = nameIn(value.field);
    context.problems.add(value.at, value.field, `${key} must be ${expectation} (got ${describeValue(value)})`, `Write a list, e.g. ${key}: ["…"], or one item per line starting with "- ".`);
    return undefined;
  }
  const items = seq.items.map((node, index) => checkedItem(node, index, value, context, checkItem));
  return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
}

const readRegistry: Reader<'registry'> = (value, context) => {
  const text = textOf(value, context, 'a registry address (host[:port] or URL)', 'registry.example.com');
  return text === undefined ? undefined : context.problems.check(value.at, value.field, () => (parseRegistry(text), text));
};

const readRepositories: Reader<'repositories'> = (value, context) => {
  const globs = textListOf(value, context, 'a list of repository names or globs', checkGlob);
  if (globs === undefined || globs.length > 0) return globs;
  context.problems.add(value.at, value.field, 'repositories is empty: the rule would apply to no repository', 'Name at least one repository or glob, e.g. repositories: ["team/*"].');
  return undefined;
};

const readSemver: Reader<'semver'> = (value, context) => {
  const text = textOf(value, context, 'a semver range', '"<2.0.0"');
  return text === undefined ? undefined : context.problems.check(value.at, value.field, () => checkRange(text));
};

const readKeep: Reader<'keep'> = (value, context) => {
  const plain = scalarValue(value);
  if (typeof plain !== 'number') {
    const fix = typeof plain === 'string' && /^\s*\d+\s*$/.test(plain) ? `Write the number without quotes: keep: ${plain.trim()}.` : 'For example keep: 3 keeps the three newest versions in the range.';
    context.problems.add(value.at, value.field, `keep must be a whole number of 0 or more (got ${describeValue(value)})`, fix);
    return undefined;
  }
  return context.problems.check(value.at, value.field, () => checkKeep(plain));
};

/** keepPer's word, by the prune policy's own check (keep: 1 stands in; whether keep allows it is checked later). */
const readKeepPer: Reader<'keepPer'> = (value, context) => {
  const plain = scalarValue(value);
  if (typeof plain !== 'string') return choiceOf(value, context, KEEP_PER_CHOICES);
  const keepPer = plain as RuleValues['keepPer'];
  return context.problems.check(value.at, value.field, () => (compilePolicy({ range: '*', keep: 1, keepPer }), keepPer), `Write one of ${KEEP_PER_CHOICES.join(', ')}.`);
};

const readPrerelease: Reader<'prerelease'> = (value, context) => {
  const plain = scalarValue(value);
  if (typeof plain === 'boolean') return plain;
  context.problems.add(value.at, value.field, `prerelease must be true or false (got ${describeValue(value)})`, 'Write true or false, without quotes.');
  return undefined;
};

const readProtect: Reader<'protect'> = (value, context) => textListOf(value, context, 'a list of regular expressions', (pattern) => checkProtect([pattern]));

const readOlderThan: Reader<'olderThan'> = (value, context) => {
  const text = textOf(value, context, 'a duration such as 30d', '30d');
  return text === undefined ? undefined : context.problems.check(value.at, value.field, () => (parseDuration(text), text.trim()));
};

const readVersioning: Reader<'versioning'> = (value, context) => {
  const plain = scalarValue(value);
  if (typeof plain !== 'string') return choiceOf(value, context, VERSIONINGS);
  return context.problems.check(value.at, value.field, () => checkVersioning(plain));
};

/** The variant's pattern must compile; that it needs docker versioning is checked with the rule's versioning later. */
const readVariant: Reader<'variant'> = (value, context) => {
  const text = textOf(value, context, 'a regular expression of variants', '"^alpine"');
  return text === undefined ? undefined : context.problems.check(value.at, value.field, () => checkVariant(text, 'docker').source);
};

const readUntagged: Reader<'untagged'> = (value, context) => choiceOf(value, context, UNTAGGED_CHOICES);

const readReferrers: Reader<'referrers'> = (value, context) => choiceOf(value, context, REFERRERS_CHOICES);

export const RULE_READERS: { readonly [K in PolicyRuleKey]: Reader<K> } = {
  registry: readRegistry,
  repositories: readRepositories,
  semver: readSemver,
  keep: readKeep,
  keepPer: readKeepPer,
  prerelease: readPrerelease,
  protect: readProtect,
  olderThan: readOlderThan,
  versioning: readVersioning,
  variant: readVariant,
  untagged: readUntagged,
  referrers: readReferrers,
};
