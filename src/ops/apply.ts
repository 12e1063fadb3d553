// Applying a retention policy (src/policy) across registries and repositories: plan every repository a rule names,
// then delete through the one executor, repository by repository. Both faces call this (regx apply, the editor's
// Preview and Apply on the policy file), so a policy gives the same plans in the editor and in a pipeline.
//
// Invariants:
//  - A repository is planned by the first rule (in file order) that matches it (ruleFor); later rules never touch it.
//  - Each repository is planned from its own complete read (previewPrune); a repository whose read failed is reported
//    with its error and nothing of it is deleted. A registry that cannot be reached, or whose repository list cannot
//    be read completely, is reported; its repositories named literally are still planned on their own reads.
//  - What the workspace deploys (`protectionFor`) is kept in every repository, tagged or untagged.
//  - One failing repository does not stop the others; the result says which failed.
//  - Nothing here deletes without the executor: executePolicy hands each preview to executePrune.
import { isGlobPattern, ruleFor, type PolicyDocument, type PolicyRule } from '../policy';
import type { Protection } from '../protect';
import { mapLimit } from '../registry/concurrency';
import { describeError, isRegistryError, type ErrorCode } from '../registry/errors';
import { parseRegistry } from '../registry/reference';
import type { RegistryClient } from '../registry/types';
import type { DeletionResult, ExecuteOptions } from './executor';
import { executePrune, previewPrune, pruneDeletions, type PrunePreview } from './prune';

/** One repository a rule applies to. `registry` is the rule's address as written; `host` its normalised host. */
export interface ApplyTarget {
  registry: string;
  host: string;
  repository: string;
  rule: PolicyRule;
}

export interface ApplyError {
  code: ErrorCode | 'UNKNOWN';
  message: string;
  fix?: string;
}

export interface RepositoryPlan {
  target: ApplyTarget;
  /** The plan, when the repository could be read. */
  preview?: PrunePreview;
  error?: ApplyError;
}

/** A registry whose repository list could not be read (or that could not be reached at all). */
export interface RegistryProblem {
  registry: string;
  /** The lines of the rules that wanted its list. */
  lines: number[];
  error: ApplyError;
}

export interface PolicyPlan {
  file: string;
  repositories: RepositoryPlan[];
  registryProblems: RegistryProblem[];
}

export interface PlanPolicyOptions {
  /** A client for a rule's registry address (the face logs in its own way). Called once per registry. */
  clientFor: (registry: string) => Promise<RegistryClient>;
  /** What the workspace deploys in a repository, kept whatever the rule says. */
  protectionFor?: (host: string, repository: string) => Protection | undefined;
  /** Repositories read at once, across registries. Default 4. */
  concurrency?: number;
  /** Requests in flight per repository read. Default the client's. */
  readConcurrency?: number;
  /** Also count the space each plan frees. */
  withFreed?: boolean;
  /** Read the tags by GET (for the undo journal; see PreviewOptions.withManifests). */
  withManifests?: boolean;
  /** The clock for age rules. */
  now?: Date;
  signal?: AbortSignal;
  /** Called as each repository's plan is done (or failed). */
  onRepository?: (done: number, total: number, plan: RepositoryPlan) => void;
}

function asError(e: unknown): ApplyError {
  const { message, fix } = describeError(e);
  return { code: isRegistryError(e) ? e.code : 'UNKNOWN', message, ...(fix ? { fix } : {}) };
}

/** Rules grouped by the registry they name (by normalised host; the first rule's address is used to connect). */
function rulesByRegistry(document: PolicyDocument): Map<string, { address: string; rules: PolicyRule[] }> {
  const out = new Map<string, { address: string; rules: PolicyRule[] }>();
  for (const rule of document.rules) {
    const { host } = parseRegistry(rule.registry);
    const group = out.get(host) ?? { address: rule.registry, rules: [] };
    group.rules.push(rule);
    out.set(host, group);
  }
  return out;
}

/** The repositories of one registry that a rule applies to, each with the first rule that matches it. */
async function targetsOf(document: PolicyDocument, host: string, group: { address: string; rules: PolicyRule[] }, client: RegistryClient, signal?: AbortSignal): Promise<{ targets: ApplyTarget[]; problem?: RegistryProblem }> {
  const literal = group.rules.flatMap((r) => r.repositories.filter((g) => !isGlobPattern(g)));
  const globbing = group.rules.filter((r) => r.repositories.some(isGlobPattern));
  let listed: string[] = [];
  let problem: RegistryProblem | undefined;
  if (globbing.length > 0) {
    try {
      listed = await client.listRepositories({ signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      problem = { registry: group.address, lines: globbing.map((r) => r.line), error: asError(e) };
    }
  }
  const names = [...new Set([...literal, ...listed])].sort();
  const targets = names.flatMap((repository) => {
    const rule = ruleFor(document, host, repository);
    return rule ? [{ registry: group.address, host, repository, rule }] : [];
  });
  return { targets, problem };
}

/** The prune options of one rule: its tag policy, its untagged cleanup, its referrers choice, and the protection. */
function previewOf(client: RegistryClient, target: ApplyTarget, options: PlanPolicyOptions): Promise<PrunePreview> {
  const { rule } = target;
  return previewPrune(client, target.repository, rule.tags, {
    untagged: rule.untagged === 'delete' ? { olderThan: rule.olderThan } : false,
    keepReferrers: rule.referrers === 'keep',
    protection: options.protectionFor?.(target.host, target.repository),
    withFreed: options.withFreed,
    withManifests: options.withManifests,
    now: options.now,
    concurrency: options.readConcurrency,
    signal: options.signal,
  });
}

/**
 * Plans every repository the policy names, reading at most `concurrency` repositories at once. Nothing is deleted.
 * Clients come from `clientFor`, one per registry; the caller closes them.
 */
export async function planPolicy(document: PolicyDocument, options: PlanPolicyOptions): Promise<PolicyPlan> {
  const registryProblems: RegistryProblem[] = [];
  const clients = new Map<string, RegistryClient>();
  const targets: ApplyTarget[] = [];
  for (const [host, group] of rulesByRegistry(document)) {
    let client: RegistryClient;
    try {
      client = await options.clientFor(group.address);
    } catch (e) {
      if (options.signal?.aborted) throw e;
      registryProblems.push({ registry: group.address, lines: group.rules.map((r) => r.line), error: asError(e) });
      continue;
    }
    clients.set(host, client);
    const found = await targetsOf(document, host, group, client, options.signal);
    if (found.problem) registryProblems.push(found.problem);
    targets.push(...found.targets);
  }
  let done = 0;
  const repositories = await mapLimit(
    targets,
    Math.max(1, options.concurrency ?? 4),
    async (target): Promise<RepositoryPlan> => {
      let plan: RepositoryPlan;
      try {
        plan = { target, preview: await previewOf(clients.get(target.host)!, target, options) };
      } catch (e) {
        if (options.signal?.aborted) throw e;
        plan = { target, error: asError(e) };
      }
      options.onRepository?.(++done, targets.length, plan);
      return plan;
    },
    options.signal,
  );
  return { file: document.file, repositories, registryProblems };
}

export interface PolicyTotals {
  /** Repositories planned (read), and those that could not be read. */
  repositories: number;
  failed: number;
  /** Images (digests) with tags, their tags, and untagged manifests that the plans delete. */
  images: number;
  tags: number;
  untagged: number;
  /** The sum of the counted space where every plan that deletes was counted; undefined otherwise. */
  freedBytes?: number;
}

/** What the plans delete, over every repository. */
export function policyTotals(plan: PolicyPlan): PolicyTotals {
  const totals: PolicyTotals = { repositories: 0, failed: 0, images: 0, tags: 0, untagged: 0 };
  let freed: number | undefined = 0;
  for (const r of plan.repositories) {
    if (!r.preview) {
      totals.failed++;
      continue;
    }
    totals.repositories++;
    const deletions = pruneDeletions(r.preview);
    totals.images += deletions.filter((d) => d.tags.length > 0).length;
    totals.untagged += deletions.filter((d) => d.tags.length === 0).length;
    totals.tags += r.preview.plan.entries.filter((e) => e.action === 'delete').length;
    if (deletions.length === 0) continue;
    const bytes = r.preview.freed && !r.preview.freed.notRead ? r.preview.freed.bytes : undefined;
    freed = freed === undefined || bytes === undefined ? undefined : freed + bytes;
  }
  return freed === undefined ? totals : { ...totals, freedBytes: freed };
}

export interface RepositoryOutcome {
  target: ApplyTarget;
  /** The executor's result, when something was to be deleted and the run started. */
  result?: DeletionResult;
  error?: ApplyError;
}

export interface ExecutePolicyOptions {
  clientFor: (registry: string) => Promise<RegistryClient>;
  /** The executor's options for one repository (how the user confirmed, a journal, progress). */
  execute: (target: ApplyTarget) => Omit<ExecuteOptions, 'snapshot' | 'since'> | Promise<Omit<ExecuteOptions, 'snapshot' | 'since'>>;
  /** Repositories deleting at once. Default 2. */
  concurrency?: number;
  signal?: AbortSignal;
  onRepository?: (done: number, total: number, outcome: RepositoryOutcome) => void;
}

/**
 * Deletes what each plan deletes, through the executor (which reads each repository again before deleting). A
 * repository whose run throws is reported and the others go on; once `signal` aborts, no new repository starts.
 */
export async function executePolicy(plan: PolicyPlan, options: ExecutePolicyOptions): Promise<RepositoryOutcome[]> {
  const work = plan.repositories.filter((r): r is RepositoryPlan & { preview: PrunePreview } => r.preview !== undefined && pruneDeletions(r.preview).length > 0);
  let done = 0;
  return mapLimit(work, Math.max(1, options.concurrency ?? 2), async ({ target, preview }): Promise<RepositoryOutcome> => {
    let outcome: RepositoryOutcome;
    if (options.signal?.aborted) {
      outcome = { target, error: { code: 'CANCELLED', message: 'not started: the run was cancelled' } };
    } else {
      try {
        const client = await options.clientFor(target.registry);
        outcome = { target, result: await executePrune(client, preview, await options.execute(target)) };
      } catch (e) {
        outcome = { target, error: asError(e) };
      }
    }
    options.onRepository?.(++done, work.length, outcome);
    return outcome;
  });
}
