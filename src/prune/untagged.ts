// Planning an untagged cleanup: every untagged manifest's fate, pure. Invariants: a manifest something tagged needs
// (a platform manifest of a tagged multi-arch image, a signature or SBOM of a tagged image) is never deleted; a
// locked one is skipped; with an age rule, one of unknown age, or too young, is kept.
import { parseDuration } from './policy';
import type { PruneAction } from './plan';

export interface UntaggedCandidate {
  digest: string;
  created?: Date;
  /** The image it refers to, for a referrer. */
  subject?: string;
  locked?: { reason: string };
  /** Why something tagged still needs it, when something does. */
  neededBy?: string;
}

export interface UntaggedEntry {
  digest: string;
  action: PruneAction;
  reason: string;
  subject?: string;
}

export interface UntaggedPolicy {
  /** Only delete manifests pushed longer ago than this (`30d`). */
  olderThan?: string;
  now?: Date;
}

function fate(c: UntaggedCandidate, maxCreated: number | undefined, olderThan: string | undefined): Pick<UntaggedEntry, 'action' | 'reason'> {
  if (c.neededBy) return { action: 'keep', reason: `keep: ${c.neededBy}` };
  if (c.locked) return { action: 'skip', reason: `skip: ${c.locked.reason}` };
  if (maxCreated !== undefined) {
    const created = c.created?.getTime();
    if (created === undefined || Number.isNaN(created)) return { action: 'keep', reason: `keep: pushed date unknown (needed for older than ${olderThan})` };
    if (created > maxCreated) return { action: 'keep', reason: `keep: newer than ${olderThan}` };
  }
  return { action: 'delete', reason: `delete: untagged${maxCreated !== undefined ? `, older than ${olderThan}` : ''}` };
}

export function planUntagged(candidates: readonly UntaggedCandidate[], policy: UntaggedPolicy = {}): UntaggedEntry[] {
  const olderThan = policy.olderThan?.trim();
  const maxCreated = olderThan === undefined ? undefined : (policy.now ?? new Date()).getTime() - parseDuration(olderThan);
  return candidates.map((c) => ({ digest: c.digest, ...fate(c, maxCreated, olderThan), ...(c.subject ? { subject: c.subject } : {}) }));
}
