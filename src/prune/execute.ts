// Carries out a prune plan. Tags move while people work, so right before deleting it reads every tag's
// digest again and deletes a digest only when exactly the tags the plan deletes with it still point at it.
import type { RegistryClient, DigestInfo } from '../registry/types';
import { describeError, isRegistryError, type ErrorCode } from '../registry/errors';
import type { PrunePlan } from './plan';

export interface PruneProgress {
  type: 'deleted' | 'skipped' | 'failed';
  digest: string;
  /** The tags the plan deletes with this digest. */
  tags: string[];
  /** Items finished so far, this one included, out of `total` (the plan's digests). */
  done: number;
  total: number;
  /** Why it was skipped. */
  reason?: string;
  /** Why it failed (no secrets: built from hosts, repositories and status codes). */
  error?: string;
  /** Deleted: the registry said it was already gone (404). */
  alreadyGone?: boolean;
}

export interface ExecuteOptions {
  /** Deletes in flight at once. Default 4. */
  concurrency?: number;
  /** Abort: no new delete starts; the ones in flight finish and are reported. */
  signal?: AbortSignal;
  onProgress?: (event: PruneProgress) => void;
}

export interface PruneResult {
  /** Digests that are gone, including those the registry had already removed. */
  deleted: string[];
  /** The subset of `deleted` the registry answered 404 for. */
  alreadyGone: string[];
  skipped: { digest: string; tags: string[]; reason: string }[];
  failed: { digest: string; tags: string[]; error: string }[];
  cancelled: boolean;
  /** Set when the run stopped early because of an error that would hit every delete (e.g. 405). */
  stoppedBy?: { code: ErrorCode | 'UNKNOWN'; message: string; fix?: string };
}

/** Errors that every further delete in the repository would also meet: stop at the first. */
const STOP_CODES: ErrorCode[] = ['DELETE_DISABLED', 'UNAUTHORIZED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE'];
const GONE_CODES: ErrorCode[] = ['NOT_FOUND', 'MANIFEST_UNKNOWN'];

interface Item {
  digest: string;
  tags: string[];
  /** Set when the re-check says not to delete. */
  skipReason?: string;
}

function plannedTags(plan: PrunePlan): Map<string, string[]> {
  const byDigest = new Map<string, string[]>();
  for (const d of plan.deleteDigests) byDigest.set(d, []);
  for (const e of plan.entries) {
    if (e.action === 'delete' && e.digest && byDigest.has(e.digest)) byDigest.get(e.digest)!.push(e.tag);
  }
  for (const tags of byDigest.values()) tags.sort();
  return byDigest;
}

function names(tags: string[]): string {
  return tags.length <= 3 ? tags.join(', ') : `${tags.slice(0, 3).join(', ')} and ${tags.length - 3} more`;
}

/** Compares the plan with the repository as it is now; pure, given the fresh tag → digest map. */
export function recheckPlan(plan: PrunePlan, now: Map<string, DigestInfo | Error>): Item[] {
  const current = new Map<string, string[]>();
  const unknown: string[] = [];
  for (const [tag, r] of now) {
    if (r instanceof Error) {
      if (!GONE_CODES.some((c) => isRegistryError(r, c))) unknown.push(tag);
      continue;
    }
    const list = current.get(r.digest) ?? [];
    list.push(tag);
    current.set(r.digest, list);
  }
  unknown.sort();
  const items: Item[] = [];
  for (const [digest, tags] of plannedTags(plan)) {
    const item: Item = { digest, tags };
    const here = new Set(current.get(digest) ?? []);
    const added = [...here].filter((t) => !tags.includes(t)).sort();
    const moved = tags.filter((t) => !here.has(t));
    if (unknown.length > 0) {
      item.skipReason = `not checked: tag${unknown.length === 1 ? '' : 's'} ${names(unknown)} could not be resolved again, so ${unknown.length === 1 ? 'it' : 'they'} might point at this image`;
    } else if (added.length > 0) {
      item.skipReason = `changed since the plan: ${names(added)} now ${added.length === 1 ? 'points' : 'point'} at it`;
    } else if (here.size === 0) {
      item.skipReason = 'changed since the plan: no tag points at it any more';
    } else if (moved.length > 0) {
      const gone = moved.filter((t) => !now.has(t) || now.get(t) instanceof Error);
      const elsewhere = moved.filter((t) => !gone.includes(t));
      const parts = [];
      if (elsewhere.length) parts.push(`${names(elsewhere)} now ${elsewhere.length === 1 ? 'points' : 'point'} elsewhere`);
      if (gone.length) parts.push(`${names(gone)} ${gone.length === 1 ? 'is' : 'are'} gone`);
      item.skipReason = `changed since the plan: ${parts.join('; ')}`;
    }
    items.push(item);
  }
  return items;
}

/**
 * Re-reads the repository's tags, then deletes the plan's digests that are still safe to delete, oldest first,
 * with bounded concurrency. Never rejects for a registry error: everything is in the result.
 */
export async function executePrune(client: RegistryClient, repository: string, plan: PrunePlan, options: ExecuteOptions = {}): Promise<PruneResult> {
  const { signal, onProgress } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const result: PruneResult = { deleted: [], alreadyGone: [], skipped: [], failed: [], cancelled: false };
  const total = plan.deleteDigests.length;
  let done = 0;
  const skip = (item: Item, reason: string): void => {
    result.skipped.push({ digest: item.digest, tags: item.tags, reason });
    onProgress?.({ type: 'skipped', digest: item.digest, tags: item.tags, done: ++done, total, reason });
  };
  if (total === 0) return result;

  // 1. The repository as it is now.
  let items: Item[];
  try {
    const tags = await client.listTags(repository, { signal });
    const now = await client.resolveMany(repository, tags, { signal });
    if (signal?.aborted) throw new Error('aborted');
    items = recheckPlan(plan, now);
  } catch (e) {
    const planned = [...plannedTags(plan)].map(([digest, tags]) => ({ digest, tags }));
    if (signal?.aborted) {
      result.cancelled = true;
      for (const item of planned) skip(item, 'not started: cancelled');
      return result;
    }
    if (isRegistryError(e, 'NOT_FOUND')) {
      for (const item of planned) skip(item, 'changed since the plan: the repository has no tags any more');
      return result;
    }
    const { message, fix } = describeError(e);
    result.stoppedBy = { code: isRegistryError(e) ? e.code : 'UNKNOWN', message: `could not re-check the tags of ${repository}: ${message}`, fix };
    for (const item of planned) skip(item, 'not started: the tags could not be checked again');
    return result;
  }

  // 2. Skip what changed; delete the rest, oldest first.
  const queue: Item[] = [];
  for (const item of items) {
    if (item.skipReason) skip(item, item.skipReason);
    else queue.push(item);
  }
  queue.reverse();

  let next = 0;
  const stopped = (): boolean => signal?.aborted === true || result.stoppedBy !== undefined;
  const worker = async (): Promise<void> => {
    while (next < queue.length && !stopped()) {
      const item = queue[next++];
      try {
        // The user's signal is not passed on: a delete in flight finishes, so its outcome is known.
        const r = await client.deleteManifest(repository, item.digest);
        result.deleted.push(item.digest);
        if (r.alreadyGone) result.alreadyGone.push(item.digest);
        onProgress?.({ type: 'deleted', digest: item.digest, tags: item.tags, done: ++done, total, alreadyGone: r.alreadyGone });
      } catch (e) {
        if (isRegistryError(e, 'ALREADY_GONE')) {
          result.deleted.push(item.digest);
          result.alreadyGone.push(item.digest);
          onProgress?.({ type: 'deleted', digest: item.digest, tags: item.tags, done: ++done, total, alreadyGone: true });
          continue;
        }
        const { message, fix } = describeError(e);
        result.failed.push({ digest: item.digest, tags: item.tags, error: message });
        onProgress?.({ type: 'failed', digest: item.digest, tags: item.tags, done: ++done, total, error: message });
        if (isRegistryError(e) && STOP_CODES.includes(e.code) && !result.stoppedBy) {
          result.stoppedBy = { code: e.code, message, fix };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));

  // 3. Whatever did not start.
  const left = queue.slice(next);
  result.cancelled = signal?.aborted === true && left.length > 0;
  const why = result.stoppedBy ? `not started: stopped by ${result.stoppedBy.code}` : 'not started: cancelled';
  for (const item of left) skip(item, why);
  return result;
}
