// The executor's journal step: before an item's DELETE, its manifest's bytes are read (checked against the digest)
// and recorded in the undo journal. The DELETE may be sent only when this says `recorded` (or `gone`: the manifest is
// no longer there, so nothing would be deleted); a failure means the item is not deleted and the run stops, since
// every further delete would meet the same journal.
//
// Where the provider deletes through its service's own API and can bring a deleted manifest back (GHCR: GitHub's
// restore of a package version), the service's reference to it (provider.undoRef) is looked up before the DELETE and
// recorded with it, as plain data. That lookup failing never blocks the deletion: the manifest is recorded without
// it (with the reason), as on any registry, and the step's `note` says what that means for an undo.
import { mapLimit } from '../registry/concurrency';
import { describeError, isGone } from '../registry/errors';
import type { JournalProviderRef, JournalRecorder } from '../journal/types';
import type { RegistryClient } from '../registry/types';
import { digestCache } from './cache';
import type { ConfirmedDeletion } from './checks';

/** `note`: said beside the deletion (the service's reference could not be looked up; nothing is lost by it). */
export type JournalStep = { journaled: 'recorded' | 'gone'; note?: string } | { failure: { message: string; fix: string } };

const FIX = 'Nothing more was deleted: every further delete needs the journal too. Fix the journal (its folder, the disk) or the connection, and run again.';

/** `what` says why the journal could not take the item, starting "the undo journal could not be written". */
function failure(digest: string, what: string): JournalStep {
  return { failure: { message: `${what}: nothing was deleted for ${digest}`, fix: FIX } };
}

/** What the provider keeps of the manifest to restore it (with its name as `provider`), or why it could not say. */
async function providerRefOf(client: RegistryClient, repository: string, digest: string): Promise<{ providerRef?: JournalProviderRef; providerRefMissing?: string }> {
  try {
    const provider = await client.provider();
    const ref = provider.undoRef ? await provider.undoRef(repository, digest) : undefined;
    if (!ref) return {};
    // Only plain values go to disk: the provider's reference is data, never a secret or an object.
    const plain = Object.entries(ref).filter(([k, v]) => k !== 'provider' && (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))));
    return { providerRef: { ...Object.fromEntries(plain), provider: provider.name } };
  } catch (e) {
    return { providerRefMissing: describeError(e).message };
  }
}

/** Reads the item's manifest and records it (with its tags and subject) before its DELETE. Never throws. */
export async function recordBeforeDelete(client: RegistryClient, repository: string, item: ConfirmedDeletion, journal: JournalRecorder): Promise<JournalStep> {
  let manifest;
  try {
    // Content-addressed: a manifest the review already read is not read again.
    manifest = await digestCache(client).manifest(repository, item.digest);
  } catch (e) {
    if (isGone(e)) return { journaled: 'gone' };
    return failure(item.digest, `the undo journal could not be written: the manifest could not be read (${describeError(e).message})`);
  }
  const ref = await providerRefOf(client, repository, item.digest);
  try {
    await journal.record({ digest: item.digest, mediaType: manifest.mediaType, bytes: manifest.raw, tags: item.tags, subject: item.subject ?? manifest.subject, ...ref });
    if (ref.providerRefMissing === undefined) return { journaled: 'recorded' };
    const note = `the registry’s own reference to ${item.digest} could not be looked up (${ref.providerRefMissing}); nothing is lost by it, but an undo of it will need its blobs to remain in the registry`;
    return { journaled: 'recorded', note };
  } catch (e) {
    const { message } = describeError(e);
    return failure(item.digest, message.startsWith('the undo journal') ? message : `the undo journal could not be written (${message})`);
  }
}

/** Items journaled in one write at most: enough to hide the disk's sync latency, few enough to start deleting soon. */
export const JOURNAL_AHEAD = 64;

/**
 * The journal steps of a run, taken a batch ahead: when an item's DELETE is due and it is not journaled yet, it and the
 * next items due (up to JOURNAL_AHEAD) are recorded together — one write to disk, one sync — before any of their
 * DELETEs. Each DELETE still waits for its own record to be on disk; an item recorded but never deleted stays
 * `pending` in the journal (restore checks the registry for those). One batch at a time.
 */
export class JournalAhead {
  private readonly steps = new Map<string, JournalStep>();
  private batch?: Promise<void>;

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly journal: JournalRecorder,
    private readonly concurrency = 8,
  ) {}

  /** The step of `item` (journaled with the first of `upcoming` when it is not yet). Never throws. */
  async stepFor(item: ConfirmedDeletion, upcoming: readonly ConfirmedDeletion[]): Promise<JournalStep> {
    while (!this.steps.has(item.digest)) {
      this.batch ??= this.record([item, ...upcoming.filter((i) => i !== item && !this.steps.has(i.digest))].slice(0, JOURNAL_AHEAD)).finally(() => (this.batch = undefined));
      await this.batch;
    }
    return this.steps.get(item.digest)!;
  }

  private async record(items: ConfirmedDeletion[]): Promise<void> {
    const steps = await mapLimit(items, this.concurrency, (i) => recordBeforeDelete(this.client, this.repository, i, this.journal));
    items.forEach((i, k) => this.steps.set(i.digest, steps[k]));
  }
}
