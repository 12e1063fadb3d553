// The Cleanup Preview's model (src/extension/preview/model.ts, plain data, no vscode): rows from a plan, opt-outs
// planned again from the same read (an opted-out tag keeps the image it shares), totals by image and by tag, and the
// changes sent to the webview.
import * as assert from 'node:assert/strict';
import { planPrune, type PrunePolicy, type TagState } from '../../src/prune';
import type { PrunePreview } from '../../src/ops/prune';
import type { RepositorySnapshot } from '../../src/ops/snapshot';
import { applyOptOuts, buildRows, changedRows, countTotals, imagesToDelete, NO_OPT_OUTS, queueRows, reasonWords, snapshotFacts, toggleOptOut, type RowWords } from '../../src/extension/preview/model';

const d = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;
const words: RowWords = { ago: (when) => `at ${when}`, size: (bytes) => `${bytes} B`, unknown: 'unknown' };

function preview(): PrunePreview {
  const states: TagState[] = [
    { tag: '1.0.0', digest: d(1) },
    { tag: '1.0.1', digest: d(1) },
    { tag: '1.2.0', digest: d(2) },
    { tag: '2.0.0', digest: d(3) },
    { tag: 'latest', digest: d(3) },
  ];
  const policy: PrunePolicy = { range: '<2.0.0', keep: 0, protect: ['^latest$'] };
  const snapshot: RepositorySnapshot = {
    repository: 'app',
    readAt: 0,
    completedAt: 0,
    order: states.map((s) => s.tag),
    tags: new Map(states.map((s) => [s.tag, { digest: s.digest! }])),
    unresolved: new Map(),
    children: new Map(),
    details: new Map([
      ['1.2.0', { tag: '1.2.0', digest: d(2), size: 100, pushed: new Date(5000) }],
      ['1.0.0', { tag: '1.0.0', digest: d(1), size: 40, pushed: new Date(1000) }],
      ['1.0.1', { tag: '1.0.1', digest: d(1), size: 40, pushed: new Date(2000) }],
    ]),
  };
  return {
    repository: 'app',
    policy,
    states,
    snapshot,
    plan: planPrune(states, policy, { repository: 'app', children: new Map() }),
    untagged: [{ digest: d(9), action: 'delete', reason: 'delete: untagged' }],
  };
}

describe('Cleanup Preview model', () => {
  it('makes a row of every tag in the plan’s order, then of every untagged manifest, with reasons that do not repeat the fate', () => {
    const base = preview();
    const rows = buildRows(base, base, NO_OPT_OUTS, snapshotFacts(base), words);
    assert.deepEqual(
      rows.map((r) => [r.id, r.tag, r.fate, r.reason, r.optional]),
      [
        [0, '2.0.0', 'keep', 'outside <2.0.0', false],
        [1, '1.2.0', 'delete', 'matches <2.0.0', true],
        [2, '1.0.1', 'delete', 'matches <2.0.0', true],
        [3, '1.0.0', 'delete', 'matches <2.0.0', true],
        [4, 'latest', 'keep', 'protected by ^latest$', false],
        [5, undefined, 'delete', 'untagged', true],
      ],
    );
    // The provider's sizes and push times; an image is as young as its latest push; the rest is unknown.
    assert.deepEqual([rows[1].size, rows[1].sizeText, rows[1].when, rows[1].age], [100, '100 B', 5000, 'at 5000']);
    assert.deepEqual([rows[3].when, rows[2].when], [2000, 2000]);
    assert.deepEqual([rows[5].size, rows[5].sizeText, rows[5].age], [undefined, 'unknown', 'unknown']);
    assert.equal(reasonWords('skip: shares its image with kept tag 1.0.0'), 'shares its image with kept tag 1.0.0');
  });

  it('keeps an opted-out tag and, planned again from the same read, the tags on its image; totals follow', () => {
    const base = preview();
    const facts = snapshotFacts(base);
    const rows = buildRows(base, base, NO_OPT_OUTS, facts, words);
    const before = countTotals(rows);
    assert.deepEqual([before.delete, before.keep, before.skip], [{ images: 3, tags: 3, untagged: 1 }, { images: 1, tags: 2, untagged: 0 }, { images: 0, tags: 0, untagged: 0 }]);
    assert.deepEqual([before.freedBytes, before.freedUnknown], [140, 1]);
    assert.equal(imagesToDelete(base), 3);

    const opted = toggleOptOut(NO_OPT_OUTS, rows[3], true);
    const current = applyOptOuts(base, opted);
    const after = buildRows(base, current, opted, facts, words);
    assert.deepEqual([after[3].fate, after[3].reason, after[3].optedOut, after[3].optional], ['keep', 'kept by choice', true, true]);
    assert.deepEqual([after[2].fate, after[2].reason, after[2].optional], ['skip', 'shares its image with kept tag 1.0.0', false]);
    assert.deepEqual(current.plan.deleteDigests, [d(2)]);
    const totals = countTotals(after);
    assert.deepEqual([totals.delete, totals.keep.images, totals.skip.tags, totals.freedBytes], [{ images: 2, tags: 1, untagged: 1 }, 2, 1, 100]);
    assert.equal(imagesToDelete(current), 2);

    // Only what changed goes to the webview.
    assert.deepEqual(changedRows(rows, after), [
      { id: 2, fate: 'skip', reason: 'shares its image with kept tag 1.0.0', optional: false },
      { id: 3, fate: 'keep', reason: 'kept by choice', optedOut: true },
    ]);
    // Releasing it restores the plan.
    const released = toggleOptOut(opted, after[3], false);
    assert.deepEqual(applyOptOuts(base, released).plan, base.plan);
  });

  it('keeps an untagged manifest by choice, and queues only the images the run deletes', () => {
    const base = preview();
    const rows = buildRows(base, base, NO_OPT_OUTS, snapshotFacts(base), words);
    const opted = toggleOptOut(NO_OPT_OUTS, rows[5], true);
    const current = applyOptOuts(base, opted);
    assert.deepEqual(current.untagged, [{ digest: d(9), action: 'keep', reason: 'keep: kept by choice' }]);
    assert.equal(imagesToDelete(current), 2);
    const queued = queueRows(buildRows(base, current, opted, snapshotFacts(base), words), current);
    assert.deepEqual(queued.filter((r) => r.status === 'queued').map((r) => r.tag), ['1.2.0', '1.0.1', '1.0.0']);
  });
});
