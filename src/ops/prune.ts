// Prune: read the repository → plan → (the face shows the plan and asks) → delete through the executor.
// Bad input fails before any request; the plan is made from one complete snapshot, and the executor checks it
// again before and while deleting.
import { planPrune, plannedDeletions, validatePolicy, type PrunePlan, type PrunePolicy, type TagState } from '../prune';
import type { RegistryClient } from '../registry/types';
import { executeDeletions, type DeletionResult, type ExecuteOptions } from './executor';
import type { RepositorySnapshot } from './snapshot';
import { readTags, type ReadTagsOptions } from './tags';

export interface PrunePreview {
  repository: string;
  policy: PrunePolicy;
  states: TagState[];
  snapshot: RepositorySnapshot;
  plan: PrunePlan;
}

/** Reads the repository (with created dates when the policy has an age rule) and plans. Nothing is deleted. */
export async function previewPrune(client: RegistryClient, repository: string, policy: PrunePolicy, options: Omit<ReadTagsOptions, 'policy'> = {}): Promise<PrunePreview> {
  validatePolicy(policy);
  const { states, snapshot } = await readTags(client, repository, { ...options, policy });
  return { repository, policy, states, snapshot, plan: planPrune(states, policy, { repository, children: snapshot.children }) };
}

/** The same preview with more tags kept by name (those a person unchecked): planned again from the same read. */
export function keepingTags(preview: PrunePreview, tags: readonly string[]): PrunePreview {
  if (tags.length === 0) return preview;
  const policy = { ...preview.policy, keepTags: [...new Set([...(preview.policy.keepTags ?? []), ...tags])] };
  return { ...preview, policy, plan: planPrune(preview.states, policy, { repository: preview.repository, children: preview.snapshot.children }) };
}

/** Deletes what the plan deletes, oldest first, through the executor. */
export function executePrune(client: RegistryClient, preview: PrunePreview, options: Omit<ExecuteOptions, 'snapshot' | 'since'>): Promise<DeletionResult> {
  const items = plannedDeletions(preview.plan).reverse();
  return executeDeletions(client, preview.repository, items, { ...options, snapshot: preview.snapshot, since: 'the plan' });
}
