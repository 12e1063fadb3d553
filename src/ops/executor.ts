// The one executor: every deletion in the product goes through here (Delete Image, regx delete, prune in both faces,
// the untag fallback's placeholder). Registries have no transactions and no conditional DELETE, and on distribution
// a DELETE silently removes every tag on the digest. So:
//  - Before deleting, the confirmed items are checked against a snapshot of the repository (checks.ts). After a
//    person confirmed in a dialog or at a prompt, the tags are always read again first; a pre-approved run (--yes)
//    reads again only if its snapshot is older than the freshness bound.
//  - Freshness bound: no delete starts on a snapshot read more than MAX_STALENESS_MS earlier (when reading the
//    repository itself takes over half the bound, a stretch may run half the bound after its read ended, so a
//    huge repository still makes progress). A long run deletes in stretches and reads again between them.
//  - After each stretch the tags are read again and compared with the read before it: a tag that vanished without
//    being confirmed was lost (moved onto an image while it was deleted) and is reported as `lostTags`.
//  - A 404 on DELETE counts as "already gone" only when the digest is known to be right; otherwise it is checked
//    by reading the manifest and the tags, and a registry whose digest did not match is a failure.
//  - The first error that every further delete would meet too (405, 401, 403) stops the run; cancelling stops
//    new deletes, lets those in flight finish, and still looks for lost tags.
//  - A referrer (an item with a `subject`) whose image is another item of the same run waits until that image is
//    gone, and is then decided against a read made after that DELETE (so the usual checks protect everything
//    else); when its image was not deleted, neither is it. Signatures of signatures wait in turn.
//  - Undo journal (when given one): nothing is deleted that the journal does not hold. Before each DELETE the
//    manifest's bytes are read (checked against the digest) and recorded with its tags and subject (journaling.ts;
//    the next items due are recorded in the same write, so the disk's sync is paid once per batch); the DELETE is
//    sent only after its record is on disk. When the bytes cannot be read or the journal cannot be
//    written, the item fails without a DELETE and the run stops (every further delete would need the journal too).
import { describeError, isGone, isRegistryError, RegistryError, stopsBatch, type ErrorCode } from '../registry/errors';
import type { JournalRecorder } from '../journal/types';
import type { RegistryClient } from '../registry/types';
import { JournalAhead } from './journaling';
import { checkDeletions, findLostTags, type ConfirmedDeletion, type LostTag } from './checks';
import { readSnapshot, type RepositorySnapshot } from './snapshot';

/** The freshness bound: no delete acts on a state of the repository read longer ago than this. */
export const MAX_STALENESS_MS = 10_000;

export interface DeletionProgress {
  type: 'deleted' | 'skipped' | 'failed';
  digest: string;
  tags: string[];
  /** Items finished so far, this one included, out of `total`. */
  done: number;
  total: number;
  reason?: string;
  error?: string;
  /** Deleted: the registry had already removed it (checked). */
  alreadyGone?: boolean;
}

export interface ExecuteOptions {
  /** How the user confirmed. `interactive`: a dialog or a prompt (the tags are read again after it). `pre-approved`: --yes. */
  confirmation: 'interactive' | 'pre-approved';
  /** The snapshot the items were confirmed from (a pre-approved run that is fresh enough deletes on it). */
  snapshot?: RepositorySnapshot;
  /** The freshness bound, in ms. Default MAX_STALENESS_MS. */
  maxStalenessMs?: number;
  /** What the user confirmed from, in skip reasons: "changed since the plan". Default "the plan". */
  since?: string;
  /** Deletes in flight at once. Default 4. */
  concurrency?: number;
  /** Concurrency of the re-reads. Default the client's. */
  readConcurrency?: number;
  /** Abort: no new delete starts; those in flight finish and are reported. */
  signal?: AbortSignal;
  onProgress?: (event: DeletionProgress) => void;
  /** The undo journal of this operation: each manifest is recorded in it before its DELETE (see the header). */
  journal?: JournalRecorder;
  /** Called as an item is started (journaled when there is a journal, then its DELETE sent); its outcome follows as an onProgress event. */
  onStart?: (item: { digest: string; tags: string[] }) => void;
  /** Called when the executor starts reading the repository again (for a progress message). */
  onReread?: () => void;
}

export interface DeletionResult {
  /** Digests that are gone, including those the registry had already removed. */
  deleted: string[];
  /** The subset of `deleted` that was already gone. */
  alreadyGone: string[];
  skipped: { digest: string; tags: string[]; reason: string }[];
  failed: { digest: string; tags: string[]; error: string }[];
  /** Tags that disappeared while deleting without having been confirmed. */
  lostTags: LostTag[];
  /** Why lost tags could not be looked for after the deletes (the final read failed or was incomplete). */
  lostTagsUnchecked?: string;
  cancelled: boolean;
  /** Set when the run stopped early because of an error that would hit every delete (e.g. 405). */
  stoppedBy?: { code: ErrorCode | 'UNKNOWN' | 'JOURNAL'; message: string; fix?: string };
  /** Full reads of the repository this run made. */
  reads: number;
  /** What the undo journal could not keep of a deleted image, though the image was recorded (e.g. GHCR's version id). */
  journalNotes?: string[];
}

export async function executeDeletions(client: RegistryClient, repository: string, items: ConfirmedDeletion[], options: ExecuteOptions): Promise<DeletionResult> {
  const run = new Run(client, repository, items, options);
  const result = await run.execute();
  // The outcomes are marks only; one not written leaves its manifest `pending`, which a restore checks anyway.
  await options.journal?.flush().catch(() => undefined);
  return result;
}

class Run {
  private readonly result: DeletionResult = { deleted: [], alreadyGone: [], skipped: [], failed: [], lostTags: [], cancelled: false, reads: 0 };
  private readonly bound: number;
  private readonly since: string;
  private done = 0;
  private queue: ConfirmedDeletion[] = [];
  /** digest → the indexes of this run that reference it: it waits for their DELETE (checks.ts). */
  private waitsFor = new Map<string, string[]>();
  private readonly gone = new Set<string>();
  /** Confirmed tags of what this stretch deleted: their disappearance is expected. */
  private removed = new Set<string>();
  /** Referrers waiting for the DELETE of their image, an item of this run (see the header). */
  private held: ConfirmedDeletion[] = [];
  /** The undo journal's steps, recorded a batch ahead of the DELETEs (journaling.ts). */
  private readonly ahead?: JournalAhead;

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly items: ConfirmedDeletion[],
    private readonly options: ExecuteOptions,
  ) {
    this.bound = options.maxStalenessMs ?? MAX_STALENESS_MS;
    this.since = options.since ?? 'the plan';
    if (options.journal) this.ahead = new JournalAhead(client, repository, options.journal, options.readConcurrency ?? 8);
  }

  private get total(): number {
    return this.items.length;
  }

  private skip(item: ConfirmedDeletion, reason: string): void {
    this.result.skipped.push({ digest: item.digest, tags: item.tags, reason });
    this.options.onProgress?.({ type: 'skipped', digest: item.digest, tags: item.tags, done: ++this.done, total: this.total, reason });
  }

  private stopped(): boolean {
    return this.options.signal?.aborted === true || this.result.stoppedBy !== undefined;
  }

  private async read(signal?: AbortSignal): Promise<RepositorySnapshot> {
    this.result.reads++;
    this.options.onReread?.();
    try {
      return await readSnapshot(this.client, this.repository, { concurrency: this.options.readConcurrency, signal });
    } catch (e) {
      // The repository itself is gone: every tag in it is gone.
      if (isRegistryError(e, 'NOT_FOUND')) return { repository: this.repository, readAt: Date.now(), completedAt: Date.now(), order: [], tags: new Map(), unresolved: new Map(), children: new Map() };
      throw e;
    }
  }

  /** The state to decide on first: the confirmed-from snapshot only for a pre-approved run within the bound. */
  private async firstState(): Promise<RepositorySnapshot | undefined> {
    const given = this.options.snapshot;
    if (given && this.options.confirmation === 'pre-approved' && Date.now() - given.readAt < this.bound) return given;
    try {
      return await this.read(this.options.signal);
    } catch (e) {
      if (this.options.signal?.aborted) {
        this.result.cancelled = true;
        for (const item of this.items) this.skip(item, 'not started: cancelled');
        return undefined;
      }
      const { message, fix } = describeError(e);
      this.result.stoppedBy = { code: isRegistryError(e) ? e.code : 'UNKNOWN', message: `could not check the tags of ${this.repository} again: ${message}`, fix };
      for (const item of this.items) this.skip(item, 'not started: the tags could not be checked again');
      return undefined;
    }
  }

  /** Queues what may go against `state`; skips the rest with the reason. */
  private decide(candidates: ConfirmedDeletion[], state: RepositorySnapshot): void {
    this.queue = [];
    this.waitsFor = new Map();
    for (const v of checkDeletions(candidates, state, this.since)) {
      if (v.skip) this.skip(v.item, v.skip);
      else this.queue.push(v.item);
      if (v.after) this.waitsFor.set(v.item.digest, v.after);
    }
  }

  /** When the stretch of deletes on `state` must end (see the bound in the header). */
  private stretchEnd(state: RepositorySnapshot): number {
    return Math.max(state.readAt + this.bound, state.completedAt + this.bound / 2);
  }

  async execute(): Promise<DeletionResult> {
    if (this.total === 0) return this.result;
    let state = await this.firstState();
    if (!state) return this.result;
    const digests = new Set(this.items.map((item) => item.digest));
    this.held = this.items.filter((item) => item.subject !== undefined && item.subject !== item.digest && digests.has(item.subject));
    this.decide(this.items.filter((item) => !this.held.includes(item)), state);
    let before = state;
    do {
      while (this.queue.length > 0 && !this.stopped()) {
        const deletedSome = await this.stretch(this.stretchEnd(state));
        if (!deletedSome && this.stopped()) break; // nothing changed: nothing to look for
        let after: RepositorySnapshot;
        try {
          after = await this.read();
        } catch (e) {
          this.result.lostTagsUnchecked = `the tags could not be read after deleting (${describeError(e).message})`;
          for (const item of [...this.queue.splice(0), ...this.held.splice(0)]) this.skip(item, 'not started: the tags could not be checked again');
          break;
        }
        if (deletedSome) this.collectLost(before, after);
        before = state = after;
        if (this.queue.length > 0 && !this.stopped()) this.decide(this.queue, state);
      }
    } while (!this.stopped() && this.queue.length === 0 && this.release(state));
    this.finishLeftovers();
    return this.result;
  }

  /**
   * Once nothing else is queued: the held referrers whose image is gone are decided against `state` (read after
   * that image's DELETE); those whose image was not deleted are skipped. True when some were queued.
   */
  private release(state: RepositorySnapshot): boolean {
    while (this.held.length > 0) {
      this.skipHeldOrphans();
      const ready = this.held.filter((item) => this.gone.has(item.subject!));
      this.held = this.held.filter((item) => !ready.includes(item));
      if (ready.length === 0) {
        // Only referrers of each other are left (a cycle no registry can hold): none of them goes.
        for (const item of this.held.splice(0)) this.skip(item, 'not deleted: the image it refers to was not deleted');
        return false;
      }
      this.decide(ready, state);
      if (this.queue.length > 0) return true;
    }
    return false;
  }

  /** Held referrers whose image is neither gone nor itself waiting: it was not deleted, so they stay with it. */
  private skipHeldOrphans(): void {
    for (;;) {
      const waiting = new Set(this.held.map((item) => item.digest));
      const orphaned = this.held.filter((item) => !this.gone.has(item.subject!) && !waiting.has(item.subject!));
      if (orphaned.length === 0) return;
      this.held = this.held.filter((item) => !orphaned.includes(item));
      for (const item of orphaned) this.skip(item, `not deleted: the image it refers to (${item.subject}) was not deleted, so it stays with it`);
    }
  }

  private collectLost(before: RepositorySnapshot, after: RepositorySnapshot): void {
    const { lost, unknown } = findLostTags(before, after, this.removed);
    this.result.lostTags.push(...lost);
    if (unknown.length > 0) this.result.lostTagsUnchecked = `tag${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} could not be read after deleting`;
    this.removed = new Set();
  }

  /**
   * Deletes from the queue until it is empty, the run stops, or `until` passes — in rounds, so that an image waits
   * for the indexes of this run that reference it. The first delete of a stretch always starts (right after its
   * read), so even a bound of 0 makes progress. True when something was deleted.
   */
  private async stretch(until: number): Promise<boolean> {
    let deletedSome = false;
    let started = 0;
    const concurrency = Math.max(1, Math.floor(this.options.concurrency ?? 4));
    const inTime = (): boolean => Date.now() < until || started === 0;
    while (this.queue.length > 0 && !this.stopped() && inTime()) {
      this.skipOrphans();
      const round = this.queue.filter((item) => (this.waitsFor.get(item.digest) ?? []).every((d) => this.gone.has(d)));
      if (round.length === 0) break;
      this.queue = this.queue.filter((item) => !round.includes(item));
      const worker = async (): Promise<void> => {
        while (round.length > 0 && !this.stopped() && inTime()) {
          started++;
          if (await this.deleteOne(round.shift()!, round)) deletedSome = true;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, round.length) }, worker));
      this.queue.unshift(...round); // what the time or a stop left unstarted
    }
    return deletedSome;
  }

  /** Images whose referencing index of this run was not deleted (it failed, or was skipped) must stay. */
  private skipOrphans(): void {
    const pending = new Set(this.queue.map((item) => item.digest));
    this.queue = this.queue.filter((item) => {
      const blocker = (this.waitsFor.get(item.digest) ?? []).find((d) => !this.gone.has(d) && !pending.has(d));
      if (blocker) this.skip(item, `not deleted: the multi-arch image ${blocker} that references it was not deleted, and it would break without it`);
      return !blocker;
    });
  }

  /** One DELETE; true when the image is gone (deleted now, or checked to be gone already). */
  private async deleteOne(item: ConfirmedDeletion, upcoming: readonly ConfirmedDeletion[]): Promise<boolean> {
    const progress = (type: DeletionProgress['type'], extra: Partial<DeletionProgress> = {}): void =>
      this.options.onProgress?.({ type, digest: item.digest, tags: item.tags, done: ++this.done, total: this.total, ...extra });
    this.options.onStart?.({ digest: item.digest, tags: item.tags });
    const { journal } = this.options;
    // Without a journal nothing is awaited here: the DELETE goes out in the same turn as the freshness check.
    const step = this.ahead ? await this.ahead.stepFor(item, upcoming) : undefined;
    if (step && 'failure' in step) {
      this.result.failed.push({ digest: item.digest, tags: item.tags, error: step.failure.message });
      progress('failed', { error: step.failure.message });
      this.result.stoppedBy ??= { code: 'JOURNAL', ...step.failure };
      return false;
    }
    try {
      // The user's signal is not passed on: a delete in flight finishes, so its outcome is known. A manifest the
      // journal step found gone is not sent a DELETE (it would not be in the journal): it is checked like a 404.
      const r = step?.journaled === 'gone' ? { alreadyGone: true } : await this.client.deleteManifest(this.repository, item.digest, undefined, item.tags);
      if (r.alreadyGone) await this.confirmGone(item);
      journal?.outcome(item.digest, r.alreadyGone ? 'alreadyGone' : 'deleted');
      for (const t of item.tags) this.removed.add(t);
      this.gone.add(item.digest);
      this.result.deleted.push(item.digest);
      if (r.alreadyGone) this.result.alreadyGone.push(item.digest);
      if (step && 'note' in step && step.note) (this.result.journalNotes ??= []).push(step.note);
      progress('deleted', { alreadyGone: r.alreadyGone });
      return true;
    } catch (e) {
      const { message, fix } = describeError(e);
      journal?.outcome(item.digest, 'failed', message);
      this.result.failed.push({ digest: item.digest, tags: item.tags, error: message });
      progress('failed', { error: message });
      if (stopsBatch(e) && !this.result.stoppedBy) this.result.stoppedBy = { code: e.code, message, fix };
      return false;
    }
  }

  /**
   * The registry said 404 to the DELETE. That means "already gone" only if the digest is right: a registry whose
   * HEAD announced a wrong digest also answers 404, while the image and its tags stay. Throws when it is not gone.
   */
  private async confirmGone(item: ConfirmedDeletion): Promise<void> {
    if (item.verified) return;
    const host = this.client.host;
    const stillThere = await this.client.getManifest(this.repository, item.digest).then(
      () => true,
      (e) => (isGone(e) ? false : Promise.reject(e)),
    );
    if (stillThere) throw new RegistryError('BAD_RESPONSE', `${host} answered "not found" to deleting ${this.repository}@${item.digest} but still serves it`);
    for (const tag of item.tags) {
      // A tag that now points elsewhere was moved meanwhile (the image is gone); one that still names this digest
      // shows the registry announcing a digest its DELETE does not know.
      const now = await this.client.resolve(this.repository, tag).catch((e) => (isGone(e) ? undefined : Promise.reject(e)));
      if (now?.digest === item.digest) {
        throw new RegistryError('DIGEST_MISMATCH', `the registry's digest for ${this.repository}:${tag} did not match: deleting ${item.digest} answered "not found" while ${tag} still exists`, {
          fix: 'Nothing of that image was deleted. The registry (or something between you and it) announces digests that are not the manifests’ own.',
        });
      }
    }
  }

  /** Whatever did not start: cancelled, or stopped by an error every delete would meet. */
  private finishLeftovers(): void {
    const left = [...this.queue.splice(0), ...this.held.splice(0)];
    this.result.cancelled = this.options.signal?.aborted === true && left.length > 0;
    const why = this.result.stoppedBy ? `not started: stopped by ${this.result.stoppedBy.code}` : 'not started: cancelled';
    for (const item of left) this.skip(item, why);
  }
}

export type { ConfirmedDeletion, LostTag } from './checks';
