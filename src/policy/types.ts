// The plain data of a retention policy file: what a parsed rule is, what a problem in the file is, and the keys and
// choices the file may hold. The shipped JSON Schema (media/registry-retention.schema.json) names exactly these keys
// and choices; a test holds the two together.
import type { PrunePolicy } from '../prune/policy';

/** The policy file a workspace has when none is named. */
export const DEFAULT_POLICY_FILE = 'registry-retention.yaml';

/** One rule of the file, checked and ready for the planners. */
export interface PolicyRule {
  /** 0-based position in `rules`, and the 1-based line where the rule starts (for messages: "rule 2 (line 14)"). */
  index: number;
  line: number;
  /** As written (host[:port] or URL); already checked with parseRegistry from src/registry. */
  registry: string;
  /** Globs over repository names, as written. */
  repositories: string[];
  /** The tag policy for the existing planner; undefined when the rule has no `semver` (an untagged-only cleanup). */
  tags?: PrunePolicy;
  untagged: UntaggedChoice;
  referrers: ReferrersChoice;
  /** The rule's olderThan (also inside `tags` when there is a semver), for the untagged cleanup's age rule. */
  olderThan?: string;
}

export interface PolicyDocument {
  file: string;
  rules: PolicyRule[];
}

/** 1-based line and column, end exclusive; field is a path like `rules[1].keepPer` (`rules` or `` for the whole document). */
export interface PolicyProblem {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  field: string;
  message: string;
  fix?: string;
}

/** What happens to manifests no tag points at: `delete` cleans them (by the rule's olderThan), `keep` leaves them. */
export const UNTAGGED_CHOICES = ['delete', 'keep'] as const;
export type UntaggedChoice = (typeof UNTAGGED_CHOICES)[number];

/** What happens to signature, SBOM and attestation tags: `follow` their image's fate, or `keep` them all. */
export const REFERRERS_CHOICES = ['follow', 'keep'] as const;
export type ReferrersChoice = (typeof REFERRERS_CHOICES)[number];

/** How `keep` counts: per major or per minor version line. */
export const KEEP_PER_CHOICES = ['major', 'minor'] as const;

/** The keys the top of the file may hold. */
export const POLICY_FILE_KEYS = ['$schema', 'rules'] as const;

/** The keys a rule may hold, in the order messages list them. */
export const POLICY_RULE_KEYS = [
  'registry',
  'repositories',
  'semver',
  'keep',
  'keepPer',
  'prerelease',
  'protect',
  'olderThan',
  'versioning',
  'variant',
  'untagged',
  'referrers',
] as const;
export type PolicyRuleKey = (typeof POLICY_RULE_KEYS)[number];

/** Keys that only shape the tag policy: a rule without `semver` (an untagged-only cleanup) may not hold them. */
export const TAG_POLICY_KEYS: readonly PolicyRuleKey[] = ['keep', 'keepPer', 'prerelease', 'protect', 'versioning', 'variant'];
