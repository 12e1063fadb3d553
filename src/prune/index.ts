// src/prune: pure planning, no I/O. Start with plan.ts (planPrune: tags + policy → every tag's fate), then
// policy.ts (what a policy may say, and the validators every face uses), graph.ts (what multi-arch images that
// stay reference), referrers.ts (signature and SBOM tags follow their image) and versions.ts (which tags are
// versions, and their order).
export { planPrune, plannedDeletions, summarizePlan, tagsInRange, type PlanEntry, type PlanFacts, type PlanSummary, type PruneAction, type PrunePlan, type TagState } from './plan';
export { checkKeep, checkProtect, checkRange, checkVariant, checkVersioning, DEFAULT_PROTECT, needsCreatedDates, parseDuration, validatePolicy, type PrunePolicy } from './policy';
export { describeUses, platformName, referencedByStaying, type IndexUse, type ReferencedDigests } from './graph';
export { planUntagged, type UntaggedCandidate, type UntaggedEntry, type UntaggedPolicy } from './untagged';
export { compareAlphabetical, compareVersions, parseVersion, sortTags, suggestVersioning, tagVersion, VERSIONINGS, type TagSort, type Version, type Versioning } from './versions';
