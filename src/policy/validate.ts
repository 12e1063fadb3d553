// One rule of a policy file: its keys read one by one (fields.ts), then the checks between keys, then the PolicyRule
// the planners take. Invariants: a rule is returned only when none of its checks found a problem; every problem
// names the rule's field (`rules[1].keepPer`) and sits on the value (or the key) it is about; a key that is missing
// is reported at the rule's first key.
import { checkVariant, compilePolicy, type PrunePolicy } from '../prune/policy';
import { RULE_READERS, type RuleValues } from './fields';
import { asMap, describeValue, entriesOf, spanOf, type Entry, type ReadContext, type Written } from './nodes';
import type { Span } from './problems';
import { POLICY_RULE_KEYS, TAG_POLICY_KEYS, type PolicyRule, type PolicyRuleKey } from './types';

/** A rule as read so far: its checked values, which keys were written (good or bad), and where. */
interface ReadRule {
  index: number;
  field: string;
  /** Where a missing key is reported: the rule's first key (or the rule itself when it has none). */
  at: Span;
  values: RuleValues;
  keyAt: Map<PolicyRuleKey, Span>;
  valueAt: Map<PolicyRuleKey, Span>;
}

function readEntry<K extends PolicyRuleKey>(entry: Entry<K>, rule: ReadRule, context: ReadContext): void {
  rule.keyAt.set(entry.key, entry.keyAt);
  if (entry.value === undefined) return;
  rule.valueAt.set(entry.key, entry.value.at);
  const value = RULE_READERS[entry.key](entry.value, context);
  if (value !== undefined) rule.values[entry.key] = value;
}

/** Whether a key was written and its value passed its own check (so checks between keys may use it). */
function good(rule: ReadRule, key: PolicyRuleKey): boolean {
  return rule.values[key] !== undefined;
}

/** Written, but refused by its own check: checks between keys stay quiet about it (one problem is enough). */
function refused(rule: ReadRule, key: PolicyRuleKey): boolean {
  return rule.keyAt.has(key) && !good(rule, key);
}

function checkRequiredKeys(rule: ReadRule, context: ReadContext): void {
  const name = `rule ${rule.index + 1}`;
  if (!rule.keyAt.has('registry')) {
    context.problems.add(rule.at, `${rule.field}.registry`, `${name} has no registry`, 'Add registry: with the registry\'s host[:port] or URL, e.g. registry: registry.example.com.');
  }
  if (!rule.keyAt.has('repositories')) {
    context.problems.add(rule.at, `${rule.field}.repositories`, `${name} has no repositories`, 'Add repositories: with the names or globs it applies to, e.g. repositories: ["team/*"].');
  }
  const untaggedOnly = rule.values.untagged === 'delete';
  if (!rule.keyAt.has('semver') && !untaggedOnly && !refused(rule, 'untagged')) {
    context.problems.add(
      rule.at,
      `${rule.field}.semver`,
      `${name} has no semver range, so it would prune no tags`,
      'Add semver: with the versions that may be deleted, e.g. semver: "<2.0.0" (or "*"); or write untagged: delete for a rule that only cleans untagged images.',
    );
  }
}

/** A rule without `semver` only cleans untagged images: keys that shape the tag policy would be silently ignored. */
function checkTagOnlyKeys(rule: ReadRule, context: ReadContext): void {
  if (rule.keyAt.has('semver') || rule.values.untagged !== 'delete') return;
  for (const key of TAG_POLICY_KEYS) {
    const at = rule.keyAt.get(key);
    if (at === undefined) continue;
    context.problems.add(
      at,
      `${rule.field}.${key}`,
      `${key} applies to tags, and this rule has no semver range: it only cleans untagged images`,
      `Add semver: (e.g. semver: "*") to prune tags too, or remove ${key}.`,
    );
  }
}

/** `variant` needs docker versioning: the prune policy's own check, at the variant. */
function checkVariantVersioning(rule: ReadRule, context: ReadContext): void {
  const { variant, versioning } = rule.values;
  if (variant === undefined || refused(rule, 'versioning')) return;
  const at = rule.valueAt.get('variant') as Span;
  context.problems.check(at, `${rule.field}.variant`, () => checkVariant(variant, versioning ?? 'semver'), 'Add versioning: docker to the rule, or remove the variant.');
}

/** `keepPer` needs keep of 1 or more: the prune policy's own check, at keepPer. */
function checkKeepPerNeedsKeep(rule: ReadRule, context: ReadContext): void {
  const { keepPer, keep } = rule.values;
  if (keepPer === undefined || refused(rule, 'keep')) return;
  const at = rule.valueAt.get('keepPer') as Span;
  context.problems.check(at, `${rule.field}.keepPer`, () => compilePolicy({ range: '*', keep, keepPer }));
}

/** The tag policy for the planner, holding exactly the keys the rule wrote (and keepReferrers for `referrers: keep`). */
export function tagPolicyOf(values: RuleValues): PrunePolicy | undefined {
  if (values.semver === undefined) return undefined;
  const policy: PrunePolicy = { range: values.semver };
  if (values.versioning !== undefined) policy.versioning = values.versioning;
  if (values.variant !== undefined) policy.variant = values.variant;
  if (values.keep !== undefined) policy.keep = values.keep;
  if (values.keepPer !== undefined) policy.keepPer = values.keepPer;
  if (values.prerelease !== undefined) policy.includePrerelease = values.prerelease;
  if (values.protect !== undefined) policy.protect = values.protect;
  if (values.olderThan !== undefined) policy.olderThan = values.olderThan;
  if (values.referrers === 'keep') policy.keepReferrers = true;
  return policy;
}

function ruleOf(rule: ReadRule, line: number): PolicyRule {
  const { values } = rule;
  const result: PolicyRule = {
    index: rule.index,
    line,
    registry: values.registry as string,
    repositories: values.repositories as string[],
    untagged: values.untagged ?? 'keep',
    referrers: values.referrers ?? 'follow',
  };
  const tags = tagPolicyOf(values);
  if (tags !== undefined) result.tags = tags;
  if (values.olderThan !== undefined) result.olderThan = values.olderThan;
  return result;
}

/**
 * The rule at `rules[index]`, or undefined when it has any problem (all of them recorded). Once every check has
 * passed, the whole tag policy goes through the planner's compilePolicy too, so the file can never hand the planner a
 * policy it would refuse.
 */
export function readRule(item: Written, index: number, context: ReadContext): PolicyRule | undefined {
  const map = asMap(item);
  if (!map) {
    context.problems.add(item.at, item.field, `rule ${index + 1} must be a mapping of keys (got ${describeValue(item)})`, 'Write a rule as keys under a "- ", e.g. - registry: registry.example.com.');
    return undefined;
  }
  const before = context.problems.count;
  const entries = entriesOf(map, POLICY_RULE_KEYS, item.field, 'a rule', context);
  const first = map.items[0];
  const at = first ? spanOf(first.key, spanOf(first.value, item.at)) : item.at;
  const rule: ReadRule = { index, field: item.field, at, values: {}, keyAt: new Map(), valueAt: new Map() };
  for (const entry of entries) readEntry(entry, rule, context);
  checkRequiredKeys(rule, context);
  checkTagOnlyKeys(rule, context);
  checkVariantVersioning(rule, context);
  checkKeepPerNeedsKeep(rule, context);
  if (context.problems.count > before) return undefined;
  const result = ruleOf(rule, context.problems.lineOf(item.at));
  if (result.tags !== undefined && context.problems.check(at, item.field, () => compilePolicy(result.tags as PrunePolicy)) === undefined) return undefined;
  return result;
}
