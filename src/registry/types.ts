// The engine's plain data and the client contract shared by the CLI and the extension.
import type { ManifestKind } from './mediatypes';

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
  /** Per-request timeout in ms. Default 30000. */
  timeoutMs?: number;
  /** Retries for GET/HEAD on network errors, 5xx and 429. Default 4. */
  retries?: number;
  /** First backoff delay in ms (doubles each retry, with jitter). Default 250. */
  retryBaseMs?: number;
  /** Longest a request may spend retrying, waits included, in ms. Default 30000. */
  retryBudgetMs?: number;
  logger?: Logger;
}

export interface PingResult {
  scheme: 'http' | 'https';
  /** The base URL every request uses, e.g. `https://ghcr.io`. */
  baseUrl: string;
  auth: 'none' | 'basic' | 'bearer';
  /** True when the registry answers like CNCF distribution (self-hosted): space returns only after garbage collection. */
  selfHostedDistribution: boolean;
}

/** One page of a listing. `next` is an opaque cursor for the following page, absent on the last page. */
export interface Page<T> {
  items: T[];
  next?: string;
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

export interface DigestInfo {
  digest: string;
  mediaType?: string;
  size?: number;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  digest: string;
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
}

export interface BatchOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Called as each tag resolves (or fails), in completion order. */
  onResult?: (tag: string, result: DigestInfo | Error) => void;
}

export interface DeleteResult {
  digest: string;
  /** True when the registry said 404: it was already deleted (e.g. a retried DELETE, or a race). */
  alreadyGone: boolean;
}

/** What deleting by a tag or digest would remove: the digest and every tag that points at it. */
export interface DeleteImpact {
  repository: string;
  digest: string;
  /** Every tag in the repository that resolves to `digest` (sorted). They all disappear with it. */
  tags: string[];
  mediaType?: string;
}

export interface UntagOptions {
  /**
   * When the registry refuses to delete a tag alone, push a throw-away manifest to the tag and delete that
   * (as regctl does). The throw-away never stays behind. Off by default.
   */
  fallback?: boolean;
  signal?: AbortSignal;
}

export interface RegistryClient {
  /** `host[:port]` as normalised (Docker Hub → registry-1.docker.io). */
  readonly host: string;
  /** Checks `/v2/`, picks the scheme and says what auth the registry wants. Throws with the reason if it cannot connect or log in. */
  ping(signal?: AbortSignal): Promise<PingResult>;

  repositoriesPage(options?: PageOptions): Promise<Page<string>>;
  listRepositories(options?: ListOptions): Promise<string[]>;
  tagsPage(repository: string, options?: PageOptions): Promise<Page<string>>;
  listTags(repository: string, options?: ListOptions): Promise<string[]>;

  /** Resolves a tag (or checks a digest) with HEAD and the full Accept list; GET + sha256 when HEAD has no digest. */
  resolve(repository: string, tagOrDigest: string, signal?: AbortSignal): Promise<DigestInfo>;
  /** Resolves many tags with bounded concurrency over reused connections. Failures are per tag, in the map. */
  resolveMany(repository: string, tags: string[], options?: BatchOptions): Promise<Map<string, DigestInfo | Error>>;

  getManifest(repository: string, tagOrDigest: string, signal?: AbortSignal): Promise<ManifestInfo>;
  /** The image's created date from its config blob; undefined for an index or when absent. */
  getCreated(repository: string, manifest: ManifestInfo, signal?: AbortSignal): Promise<Date | undefined>;
  getBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Uint8Array>;

  /** Every tag that disappears with the digest of `tagOrDigest`. Reads the whole tag list. */
  deleteImpact(repository: string, tagOrDigest: string, signal?: AbortSignal): Promise<DeleteImpact>;
  /** The same for several tags or digests at once, with one read of the tag list: one entry per distinct digest, in first-seen order. */
  deleteImpacts(repository: string, tagsOrDigests: string[], signal?: AbortSignal): Promise<DeleteImpact[]>;
  /** DELETE by digest. Throws DELETE_DISABLED on 405; resolves with alreadyGone on 404. */
  deleteManifest(repository: string, digest: string, signal?: AbortSignal): Promise<DeleteResult>;
  /** Removes one tag, leaving the image and its other tags. Throws UNTAG_UNSUPPORTED where the registry cannot. */
  untag(repository: string, tag: string, options?: UntagOptions): Promise<void>;

  close(): Promise<void>;
}
