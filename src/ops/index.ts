// src/ops: the operations both faces call. Each flow is here once — listing tags with digests (tags.ts), deleting
// images (delete.ts), pruning (prune.ts), untagging (untag.ts) — and every deletion goes through one executor
// (executor.ts), which re-checks against a fresh snapshot of the repository (snapshot.ts) with the pure rules of
// checks.ts. Start with executor.ts. No vscode import: the faces only ask the user and render the results.
export { executeDeletions, MAX_STALENESS_MS, type ConfirmedDeletion, type DeletionProgress, type DeletionResult, type ExecuteOptions, type LostTag } from './executor';
export { deleteReviewed, reviewDeletion, type DeleteOptions, type DeletionReview, type ImageToDelete, type ReviewOptions } from './delete';
// What refers to an image (signatures, SBOMs, attestations) and what goes with it when it is deleted.
export {
  findReferrers,
  MAX_REFERRER_DEPTH,
  referrerDeletions,
  referrerFates,
  referrerTagsGone,
  type FindReferrersOptions,
  type FoundReferrer,
  type ImageReferrers,
  type ReferrerFate,
  type ReferrersIndex,
  type ReferrersIndexFate,
  type ReferrersMode,
  type SubjectReferrers,
} from './referrers';
export { executePrune, keepingTags, previewPrune, pruneDeletions, type PreviewOptions, type PrunePreview } from './prune';
export { readManifests, untaggedGarbage, type ManifestListing, type ManifestRow } from './manifests';
export { readTags, tagStates, type ReadTagsOptions } from './tags';
export { reviewUntag, untagMethod, untagReviewed, type UntagMethod, type UntagResult, type UntagReview } from './untag';
export { reviewRepositoryDeletion } from './delete-repository';
export { readSnapshot, snapshotAge, tagsByDigest, type RepositorySnapshot, type SnapshotOptions } from './snapshot';
export { checkDeletions, findLostTags, type Verdict } from './checks';
export { digestCache } from './cache';
// The space a deletion frees: space.ts reads the repository's blob graph (through the digest cache), freed.ts counts.
export { countFreed, countFreedAgain, totalSize, type BlobGraph, type FreedCount, type FreedSpace, type ManifestBlobs } from './freed';
export { NOT_READ_ON_DOCKER_HUB, readBlobGraph, spaceFreed, type SpaceOptions } from './space';
// A retention policy over many repositories: every plan first (bounded concurrency), then each through the executor.
export {
  executePolicy,
  planPolicy,
  policyTotals,
  type ApplyError,
  type ApplyTarget,
  type ExecutePolicyOptions,
  type PlanPolicyOptions,
  type PolicyPlan,
  type PolicyTotals,
  type RegistryProblem,
  type RepositoryOutcome,
  type RepositoryPlan,
} from './apply';
// Undo: the executor records each manifest in the journal (src/journal) before its DELETE; restore pushes them back.
export { reviewRestore, toRestore, undoNote, type BlobKind, type ImagePlan, type MissingBlob, type RestoreReview, type RestoreReviewOptions, type TagPlan } from './restore-review';
export { restoreReviewed, type RestoreOptions, type RestoreResult } from './restore';
