// What an undo would do, decided from reads only (nothing is written): for each manifest a journal entry holds,
// whether it is there now, whether every blob it references still is (garbage collection may have removed them),
// whether the manifests it needs (an index's platform images, a referrer's subject) are there or come back with it,
// and where each of its tags points now. A manifest a hosted service deleted through its own API, with the service's
// reference to it in the journal (GHCR: the package version), is planned to come back through that service first
// (`viaProvider`: the restore asks it, then checks the image); its blobs are still checked, for the fallback.
//
// Invariants: an image is pushed back only whole — a manifest with any blob gone, or needing a manifest that is gone
// and not brought back by the same entry, is refused with its tags, naming what is missing; a tag that points at
// another image now is a conflict, never moved back without `force`; an image comes after what it needs.
import { mapLimit } from '../registry/concurrency';
import { isGone } from '../registry/errors';
import { digestMatches, parseManifest } from '../registry/manifest';
import type { Provider } from '../registry/providers/types';
import type { RegistryClient } from '../registry/types';
import { manifestBytes } from '../journal/store';
import type { JournalEntry, JournalManifest } from '../journal/types';

export type BlobKind = 'config' | 'layer' | 'blob';

export interface MissingBlob {
  digest: string;
  kind: BlobKind;
}

export interface TagPlan {
  tag: string;
  /** `restore`: no such tag now; `present`: it names this image already; `moved`: it names another image (`now`). */
  state: 'restore' | 'present' | 'moved';
  now?: string;
}

export interface ImagePlan {
  digest: string;
  mediaType: string;
  /** `push`: gone, to be pushed back; `present`: there now (only its tags may need restoring); `refused`: nothing of it is restored. */
  manifest: 'push' | 'present' | 'refused';
  /** Why it is refused, in plain words ("cannot be restored: …"). */
  refused?: string;
  /** The blobs garbage collection removed (when refused for them; with `viaProvider`, what a push back would lack). */
  missingBlobs?: MissingBlob[];
  /**
   * `push` only: the provider (its name) that deleted it through its service's API and restores it from the journal's
   * reference, before anything is pushed. When the service cannot, it is pushed back only if no blob is missing.
   */
  viaProvider?: string;
  /** Manifests it needs: the platform images of an index, the subject of a referrer. */
  needs: string[];
  tags: TagPlan[];
}

export interface RestoreReview {
  id: string;
  registry: string;
  repository: string;
  operation: string;
  /** In push order: whatever an image needs comes before it. */
  images: ImagePlan[];
  /** Manifests of the entry this operation did not delete (already gone when it ran): not restored. */
  notDeleted: string[];
  /** The entry reviewed (it holds the bytes to push). */
  entry: JournalEntry;
}

export interface RestoreReviewOptions {
  concurrency?: number;
  signal?: AbortSignal;
}

/** What a manifest references that must be in the repository: its config, layers, an artifact's blobs (schema1: fsLayers). */
export function referencedBlobs(json: Record<string, unknown>): MissingBlob[] {
  const out: MissingBlob[] = [];
  const add = (value: unknown, kind: BlobKind, key = 'digest'): void => {
    for (const d of Array.isArray(value) ? value : value ? [value] : []) {
      const digest = d && typeof d === 'object' ? (d as Record<string, unknown>)[key] : undefined;
      if (typeof digest === 'string' && !out.some((b) => b.digest === digest)) out.push({ digest, kind });
    }
  };
  add(json.config, 'config');
  add(json.layers, 'layer');
  add(json.blobs, 'blob');
  add(json.fsLayers, 'layer', 'blobSum');
  return out;
}

/** The manifests it cannot come back without: an index's entries and a referrer's subject. */
function neededManifests(json: Record<string, unknown>, subject: string | undefined): string[] {
  const children = Array.isArray(json.manifests) ? json.manifests.flatMap((m) => (m && typeof m.digest === 'string' ? [m.digest as string] : [])) : [];
  return [...new Set([...children, ...(subject ? [subject] : [])])];
}

interface Facts {
  manifest: JournalManifest;
  /** Parsed, or why the journal's copy cannot be pushed. */
  json?: Record<string, unknown>;
  broken?: string;
  existsNow: boolean;
  missingBlobs: MissingBlob[];
  needs: string[];
  tags: TagPlan[];
  /** The provider that can restore it from the journal's reference (it deleted it, and is the one connected). */
  viaProvider?: string;
}

/** The blobs `json` (a manifest) references that `repository` does not hold now: HEAD each, `concurrency` at once. */
export async function blobsMissing(client: RegistryClient, repository: string, json: Record<string, unknown>, concurrency: number, signal?: AbortSignal): Promise<MissingBlob[]> {
  const blobs = referencedBlobs(json);
  const there = await mapLimit(blobs, concurrency, (b) => client.hasBlob(repository, b.digest, signal), signal);
  return blobs.filter((_, i) => !there[i]);
}

/** The digest a tag or digest names now, or undefined when the registry has no such manifest. */
export async function digestNow(client: RegistryClient, repository: string, ref: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await client.resolve(repository, ref, signal)).digest;
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
}

/** Reads what the registry holds now for one manifest of the entry. */
async function readFacts(client: RegistryClient, entry: JournalEntry, m: JournalManifest, provider: Provider | undefined, options: RestoreReviewOptions): Promise<Facts> {
  const { repository } = entry;
  const bytes = manifestBytes(m);
  let json: Record<string, unknown> | undefined;
  let broken: string | undefined;
  if (!digestMatches(bytes, m.digest)) broken = 'cannot be restored: the journal’s copy of it does not match its digest';
  else {
    try {
      json = parseManifest(bytes, m.digest, m.mediaType, `${repository}@${m.digest}`).json;
    } catch {
      broken = 'cannot be restored: the journal’s copy of it is not a manifest';
    }
  }
  const existsNow = (await digestNow(client, repository, m.digest, options.signal)) === m.digest;
  const tags = await mapLimit(
    m.tags,
    options.concurrency ?? 4,
    async (tag): Promise<TagPlan> => {
      const now = await digestNow(client, repository, tag, options.signal);
      if (now === undefined) return { tag, state: 'restore' };
      return now === m.digest ? { tag, state: 'present' } : { tag, state: 'moved', now };
    },
    options.signal,
  );
  const missingBlobs = json && !existsNow ? await blobsMissing(client, repository, json, options.concurrency ?? 4, options.signal) : [];
  const needs = json ? neededManifests(json, m.subject) : [];
  const viaProvider = !existsNow && canRestore(m, provider) ? provider!.name : undefined;
  return { manifest: m, json, broken, existsNow, missingBlobs, needs, tags, ...(viaProvider ? { viaProvider } : {}) };
}

/** Whether the connected provider is the one that deleted `m` (by the journal's reference) and can restore it. */
function canRestore(m: JournalManifest, provider: Provider | undefined): boolean {
  return !!provider?.restoreDeleted && m.providerRef !== undefined && m.providerRef.provider === provider.name;
}

export function blobWords(missing: readonly MissingBlob[]): string {
  return `garbage collection removed ${missing.length === 1 ? 'blob' : 'blobs'} ${missing.map((b) => `${b.digest} (${b.kind})`).join(', ')}`;
}

/** Said after missing blobs: why the service that deleted the manifest will not bring it back here. */
function serviceWords(m: JournalManifest): string {
  const via = m.providerRef?.provider;
  if (typeof via === 'string') return ` (it was deleted through the ${via} provider’s API, which can restore it: connect to the registry with the ${via} provider to restore it that way)`;
  if (m.providerRefMissing) return ` (the registry’s own reference to it could not be looked up when it was deleted: ${m.providerRefMissing})`;
  return '';
}

/**
 * The decisions, from the facts (pure): refusals spread to what needs a refused manifest, until nothing changes;
 * then the order (needs first).
 */
function decideRestore(facts: readonly Facts[], present: (digest: string) => boolean): ImagePlan[] {
  const plans = new Map<string, ImagePlan>();
  for (const f of facts) {
    const base = { digest: f.manifest.digest, mediaType: f.manifest.mediaType, needs: f.needs, tags: f.tags };
    if (f.existsNow) plans.set(base.digest, { ...base, manifest: 'present' });
    else if (f.broken) plans.set(base.digest, { ...base, manifest: 'refused', refused: f.broken });
    else if (f.viaProvider) plans.set(base.digest, { ...base, manifest: 'push', viaProvider: f.viaProvider, ...(f.missingBlobs.length ? { missingBlobs: f.missingBlobs } : {}) });
    else if (f.missingBlobs.length) plans.set(base.digest, { ...base, manifest: 'refused', refused: `cannot be restored: ${blobWords(f.missingBlobs)}${serviceWords(f.manifest)}`, missingBlobs: f.missingBlobs });
    else plans.set(base.digest, { ...base, manifest: 'push' });
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of plans.values()) {
      if (p.manifest !== 'push') continue;
      const why = p.needs.map((d) => whyUnavailable(d, plans, present)).find((w) => w !== undefined);
      if (why) {
        p.manifest = 'refused';
        p.refused = `cannot be restored: ${why}`;
        changed = true;
      }
    }
  }
  return pushOrder([...plans.values()], plans);
}

/** Why a needed manifest will not be there, or undefined when it will. */
function whyUnavailable(digest: string, plans: Map<string, ImagePlan>, present: (digest: string) => boolean): string | undefined {
  const own = plans.get(digest);
  if (own) return own.manifest === 'refused' ? `the manifest it needs, ${digest}, cannot be restored either` : undefined;
  return present(digest) ? undefined : `the manifest it needs, ${digest}, is gone and this operation did not delete it (the journal does not hold it)`;
}

/** Depth first over the needs that are in the entry: each image after what it needs. */
function pushOrder(images: ImagePlan[], plans: Map<string, ImagePlan>): ImagePlan[] {
  const out: ImagePlan[] = [];
  const seen = new Set<string>();
  const visit = (p: ImagePlan): void => {
    if (seen.has(p.digest)) return;
    seen.add(p.digest);
    for (const d of p.needs) {
      const need = plans.get(d);
      if (need) visit(need);
    }
    out.push(p);
  };
  images.forEach(visit);
  return out;
}

/** The manifests of the entry an undo brings back: those it deleted, or may have (pending, or a DELETE that failed). */
export function toRestore(entry: JournalEntry): JournalManifest[] {
  return entry.manifests.filter((m) => m.status !== 'alreadyGone');
}

/** What undoing `entry` would do. Reads the registry; writes nothing. */
export async function reviewRestore(client: RegistryClient, entry: JournalEntry, options: RestoreReviewOptions = {}): Promise<RestoreReview> {
  const manifests = toRestore(entry);
  // The provider is asked only where the journal holds a service's reference (a plain registry is not probed).
  const provider = manifests.some((m) => m.providerRef) ? await client.provider(options.signal) : undefined;
  const facts = await mapLimit(manifests, Math.max(1, Math.ceil((options.concurrency ?? 8) / 4)), (m) => readFacts(client, entry, m, provider, options), options.signal);
  // The needed manifests outside the entry (an index's platform images that were not deleted): are they there?
  const inEntry = new Set(manifests.map((m) => m.digest));
  const outside = [...new Set(facts.flatMap((f) => (f.existsNow ? [] : f.needs)).filter((d) => !inEntry.has(d)))];
  const there = await mapLimit(outside, options.concurrency ?? 8, async (d) => (await digestNow(client, entry.repository, d, options.signal)) === d, options.signal);
  const present = new Set(outside.filter((_, i) => there[i]));
  return {
    id: entry.id,
    registry: entry.registry,
    repository: entry.repository,
    operation: entry.operation,
    images: decideRestore(facts, (d) => present.has(d)),
    notDeleted: entry.manifests.filter((m) => m.status === 'alreadyGone').map((m) => m.digest),
    entry,
  };
}

/**
 * What an undo cannot bring back on the registry's service (GHCR, Docker Hub), in the provider's words, for a
 * confirmation to say before anything is deleted; undefined on a plain registry.
 */
export async function undoNote(client: RegistryClient, signal?: AbortSignal): Promise<string | undefined> {
  return (await client.provider(signal)).undoNote?.();
}
