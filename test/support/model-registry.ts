// A MODEL of a registry's tag/manifest state for property tests; not a fake server. It speaks the parts of the
// RegistryClient contract that the executor (src/ops/executor.ts) and the snapshot reader (src/ops/snapshot.ts)
// use, with distribution's semantics:
//  - a DELETE of a digest removes the manifest and EVERY tag on it (an index's platform manifests stay);
//  - a tag or digest that is not there answers 404 (MANIFEST_UNKNOWN); a DELETE of an unknown digest is `alreadyGone`;
//  - getManifest returns an index's platforms.
// Other people act on it through the `other*` methods, from a hook that runs at the start of every call, so a
// property test can interleave their actions with the executor's calls at random but reproducible points.
// Everything the executor observed and did is logged with a sequence number: `reads` (a listTags and the
// resolveMany of the tags it listed, as readSnapshot makes them) and `deletes` (with the tags each DELETE took).
// At the end: the generator of repositories (tags, shared digests, nested indexes) that both property tests use.
import fc from 'fast-check';
import { RegistryError } from '../../src/registry/errors';
import { isIndex, manifestKind, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/mediatypes';
import type { Provider } from '../../src/registry/providers';
import type { BatchOptions, DeleteResult, DigestInfo, ListOptions, ManifestInfo, Platform, RegistryClient } from '../../src/registry/types';

export const MODEL_HOST = 'model.invalid';
export const MODEL_REPOSITORY = 'model/app';

/** A manifest: an image, or an index naming its platform manifests. Content-addressed: never changes. */
export interface ManifestSpec {
  digest: string;
  mediaType: string;
  platforms?: Platform[];
}

/** A repository's state: its manifests and where each tag points. */
export interface RepositorySpec {
  manifests: ManifestSpec[];
  tags: [tag: string, digest: string][];
}

/** The calls a hook sees, counted per kind from the model's creation. `resolveTag` is one tag inside resolveMany. */
export type CallKind = 'listTags' | 'resolveTag' | 'resolve' | 'getManifest' | 'deleteManifest';

/** One full read as readSnapshot makes it: the tags listed, then each one's answer. */
export interface ReadRecord {
  /** Sequence number of the listTags call. */
  startSeq: number;
  /** Sequence number after the last tag was answered; undefined while (or if never) resolved. */
  endSeq?: number;
  /** Date.now() at the listTags call, and at the read's last call (its last tag answered, or a GET of an index after). */
  at: number;
  endAt?: number;
  listed: string[];
  answers: Map<string, DigestInfo | 'gone' | Error>;
}

export interface DeleteRecord {
  seq: number;
  /** Date.now() when the DELETE call arrived (before any hook ran). */
  at: number;
  digest: string;
  outcome: 'deleted' | 'not-found' | 'failed';
  /** The tags that pointed at the digest when it was deleted (they went with it). */
  vanished: string[];
}

export type FailureCode = 'SERVER' | 'DELETE_DISABLED';

function digestOf(ref: string): boolean {
  return ref.includes(':');
}

function notFound(what: string): RegistryError {
  return new RegistryError('MANIFEST_UNKNOWN', `${MODEL_HOST}: ${what} is not known`, { status: 404 });
}

function serverError(what: string): RegistryError {
  return new RegistryError('SERVER', `${MODEL_HOST} answered 500 to ${what}`, { status: 500 });
}

export class ModelRegistry implements RegistryClient {
  readonly host = MODEL_HOST;
  /** The model is a plain distribution registry: no hosted API. */
  readonly provider = async (): Promise<Provider> => ({ name: 'distribution' });
  /** Every manifest ever known (content-addressed), present or deleted. */
  readonly contents = new Map<string, ManifestSpec>();
  /** The digests present now. */
  readonly present = new Set<string>();
  /** tag → digest, now. */
  readonly tags = new Map<string, string>();

  readonly reads: ReadRecord[] = [];
  readonly deletes: DeleteRecord[] = [];
  /** What other people did, in order, for a failing case's report. */
  readonly others: string[] = [];
  /**
   * Runs at the start of every call, before it is answered. `n`: this kind's count so far, from 0; `subject`: the
   * tag or digest the call is about (the digest a DELETE is for, the tag a HEAD resolves).
   */
  hook?: (kind: CallKind, n: number, subject?: string) => void;

  private seqCounter = 0;
  private readonly counts = new Map<CallKind, number>();
  private readonly failingResolves = new Set<string>();
  private readonly failingManifests = new Set<string>();
  private failingLists = 0;
  private failingDelete?: FailureCode;
  private freshCounter = 0;
  /** The read still going on: the last listTags, until a call that is not part of a read. */
  private openRead?: ReadRecord;

  constructor(
    spec: RepositorySpec,
    readonly repository = MODEL_REPOSITORY,
    /** listTags throws after this many calls: a guard so that an executor that never stops reading still ends. */
    private readonly maxLists = 200,
  ) {
    for (const m of spec.manifests) {
      this.contents.set(m.digest, m);
      this.present.add(m.digest);
    }
    for (const [tag, digest] of spec.tags) this.tags.set(tag, digest);
  }

  /** The current sequence number: every call and every tag answered takes the next one. */
  get seq(): number {
    return this.seqCounter;
  }

  count(kind: CallKind): number {
    return this.counts.get(kind) ?? 0;
  }

  private step(kind: CallKind, subject?: string): number {
    const n = this.count(kind);
    this.counts.set(kind, n + 1);
    this.hook?.(kind, n, subject);
    return ++this.seqCounter;
  }

  private checkRepository(repository: string): void {
    if (repository !== this.repository) throw new RegistryError('NOT_FOUND', `${MODEL_HOST}: repository ${repository} is not known`, { status: 404 });
  }

  private info(digest: string): DigestInfo {
    return { digest, mediaType: this.contents.get(digest)!.mediaType, verified: true };
  }

  /** tag → digest now, sorted by tag. */
  tagMap(): Map<string, string> {
    return new Map([...this.tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  tagsOn(digest: string): string[] {
    return [...this.tags].filter(([, d]) => d === digest).map(([t]) => t).sort();
  }

  /** The digests an index names, following nested indexes (from the manifests' contents, whether present or not). */
  referencedBy(index: string): Set<string> {
    const out = new Set<string>();
    const visit = (digest: string): void => {
      for (const p of this.contents.get(digest)?.platforms ?? []) {
        if (out.has(p.digest)) continue;
        out.add(p.digest);
        visit(p.digest);
      }
    };
    visit(index);
    return out;
  }

  // ---- The client contract (what the executor and readSnapshot use) ----

  async listTags(repository: string, options: ListOptions = {}): Promise<string[]> {
    const at = Date.now();
    const seq = this.step('listTags');
    if (options.signal?.aborted) throw new RegistryError('CANCELLED', 'the operation was cancelled');
    this.checkRepository(repository);
    if (this.failingLists > 0 || this.count('listTags') > this.maxLists) {
      this.failingLists = Math.max(0, this.failingLists - 1);
      throw serverError(`listing the tags of ${repository}`);
    }
    const listed = [...this.tagMap().keys()];
    this.openRead = { startSeq: seq, at, listed, answers: new Map() };
    this.reads.push(this.openRead);
    return listed;
  }

  async resolveMany(repository: string, tags: string[], options: BatchOptions = {}): Promise<Map<string, DigestInfo | Error>> {
    this.checkRepository(repository);
    const read = this.openRead;
    const out = new Map<string, DigestInfo | Error>();
    for (const tag of tags) {
      if (options.signal?.aborted) throw new RegistryError('CANCELLED', 'the operation was cancelled');
      this.step('resolveTag', tag);
      const answer = this.answerTag(tag);
      out.set(tag, answer);
      read?.answers.set(tag, answer instanceof RegistryError && answer.code === 'MANIFEST_UNKNOWN' ? 'gone' : answer);
      options.onResult?.(tag, answer);
    }
    if (read) {
      read.endSeq = ++this.seqCounter;
      read.endAt = Date.now();
    }
    return out;
  }

  private answerTag(tag: string): DigestInfo | Error {
    if (this.failingResolves.delete(tag)) return serverError(`HEAD ${tag}`);
    const digest = this.tags.get(tag);
    return digest === undefined ? notFound(`tag ${tag}`) : this.info(digest);
  }

  async resolve(repository: string, tagOrDigest: string): Promise<DigestInfo> {
    this.step('resolve', tagOrDigest);
    this.openRead = undefined;
    this.checkRepository(repository);
    if (digestOf(tagOrDigest)) {
      if (!this.present.has(tagOrDigest)) throw notFound(tagOrDigest);
      return this.info(tagOrDigest);
    }
    const answer = this.answerTag(tagOrDigest);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  async getManifest(repository: string, tagOrDigest: string): Promise<ManifestInfo> {
    this.step('getManifest', tagOrDigest);
    if (this.openRead?.endAt !== undefined) this.openRead.endAt = Date.now(); // readSnapshot reading the indexes
    this.checkRepository(repository);
    const digest = digestOf(tagOrDigest) ? tagOrDigest : this.tags.get(tagOrDigest);
    if (digest !== undefined && this.failingManifests.delete(digest)) throw serverError(`GET ${digest}`);
    if (digest === undefined || !this.present.has(digest)) throw notFound(tagOrDigest);
    const m = this.contents.get(digest)!;
    return {
      digest,
      mediaType: m.mediaType,
      kind: manifestKind(m.mediaType),
      raw: new Uint8Array(),
      json: {},
      ...(m.platforms ? { platforms: m.platforms.map((p) => ({ ...p })) } : {}),
      verified: true,
    };
  }

  async deleteManifest(repository: string, digest: string): Promise<DeleteResult> {
    const at = Date.now();
    const seq = this.step('deleteManifest', digest);
    this.openRead = undefined;
    this.checkRepository(repository);
    const failure = this.failingDelete;
    if (failure) {
      this.failingDelete = undefined;
      this.deletes.push({ seq, at, digest, outcome: 'failed', vanished: [] });
      if (failure === 'DELETE_DISABLED') throw new RegistryError('DELETE_DISABLED', `${MODEL_HOST} answered 405 to DELETE`, { status: 405 });
      throw serverError(`DELETE ${digest}`);
    }
    if (!this.present.has(digest)) {
      this.deletes.push({ seq, at, digest, outcome: 'not-found', vanished: [] });
      return { digest, alreadyGone: true };
    }
    const vanished = this.removeManifest(digest);
    this.deletes.push({ seq, at, digest, outcome: 'deleted', vanished });
    return { digest, alreadyGone: false };
  }

  private removeManifest(digest: string): string[] {
    const vanished = this.tagsOn(digest);
    for (const t of vanished) this.tags.delete(t);
    this.present.delete(digest);
    return vanished;
  }

  // ---- Other people ----

  /** Pushes (or moves) `tag` onto an existing manifest. */
  otherPushTag(tag: string, digest: string): void {
    if (!this.present.has(digest)) return;
    this.others.push(`@${this.seqCounter} ${this.tags.has(tag) ? 'move' : 'push'} ${tag} → ${digest}`);
    this.tags.set(tag, digest);
  }

  /** Deletes a tag alone (OCI untag). */
  otherUntag(tag: string): void {
    if (!this.tags.delete(tag)) return;
    this.others.push(`@${this.seqCounter} untag ${tag}`);
  }

  /** Pushes a new image (or an index naming `platforms`) under `tag`; returns its digest. */
  otherPushImage(tag: string, platforms?: Platform[]): string {
    const digest = `sha256:${'f'.repeat(48)}${String(++this.freshCounter).padStart(16, '0')}`;
    this.contents.set(digest, { digest, mediaType: platforms ? OCI_INDEX : OCI_MANIFEST, ...(platforms ? { platforms } : {}) });
    this.present.add(digest);
    this.tags.set(tag, digest);
    this.others.push(`@${this.seqCounter} push new ${platforms ? 'index' : 'image'} ${digest} as ${tag}`);
    return digest;
  }

  /** Another person's DELETE of a digest (its tags go with it). */
  otherDeleteManifest(digest: string): void {
    if (!this.present.has(digest)) return;
    const vanished = this.removeManifest(digest);
    this.others.push(`@${this.seqCounter} delete ${digest} (with ${vanished.join(', ') || 'no tag'})`);
  }

  /** The next answer for `tag` (a HEAD) is a 500. */
  failNextResolve(tag: string): void {
    this.failingResolves.add(tag);
    this.others.push(`@${this.seqCounter} next HEAD of ${tag} fails`);
  }

  /** The next GET of `digest` is a 500. */
  failNextManifest(digest: string): void {
    this.failingManifests.add(digest);
    this.others.push(`@${this.seqCounter} next GET of ${digest} fails`);
  }

  failNextList(): void {
    this.failingLists++;
    this.others.push(`@${this.seqCounter} next tag list fails`);
  }

  failNextDelete(code: FailureCode): void {
    this.failingDelete = code;
    this.others.push(`@${this.seqCounter} next DELETE fails with ${code}`);
  }

  isIndexDigest(digest: string): boolean {
    return isIndex(this.contents.get(digest)?.mediaType);
  }

  /** The model has no referrers API (as distribution 2.8): referrers come from the tag list alone. */
  async referrersFromApi(): Promise<undefined> {
    return undefined;
  }

  // ---- Not modelled ----

  private unsupported(name: string): never {
    throw new Error(`ModelRegistry.${name} is not modelled`);
  }
  ping(): never {
    return this.unsupported('ping');
  }
  repositoriesPage(): never {
    return this.unsupported('repositoriesPage');
  }
  listRepositories(): never {
    return this.unsupported('listRepositories');
  }
  tagsPage(): never {
    return this.unsupported('tagsPage');
  }
  browseTags(): never {
    return this.unsupported('browseTags');
  }
  getCreated(): never {
    return this.unsupported('getCreated');
  }
  getBlob(): never {
    return this.unsupported('getBlob');
  }
  hasBlob(): never {
    return this.unsupported('hasBlob');
  }
  deleteTag(): never {
    return this.unsupported('deleteTag');
  }
  listReferrers(): never {
    return this.unsupported('listReferrers');
  }
  ensureBlob(): never {
    return this.unsupported('ensureBlob');
  }
  putManifest(): never {
    return this.unsupported('putManifest');
  }
  async close(): Promise<void> {}
}

// ---- Generated repositories (shared by the planner's and the executor's property tests) ----

/** A digest in the sha256 shape, numbered. */
export const digestNo = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;

const ARCHES = ['amd64', 'arm64', 'arm', 'ppc64le', 's390x'] as const;

/** `1.2.3`, `v1.2.3`, `1.2.3-rc.1`: versions, some prereleases. */
const versionTag = fc
  .tuple(fc.constantFrom('', '', 'v'), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('-rc.1', '-rc.2', '-beta', '-alpha.1') }))
  .map(([v, major, minor, patch, pre]) => `${v}${major}.${minor}.${patch}${pre}`);

/** Tags that are not versions (or are not semver): `latest`, `2.0`, `dev-x`. */
const otherTag = fc.constantFrom('latest', 'stable', 'edge', '2.0', '1.2', 'dev-x', 'main-abc123', '20240101', 'V1.0.0', 'release-1');

/** Per-platform tags: `2.0.0-amd64` (a prerelease to semver). */
const platformTag = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...ARCHES))
  .map(([major, minor, arch]) => `${major}.${minor}.0-${arch}`);

export const arbTagName: fc.Arbitrary<string> = fc.oneof({ weight: 6, arbitrary: versionTag }, { weight: 2, arbitrary: otherTag }, { weight: 2, arbitrary: platformTag });

interface RawManifest {
  index: boolean;
  /** Children, as offsets into the manifests after this one (so that nesting is acyclic, as content addressing makes it). */
  children: { pick: number; arch: (typeof ARCHES)[number]; variant: boolean }[];
}

const arbRawManifest: fc.Arbitrary<RawManifest> = fc.record({
  index: fc.integer({ min: 0, max: 3 }).map((n) => n === 0), // about 1 in 4
  children: fc.array(fc.record({ pick: fc.nat(), arch: fc.constantFrom(...ARCHES), variant: fc.boolean() }), { minLength: 1, maxLength: 4 }),
});

function buildManifests(raw: RawManifest[]): ManifestSpec[] {
  const manifests: ManifestSpec[] = raw.map((r, i) => ({ digest: digestNo(i + 1), mediaType: r.index && i < raw.length - 1 ? OCI_INDEX : OCI_MANIFEST }));
  manifests.forEach((m, i) => {
    if (m.mediaType !== OCI_INDEX) return;
    const seen = new Set<string>();
    m.platforms = [];
    for (const c of raw[i].children) {
      const child = manifests[i + 1 + (c.pick % (raw.length - i - 1))];
      if (seen.has(child.digest)) continue;
      seen.add(child.digest);
      m.platforms.push({ os: 'linux', architecture: c.arch, ...(c.variant ? { variant: 'v8' } : {}), digest: child.digest, mediaType: child.mediaType });
    }
  });
  return manifests;
}

/**
 * A repository of 0–`maxTags` tags: about one tag in four shares the digest of an earlier tag, the others have their
 * own manifest; a few manifests more are untagged. About one manifest in four is a multi-arch index naming later
 * manifests, so indexes nest and their platform manifests may or may not be tagged.
 */
export function arbRepositorySpec(maxTags = 40): fc.Arbitrary<RepositorySpec> {
  const arbTag = fc.record({ tag: arbTagName, share: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }) });
  return fc.uniqueArray(arbTag, { selector: (t) => t.tag, maxLength: maxTags, size: 'medium' }).chain((tags) => {
    const own = tags.filter((t, i) => i === 0 || t.share === undefined).length;
    return fc
      .array(arbRawManifest, { minLength: Math.max(1, own), maxLength: own + 8 })
      .chain((raw) => fc.tuple(fc.constant(raw), fc.shuffledSubarray([...raw.keys()], { minLength: own, maxLength: own })))
      .map(([raw, tagged]) => {
        // Which manifests are tagged is shuffled: an untagged index may sit between tagged ones, and name them.
        const manifests = buildManifests(raw);
        const digests: string[] = [];
        let next = 0;
        for (const [i, t] of tags.entries()) digests.push(i > 0 && t.share !== undefined ? digests[t.share % i] : manifests[tagged[next++]].digest);
        return { manifests, tags: tags.map((t, i): [string, string] => [t.tag, digests[i]]) };
      });
  });
}
