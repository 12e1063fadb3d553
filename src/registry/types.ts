// The engine's plain data and the client contract shared by the CLI and the extension.
import type { ManifestKind, ReferrerKind } from './mediatypes';
import type { Provider, ProviderChoice } from './providers/types';

/** What a credential source returns for a registry host. Never logged, never put in an error. */
export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker config `identitytoken`): exchanged with POST grant_type=refresh_token. */
  identityToken?: string;
  /** A ready bearer token to send as is (e.g. a registry access token the user pasted). */
  registryToken?: string;
}

/** Looks up the credential for a registry host (`host[:port]`). */
export type CredentialSource = (host: string) => Promise<Credential | undefined>;

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
}

export interface RegistryOptions {
  /** `host[:port]`, or a URL with scheme (`http://localhost:5000`). */
  url: string;
  credentials?: CredentialSource;
  /** Skip TLS verification (self-signed registries). Off by default. */
  insecure?: boolean;
  /** Extra CA certificate file (PEM) to trust. */
  caFile?: string;
  /** Connections per origin and the default concurrency of batch calls. Default 8. */
  concurrency?: number;
  /** The most one attempt of a request may take, in ms, connecting, headers and body together. Default 30000. */
  timeoutMs?: number;
  /** Retries for GET/HEAD on network errors, 5xx and 429. Default 4. */
  retries?: number;
  /** First backoff delay in ms (doubles each retry, with jitter). Default 250. */
  retryBaseMs?: number;
  /** Longest a request may spend retrying, waits included, in ms. Default 30000. */
  retryBudgetMs?: number;
  logger?: Logger;
  /** Which hosted API speaks for the registry besides V2: named, or `auto` (detected). Default auto. */
  provider?: ProviderChoice;
  /**
   * Where the provider's API is, when it is not on the registry's host and not the default (hub.docker.com,
   * api.github.com, the GitLab instance of the `/jwt/auth` realm): GitHub Enterprise Server, a self-managed GitLab, a
   * proxy. Its credentials go only to that origin.
   */
  apiUrl?: string;
}

export interface PingResult {
  scheme: 'http' | 'https';
  /** The base URL every request uses, e.g. `https://ghcr.io`. */
  baseUrl: string;
  auth: 'none' | 'basic' | 'bearer';
  /** True when the registry is not a known hosted service: space returns only after its garbage collection. */
  selfHostedDistribution: boolean;
}

/** One page of a listing. `next` is an opaque cursor for the following page, absent on the last page. */
export interface Page<T> {
  items: T[];
  next?: string;
  /** Set when there is a next page that cannot be followed: why, in plain words. The listing is incomplete. */
  stoppedBecause?: string;
}

export interface PageOptions {
  pageSize?: number;
  /** The cursor from the previous page. */
  cursor?: string;
  signal?: AbortSignal;
}

export interface ListOptions {
  pageSize?: number;
  /** Hard cap on pages followed (guard against Link loops). Default 10000. */
  maxPages?: number;
  signal?: AbortSignal;
}

/** Every page that could be read. A listing with `incomplete` may be shown, never acted on. */
export interface Listing {
  items: string[];
  incomplete?: { why: string; fix: string };
}

export interface DigestInfo {
  digest: string;
  mediaType?: string;
  size?: number;
  /** True when the digest was computed from (or checked against) the manifest's bytes, not only read from a header. */
  verified?: boolean;
}

/** One manifest an index names: its digest, media type and platform. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  digest: string;
  mediaType?: string;
}

export interface ManifestInfo {
  digest: string;
  mediaType: string;
  kind: ManifestKind;
  /** The exact bytes the registry returned (their sha256 is `digest`). */
  raw: Uint8Array;
  json: Record<string, unknown>;
  /** For an index: its platform manifests. */
  platforms?: Platform[];
  /** For an image: the config blob digest. */
  configDigest?: string;
  /** For an image: sum of layer sizes; for an index: undefined. */
  totalSize?: number;
  subject?: string;
  annotations?: Record<string, string>;
  /** True when the bytes were checked against the digest (every type but signed schema1). */
  verified?: boolean;
}

/** How a referrer was found: the referrers API, the referrers tag schema's index, or one of cosign's tags. */
export type ReferrerSource = 'api' | 'tag-schema' | 'cosign-tag';

/** Something that refers to an image: a signature, an SBOM, an attestation (a manifest with that image as `subject`). */
export interface Referrer {
  digest: string;
  /** The digest it refers to. */
  subject: string;
  mediaType?: string;
  /** Its artifact type (for a manifest without one, its config's media type, as the referrers API gives it). */
  artifactType?: string;
  /** What it is, for people: from cosign's tag suffix, else from the artifact type. */
  kind: ReferrerKind;
  /** Its manifest's size in bytes. */
  size?: number;
  annotations?: Record<string, string>;
  foundBy: ReferrerSource;
  /** The tag it was found through: the tag schema's `sha256-<hex>`, or cosign's `sha256-<hex>.sig`. */
  tag?: string;
}

export interface ReferrersOptions {
  /** Only referrers of this artifact type (filtered here when the registry does not). */
  artifactType?: string;
  signal?: AbortSignal;
  /**
   * The repository's tags, when the caller has read them: the referrers tag and cosign's tags are then read only
   * where they exist (no request for those that do not).
   */
  tags?: readonly string[];
}

export interface BatchOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each tag resolves (or fails), in completion order. */
  onResult?: (tag: string, result: DigestInfo | Error) => void;
}

export interface DeleteResult {
  digest: string;
  /** The registry answered 404. Whether that means "already gone" is for the caller to check (src/ops does). */
  alreadyGone: boolean;
}

/**
 * The protocol, one verb per method. It knows nothing of safety: deciding what may be deleted, and re-checking
 * before deleting, is the business of src/ops (its executor is the only caller of deleteManifest and deleteTag).
 */
export interface RegistryClient {
  /** `host[:port]` as normalised (Docker Hub → registry-1.docker.io). */
  readonly host: string;
  /** The provider that speaks for this registry besides V2 (named in the options, or detected once). */
  provider(signal?: AbortSignal): Promise<Provider>;
  /** Checks `/v2/`, picks the scheme and says what auth the registry wants. Throws with the reason if it cannot connect or log in. */
  ping(signal?: AbortSignal): Promise<PingResult>;

  /** A page of the V2 catalog; where the catalog is not available to the login, the provider's list as one page. */
  repositoriesPage(options?: PageOptions): Promise<Page<string>>;
  /** Every repository (the V2 catalog, else the provider's list), or INCOMPLETE_LIST. */
  listRepositories(options?: ListOptions): Promise<string[]>;
  tagsPage(repository: string, options?: PageOptions): Promise<Page<string>>;
  /** Every tag, or INCOMPLETE_LIST: for anything that acts on the list. */
  listTags(repository: string, options?: ListOptions): Promise<string[]>;
  /** Every tag that could be read, marked incomplete when not all could: for showing. */
  browseTags(repository: string, options?: ListOptions): Promise<Listing>;

  /** Resolves a tag (or checks a digest) with HEAD and the full Accept list; GET + sha256 when HEAD has no digest. */
  resolve(repository: string, tagOrDigest: string, signal?: AbortSignal): Promise<DigestInfo>;
  /** Resolves many tags with bounded concurrency over reused connections. Failures are per tag, in the map. */
  resolveMany(repository: string, tags: string[], options?: BatchOptions): Promise<Map<string, DigestInfo | Error>>;

  /** GET with the full Accept list; the bytes are checked against the announced digest (DIGEST_MISMATCH otherwise). */
  getManifest(repository: string, tagOrDigest: string, signal?: AbortSignal): Promise<ManifestInfo>;
  /** The image's created date from its config blob; undefined for an index or when absent. */
  getCreated(repository: string, manifest: ManifestInfo, signal?: AbortSignal): Promise<Date | undefined>;
  getBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** HEAD of a blob: true when the repository holds it (200), false when not (404); other answers throw. */
  hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean>;

  /**
   * What refers to `digest`: the referrers API where the registry has it, else the referrers tag schema's index;
   * and cosign's `sha256-<hex>.sig/.att/.sbom` tags either way. Each referrer once, by digest.
   */
  listReferrers(repository: string, digest: string, options?: ReferrersOptions): Promise<Referrer[]>;
  /** The referrers API alone; undefined where the registry has none (asked once per client: a 404 is remembered). */
  referrersFromApi(repository: string, digest: string, options?: ReferrersOptions): Promise<Referrer[] | undefined>;

  /**
   * DELETE by digest. Throws DELETE_DISABLED on 405; resolves with alreadyGone on 404. Where the provider deletes by
   * its own API instead (Docker Hub, GHCR), `tags` are the tags checked to be on the digest (Hub untags each).
   */
  deleteManifest(repository: string, digest: string, signal?: AbortSignal, tags?: readonly string[]): Promise<DeleteResult>;
  /** DELETE by tag (OCI untag). Throws UNTAG_UNSUPPORTED where the registry cannot delete a tag alone. */
  deleteTag(repository: string, tag: string, signal?: AbortSignal): Promise<void>;
  /** Uploads a blob unless the registry has it. */
  ensureBlob(repository: string, bytes: Uint8Array, digest: string, signal?: AbortSignal): Promise<void>;
  putManifest(repository: string, ref: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<void>;

  close(): Promise<void>;
}
