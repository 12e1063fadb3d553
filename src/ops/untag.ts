// Untag: remove one tag and keep the image. Where the registry's provider has its own tag delete (ACR, Harbor), or
// the registry deletes a tag by name (OCI, distribution 3.x), that is one request. Where it cannot (distribution 2.8),
// the fallback points the tag at a unique throw-away manifest and deletes that — the deletion going through the
// executor like every other — so the placeholder never stays behind. untagMethod finds out which way applies without
// changing anything, so a face can ask once, in the words that fit.
//
// The fallback always ends in a known state: cancelling before the tag is rewritten changes nothing; once the
// placeholder is being written, the steps are finished (or, when the placeholder cannot be deleted, undone by
// pointing the tag back at its image), and the result says which.
import { randomUUID } from 'node:crypto';
import { throwIfAborted } from '../registry/concurrency';
import { describeError, isRegistryError, RegistryError } from '../registry/errors';
import { sha256Digest } from '../registry/manifest';
import { OCI_EMPTY, OCI_MANIFEST } from '../registry/mediatypes';
import type { Lock } from '../registry/providers';
import type { RegistryClient } from '../registry/types';
import { digestCache } from './cache';
import { executeDeletions, type DeletionResult } from './executor';
import { readSnapshot, tagsByDigest, withOwnWrite, type RepositorySnapshot } from './snapshot';

export interface UntagReview {
  repository: string;
  tag: string;
  /** The image the tag points at (checked against its bytes). */
  digest: string;
  /** The image's other tags: they stay. */
  otherTags: string[];
  snapshot: RepositorySnapshot;
  /** Why the service will not remove this tag (ACR: the tag's delete or write disabled; Harbor: an immutable tag). */
  locked?: Lock;
}

/** `provider`: the provider's tag delete; `registry`: the V2 DELETE by tag; `placeholder`: the throw-away fallback. */
export type UntagMethod = 'provider' | 'registry' | 'placeholder';

export interface UntagOptions {
  /** Use the throw-away placeholder where the registry cannot delete a tag alone. */
  fallback?: boolean;
  /** What untagMethod found: with `placeholder` (and `fallback`) the DELETE by tag known to be refused is not sent again. */
  method?: UntagMethod;
  signal?: AbortSignal;
}

export interface UntagResult {
  method: UntagMethod;
  /** Cancel was asked for while the placeholder steps ran: they were finished first. */
  finishedDespiteCancel?: boolean;
  /** The executor's report for the placeholder (lost tags included). */
  deletion?: DeletionResult;
}

/** Reads what untagging would change. Deletes nothing. */
export async function reviewUntag(client: RegistryClient, repository: string, tag: string, options: { signal?: AbortSignal; concurrency?: number } = {}): Promise<UntagReview> {
  const manifest = await client.getManifest(repository, tag, options.signal);
  const snapshot = await readSnapshot(client, repository, { signal: options.signal, concurrency: options.concurrency });
  const otherTags = (tagsByDigest(snapshot).get(manifest.digest) ?? []).filter((t) => t !== tag);
  const locked = snapshot.details?.get(tag)?.locked;
  return { repository, tag, digest: manifest.digest, otherTags, snapshot, ...(locked ? { locked } : {}) };
}

/**
 * How this registry can remove a tag alone, found out without changing anything, so a face can say what will happen
 * before it asks: the provider's own tag delete where there is one; otherwise a DELETE by tag of a tag that cannot
 * exist (a random name). Distribution 3 and OCI 1.1 registries answer it 404 (or 202: nothing was there to remove);
 * distribution 2.8 answers 400 DIGEST_INVALID. A 405, 401 or 403 is thrown: no way of untagging would get through.
 */
export async function untagMethod(client: RegistryClient, repository: string, signal?: AbortSignal): Promise<UntagMethod> {
  const provider = await client.provider(signal);
  if (provider.untag) return 'provider';
  // A service without a tag delete (GHCR) says so, rather than a probe and a placeholder it would refuse anyway.
  if (provider.noUntag) throw new RegistryError('UNTAG_UNSUPPORTED', provider.noUntag, { fix: 'Nothing was changed.' });
  try {
    await client.deleteTag(repository, `regx-untag-probe-${randomUUID()}`, signal);
    return 'registry';
  } catch (e) {
    if (isRegistryError(e, 'MANIFEST_UNKNOWN') || isRegistryError(e, 'NOT_FOUND')) return 'registry';
    if (isRegistryError(e, 'UNTAG_UNSUPPORTED')) return 'placeholder';
    throw e;
  }
}

export async function untagReviewed(client: RegistryClient, review: UntagReview, options: UntagOptions = {}): Promise<UntagResult> {
  const provider = await client.provider(options.signal);
  if (provider.noUntag && !provider.untag) throw new RegistryError('UNTAG_UNSUPPORTED', provider.noUntag, { fix: 'Nothing was changed.' });
  if (provider.untag) {
    await provider.untag(review.repository, review.tag, options.signal);
    return { method: 'provider' };
  }
  if (options.method === 'placeholder' && options.fallback) return untagByPlaceholder(client, review, options.signal);
  try {
    await client.deleteTag(review.repository, review.tag, options.signal);
    return { method: 'registry' };
  } catch (e) {
    if (!isRegistryError(e, 'UNTAG_UNSUPPORTED') || !options.fallback) throw e;
  }
  return untagByPlaceholder(client, review, options.signal);
}

function placeholderFor(tag: string): { bytes: Buffer; digest: string; empty: Buffer; emptyDigest: string } {
  const empty = Buffer.from('{}');
  const emptyDigest = sha256Digest(empty);
  const descriptor = { mediaType: OCI_EMPTY, digest: emptyDigest, size: empty.length };
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: descriptor, layers: [descriptor], annotations: { 'dev.registry-explorer.untag': `${tag} ${randomUUID()}` } }),
  );
  return { bytes, digest: sha256Digest(bytes), empty, emptyDigest };
}

async function untagByPlaceholder(client: RegistryClient, review: UntagReview, signal?: AbortSignal): Promise<UntagResult> {
  const { repository, tag } = review;
  const original = await digestCache(client).manifest(repository, review.digest, signal);
  const placeholder = placeholderFor(tag);
  await client.ensureBlob(repository, placeholder.empty, placeholder.emptyDigest, signal);
  // The tag must still be where the user saw it: otherwise rewriting it would take it from another image.
  const now = await client.resolve(repository, tag, signal);
  if (now.digest !== review.digest) throw new RegistryError('BAD_INPUT', `${repository}:${tag} changed since it was shown (it now points at ${now.digest})`, { fix: 'Nothing was changed. Look again and untag again.' });
  throwIfAborted(signal);

  // From here on the user's signal is not passed on: the steps finish, or are undone, so no placeholder stays.
  await client.putManifest(repository, tag, placeholder.bytes, OCI_MANIFEST);
  const snapshot = withOwnWrite(review.snapshot, tag, { digest: placeholder.digest, mediaType: OCI_MANIFEST, verified: true });
  const deletion = await executeDeletions(client, repository, [{ digest: placeholder.digest, tags: [tag], verified: true }], {
    confirmation: 'pre-approved',
    snapshot,
    since: 'the untag began',
  });
  if (deletion.deleted.includes(placeholder.digest)) return { method: 'placeholder', deletion, finishedDespiteCancel: signal?.aborted === true || undefined };
  const why = deletion.failed[0]?.error ?? deletion.skipped[0]?.reason ?? deletion.stoppedBy?.message ?? 'it was not deleted';
  await undo(client, review, original.raw, original.mediaType, placeholder.digest);
  throw new RegistryError(deletion.stoppedBy?.code === 'DELETE_DISABLED' ? 'DELETE_DISABLED' : 'BAD_RESPONSE', `could not untag ${repository}:${tag}: the placeholder could not be deleted (${why})`, {
    fix: `${tag} points at its image again, as before; nothing else was changed.`,
  });
}

/** Puts the tag back on its image and deletes the (now untagged) placeholder, through the executor. */
async function undo(client: RegistryClient, review: UntagReview, raw: Uint8Array, mediaType: string, placeholderDigest: string): Promise<void> {
  try {
    await client.putManifest(review.repository, review.tag, raw, mediaType);
  } catch (e) {
    throw new RegistryError('BAD_RESPONSE', `could not untag ${review.repository}:${review.tag}, nor put the tag back (${describeError(e).message})`, {
      fix: `${review.tag} now points at an empty placeholder image: push the image to it again (its digest is ${review.digest}).`,
    });
  }
  await executeDeletions(client, review.repository, [{ digest: placeholderDigest, tags: [], verified: true }], { confirmation: 'pre-approved', since: 'the untag began' }).catch(() => undefined);
}
