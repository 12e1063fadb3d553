// The undo journal's store (src/journal) on a real file system: what an entry holds, the bounds (count and age),
// whole-file writes (a reader never sees half an entry; records that arrive during a write all land), files that are
// not entries, file modes, and that no login ever reaches a journal file.
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJournalId, journalSummary, manifestBytes, newJournalId, openJournal, type JournalRecorder } from '../../src/journal';
import { isRegistryError } from '../../src/registry/errors';
import { makeTestDir } from '../support/system';

const DAY = 24 * 3600 * 1000;
const digestOf = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const bytesOf = (n: number): Uint8Array => new Uint8Array(Buffer.from(JSON.stringify({ schemaVersion: 2, n })));
const META = { registry: 'http://localhost:5000', repository: 'team/app', operation: 'prune' };

/** A clock the test moves. */
function clock(start = Date.UTC(2025, 0, 14, 15, 30, 12)): { now: () => Date; advance: (ms: number) => void } {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => (t += ms) };
}

async function recordOne(recorder: JournalRecorder, n: number, tags: string[] = [`t${n}`]): Promise<void> {
  await recorder.record({ digest: digestOf(n), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: bytesOf(n), tags });
}

describe('undo journal store', () => {
  let base: string;
  let dir: string;
  beforeEach(() => {
    base = makeTestDir('regx-journal-');
    dir = join(base, 'state', 'regx', 'journal');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('keeps each manifest before anything else: bytes, media type, tags, subject, then the outcome', async () => {
    const journal = openJournal(dir);
    const rec = await journal.begin(META);
    assert.ok(isJournalId(rec.id), rec.id);
    assert.deepEqual(await journal.list(), [], 'nothing is written before the first record');
    await recordOne(rec, 1, ['1.0.0', 'latest']);
    await rec.record({ digest: digestOf(2), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: bytesOf(2), tags: [], subject: digestOf(1) });
    // On disk now, before any outcome.
    let entry = await journal.read(rec.id);
    assert.deepEqual(
      entry.manifests.map((m) => [m.digest, m.tags, m.subject, m.status]),
      [
        [digestOf(1), ['1.0.0', 'latest'], undefined, 'pending'],
        [digestOf(2), [], digestOf(1), 'pending'],
      ],
    );
    assert.deepEqual(manifestBytes(entry.manifests[0]), bytesOf(1));
    assert.equal(entry.registry, 'http://localhost:5000');
    assert.equal(entry.repository, 'team/app');
    assert.equal(entry.operation, 'prune');
    rec.outcome(digestOf(1), 'deleted');
    rec.outcome(digestOf(2), 'failed', 'localhost:5000 answered 500');
    await rec.flush();
    entry = await journal.read(rec.id);
    assert.deepEqual(
      entry.manifests.map((m) => [m.status, m.error]),
      [
        ['deleted', undefined],
        ['failed', 'localhost:5000 answered 500'],
      ],
    );
    await journal.markRestored(rec.id, [digestOf(1)]);
    entry = await journal.read(rec.id);
    assert.ok(entry.manifests[0].restoredAt && !entry.manifests[1].restoredAt);
    const summary = journalSummary(entry);
    assert.ok(summary.manifests.every((m) => !('bytes' in m)));
  });

  it('files are 0600 in a folder 0700', async () => {
    const journal = openJournal(dir);
    const rec = await journal.begin(META);
    await recordOne(rec, 1);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, `${rec.id}.json`)).mode & 0o777, 0o600);
  });

  it('keeps the newest operations only (maxEntries), dropping the oldest when one begins', async () => {
    const c = clock();
    const journal = openJournal(dir, { maxEntries: 3, now: c.now });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const rec = await journal.begin(META);
      await recordOne(rec, i);
      ids.push(rec.id);
      c.advance(1000);
    }
    assert.deepEqual((await journal.list()).map((e) => e.id), ids.slice(2).reverse());
  });

  it('drops operations older than maxAgeMs when one begins', async () => {
    const c = clock();
    const journal = openJournal(dir, { maxAgeMs: 30 * DAY, now: c.now });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const rec = await journal.begin(META);
      await recordOne(rec, i);
      ids.push(rec.id);
      c.advance(10 * DAY);
    }
    c.advance(5 * DAY); // the first is 35 days old now, the second 25
    const rec = await journal.begin(META);
    await recordOne(rec, 9);
    assert.deepEqual((await journal.list()).map((e) => e.id), [rec.id, ids[2], ids[1]]);
  });

  it('writes whole files: records arriving together all land, a reader never sees half an entry, no temp file is left', async () => {
    const journal = openJournal(dir);
    const rec = await journal.begin(META);
    let reads = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        try {
          const text = readFileSync(join(dir, `${rec.id}.json`), 'utf8');
          JSON.parse(text); // throws on half a file
          reads++;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    await Promise.all(Array.from({ length: 200 }, (_, i) => recordOne(rec, i)));
    reading = false;
    await reader;
    assert.ok(reads > 0, 'the reader read the file while it was written');
    const entry = await journal.read(rec.id);
    assert.deepEqual(entry.manifests.map((m) => m.digest).sort(), Array.from({ length: 200 }, (_, i) => digestOf(i)).sort());
    assert.deepEqual(readdirSync(dir), [`${rec.id}.json`]);
  });

  it('removes temp files a crashed writer left, once they are old', async () => {
    const journal = openJournal(dir);
    await recordOne(await journal.begin(META), 1);
    const stale = join(dir, '.20250101-000000-abcd.0badf00d.tmp');
    const fresh = join(dir, '.20250101-000000-abce.0badf00e.tmp');
    writeFileSync(stale, '{"half');
    writeFileSync(fresh, '{"half');
    const old = (Date.now() - 2 * 3600 * 1000) / 1000;
    utimesSync(stale, old, old);
    await journal.begin(META);
    const names = readdirSync(dir);
    assert.ok(!names.includes('.20250101-000000-abcd.0badf00d.tmp'));
    assert.ok(names.includes('.20250101-000000-abce.0badf00e.tmp'), 'a temp file being written now is left alone');
  });

  it('skips files that are not entries when listing, and says so when one is read by id', async () => {
    const journal = openJournal(dir);
    const rec = await journal.begin(META);
    await recordOne(rec, 1);
    writeFileSync(join(dir, '20250101-000000-abcd.json'), '{"id": "20250101-000000-abcd", "manif');
    writeFileSync(join(dir, '20250102-000000-abcd.json'), JSON.stringify({ id: '20250102-000000-abcd', at: 'x', registry: 'r', repository: 'a', operation: 'o', manifests: [{ digest: 1 }] }));
    writeFileSync(join(dir, '20250103-000000-abcd.json'), JSON.stringify({ id: 'another-id', at: 'x', registry: 'r', repository: 'a', operation: 'o', manifests: [] }));
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    mkdirSync(join(dir, '20250104-000000-abcd.json'));
    assert.deepEqual((await journal.list()).map((e) => e.id), [rec.id]);
    await assert.rejects(journal.read('20250101-000000-abcd'), (e) => isRegistryError(e, 'BAD_INPUT') && /not a journal entry/.test(e.message));
    await assert.rejects(journal.read('20250109-000000-abcd'), (e) => isRegistryError(e, 'BAD_INPUT') && /has no operation 20250109-000000-abcd/.test(e.message));
    await assert.rejects(journal.read('../../etc/passwd'), (e) => isRegistryError(e, 'BAD_INPUT') && /is not an undo journal id/.test(e.message));
  });

  it('lists nothing (and creates nothing) where no journal was ever written', async () => {
    assert.deepEqual(await openJournal(dir).list(), []);
  });

  it('never keeps a login: an address with user:password@ is refused without quoting it, and nothing is written', async () => {
    const journal = openJournal(dir);
    for (const registry of ['http://alice:s3cr3t-pw@localhost:5000', 'alice:s3cr3t-pw@localhost:5000', 'https://tok3n-only@ghcr.io']) {
      await assert.rejects(journal.begin({ ...META, registry }), (e) => {
        assert.ok(isRegistryError(e, 'BAD_INPUT'), String(e));
        assert.ok(!`${e.message} ${e.fix}`.includes('s3cr3t') && !`${e.message} ${e.fix}`.includes('tok3n'), e.message);
        return true;
      });
    }
    assert.deepEqual(await journal.list(), []);
    // A scheme and host are kept as given (lower-cased), to reconnect with.
    const rec = await journal.begin({ ...META, registry: 'HTTP://LocalHost:5000/' });
    await recordOne(rec, 1);
    assert.equal((await journal.read(rec.id)).registry, 'http://localhost:5000');
  });

  it('a record that cannot be written rejects, saying so (and where)', async () => {
    const journal = openJournal(dir);
    const rec = await journal.begin(META);
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'a file in the way');
    await assert.rejects(recordOne(rec, 1), (e) => isRegistryError(e, 'BAD_INPUT') && e.message.includes('the undo journal could not be written in') && e.message.includes(dir));
    await assert.rejects(journal.begin(META), (e) => isRegistryError(e, 'BAD_INPUT') && /a file is in the way/.test(e.message));
  });

  it('ids sort by time and are short', () => {
    const times = [Date.UTC(2024, 11, 31, 23, 59, 59), Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1, 0, 0, 1), Date.UTC(2026, 5, 1)];
    const ids = times.map((t) => newJournalId(new Date(t)));
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(ids.every((id) => id.length === 20 && isJournalId(id)), ids.join(' '));
    assert.equal(ids[1].slice(0, 15), '20250101-000000');
  });
});
