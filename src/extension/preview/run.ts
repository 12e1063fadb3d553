// The Cleanup Preview's run over its repositories, no vscode: one repository after the other, each through its own
// `remove` (the command's executePrune: every check is the engine's), with the progress counted over all of them.
// Cancel (the signal) stops new deletes in the repository deleting now (the executor sees the signal) and starts no
// new repository: those left are reported as not started, image by image, so the progress and the rows say so too.
import { errorSentence, type DeletionProgress } from '../../engine';
import { crashedRun, notStarted, type GroupState } from './groups';
import { imagesToDelete } from './model';

export interface RunEvents {
  /** A repository started or finished (its header changes). */
  onGroup(group: GroupState): void;
  onStart(group: GroupState, digest: string): void;
  /** One image done; `done` counts over every repository of the run. */
  onProgress(group: GroupState, event: DeletionProgress, done: number): void;
  onReread(group: GroupState): void;
  /** A repository's run threw (a bug or a crash: the executor reports every failure in its result). */
  onCrash(group: GroupState, error: unknown): void;
}

/** Runs every group with an approved plan that deletes something, in order; each group's `result` is set. */
export async function runGroups(groups: readonly GroupState[], signal: AbortSignal, events: RunEvents): Promise<void> {
  let before = 0;
  for (const group of groups) {
    const approved = group.approved;
    const images = approved ? imagesToDelete(approved) : 0;
    if (!approved || images === 0) continue;
    if (signal.aborted || !group.source.remove) {
      group.result = notStarted(approved);
      group.result.skipped.forEach((s, i) => events.onProgress(group, { type: 'skipped', digest: s.digest, tags: s.tags, reason: s.reason, done: i + 1, total: images }, before + i + 1));
      events.onGroup(group);
      before += images;
      continue;
    }
    group.running = true;
    events.onGroup(group);
    const deleted: string[] = [];
    const start = before;
    try {
      group.result = await group.source.remove(approved, {
        signal,
        onStart: (item) => events.onStart(group, item.digest),
        onReread: () => events.onReread(group),
        onProgress: (event) => {
          if (event.type === 'deleted') deleted.push(event.digest);
          events.onProgress(group, event, start + event.done);
        },
      });
    } catch (e) {
      events.onCrash(group, e);
      group.result = crashedRun(approved, deleted, errorSentence(e));
    }
    group.running = false;
    before += images;
    events.onGroup(group);
  }
}
