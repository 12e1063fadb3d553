// The undo journal's plain data: one entry per deleting operation, holding every manifest it deleted (its exact bytes
// and media type), the tags that pointed at it, and what became of its DELETE. No login, token or password is ever
// part of an entry: the registry is kept as the address to reconnect with, and the login is given again on restore.
// Where a hosted service deleted the manifest through its own API, the entry also keeps that service's reference to
// it (GHCR: the package version's owner and id), plain data, with which the service itself can bring it back.

/** A hosted service's reference to a manifest it deleted: string and number values only, never a secret. */
export type JournalProviderRef = Record<string, string | number>;

/** What became of one manifest's DELETE. `pending`: recorded, and its DELETE was sent or about to be (outcome unknown). */
export type JournalStatus = 'pending' | 'deleted' | 'failed' | 'alreadyGone';

/** One deleted manifest, as the journal keeps it. */
export interface JournalManifest {
  digest: string;
  mediaType: string;
  /** The manifest's exact bytes, base64 (their digest is `digest`). */
  bytes: string;
  /** Every tag that pointed at it before the DELETE. */
  tags: string[];
  /** For a referrer (a signature, an SBOM): the image it refers to. */
  subject?: string;
  status: JournalStatus;
  /** Why its DELETE failed (`failed`). */
  error?: string;
  /** When an undo brought it (and its tags) back. */
  restoredAt?: string;
  /**
   * The service's own reference to it, looked up before its DELETE (the provider's `undoRef`), with `provider`: the
   * provider's name. An undo asks that provider to restore it first.
   */
  providerRef?: JournalProviderRef;
  /** Why the service's reference could not be looked up before the DELETE: an undo then needs its blobs to remain. */
  providerRefMissing?: string;
}

export interface JournalEntry {
  /** Sortable and short: `20250114-153012-7fa2` (UTC time, then random). */
  id: string;
  /** When the operation began (ISO). */
  at: string;
  /** The address to reconnect with (`localhost:5000`, `http://localhost:5000`): never a login. */
  registry: string;
  repository: string;
  /** What deleted it, in a word or two: `delete`, `prune`. */
  operation: string;
  /** In the order they were recorded (each before its DELETE). */
  manifests: JournalManifest[];
}

/** What an operation tells the journal when it begins. */
export interface JournalMeta {
  registry: string;
  repository: string;
  operation: string;
}

/** One manifest about to be deleted. */
export interface ManifestToRecord {
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
  tags: readonly string[];
  subject?: string;
  providerRef?: JournalProviderRef;
  providerRefMissing?: string;
}

/**
 * Records one operation. Invariant: `record` resolves only once the manifest is on disk, so a DELETE sent after it
 * can always be undone from the journal. `outcome` only marks (it is written with the next record, or by `flush`):
 * a manifest left `pending` is checked against the registry on restore anyway.
 */
export interface JournalRecorder {
  readonly id: string;
  record(manifest: ManifestToRecord): Promise<void>;
  outcome(digest: string, status: Exclude<JournalStatus, 'pending'>, error?: string): void;
  /** Writes what `outcome` marked. */
  flush(): Promise<void>;
}

export interface JournalLimits {
  /** Operations kept (the newest). Default 50. */
  maxEntries?: number;
  /** Operations older than this are dropped. Default 30 days. */
  maxAgeMs?: number;
  /** The clock (tests). */
  now?: () => Date;
}

export interface Journal {
  readonly dir: string;
  /** Starts an entry (dropping what is beyond the bounds first). Nothing is written until the first `record`. */
  begin(meta: JournalMeta): Promise<JournalRecorder>;
  /** Every readable entry, newest first; files that are not entries are skipped. */
  list(): Promise<JournalEntry[]>;
  /** One entry; BAD_INPUT when there is none by that id, or it cannot be read. */
  read(id: string): Promise<JournalEntry>;
  /** Marks the manifests `digests` of entry `id` as restored now. */
  markRestored(id: string, digests: readonly string[]): Promise<void>;
}

/** An entry without the manifests' bytes: what a listing shows. */
export interface JournalSummary extends Omit<JournalEntry, 'manifests'> {
  manifests: Omit<JournalManifest, 'bytes'>[];
}
