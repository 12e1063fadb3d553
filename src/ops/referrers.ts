// What refers to the images of a repository (signatures, SBOMs, attestations), found from one snapshot: the
// referrers API where the registry has it, the referrers tag schema's index and cosign's `sha256-<hex>.sig/.att/.sbom`
// tags. The snapshot's tag list says which of those tags exist, so no request is made for a tag that does not.
// Followed recursively (a signature of an SBOM of the image counts too), to a bounded depth.
//
// Then, for Delete Image, what goes with the images deleted (referrerFates, pure) and the executor's items for it.
//
// Invariants:
//  - each referrer is reported once per image, at the smallest depth it was found at;
//  - a subject whose referrers could not all be read carries `error` and none of its referrers: an incomplete read
//    never drives a deletion (they all stay);
//  - a referrer goes only when what it refers to goes, every tag on it is a referrer tag named after something that
//    goes, and nothing that stays (a multi-arch image, a schema index) names it; with `keep`, none goes;
//  - the executor deletes a referrer only after what it refers to is gone (its items carry `subject`).
import { describeUses, referencedByStaying, type IndexUse } from '../prune/graph';
import { mapLimit } from '../registry/concurrency';
import { describeError } from '../registry/errors';
import { isIndex, type ReferrerKind } from '../registry/mediatypes';
import { referrersTagOf, referrerTagSubject } from '../registry/referrer-tags';
import type { Referrer, ReferrerSource, RegistryClient } from '../registry/types';
import type { ConfirmedDeletion } from './checks';
import { tagsByDigest, type RepositorySnapshot } from './snapshot';

/** How deep referrers of referrers are followed: the image's own (1), theirs (2), and theirs (3). */
export const MAX_REFERRER_DEPTH = 3;

/** One referrer of an image, as plain data. */
export interface FoundReferrer {
  digest: string;
  /** The digest it refers to: the image, or (deeper) another referrer of it. */
  subject: string;
  kind: ReferrerKind;
  foundBy: ReferrerSource;
  /** The referrer tag it was found through (`sha256-<hex>.sig`, or the schema's `sha256-<hex>`). */
  tag?: string;
  /** Every tag on its digest in the snapshot (sorted). */
  tags: string[];
  artifactType?: string;
  mediaType?: string;
  size?: number;
  /** 1: refers to the image itself; 2: to one of its referrers; … */
  depth: number;
}

/** A referrers tag schema index (`sha256-<hex>`) that lists referrers of the image or of one of its referrers. */
export interface ReferrersIndex {
  tag: string;
  digest: string;
  /** The digest it is named after. */
  subject: string;
}

export interface SubjectReferrers {
  /** The image. */
  subject: string;
  referrers: FoundReferrer[];
  /** The tag schema's indexes named after the image or one of its referrers that exist in the snapshot. */
  indexes: ReferrersIndex[];
  /** Why its referrers could not all be read (then `referrers` and `indexes` are empty). */
  error?: { message: string; fix?: string };
}

export interface FindReferrersOptions {
  signal?: AbortSignal;
  /** Subjects looked up at once. Default 4. */
  concurrency?: number;
  /** Default MAX_REFERRER_DEPTH. */
  maxDepth?: number;
}

/** The schema index named after `digest`, when its tag is in the snapshot with a digest. */
function schemaIndex(snapshot: RepositorySnapshot, digest: string): ReferrersIndex | undefined {
  const tag = referrersTagOf(digest);
  const info = snapshot.tags.get(tag);
  return info ? { tag, digest: info.digest, subject: digest } : undefined;
}

function found(r: Referrer, depth: number, byDigest: ReadonlyMap<string, string[]>): FoundReferrer {
  return {
    digest: r.digest,
    subject: r.subject,
    kind: r.kind,
    foundBy: r.foundBy,
    ...(r.tag ? { tag: r.tag } : {}),
    tags: byDigest.get(r.digest) ?? [],
    ...(r.artifactType ? { artifactType: r.artifactType } : {}),
    ...(r.mediaType ? { mediaType: r.mediaType } : {}),
    ...(r.size !== undefined ? { size: r.size } : {}),
    depth,
  };
}

/** One image's referrers, breadth first, each once; throws when any read fails. */
async function referrersOf(client: RegistryClient, snapshot: RepositorySnapshot, image: string, maxDepth: number, byDigest: ReadonlyMap<string, string[]>, signal?: AbortSignal): Promise<SubjectReferrers> {
  const referrers: FoundReferrer[] = [];
  const indexes: ReferrersIndex[] = [];
  const seen = new Set<string>([image]);
  let level = [image];
  for (let depth = 1; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const subject of level) {
      const index = schemaIndex(snapshot, subject);
      if (index) indexes.push(index);
      for (const r of await client.listReferrers(snapshot.repository, subject, { tags: snapshot.order, signal })) {
        if (seen.has(r.digest)) continue;
        seen.add(r.digest);
        referrers.push(found(r, depth, byDigest));
        next.push(r.digest);
      }
    }
    level = next;
  }
  return { subject: image, referrers, indexes };
}

/**
 * The referrers of each of `digests` (images of the snapshot's repository), recursively to `maxDepth`. A subject
 * whose referrers could not be read comes back with `error`, not as a failure of the whole call. Reads only.
 */
export async function findReferrers(client: RegistryClient, snapshot: RepositorySnapshot, digests: readonly string[], options: FindReferrersOptions = {}): Promise<SubjectReferrers[]> {
  const byDigest = tagsByDigest(snapshot);
  const maxDepth = Math.max(1, Math.floor(options.maxDepth ?? MAX_REFERRER_DEPTH));
  const unique = [...new Set(digests)];
  const out = new Map<string, SubjectReferrers>();
  await mapLimit(
    unique,
    Math.max(1, options.concurrency ?? 4),
    async (digest) => {
      try {
        out.set(digest, await referrersOf(client, snapshot, digest, maxDepth, byDigest, options.signal));
      } catch (e) {
        if (options.signal?.aborted) throw e;
        const { message, fix } = describeError(e);
        out.set(digest, { subject: digest, referrers: [], indexes: [], error: { message: `its signatures and SBOMs could not be read: ${message}`, ...(fix ? { fix } : {}) } });
      }
    },
    options.signal,
  );
  return unique.map((d) => out.get(d)!);
}

// ---- What goes with deleted images (Delete Image): each referrer's fate, pure.

export type ReferrersMode = 'follow' | 'keep';

/** A referrer of an image being deleted, and whether it goes with it. */
export interface ReferrerFate extends FoundReferrer {
  action: 'delete' | 'keep';
  reason: string;
}

/** A referrers tag schema index named after an image being deleted (or one of its referrers), and its fate. */
export interface ReferrersIndexFate extends ReferrersIndex {
  action: 'delete' | 'keep';
  reason: string;
}

/** What happens to an image's referrers when it is deleted. */
export interface ImageReferrers {
  referrers: ReferrerFate[];
  indexes: ReferrersIndexFate[];
  /** The referrer tags that disappear with the image (cosign's tags, the schema's tag), sorted. */
  tags: string[];
  /** Why its referrers could not be read: none of them is deleted. */
  error?: { message: string; fix?: string };
}

/** Something that would follow an image: a referrer, or a schema index. */
interface Follower {
  digest: string;
  subject: string;
  /** Every tag on its digest now. */
  tags: readonly string[];
  fate: { action: 'delete' | 'keep'; reason: string };
}

/**
 * Decides, until stable, which followers go: one goes only when its subject goes (the image, or the referrer it
 * refers to), each tag on it is a referrer tag named after something that goes, no multi-arch image or schema index
 * that stays names it, and it is not locked. Starts from "everything goes" and only turns deletions into keeps.
 */
function settle(followers: Follower[], targets: ReadonlySet<string>, snapshot: RepositorySnapshot): void {
  const byDigest = tagsByDigest(snapshot);
  for (;;) {
    const going = new Set([...targets, ...followers.filter((f) => f.fate.action === 'delete').map((f) => f.digest)]);
    const staying = new Map<string, string[]>();
    for (const [digest, tags] of byDigest) if (!going.has(digest) && isIndex(snapshot.tags.get(tags[0])?.mediaType)) staying.set(digest, tags);
    const { uses } = referencedByStaying(staying, snapshot.children);
    let changed = false;
    for (const f of followers) {
      if (f.fate.action !== 'delete') continue;
      const why = stays(f, going, uses.get(f.digest), snapshot);
      if (why) {
        f.fate = { action: 'keep', reason: why };
        changed = true;
      }
    }
    if (!changed) return;
  }
}

/** Why a follower must stay, or undefined. */
function stays(f: Follower, going: ReadonlySet<string>, partOf: IndexUse[] | undefined, snapshot: RepositorySnapshot): string | undefined {
  if (!going.has(f.subject)) return `kept: it refers to ${f.subject}, which stays`;
  const other = f.tags.find((t) => {
    const named = referrerTagSubject(t);
    return !named || !going.has(named.subject);
  });
  if (other) return `kept: it is also tagged ${other}, which stays`;
  if (partOf?.length) return `kept: it is part of ${describeUses(snapshot.repository, partOf)}, which stays`;
  const lock = snapshot.locks?.get(f.digest);
  if (lock) return `kept: ${lock.reason}`;
  return undefined;
}

/**
 * What happens to the referrers of each image deleted (`found`, from findReferrers on the same snapshot): with
 * `follow` they go after it unless something that stays needs them; with `keep` they all stay, orphaned.
 * Referrers that are themselves among the images named are left out (they are deleted as images). Pure.
 */
export function referrerFates(snapshot: RepositorySnapshot, found: readonly SubjectReferrers[], mode: ReferrersMode): Map<string, ImageReferrers> {
  const targets = new Set(found.map((s) => s.subject));
  const byDigest = tagsByDigest(snapshot);
  const start = (): Follower['fate'] =>
    mode === 'follow' ? { action: 'delete', reason: 'deleted after its image' } : { action: 'keep', reason: 'kept (referrers: keep): it stays, orphaned' };
  const followers = new Map<string, Follower>();
  const per = new Map<string, { referrers: FoundReferrer[]; indexes: ReferrersIndex[] }>();
  for (const s of found) {
    const referrers = s.referrers.filter((r) => !targets.has(r.digest));
    const indexes = s.indexes.filter((i) => !targets.has(i.digest));
    per.set(s.subject, { referrers, indexes });
    for (const f of [...referrers, ...indexes]) {
      if (!followers.has(f.digest)) followers.set(f.digest, { digest: f.digest, subject: f.subject, tags: byDigest.get(f.digest) ?? [], fate: start() });
    }
  }
  if (mode === 'follow') settle([...followers.values()], targets, snapshot);
  const out = new Map<string, ImageReferrers>();
  for (const s of found) {
    const { referrers, indexes } = per.get(s.subject)!;
    const withFate = <T extends { digest: string }>(x: T): T & Follower['fate'] => ({ ...x, ...followers.get(x.digest)!.fate });
    const fates = { referrers: referrers.map(withFate), indexes: indexes.map(withFate) };
    const going = [...fates.referrers, ...fates.indexes].filter((f) => f.action === 'delete');
    const tags = [...new Set(going.flatMap((f) => byDigest.get(f.digest) ?? []))].sort();
    out.set(s.subject, { ...fates, tags, ...(s.error ? { error: s.error } : {}) });
  }
  return out;
}

/**
 * The followers that go, as the executor takes them: each with every tag on it and the digest it refers to, so the
 * executor deletes it only after that is gone (and only if it is). Each digest once.
 */
export function referrerDeletions(fates: ReadonlyMap<string, ImageReferrers>, snapshot: RepositorySnapshot): ConfirmedDeletion[] {
  const byDigest = tagsByDigest(snapshot);
  const out = new Map<string, ConfirmedDeletion>();
  for (const image of fates.values()) {
    for (const f of [...image.indexes, ...image.referrers]) {
      if (f.action === 'delete' && !out.has(f.digest)) out.set(f.digest, { digest: f.digest, tags: byDigest.get(f.digest) ?? [], subject: f.subject });
    }
  }
  return [...out.values()];
}

/** The referrer tags that went with an image: those of its followers the deletion says were deleted, in order. */
export function referrerTagsGone(referrers: ImageReferrers | undefined, deleted: readonly string[]): string[] {
  if (!referrers) return [];
  const gone = new Set(deleted);
  const followers = [...referrers.referrers, ...referrers.indexes.map((i) => ({ ...i, tags: [i.tag] }))];
  return followers.filter((f) => f.action === 'delete' && gone.has(f.digest)).flatMap((f) => f.tags);
}
