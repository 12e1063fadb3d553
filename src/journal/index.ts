// src/journal: the undo journal. Before the executor (src/ops/executor.ts) sends a DELETE, it records the manifest's
// exact bytes, media type, tags and subject here; an undo (src/ops/restore.ts) pushes them back while the registry
// still holds the image data. What it offers: `openJournal(dir)` — a folder of one JSON file per operation, bounded to
// the last 50 operations and 30 days — with `begin` (a recorder for one operation), `list`, `read` and
// `markRestored`; `journalSummary` (an entry without the bytes, for listings); `deletedIn` (what it deleted, what came back); `manifestBytes`. No vscode, no login:
// each face picks the folder (regx: $XDG_STATE_HOME/regx/journal; the extension: its global storage).
export { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_ENTRIES, deletedIn, isJournalId, journalAddress, journalSummary, manifestBytes, newJournalId, openJournal, parseEntry } from './store';
export type { Journal, JournalEntry, JournalLimits, JournalManifest, JournalMeta, JournalRecorder, JournalStatus, JournalSummary, ManifestToRecord } from './types';
