// Undo against a REAL registry (Debian's docker-registry, distribution 2.8.2): delete or prune through the executor
// with a journal, restore, and compare what the registry serves over raw HTTP — every tag's digest and the deleted
// manifests' exact bytes — with what it served before. Then what an undo must refuse: after garbage collection
// (nothing of an image with a blob gone is pushed, and the missing blobs are named), a tag pushed to another image
// meanwhile (left alone unless forced), and a journal that cannot be written (nothing is deleted at all).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { openJournal, type Journal, type JournalEntry } from '../../src/journal';
import { deleteReviewed, executeDeletions, executePrune, previewPrune, restoreReviewed, reviewDeletion, reviewRestore, type ConfirmedDeletion, type RestoreResult } from '../../src/ops';
import { createRegistryClient } from '../../src/registry/client';
import type { RegistryClient } from '../../src/registry/types';
import { startRegistry, type TestRegistry } from '../support/registry';
import { FULL_ACCEPT, pushImage, pushIndex, pushManifest, pushTaggedReferrer, referrerTag, seedRequest, type SeedTarget } from '../support/seed';
import { makeTestDir } from '../support/system';

const SEED = 0x0b5e55ed;

/** What the registry serves for a repository, over raw HTTP: tag → digest, and digest → sha256 of the bytes served. */
interface RawState {
  tags: Record<string, string>;
  manifests: Record<string, string | null>;
}

async function rawTags(reg: SeedTarget, repo: string): Promise<Record<string, string>> {
  const list = await seedRequest(reg, 'GET', `/v2/${repo}/tags/list`, { repo });
  if (list.status === 404) return {};
  assert.equal(list.status, 200);
  const tags = ((JSON.parse(list.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []).sort();
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const res = await seedRequest(reg, 'GET', `/v2/${repo}/manifests/${tag}`, { repo, headers: { accept: FULL_ACCEPT } });
    assert.equal(res.status, 200, `GET ${repo}:${tag}`);
    out[tag] = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
  }
  return out;
}

/** The sha256 of the bytes served for `digest`, or null when the registry has no such manifest. */
async function rawManifest(reg: SeedTarget, repo: string, digest: string): Promise<string | null> {
  const res = await seedRequest(reg, 'GET', `/v2/${repo}/manifests/${digest}`, { repo, headers: { accept: FULL_ACCEPT } });
  if (res.status === 404) return null;
  assert.equal(res.status, 200, `GET ${repo}@${digest}`);
  return `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
}

async function rawState(reg: SeedTarget, repo: string, digests: readonly string[]): Promise<RawState> {
  const manifests: Record<string, string | null> = {};
  for (const d of digests) manifests[d] = await rawManifest(reg, repo, d);
  return { tags: await rawTags(reg, repo), manifests };
}

/** The only entry the journal holds now. */
async function onlyEntry(journal: Journal): Promise<JournalEntry> {
  const entries = await journal.list();
  assert.equal(entries.length, 1, `one journal entry (got ${entries.length})`);
  return entries[0];
}

async function undo(client: RegistryClient, journal: Journal, entry: JournalEntry, force = false): Promise<RestoreResult> {
  const review = await reviewRestore(client, entry);
  const result = await restoreReviewed(client, review, { force });
  if (result.restored.length) await journal.markRestored(entry.id, result.restored);
  return result;
}

describe('undo journal and restore (real registry)', function () {
  this.timeout(120_000);
  let reg: TestRegistry;
  let client: RegistryClient;
  let base: string;
  let seq = 0;
  const fresh = (name: string): { repo: string; journal: Journal } => {
    seq++;
    return { repo: `undo/${name}-${seq}`, journal: openJournal(join(base, `journal-${seq}`)) };
  };
  const begin = (journal: Journal, repo: string, operation: string) => journal.begin({ registry: reg.url, repository: repo, operation });

  before(async () => {
    reg = await startRegistry();
    client = createRegistryClient({ url: reg.url });
    base = makeTestDir('regx-undo-');
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('undoes a delete: the same digests under the same tags, the same bytes', async () => {
    const { repo, journal } = fresh('delete');
    const a = await pushImage(reg, repo, ['1.0.0', 'stable'], { salt: `${repo}:a` });
    const b = await pushImage(reg, repo, ['2.0.0'], { salt: `${repo}:b` });
    const before = await rawState(reg, repo, [a.digest, b.digest]);
    const review = await reviewDeletion(client, repo, ['1.0.0']);
    const result = await deleteReviewed(client, review, { confirmation: 'interactive', journal: await begin(journal, repo, 'delete') });
    assert.deepEqual(result.deleted, [a.digest]);
    assert.deepEqual(await rawState(reg, repo, [a.digest, b.digest]), { tags: { '2.0.0': b.digest }, manifests: { [a.digest]: null, [b.digest]: b.digest } });

    const entry = await onlyEntry(journal);
    assert.deepEqual(
      entry.manifests.map((m) => [m.digest, m.tags, m.status]),
      [[a.digest, ['1.0.0', 'stable'], 'deleted']],
    );
    const undone = await undo(client, journal, entry);
    assert.deepEqual(undone.pushed, [a.digest]);
    assert.deepEqual(undone.tagged.map((t) => t.tag).sort(), ['1.0.0', 'stable']);
    assert.deepEqual(undone.restored, [a.digest]);
    assert.deepEqual([undone.refused, undone.conflicts, undone.failed], [[], [], []]);
    assert.deepEqual(await rawState(reg, repo, [a.digest, b.digest]), before);
    assert.ok((await journal.read(entry.id)).manifests[0].restoredAt, 'marked restored');

    // Undoing again changes nothing and says everything is back.
    const again = await undo(client, journal, entry);
    assert.deepEqual([again.pushed, again.tagged, again.restored], [[], [], [a.digest]]);
  });

  it('undoes a prune of several images', async () => {
    const { repo, journal } = fresh('prune');
    const images = [];
    for (const v of ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) images.push(await pushImage(reg, repo, v === '1.1.0' ? [v, 'lts'] : [v], { salt: `${repo}:${v}` }));
    const digests = images.map((i) => i.digest);
    const before = await rawState(reg, repo, digests);
    const preview = await previewPrune(client, repo, { range: '<2.0.0' });
    // 1.1.0 shares its image with lts, which the range does not name: the planner keeps it.
    const result = await executePrune(client, preview, { confirmation: 'interactive', journal: await begin(journal, repo, 'prune') });
    assert.deepEqual([...result.deleted].sort(), [images[0].digest, images[2].digest].sort());
    assert.deepEqual(Object.keys(await rawTags(reg, repo)).sort(), ['1.1.0', '2.0.0', 'lts']);
    const entry = await onlyEntry(journal);
    assert.equal(entry.operation, 'prune');
    const undone = await undo(client, journal, entry);
    assert.deepEqual([...undone.restored].sort(), [images[0].digest, images[2].digest].sort());
    assert.deepEqual(await rawState(reg, repo, digests), before);
  });

  it('undoes a multi-arch index and its platform images: the platform images first', async () => {
    const { repo, journal } = fresh('index');
    const index = await pushIndex(reg, repo, ['1.0.0'], { salt: `${repo}:idx` });
    const keep = await pushImage(reg, repo, ['2.0.0'], { salt: `${repo}:keep` });
    const all = [index.digest, ...index.children.map((c) => c.digest), keep.digest];
    const before = await rawState(reg, repo, all);
    const items: ConfirmedDeletion[] = [{ digest: index.digest, tags: ['1.0.0'] }, ...index.children.map((c) => ({ digest: c.digest, tags: [] }))];
    const result = await executeDeletions(client, repo, items, { confirmation: 'interactive', journal: await begin(journal, repo, 'delete') });
    assert.equal(result.deleted.length, 3, JSON.stringify(result));
    for (const d of all.slice(0, 3)) assert.equal(await rawManifest(reg, repo, d), null);

    const entry = await onlyEntry(journal);
    const review = await reviewRestore(client, entry);
    const order = review.images.map((i) => i.digest);
    assert.equal(order[order.length - 1], index.digest, 'the index comes after its platform images');
    assert.deepEqual([...review.images.find((i) => i.digest === index.digest)!.needs].sort(), index.children.map((c) => c.digest).sort());
    const undone = await restoreReviewed(client, review);
    assert.deepEqual(undone.pushed, order);
    assert.deepEqual(await rawState(reg, repo, all), before);
  });

  it('undoes an image and its signature: the signature (a referrer) after its subject, with its cosign tag', async () => {
    const { repo, journal } = fresh('referrer');
    const image = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:img` });
    const sig = await pushTaggedReferrer(reg, repo, image, [referrerTag(image.digest, 'sig')]);
    const before = await rawState(reg, repo, [image.digest, sig.digest]);
    const review = await reviewDeletion(client, repo, ['1.0.0']);
    const result = await deleteReviewed(client, review, { confirmation: 'interactive', journal: await begin(journal, repo, 'delete') });
    assert.deepEqual(result.deleted, [image.digest, sig.digest]);
    assert.deepEqual(await rawTags(reg, repo), {});

    const entry = await onlyEntry(journal);
    assert.equal(entry.manifests.find((m) => m.digest === sig.digest)?.subject, image.digest);
    const restoreReview = await reviewRestore(client, entry);
    assert.deepEqual(restoreReview.images.map((i) => i.digest), [image.digest, sig.digest]);
    const undone = await restoreReviewed(client, restoreReview);
    assert.deepEqual(undone.pushed, [image.digest, sig.digest]);
    assert.deepEqual(await rawState(reg, repo, [image.digest, sig.digest]), before);
  });

  it('a tag pushed to another image meanwhile is a conflict: left alone, and moved back only with force', async () => {
    const { repo, journal } = fresh('moved');
    const a = await pushImage(reg, repo, ['1.0.0', 'stable'], { salt: `${repo}:a` });
    const review = await reviewDeletion(client, repo, ['1.0.0']);
    await deleteReviewed(client, review, { confirmation: 'interactive', journal: await begin(journal, repo, 'delete') });
    // Someone pushes stable to a new image after the deletion.
    const b = await pushImage(reg, repo, ['stable'], { salt: `${repo}:b` });
    const entry = await onlyEntry(journal);

    const first = await reviewRestore(client, entry);
    assert.deepEqual(first.images[0].tags, [
      { tag: '1.0.0', state: 'restore' },
      { tag: 'stable', state: 'moved', now: b.digest },
    ]);
    const kept = await restoreReviewed(client, first);
    assert.deepEqual(kept.pushed, [a.digest]);
    assert.deepEqual(kept.tagged, [{ tag: '1.0.0', digest: a.digest }]);
    assert.deepEqual(kept.conflicts, [{ tag: 'stable', digest: a.digest, now: b.digest }]);
    assert.deepEqual(kept.restored, [], 'not wholly back while stable names another image');
    assert.deepEqual(await rawTags(reg, repo), { '1.0.0': a.digest, stable: b.digest });

    const forced = await undo(client, journal, entry, true);
    assert.deepEqual(forced.tagged, [{ tag: 'stable', digest: a.digest, movedFrom: b.digest }]);
    assert.deepEqual(forced.restored, [a.digest]);
    assert.deepEqual(await rawTags(reg, repo), { '1.0.0': a.digest, stable: a.digest });
    assert.equal(await rawManifest(reg, repo, b.digest), b.digest, 'the other image itself stays');
  });

  it('moveBack moves back only the tags a person chose, and only while each names the image they saw it name', async () => {
    const { repo, journal } = fresh('choose');
    const a = await pushImage(reg, repo, ['1.0.0', 'stable', 'edge'], { salt: `${repo}:a` });
    await deleteReviewed(client, await reviewDeletion(client, repo, ['1.0.0']), { confirmation: 'interactive', journal: await begin(journal, repo, 'delete') });
    const b = await pushImage(reg, repo, ['stable', 'edge'], { salt: `${repo}:b` });
    const review = await reviewRestore(client, await onlyEntry(journal));
    // The person chose stable (seen on b) and not edge; then someone moves stable again, onto c, before the PUT.
    const c = await pushImage(reg, repo, ['stable'], { salt: `${repo}:c` });
    const stale = await restoreReviewed(client, review, { moveBack: [{ tag: 'stable', digest: a.digest, now: b.digest }] });
    assert.deepEqual(stale.conflicts.map((x) => [x.tag, x.now]).sort(), [['edge', b.digest], ['stable', c.digest]]);
    assert.deepEqual(await rawTags(reg, repo), { '1.0.0': a.digest, edge: b.digest, stable: c.digest });

    const again = await reviewRestore(client, await onlyEntry(journal));
    const chosen = await restoreReviewed(client, again, { moveBack: [{ tag: 'stable', digest: a.digest, now: c.digest }] });
    assert.deepEqual(chosen.tagged, [{ tag: 'stable', digest: a.digest, movedFrom: c.digest }]);
    assert.deepEqual(chosen.conflicts, [{ tag: 'edge', digest: a.digest, now: b.digest }], 'edge was not chosen: left alone');
    assert.deepEqual(await rawTags(reg, repo), { '1.0.0': a.digest, edge: b.digest, stable: a.digest });
  });

  it('a tag pushed elsewhere after the review (right before its PUT) is a conflict too', async () => {
    const { repo, journal } = fresh('race');
    const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
    await deleteReviewed(client, await reviewDeletion(client, repo, ['1.0.0']), { confirmation: 'interactive', journal: await begin(journal, repo, 'delete') });
    const review = await reviewRestore(client, await onlyEntry(journal));
    assert.deepEqual(review.images[0].tags, [{ tag: '1.0.0', state: 'restore' }]);
    const b = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:b` });
    const result = await restoreReviewed(client, review);
    assert.deepEqual(result.conflicts, [{ tag: '1.0.0', digest: a.digest, now: b.digest }]);
    assert.deepEqual(await rawTags(reg, repo), { '1.0.0': b.digest });
  });

  it('the journal records a batch ahead of the DELETEs, and each DELETE waits until its own record is on disk', async () => {
    const { repo, journal } = fresh('ahead');
    const images = [];
    for (let i = 0; i < 12; i++) images.push(await pushImage(reg, repo, [`1.${i}.0`], { salt: `${repo}:${i}` }));
    const recorder = await begin(journal, repo, 'prune');
    const recorded = new Set<string>();
    const events: string[] = [];
    const watched = {
      id: recorder.id,
      record: async (m: Parameters<typeof recorder.record>[0]) => {
        events.push(`record ${m.digest}`);
        await recorder.record(m);
        recorded.add(m.digest);
      },
      outcome: recorder.outcome.bind(recorder),
      flush: recorder.flush.bind(recorder),
    };
    const deleting = new Proxy(client, {
      get: (target, key, receiver) =>
        key === 'deleteManifest'
          ? (r: string, digest: string, signal?: AbortSignal, tags?: readonly string[]) => {
              events.push(`delete ${digest}`);
              assert.ok(recorded.has(digest), `DELETE of ${digest} before its record was on disk`);
              return target.deleteManifest(r, digest, signal, tags);
            }
          : Reflect.get(target, key, receiver),
    });
    const items: ConfirmedDeletion[] = images.map((im, i) => ({ digest: im.digest, tags: [`1.${i}.0`] }));
    const result = await executeDeletions(deleting, repo, items, { confirmation: 'interactive', journal: watched, concurrency: 4 });
    assert.equal(result.deleted.length, 12);
    // All twelve fit one batch: every record is asked for before the first DELETE goes out.
    const firstDelete = events.findIndex((e) => e.startsWith('delete'));
    assert.equal(events.slice(0, firstDelete).length, 12, events.join('\n'));
    const entry = await onlyEntry(journal);
    assert.deepEqual(entry.manifests.map((m) => m.status), Array(12).fill('deleted'));
  });

  it('when the journal cannot be written, nothing is deleted and the run stops', async () => {
    const { repo, journal } = fresh('unwritable');
    const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
    const b = await pushImage(reg, repo, ['1.1.0'], { salt: `${repo}:b` });
    const before = await rawState(reg, repo, [a.digest, b.digest]);
    const recorder = await begin(journal, repo, 'prune');
    // The journal's folder is replaced by a file (root may write in a read-only folder; nobody writes into a file).
    rmSync(journal.dir, { recursive: true, force: true });
    writeFileSync(journal.dir, 'in the way');
    const preview = await previewPrune(client, repo, { range: '*' });
    const result = await executePrune(client, preview, { confirmation: 'interactive', concurrency: 1, journal: recorder });
    assert.deepEqual(result.deleted, []);
    assert.equal(result.stoppedBy?.code, 'JOURNAL');
    assert.match(result.stoppedBy?.message ?? '', /^the undo journal could not be written in .* \(a file is in the way of the folder\): nothing was deleted for sha256:/);
    assert.equal(result.failed.length, 1);
    assert.deepEqual(result.skipped.map((s) => s.reason), ['not started: stopped by JOURNAL']);
    assert.deepEqual(await rawState(reg, repo, [a.digest, b.digest]), before);
  });

  it('property: for random images and tags, restore after delete gives back exactly the tag → digest map', async () => {
    let run = 0;
    const arbImages = fc.array(
      fc.record({ tags: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), { maxLength: 3 }), doomed: fc.boolean() }),
      { minLength: 1, maxLength: 4 },
    );
    await fc.assert(
      fc.asyncProperty(arbImages, async (specs) => {
        const { repo, journal } = fresh(`prop-${++run}`);
        const taken = new Set<string>();
        const pushed = [];
        for (const [i, s] of specs.entries()) {
          const tags = s.tags.filter((t) => !taken.has(t));
          tags.forEach((t) => taken.add(t));
          pushed.push({ ...(await pushImage(reg, repo, tags, { salt: `${repo}:${i}` })), tags, doomed: s.doomed || i === 0 });
        }
        const digests = pushed.map((p) => p.digest);
        const before = await rawState(reg, repo, digests);
        const items = pushed.filter((p) => p.doomed).map((p) => ({ digest: p.digest, tags: p.tags, verified: true }));
        const deleted = await executeDeletions(client, repo, items, { confirmation: 'interactive', journal: await begin(journal, repo, 'delete') });
        assert.deepEqual([...deleted.deleted].sort(), items.map((i) => i.digest).sort());
        for (const i of items) assert.equal(await rawManifest(reg, repo, i.digest), null);
        const undone = await undo(client, journal, await onlyEntry(journal));
        assert.deepEqual([...undone.restored].sort(), items.map((i) => i.digest).sort());
        assert.deepEqual(await rawState(reg, repo, digests), before);
      }),
      { seed: SEED, numRuns: 15 },
    );
  });

  describe('after garbage collection', () => {
    let gcReg: TestRegistry;
    let gcClient: RegistryClient;
    before(async () => {
      gcReg = await startRegistry();
      gcClient = createRegistryClient({ url: gcReg.url });
    });
    after(async () => {
      await gcClient?.close();
      await gcReg?.stop();
    });

    it('refuses whole an image whose blobs garbage collection removed, names them, and changes nothing; restores the one whose blobs remain', async () => {
      const repo = 'undo/gc';
      const journal = openJournal(join(base, 'journal-gc'));
      // `shared` uses the same config and layer as a kept image: garbage collection keeps those blobs.
      const kept = await pushImage(gcReg, repo, ['keep'], { salt: `${repo}:kept` });
      const keptBytes = (await gcClient.getManifest(repo, kept.digest)).raw;
      const sharedJson = { ...JSON.parse(Buffer.from(keptBytes).toString('utf8')), annotations: { 'regx.test': 'shared' } };
      const sharedBytes = Buffer.from(JSON.stringify(sharedJson));
      const shared = await pushManifest(gcReg, repo, 'shared', kept.mediaType, sharedBytes);
      const lone = await pushImage(gcReg, repo, ['lone'], { salt: `${repo}:lone` });
      const digests = [kept.digest, shared, lone.digest];

      const items = [
        { digest: shared, tags: ['shared'] },
        { digest: lone.digest, tags: ['lone'] },
      ];
      const result = await executeDeletions(gcClient, repo, items, { confirmation: 'interactive', journal: await journal.begin({ registry: gcReg.url, repository: repo, operation: 'delete' }) });
      assert.equal(result.deleted.length, 2);
      await gcReg.garbageCollect();
      const afterGc = await rawState(gcReg, repo, digests);
      assert.deepEqual(afterGc.tags, { keep: kept.digest });

      const entry = await onlyEntry(journal);
      const review = await reviewRestore(gcClient, entry);
      const loneFate = review.images.find((i) => i.digest === lone.digest)!;
      assert.equal(loneFate.manifest, 'refused');
      assert.deepEqual(loneFate.missingBlobs, [
        { digest: lone.configDigest, kind: 'config' },
        { digest: lone.layerDigests[0], kind: 'layer' },
      ]);
      assert.equal(loneFate.refused, `cannot be restored: garbage collection removed blobs ${lone.configDigest} (config), ${lone.layerDigests[0]} (layer)`);
      assert.equal(review.images.find((i) => i.digest === shared)!.manifest, 'push');

      const undone = await restoreReviewed(gcClient, review);
      assert.deepEqual(undone.refused, [{ digest: lone.digest, tags: ['lone'], reason: loneFate.refused }]);
      assert.deepEqual(undone.restored, [shared]);
      // Nothing of the refused image was written; the other is back as it was.
      assert.deepEqual(await rawState(gcReg, repo, digests), {
        tags: { keep: kept.digest, shared },
        manifests: { [kept.digest]: kept.digest, [shared]: shared, [lone.digest]: null },
      });
    });

    it('refuses an index whose platform image lost its blobs, and pushes nothing of it', async () => {
      const repo = 'undo/gc-index';
      const journal = openJournal(join(base, 'journal-gc-index'));
      const index = await pushIndex(gcReg, repo, ['1.0.0'], { salt: `${repo}:idx` });
      const items: ConfirmedDeletion[] = [{ digest: index.digest, tags: ['1.0.0'] }, ...index.children.map((c) => ({ digest: c.digest, tags: [] }))];
      await executeDeletions(gcClient, repo, items, { confirmation: 'interactive', journal: await journal.begin({ registry: gcReg.url, repository: repo, operation: 'delete' }) });
      await gcReg.garbageCollect();
      const all = [index.digest, ...index.children.map((c) => c.digest)];
      const afterGc = await rawState(gcReg, repo, all);
      const review = await reviewRestore(gcClient, await onlyEntry(journal));
      const fates = Object.fromEntries(review.images.map((i) => [i.digest, i]));
      for (const c of index.children) assert.match(fates[c.digest].refused ?? '', /^cannot be restored: garbage collection removed blobs sha256:/);
      assert.equal(fates[index.digest].refused, `cannot be restored: the manifest it needs, ${index.children[0].digest}, cannot be restored either`);
      const undone = await restoreReviewed(gcClient, review);
      assert.deepEqual([undone.pushed, undone.tagged, undone.restored], [[], [], []]);
      assert.equal(undone.refused.length, 3);
      assert.deepEqual(await rawState(gcReg, repo, all), afterGc);
    });
  });
});
