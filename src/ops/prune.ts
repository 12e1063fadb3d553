// Prune: read the repository → plan → (the face shows the plan and asks) → delete through the executor.
// Bad input fails before any request; the plan is made from one complete snapshot, and the executor checks it
// again before and while deleting. With `untagged`, the untagged manifests nothing tagged needs are planned too
// (where the registry's provider can list them), as entries without a tag.
import { needsCreatedDates, planPrune, plannedDeletions, planUntagged, validatePolicy, type PrunePlan, type PrunePolicy, type TagState, type UntaggedEntry } from '../prune';
import type { RegistryClient } from '../registry/types';
import { executeDeletions, type ConfirmedDeletion, type DeletionResult, type ExecuteOptions } from './executor';
import { readManifests } from './manifests';
import type { RepositorySnapshot } from './snapshot';
import { countFreedAgain, type FreedSpace } from './freed';
import { spaceFreed } from './space';
import { readTags, tagStates, type ReadTagsOptions } from './tags';

export interface PrunePreview {
  repository: string;
  /** The tag policy; undefined for an untagged cleanup alone. */
  policy?: PrunePolicy;
  states: TagState[];
  snapshot: RepositorySnapshot;
  plan: PrunePlan;
  /** The untagged manifests' fates, when they were asked for. */
  untagged?: UntaggedEntry[];
  /** The space the plan frees, when asked for (`withFreed`): it reads every manifest of the repository once. */
  freed?: FreedSpace;
}

export interface PreviewOptions extends Omit<ReadTagsOptions, 'policy'> {
  /** Also plan the untagged manifests (only for them when there is no policy). `olderThan` defaults to the policy's. */
  untagged?: boolean | { olderThan?: string };
  /** The clock for age rules. */
  now?: Date;
  /** Also count the space the plan frees (preview.freed). */
  withFreed?: boolean;
}

const NO_TAG_PLAN: PrunePlan = { entries: [], deleteDigests: [], notes: [] };

/** Reads the repository (with ages when an age rule needs them) and plans, and counts the space freed when asked. Nothing is deleted. */
export async function previewPrune(client: RegistryClient, repository: string, policy: PrunePolicy | undefined, options: PreviewOptions = {}): Promise<PrunePreview> {
  const preview = await readAndPlan(client, repository, policy, options);
  if (!options.withFreed) return preview;
  return { ...preview, freed: await spaceFreed(client, preview.snapshot, pruneDeletions(preview).map((d) => d.digest), options) };
}

async function readAndPlan(client: RegistryClient, repository: string, policy: PrunePolicy | undefined, options: PreviewOptions): Promise<PrunePreview> {
  if (policy) validatePolicy(policy);
  const plan = (states: TagState[], snapshot: RepositorySnapshot): PrunePlan => (policy ? planPrune(states, policy, { repository, children: snapshot.children }) : NO_TAG_PLAN);
  if (!options.untagged) {
    // A space count reads every manifest: read the tags by GET then (one request per tag, as the HEADs would be).
    const { states, snapshot } = await readTags(client, repository, { ...options, policy, withManifests: options.withFreed });
    return { repository, policy, states, snapshot, plan: plan(states, snapshot) };
  }
  const listing = await readManifests(client, repository, { ...options, withCreated: policy !== undefined && needsCreatedDates(policy) });
  const states = tagStates(listing.snapshot);
  const olderThan = (typeof options.untagged === 'object' ? options.untagged.olderThan : undefined) ?? policy?.olderThan;
  const untagged = planUntagged(
    listing.rows.filter((r) => r.tags.length === 0),
    { olderThan, now: options.now ?? policy?.now },
  );
  return { repository, policy, states, snapshot: listing.snapshot, plan: plan(states, listing.snapshot), untagged };
}

/** The same preview with more tags kept by name (those a person unchecked): planned again from the same read. */
export function keepingTags(preview: PrunePreview, tags: readonly string[]): PrunePreview {
  if (tags.length === 0 || !preview.policy) return preview;
  const policy = { ...preview.policy, keepTags: [...new Set([...(preview.policy.keepTags ?? []), ...tags])] };
  const planned = { ...preview, policy, plan: planPrune(preview.states, policy, { repository: preview.repository, children: preview.snapshot.children }) };
  return preview.freed ? { ...planned, freed: countFreedAgain(preview.freed, pruneDeletions(planned).map((d) => d.digest)) } : planned;
}

/**
 * What the preview deletes, as the executor takes it: tagged images oldest first, then the untagged manifests. A
 * referrer tag's image carries its `subject`: the executor deletes it only after that image is gone.
 */
export function pruneDeletions(preview: PrunePreview): ConfirmedDeletion[] {
  const untagged = (preview.untagged ?? []).filter((e) => e.action === 'delete').map((e) => ({ digest: e.digest, tags: [], ...(e.subject ? { subject: e.subject } : {}) }));
  return [...plannedDeletions(preview.plan).reverse(), ...untagged];
}

/** Deletes what the plan deletes, through the executor. */
export function executePrune(client: RegistryClient, preview: PrunePreview, options: Omit<ExecuteOptions, 'snapshot' | 'since'>): Promise<DeletionResult> {
  return executeDeletions(client, preview.repository, pruneDeletions(preview), { ...options, snapshot: preview.snapshot, since: 'the plan' });
}
