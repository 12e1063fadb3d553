// What a hosted registry's own API adds to the V2 protocol, as plain data. A provider implements what its service
// offers; everything else falls back to V2. The CNCF distribution registry is the provider with nothing extra.
import type { Platform } from '../types';

export type ProviderName = 'distribution' | 'acr' | 'harbor' | 'dockerhub' | 'ghcr' | 'gitlab';
/** What the user chose: a provider by name, or `auto` (detected from the host and the registry's answers). */
export type ProviderChoice = ProviderName | 'auto';
export const PROVIDER_CHOICES: readonly ProviderChoice[] = ['auto', 'distribution', 'acr', 'harbor', 'dockerhub', 'ghcr', 'gitlab'];

/** Why an image or tag may not be deleted, and the service's own way to change that. */
export interface Lock {
  reason: string;
  fix: string;
}

/** A tag as the service lists it: its digest and, where known, when it was pushed, the image's size, and a lock. */
export interface TagDetail {
  tag: string;
  digest: string;
  mediaType?: string;
  pushed?: Date;
  size?: number;
  locked?: Lock;
}

/** A manifest as the service lists it, untagged ones included. */
export interface ManifestDetail {
  digest: string;
  /** Its tags; empty when untagged. */
  tags: string[];
  mediaType?: string;
  size?: number;
  /** When it was pushed. */
  created?: Date;
  /** `linux/amd64`, for an image that belongs to a platform. */
  platform?: string;
  /** For an index, when the service lists them: the manifests it names. */
  children?: Platform[];
  locked?: Lock;
}

export interface Provider {
  readonly name: ProviderName;
  /** Every repository the login can see (where the V2 catalog is not available to it). */
  listRepositories?(signal?: AbortSignal): Promise<string[]>;
  /** Its repository list is the one to show (the service's namespaces), before the V2 catalog. */
  readonly ownRepositoryList?: boolean;
  /** What the service said of a repository when it listed them (Docker Hub: pulls, last update); none before. */
  repositoryFacts?(repository: string): RepositoryFacts | undefined;
  /** Every tag with its digest and what the service knows besides, complete, in few requests. */
  listTagDetails?(repository: string, signal?: AbortSignal): Promise<TagDetail[]>;
  /** Every manifest of the repository, untagged ones included, complete. */
  listManifests?(repository: string, signal?: AbortSignal): Promise<ManifestDetail[]>;
  /** Both lists from one walk, where the service's one list carries both (Harbor's artifacts). */
  listTagsAndManifests?(repository: string, signal?: AbortSignal): Promise<{ tags: TagDetail[]; manifests: ManifestDetail[] }>;
  /** Removes one tag and keeps the image. */
  untag?(repository: string, tag: string, signal?: AbortSignal): Promise<void>;
  /**
   * Deletes an image by the service's own API where the V2 DELETE is refused: Docker Hub untags each of `tags`
   * (the tags the user was shown on it), GHCR deletes the package version of `digest`. `alreadyGone` when the service
   * no longer has it. Never decides whether deleting is safe: the executor does, before calling it.
   */
  deleteImage?(repository: string, digest: string, tags: readonly string[], signal?: AbortSignal): Promise<{ alreadyGone: boolean }>;
  /** Said beside a deletion where the service keeps something the user may expect gone (Docker Hub's image data). */
  readonly deletionNote?: string;
  /** What an undo (from the journal) can and cannot bring back on this service: said before a deletion is confirmed. */
  undoNote?(): string | undefined;
  /**
   * What the service needs later to bring back the manifest `digest` after deleting it (GHCR: the package's owner and
   * the version id), looked up before the DELETE; undefined when the service has no such manifest. Plain data that is
   * never a secret: the undo journal keeps it on disk.
   */
  undoRef?(repository: string, digest: string, signal?: AbortSignal): Promise<ProviderRef | undefined>;
  /**
   * Brings back a manifest this service deleted, from what `undoRef` gave (GHCR: GitHub's restore of the package
   * version, with its tags). Throws a RegistryError saying why it cannot (too old, no right, a scope missing).
   */
  restoreDeleted?(repository: string, ref: ProviderRef, signal?: AbortSignal): Promise<void>;
  /** Why the service cannot remove one tag alone, where it cannot (GHCR): said where the user looks for Untag. */
  readonly noUntag?: string;
  /** The request quota left, where the service says it (Docker Hub, GitHub): for a face to warn when it runs low. */
  quota?(): Quota | undefined;
}

/** A provider's own reference to a manifest it deleted (ids, names): plain JSON values, never a secret. */
export type ProviderRef = Record<string, string | number>;

/** What a service's repository list says of one repository. */
export interface RepositoryFacts {
  pulls?: number;
  updated?: Date;
}

/** A service's request quota as it last answered: remaining of limit, until `resetsAt`. */
export interface Quota {
  remaining: number;
  limit: number;
  resetsAt?: Date;
}
