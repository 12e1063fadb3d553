// The executor's journal step: before an item's DELETE, its manifest's bytes are read (checked against the digest)
// and recorded in the undo journal. The DELETE may be sent only when this says `recorded` (or `gone`: the manifest is
// no longer there, so nothing would be deleted); a failure means the item is not deleted and the run stops, since
// every further delete would meet the same journal.
import { describeError, isGone } from '../registry/errors';
import type { JournalRecorder } from '../journal/types';
import type { RegistryClient } from '../registry/types';
import { digestCache } from './cache';
import type { ConfirmedDeletion } from './checks';

export type JournalStep = { journaled: 'recorded' | 'gone' } | { failure: { message: string; fix: string } };

const FIX = 'Nothing more was deleted: every further delete needs the journal too. Fix the journal (its folder, the disk) or the connection, and run again.';

/** `what` says why the journal could not take the item, starting "the undo journal could not be written". */
function failure(digest: string, what: string): JournalStep {
  return { failure: { message: `${what}: nothing was deleted for ${digest}`, fix: FIX } };
}

/** Reads the item's manifest and records it (with its tags and subject) before its DELETE. Never throws. */
export async function recordBeforeDelete(client: RegistryClient, repository: string, item: ConfirmedDeletion, journal: JournalRecorder): Promise<JournalStep> {
  let manifest;
  try {
    // Content-addressed: a manifest the review already read is not read again.
    manifest = await digestCache(client).manifest(repository, item.digest);
  } catch (e) {
    if (isGone(e)) return { journaled: 'gone' };
    return failure(item.digest, `the undo journal could not be written: the manifest could not be read (${describeError(e).message})`);
  }
  try {
    await journal.record({ digest: item.digest, mediaType: manifest.mediaType, bytes: manifest.raw, tags: item.tags, subject: item.subject ?? manifest.subject });
    return { journaled: 'recorded' };
  } catch (e) {
    const { message } = describeError(e);
    return failure(item.digest, message.startsWith('the undo journal') ? message : `the undo journal could not be written (${message})`);
  }
}
