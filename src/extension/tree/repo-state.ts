// One registry's session as the tree has loaded it (its client, catalog, filters), and one repository: its tags (sorted, paged, maybe incomplete), their digests as they arrive,
// the tags sharing each digest (kept up to date as digests arrive, so drawing a row costs nothing), what the
// provider says of each tag, its untagged manifests, and details read for hover and rows. Plain data, no `vscode`.
import type { DigestInfo, Listing, ManifestInfo, ManifestRow, PingResult, ProviderName, Referrer, RegistryClient, RepositoryFacts, TagDetail } from '../../engine';
import type { RegistryEntry } from '../model/settings';
import { referrerTagsBySubject, type ReferrerTagRow } from '../model/referrers';

export interface TagDetails {
  manifest: ManifestInfo;
  created?: Date;
}

/** Tags on the same digest, kept as digests arrive: `others(tag)` without scanning the repository. */
export class SharedDigests {
  private readonly byDigest = new Map<string, Set<string>>();
  private readonly digestOf = new Map<string, string>();

  set(tag: string, digest: string): void {
    const old = this.digestOf.get(tag);
    if (old === digest) return;
    if (old) this.byDigest.get(old)?.delete(tag);
    this.digestOf.set(tag, digest);
    const set = this.byDigest.get(digest) ?? new Set<string>();
    set.add(tag);
    this.byDigest.set(digest, set);
  }

  /** The tags on `digest` (unordered). */
  tags(digest: string): string[] {
    return [...(this.byDigest.get(digest) ?? [])];
  }

  /** The other tags on `tag`'s digest (unordered). */
  others(tag: string): string[] {
    const digest = this.digestOf.get(tag);
    if (!digest) return [];
    return [...(this.byDigest.get(digest) ?? [])].filter((t) => t !== tag);
  }
}

export interface RepoState {
  sorted: string[];
  shown: number;
  loading?: Promise<void>;
  error?: unknown;
  /** Set when the tag list could not be read whole: shown, marked, never acted on. */
  incomplete?: Listing['incomplete'];
  loaded: boolean;
  digests: Map<string, DigestInfo | Error>;
  /** What the provider knows of each tag (push time, size, lock), when it lists them. */
  tagDetails: Map<string, TagDetail>;
  /** The untagged manifests nothing tagged needs, where the provider lists manifests; undefined where it cannot. */
  untagged?: { rows?: ManifestRow[]; error?: unknown };
  shared: SharedDigests;
  inflight: Set<string>;
  details: Map<string, TagDetails | Error>;
  /** Platform image digest → its size, once a multi-arch tag was expanded. */
  platformSizes: Map<string, number>;
  /** When each tag's image was built, where read for the `newest` order (V2). */
  times: Map<string, Date>;
  /** Tags whose details are being read in the background. */
  detailsInflight: Set<string>;
  /** Resolves when the last background read of details is done (tests wait on it). */
  detailsDone?: Promise<void>;
  /** Resolves when nothing is in flight (tests and commands wait on it). */
  idle: Promise<void>;
  markIdle?: () => void;
  /** The referrer tags of `sorted`, by the digest they belong to (worked out again when the tag list changes). */
  referrerTags?: { of: readonly string[]; bySubject: Map<string, ReferrerTagRow[]>; release: string[]; referrers: string[] };
  /** What refers to each image, read when its row is expanded (the referrers API, the tag schema, cosign's tags). */
  referrers: Map<string, Referrer[] | Error>;
}

function referrerIndex(r: RepoState): NonNullable<RepoState['referrerTags']> {
  if (r.referrerTags?.of !== r.sorted) {
    const bySubject = referrerTagsBySubject(r.sorted);
    const all = new Set([...bySubject.values()].flat().map((x) => x.tag));
    r.referrerTags = { of: r.sorted, bySubject, release: all.size ? r.sorted.filter((tag) => !all.has(tag)) : r.sorted, referrers: r.sorted.filter((tag) => all.has(tag)) };
  }
  return r.referrerTags;
}

/** The tags that are not referrer tags, in order. */
export function releaseTags(r: RepoState): string[] {
  return referrerIndex(r).release;
}

/** Every referrer tag of the repository, in order (the "Signatures and SBOMs" group). */
export function allReferrerTags(r: RepoState): string[] {
  return referrerIndex(r).referrers;
}

/** The referrer tags (signatures, SBOMs, attestations) that belong to `digest`, from the tag list. */
export function referrerTagsOf(r: RepoState, digest: string): ReferrerTagRow[] {
  return referrerIndex(r).bySubject.get(digest) ?? [];
}

export function newRepoState(): RepoState {
  return { sorted: [], shown: 0, loaded: false, digests: new Map(), tagDetails: new Map(), shared: new SharedDigests(), inflight: new Set(), details: new Map(), times: new Map(), platformSizes: new Map(), referrers: new Map(), detailsInflight: new Set(), idle: Promise.resolve() };
}

/** A tag's time: the provider's push time, else its image's created time (read for the order, or for its row). */
export function tagTime(r: RepoState, tag: string): Date | undefined {
  const read = r.details.get(tag);
  return r.tagDetails.get(tag)?.pushed ?? r.times.get(tag) ?? (read && !(read instanceof Error) ? read.created : undefined);
}

// ---- one registry

export interface Catalog {
  items: string[];
  next?: string;
  loaded: boolean;
  loading?: Promise<void>;
  error?: unknown;
  unavailable?: boolean;
}

export interface Session {
  entry: RegistryEntry;
  client?: Promise<RegistryClient>;
  ping?: Promise<PingResult>;
  /** The provider in use, once known. */
  provider?: ProviderName;
  catalog: Catalog;
  /** The repository filter (a case-insensitive substring), if any. */
  filter?: string;
  /** The tag filter of each repository that has one; kept when the repository is reloaded. */
  tagFilters: Map<string, string>;
  /** The tag count last shown for each repository, so its row keeps "N tags" while it reloads. */
  counts: Map<string, number>;
  repos: Map<string, RepoState>;
  /** Bumped on refresh so late answers from before it are dropped. */
  generation: number;
  /** The quota window (its reset time) already warned about, if any. */
  quotaWarned?: number;
  /** What the service's repository list said of each repository (Docker Hub: pulls, last update). */
  facts?: (repository: string) => RepositoryFacts | undefined;
}
