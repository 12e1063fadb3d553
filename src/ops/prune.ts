// Prune: read the repository → plan → (the face shows the plan and asks) → delete through the executor.
// Bad input fails before any request; the plan is made from one complete snapshot, and the executor checks it
// again before and while deleting. With `untagged`, the untagged manifests nothing tagged needs are planned too
// (where the registry's provider can list them), as entries without a tag. What the workspace deploys
// (`protection`, src/protect) is kept, tagged or untagged, before anything is counted or deleted.
import { needsCreatedDates, planPrune, plannedDeletions, planUntagged, validatePolicy, type PrunePlan, type PrunePolicy, type TagState, type UntaggedEntry } from '../prune';
import type { RegistryClient } from '../registry/types';
import { executeDeletions, type ConfirmedDeletion, type DeletionResult, type ExecuteOptions } from './executor';
import { readManifests } from './manifests';
import type { RepositorySnapshot } from './snapshot';
import { countFreedAgain, type FreedSpace } from './freed';
import { spaceFreed } from './space';
import { readTags, tagStates, type ReadTagsOptions } from './tags';
import type { Protection } from '../protect';

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
  /**
   * Read each tag by GET, its manifest kept in the digest cache (one request per tag, as a HEAD): the undo journal
   * then records the doomed manifests without reading them again. Implied by withFreed.
   */
  withManifests?: boolean;
  /** What the workspace deploys in this repository: those tags and digests are kept ("used in deploy/api.yaml:12"). */
  protection?: Protection;
  /** Keep untagged referrers (signatures, SBOMs) too, whatever their image's fate. */
  keepReferrers?: boolean;
}

const NO_TAG_PLAN: PrunePlan = { entries: [], deleteDigests: [], notes: [] };

/** Reads the repository (with ages when an age rule needs them) and plans, and counts the space freed when asked. Nothing is deleted. */
export async function previewPrune(client: RegistryClient, repository: string, policy: PrunePolicy | undefined, options: PreviewOptions = {}): Promise<PrunePreview> {
  const preview = await readAndPlan(client, repository, policy, options);
  if (!options.withFreed) return preview;
  return { ...preview, freed: await spaceFreed(client, preview.snapshot, pruneDeletions(preview).map((d) => d.digest), options) };
}

/** The policy with what the workspace deploys kept by it. */
function protectedPolicy(policy: PrunePolicy | undefined, protection: Protection | undefined): PrunePolicy | undefined {
  if (!policy || !protection) return policy;
  return { ...policy, protectedBy: { ...policy.protectedBy, ...protection.tags }, protectedDigests: { ...policy.protectedDigests, ...protection.digests } };
}

/** Untagged manifests the workspace deploys by digest stay, and so do untagged referrers when they are kept. */
function keepUntagged(entries: UntaggedEntry[], options: PreviewOptions): UntaggedEntry[] {
  const deployed = options.protection?.digests ?? {};
  return entries.map((e) => {
    if (e.action !== 'delete') return e;
    if (deployed[e.digest]) return { ...e, action: 'keep', reason: `keep: ${deployed[e.digest]} (by digest)` };
    if (options.keepReferrers && e.subject) return { ...e, action: 'keep', reason: 'keep: signatures, SBOMs and attestations are kept' };
    return e;
  });
}

async function readAndPlan(client: RegistryClient, repository: string, given: PrunePolicy | undefined, options: PreviewOptions): Promise<PrunePreview> {
  const policy = protectedPolicy(given, options.protection);
  if (policy) validatePolicy(policy);
  const plan = (states: TagState[], snapshot: RepositorySnapshot): PrunePlan => (policy ? planPrune(states, policy, { repository, children: snapshot.children }) : NO_TAG_PLAN);
  if (!options.untagged) {
    // A space count and the undo journal read the manifests: read the tags by GET then (one request per tag, as the HEADs would be).
    const { states, snapshot } = await readTags(client, repository, { ...options, policy, withManifests: options.withFreed || options.withManifests });
    return { repository, policy, states, snapshot, plan: plan(states, snapshot) };
  }
  const listing = await readManifests(client, repository, { ...options, withCreated: policy !== undefined && needsCreatedDates(policy) });
  const states = tagStates(listing.snapshot);
  const olderThan = (typeof options.untagged === 'object' ? options.untagged.olderThan : undefined) ?? policy?.olderThan;
  const untagged = keepUntagged(planUntagged(listing.rows.filter((r) => r.tags.length === 0), { olderThan, now: options.now ?? policy?.now }), options);
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
