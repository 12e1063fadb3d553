// src/policy: the retention policy file (registry-retention.yaml by default; JSON is YAML too). No vscode, no
// registry requests. Start with parse.ts (parsePolicy: text → the rules, or every problem with its line, column and
// field), then validate.ts and fields.ts (each rule's keys, checked by the prune policy's own validators), load.ts
// (loadPolicy: a file → the rules, or one BAD_INPUT error naming the first problem) and globs.ts (repository globs,
// and ruleFor: the first rule that applies to a repository). nodes.ts reads the YAML tree; problems.ts places
// problems and suggests keys. types.ts holds the keys and choices that media/registry-retention.schema.json (the
// schema editors validate the file with) must agree with.
export { parsePolicy } from './parse';
export { formatPolicyProblem, loadPolicy, MAX_POLICY_BYTES, policyProblemsError } from './load';
export { checkGlob, globRegExp, isGlobPattern, repositoryMatches, ruleFor } from './globs';
export {
  DEFAULT_POLICY_FILE,
  KEEP_PER_CHOICES,
  POLICY_FILE_KEYS,
  POLICY_RULE_KEYS,
  REFERRERS_CHOICES,
  TAG_POLICY_KEYS,
  UNTAGGED_CHOICES,
  type PolicyDocument,
  type PolicyProblem,
  type PolicyRule,
  type PolicyRuleKey,
  type ReferrersChoice,
  type UntaggedChoice,
} from './types';
