// Undo: pushes back what a journal entry holds, as its review (restore-review.ts) decided — the manifests by digest,
// what each needs first (an index's platform images, a referrer's subject), then the tags — and reads every one back
// before calling it restored. The image data is still in the registry until garbage collection runs; the review
// has checked each blob, and refused whole any image missing one.
//
// An image the review plans to bring back through its provider (`viaProvider`: GHCR restores the package version it
// deleted, tags included) is asked of the provider first — the restore's first write for it — and then read again:
// its manifest by digest and every blob it references. When the provider cannot restore it, today's path follows: it
// is pushed back if none of its blobs is missing, else refused naming them and the provider's reason.
//
// Invariants: nothing refused is written; a tag that points at another image is moved back only with `force`, or when
// the user chose it (`moveBack`) while it named the very image it names now; it is read again right before its PUT
// (one moved since the review, or since the user was asked, is a conflict too); a manifest whose needed manifest
// could not be pushed is not pushed; `restored` lists only images whose manifest and every tag read back as before.
// Cancelling stops new writes; those in flight finish (the user's signal is not passed to a PUT).
import { describeError } from '../registry/errors';
import { parseManifest } from '../registry/manifest';
import type { RegistryClient } from '../registry/types';
import { manifestBytes } from '../journal/store';
import type { JournalManifest } from '../journal/types';
import { blobsMissing, blobWords, digestNow, type ImagePlan, type MissingBlob, type RestoreReview } from './restore-review';

export interface RestoreOptions {
  /** Move tags that point at another image now back to the image they named. */
  force?: boolean;
  /**
   * Move these tags back, each only while it still names `now` (the image the user saw it name when asked): a
   * person's choice, tag by tag. `force` moves every one.
   */
  moveBack?: readonly { tag: string; digest: string; now: string }[];
  signal?: AbortSignal;
  /** Writes done so far, out of `total`. */
  onProgress?: (done: number, total: number) => void;
}

export interface RestoreResult {
  /** Manifests back by digest: pushed, or restored through the provider (those are in `providerRestored` too). */
  pushed: string[];
  /** Manifests the provider's service restored (GHCR: the package version, with its tags), not pushed. */
  providerRestored: string[];
  /** Tags pointed at their image again; `movedFrom`: the image it named before (force). */
  tagged: { tag: string; digest: string; movedFrom?: string }[];
  /** Images nothing of which was restored, and why. */
  refused: { digest: string; tags: string[]; reason: string }[];
  /** Tags that point at another image now, left alone. */
  conflicts: { tag: string; digest: string; now: string }[];
  failed: { digest: string; tag?: string; error: string }[];
  /** Images wholly back: the manifest and every tag read back as the journal holds them. */
  restored: string[];
  cancelled: boolean;
}

class Restore {
  readonly result: RestoreResult = { pushed: [], providerRestored: [], tagged: [], refused: [], conflicts: [], failed: [], restored: [], cancelled: false };
  /** Manifests there now: present at the review, or pushed here. */
  private readonly there = new Set<string>();
  private readonly manifests: Map<string, JournalManifest>;
  private done = 0;
  private readonly total: number;

  constructor(
    private readonly client: RegistryClient,
    private readonly review: RestoreReview,
    private readonly options: RestoreOptions,
  ) {
    this.manifests = new Map(review.entry.manifests.map((m) => [m.digest, m]));
    const writes = (i: ImagePlan): number => (i.manifest === 'push' ? 1 : 0) + i.tags.filter((t) => t.state === 'restore' || (t.state === 'moved' && this.mayMove(t.tag, i.digest, t.now!))).length;
    this.total = review.images.filter((i) => i.manifest !== 'refused').reduce((n, i) => n + writes(i), 0);
  }

  /** Whether a tag that names `now` may be moved back to `digest`: always with force, else only as the user chose. */
  private mayMove(tag: string, digest: string, now: string): boolean {
    if (this.options.force) return true;
    return (this.options.moveBack ?? []).some((m) => m.tag === tag && m.digest === digest && m.now === now);
  }

  private get repository(): string {
    return this.review.repository;
  }

  private stopped(): boolean {
    if (this.options.signal?.aborted) this.result.cancelled = true;
    return this.result.cancelled;
  }

  private async put(image: ImagePlan, ref: string): Promise<void> {
    const m = this.manifests.get(image.digest)!;
    await this.client.putManifest(this.repository, ref, manifestBytes(m), m.mediaType);
    this.options.onProgress?.(++this.done, this.total);
  }

  async run(): Promise<RestoreResult> {
    for (const image of this.review.images) {
      if (image.manifest === 'refused') this.result.refused.push({ digest: image.digest, tags: image.tags.map((t) => t.tag), reason: image.refused ?? 'cannot be restored' });
      else if (image.manifest === 'present') this.there.add(image.digest);
      else if (!this.stopped()) await (image.viaProvider ? this.restoreThroughProvider(image) : this.pushManifest(image));
    }
    for (const image of this.review.images) {
      if (!this.there.has(image.digest)) continue;
      for (const t of image.tags) if (!this.stopped()) await this.restoreTag(image, t);
    }
    await this.readBack();
    return this.result;
  }

  /** A manifest of the entry the image needs that is not there (it could not be restored), if any: it is then failed. */
  private blocked(image: ImagePlan): boolean {
    const blocked = image.needs.find((d) => this.manifests.has(d) && !this.there.has(d) && this.review.images.some((i) => i.digest === d));
    if (blocked) this.result.failed.push({ digest: image.digest, error: `not pushed: the manifest it needs, ${blocked}, could not be restored` });
    return blocked !== undefined;
  }

  /** The provider's restore, then the image read again; when the provider cannot, the push back (or a refusal). */
  private async restoreThroughProvider(image: ImagePlan): Promise<void> {
    if (this.blocked(image)) return;
    const m = this.manifests.get(image.digest)!;
    try {
      const provider = await this.client.provider();
      if (!provider.restoreDeleted || !m.providerRef) throw new Error(`the ${image.viaProvider} provider cannot restore it`);
      await provider.restoreDeleted(this.repository, m.providerRef);
    } catch (e) {
      const { message, fix } = describeError(e);
      return this.fallBack(image, `${image.viaProvider} could not restore it: ${message}${fix ? ` ${fix}` : ''}`);
    }
    this.options.onProgress?.(++this.done, this.total);
    try {
      if ((await digestNow(this.client, this.repository, image.digest)) !== image.digest) return this.fallBack(image, `${image.viaProvider} said it restored it, but the registry does not serve it`);
      const missing = await this.missingBlobs(m);
      if (missing.length) {
        this.result.failed.push({ digest: image.digest, error: `restored by ${image.viaProvider}, but the registry lacks what it references: ${blobWords(missing).replace(/^garbage collection removed /, '')}` });
        return;
      }
    } catch (e) {
      this.result.failed.push({ digest: image.digest, error: `restored by ${image.viaProvider}, but could not be read back: ${describeError(e).message}` });
      return;
    }
    this.result.pushed.push(image.digest);
    this.result.providerRestored.push(image.digest);
    this.there.add(image.digest);
  }

  /** The blobs `m` references that the repository does not hold now. */
  private async missingBlobs(m: JournalManifest): Promise<MissingBlob[]> {
    const { json } = parseManifest(manifestBytes(m), m.digest, m.mediaType, `${this.repository}@${m.digest}`);
    return blobsMissing(this.client, this.repository, json, 4, this.options.signal);
  }

  /** The provider could not restore the image (`why`): pushed back when no blob was missing at the review, else refused. */
  private async fallBack(image: ImagePlan, why: string): Promise<void> {
    if (image.missingBlobs?.length) {
      this.result.refused.push({ digest: image.digest, tags: image.tags.map((t) => t.tag), reason: `cannot be restored: ${blobWords(image.missingBlobs)}; ${why}` });
      return;
    }
    const before = this.result.failed.length;
    await this.pushManifest(image);
    for (const f of this.result.failed.slice(before)) f.error = `${f.error} (${why})`;
  }

  private async pushManifest(image: ImagePlan): Promise<void> {
    if (this.blocked(image)) return;
    try {
      await this.put(image, image.digest);
      this.result.pushed.push(image.digest);
      this.there.add(image.digest);
    } catch (e) {
      this.result.failed.push({ digest: image.digest, error: describeError(e).message });
    }
  }

  private async restoreTag(image: ImagePlan, t: ImagePlan['tags'][number]): Promise<void> {
    if (t.state === 'present') return;
    if (t.state === 'moved' && !this.mayMove(t.tag, image.digest, t.now!) && !this.result.providerRestored.includes(image.digest)) {
      this.result.conflicts.push({ tag: t.tag, digest: image.digest, now: t.now! });
      return;
    }
    try {
      // Read again right before the PUT: a tag pushed since the review is a conflict too, and one the provider's
      // restore brought back with its image is there already.
      const now = await digestNow(this.client, this.repository, t.tag);
      if (now === image.digest) {
        // Counted as a write to make: it is done (by the provider's restore), so the progress moves on.
        if (t.state === 'restore' || this.mayMove(t.tag, image.digest, t.now!)) this.options.onProgress?.(++this.done, this.total);
        return;
      }
      if (now !== undefined && !this.mayMove(t.tag, image.digest, now)) {
        this.result.conflicts.push({ tag: t.tag, digest: image.digest, now });
        return;
      }
      await this.put(image, t.tag);
      this.result.tagged.push({ tag: t.tag, digest: image.digest, ...(now ? { movedFrom: now } : {}) });
    } catch (e) {
      this.result.failed.push({ digest: image.digest, tag: t.tag, error: describeError(e).message });
    }
  }

  /** Every manifest there and every tag of it, read again: only what reads back as before counts as restored. */
  private async readBack(): Promise<void> {
    const conflicted = new Set(this.result.conflicts.map((c) => c.tag));
    const failedTags = new Set(this.result.failed.flatMap((f) => (f.tag ? [f.tag] : [])));
    for (const image of this.review.images) {
      if (!this.there.has(image.digest)) continue;
      let whole = true;
      try {
        if ((await digestNow(this.client, this.repository, image.digest)) !== image.digest) {
          this.result.failed.push({ digest: image.digest, error: 'pushed, but the registry does not serve it by its digest' });
          continue;
        }
        for (const t of image.tags) {
          if (conflicted.has(t.tag) || failedTags.has(t.tag)) {
            whole = false;
            continue;
          }
          const now = await digestNow(this.client, this.repository, t.tag);
          if (now === image.digest) continue;
          whole = false;
          if (!this.result.cancelled) this.result.failed.push({ digest: image.digest, tag: t.tag, error: `${t.tag} reads back as ${now ?? 'absent'}, not ${image.digest}` });
        }
      } catch (e) {
        this.result.failed.push({ digest: image.digest, error: `could not be read back: ${describeError(e).message}` });
        continue;
      }
      if (whole) this.result.restored.push(image.digest);
    }
  }
}

/** Pushes back what the review decided, then reads it all back. The face marks `restored` in the journal. */
export function restoreReviewed(client: RegistryClient, review: RestoreReview, options: RestoreOptions = {}): Promise<RestoreResult> {
  return new Restore(client, review, options).run();
}
