// The undo journal on disk: one JSON file per operation (`<id>.json`) in one folder, each write a whole new file
// renamed over the old one (so a reader never sees half an entry), files 0600 in a folder 0700. The folder is kept
// to the bounds (the newest 50 operations, none older than 30 days) each time an operation begins. A file there that
// is not an entry (corrupt, foreign, half-written by a crash) is skipped when listing, never fatal.
//
// Invariants: a recorder's `record` resolves only after the entry holding that manifest is on disk (written, synced,
// renamed); writes of one entry never overlap (records arriving during a write are written together by the next);
// the registry address is checked to carry no login before anything is written.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { badInput, RegistryError } from '../registry/errors';
import { parseRegistry, validateDigest } from '../registry/reference';
import type { Journal, JournalEntry, JournalLimits, JournalManifest, JournalMeta, JournalProviderRef, JournalRecorder, JournalStatus, JournalSummary, ManifestToRecord } from './types';

export const DEFAULT_MAX_ENTRIES = 50;
export const DEFAULT_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** A temp file older than this was left by a crashed writer. */
const STALE_TEMP_MS = 3600 * 1000;

const ID = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-[0-9a-f]{4}$/;
const ENTRY_FILE = /^(\d{8}-\d{6}-[0-9a-f]{4})\.json$/;
const TEMP_FILE = /^\.\d{8}-\d{6}-[0-9a-f]{4}\.[0-9a-f]+\.tmp$/;
const STATUSES: ReadonlySet<string> = new Set<JournalStatus>(['pending', 'deleted', 'failed', 'alreadyGone']);

/** `20250114-153012-7fa2`: the UTC time to the second, then 4 random hex digits. Sorts by time. */
export function newJournalId(at: Date): string {
  const iso = at.toISOString(); // 2025-01-14T15:30:12.345Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}

export function isJournalId(id: string): boolean {
  return ID.test(id);
}

/** The time an id was made at, in ms. */
function idTime(id: string): number {
  const [, y, mo, d, h, mi, s] = ID.exec(id)!;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

/**
 * The registry as the journal keeps it: `host[:port]`, or `scheme://host[:port]` when a scheme was given. An address
 * holding a login (`user:password@host`) is refused (BAD_INPUT) without quoting it: a journal never holds a secret.
 */
export function journalAddress(registry: string): string {
  const { host, scheme } = parseRegistry(registry);
  return scheme ? `${scheme}://${host}` : host;
}

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a file is in the way of the folder',
  EEXIST: 'a file is in the way of the folder',
};

function writeError(dir: string, e: unknown): RegistryError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = (code && WHY[code]) ?? code ?? (e instanceof Error ? e.message : String(e));
  return new RegistryError('BAD_INPUT', `the undo journal could not be written in ${dir} (${why})`, {
    cause: e,
    fix: 'Make that folder writable (or free some space), or keep the journal somewhere else.',
  });
}

/** Writes `text` as `dir/name`: a temp file (0600, synced) renamed over it. */
async function writeAtomic(dir: string, name: string, text: string): Promise<void> {
  const temp = join(dir, `.${name.replace(/\.json$/, '')}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.datasync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, join(dir, name));
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((t) => typeof t === 'string');

/** A provider's reference: an object of string and finite number values (nothing nested, nothing else). */
function isProviderRef(v: unknown): v is JournalProviderRef {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  return Object.values(v).every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)));
}

function isManifest(m: unknown): m is JournalManifest {
  if (!m || typeof m !== 'object') return false;
  const r = m as Record<string, unknown>;
  const optional = (r.subject === undefined || typeof r.subject === 'string') && (r.providerRef === undefined || isProviderRef(r.providerRef)) && (r.providerRefMissing === undefined || typeof r.providerRefMissing === 'string');
  return typeof r.digest === 'string' && typeof r.mediaType === 'string' && typeof r.bytes === 'string' && isStrings(r.tags) && typeof r.status === 'string' && STATUSES.has(r.status) && optional;
}

/** The entry in a file's text, or undefined when it is not one (corrupt, foreign, another id). */
export function parseEntry(text: string, id: string): JournalEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const e = v as Record<string, unknown>;
  const fields = e.id === id && typeof e.at === 'string' && typeof e.registry === 'string' && typeof e.repository === 'string' && typeof e.operation === 'string';
  if (!fields || !Array.isArray(e.manifests) || !e.manifests.every(isManifest)) return undefined;
  return v as JournalEntry;
}

/** The entry without the manifests' bytes. */
export function journalSummary(entry: JournalEntry): JournalSummary {
  return { ...entry, manifests: entry.manifests.map(({ bytes: _bytes, ...rest }) => rest) };
}

/** The manifests an operation deleted (or may have: its DELETE was sent, the outcome unknown), and how many of them came back. */
export function deletedIn(entry: JournalEntry): { gone: JournalManifest[]; back: number } {
  const gone = entry.manifests.filter((m) => m.status === 'deleted' || m.status === 'pending');
  return { gone, back: gone.filter((m) => m.restoredAt).length };
}

/** A manifest's bytes as the journal kept them. */
export function manifestBytes(manifest: Pick<JournalManifest, 'bytes'>): Uint8Array {
  return new Uint8Array(Buffer.from(manifest.bytes, 'base64'));
}

class FileRecorder implements JournalRecorder {
  private readonly file: string;
  private writing: Promise<void> | undefined;
  private waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private dirty = false;

  constructor(
    private readonly dir: string,
    private readonly entry: JournalEntry,
  ) {
    this.file = `${entry.id}.json`;
  }

  get id(): string {
    return this.entry.id;
  }

  record(m: ManifestToRecord): Promise<void> {
    validateDigest(m.digest);
    if (m.providerRef !== undefined && !isProviderRef(m.providerRef)) throw new RegistryError('BAD_INPUT', `the undo journal takes only plain values as a provider’s reference (${m.digest})`);
    const kept: JournalManifest = {
      digest: m.digest,
      mediaType: m.mediaType,
      bytes: Buffer.from(m.bytes).toString('base64'),
      tags: [...m.tags],
      ...(m.subject ? { subject: m.subject } : {}),
      ...(m.providerRef ? { providerRef: { ...m.providerRef } } : {}),
      ...(m.providerRefMissing ? { providerRefMissing: m.providerRefMissing } : {}),
      status: 'pending',
    };
    const at = this.entry.manifests.findIndex((x) => x.digest === m.digest);
    if (at >= 0) this.entry.manifests[at] = kept;
    else this.entry.manifests.push(kept);
    return this.persist();
  }

  outcome(digest: string, status: Exclude<JournalStatus, 'pending'>, error?: string): void {
    const m = this.entry.manifests.find((x) => x.digest === digest);
    if (!m) return;
    m.status = status;
    if (error) m.error = error;
    this.dirty = true;
  }

  flush(): Promise<void> {
    return this.dirty || this.writing ? this.persist() : Promise.resolve();
  }

  /** Resolves once the entry as it is now is on disk. */
  private persist(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    if (!this.writing) this.writing = this.drain();
    return done;
  }

  /** Writes until nobody waits; whoever arrives during a write is served by the next one (in one write). */
  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0);
      this.dirty = false;
      try {
        await writeAtomic(this.dir, this.file, JSON.stringify(this.entry));
        for (const w of batch) w.resolve();
      } catch (e) {
        this.dirty = true;
        const err = writeError(this.dir, e);
        for (const w of batch) w.reject(err);
      }
    }
    // Set in the same turn as the last check above: a persist() after it starts a new drain.
    this.writing = undefined;
  }
}

/** The journal kept in `dir` (created, 0700, when an operation begins). */
export function openJournal(dir: string, limits: JournalLimits = {}): Journal {
  const maxEntries = Math.max(1, limits.maxEntries ?? DEFAULT_MAX_ENTRIES);
  const maxAgeMs = limits.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const now = limits.now ?? (() => new Date());

  async function names(): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw writeError(dir, e);
    }
  }

  /** Drops entries beyond the bounds (keeping room for one more) and temp files crashed writers left. */
  async function prune(): Promise<void> {
    const all = await names();
    const ids = all.flatMap((n) => ENTRY_FILE.exec(n)?.[1] ?? []).sort().reverse();
    const oldest = now().getTime() - maxAgeMs;
    const drop = ids.filter((id, i) => i >= maxEntries - 1 || idTime(id) < oldest).map((id) => `${id}.json`);
    for (const n of all.filter((n) => TEMP_FILE.test(n))) {
      const s = await stat(join(dir, n)).catch(() => undefined);
      if (s && now().getTime() - s.mtimeMs > STALE_TEMP_MS) drop.push(n);
    }
    for (const n of drop) await unlink(join(dir, n)).catch(() => undefined);
  }

  async function begin(meta: JournalMeta): Promise<JournalRecorder> {
    const registry = journalAddress(meta.registry);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
    } catch (e) {
      throw writeError(dir, e);
    }
    await prune();
    const at = now();
    const entry: JournalEntry = { id: newJournalId(at), at: at.toISOString(), registry, repository: meta.repository, operation: meta.operation, manifests: [] };
    return new FileRecorder(dir, entry);
  }

  async function read(id: string): Promise<JournalEntry> {
    if (!isJournalId(id)) throw badInput(`"${id}" is not an undo journal id`, 'An id looks like 20250114-153012-7fa2.');
    let text: string;
    try {
      text = await readFile(join(dir, `${id}.json`), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw badInput(`the undo journal in ${dir} has no operation ${id}`, 'List the journal to see the ids it holds.');
      throw badInput(`the undo journal entry ${id} could not be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const entry = parseEntry(text, id);
    if (!entry) throw badInput(`the undo journal file ${id}.json in ${dir} is not a journal entry (corrupt or foreign)`);
    return entry;
  }

  async function list(): Promise<JournalEntry[]> {
    const ids = (await names()).flatMap((n) => ENTRY_FILE.exec(n)?.[1] ?? []);
    const entries: JournalEntry[] = [];
    for (const id of ids) {
      const entry = await read(id).catch(() => undefined);
      if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => (a.at === b.at ? b.id.localeCompare(a.id) : b.at.localeCompare(a.at)));
  }

  async function markRestored(id: string, digests: readonly string[]): Promise<void> {
    const entry = await read(id);
    const at = now().toISOString();
    for (const m of entry.manifests) if (digests.includes(m.digest)) m.restoredAt = at;
    try {
      await writeAtomic(dir, `${id}.json`, JSON.stringify(entry));
    } catch (e) {
      throw writeError(dir, e);
    }
  }

  return { dir, begin, list, read, markRestored };
}
