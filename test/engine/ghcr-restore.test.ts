// Undo on GHCR through GitHub's restore endpoint: a deletion through the executor with a journal records the package
// version (owner, package, id: no token); the undo asks GitHub to restore that version first (the fake's log shows the
// POST) and reads it back, tags and digests as before over raw HTTP — even where the DELETE took the blobs with it
// (as GitHub may), so that pushing the journal's manifest back could not work. A deletion over 30 days old is refused
// with GitHub's reason and nothing changes; a token without write:packages is told so, and the blobs that remain are
// pushed back instead. The FAKE GitHub packages API (test/support/fake-ghcr.ts) stands over a REAL registry.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openJournal, type Journal, type JournalEntry } from '../../src/journal';
import { deleteReviewed, restoreReviewed, reviewDeletion, reviewRestore, type RestoreResult } from '../../src/ops';
import { createRegistryClient } from '../../src/registry/client';
import { isRegistryError, RegistryError } from '../../src/registry/errors';
import { GHCR_UNDO_NOTE } from '../../src/registry/providers/ghcr';
import type { RegistryClient } from '../../src/registry/types';
import { expectExit, head, regx, useCliScratchHome } from '../support/cli';
import { fakeClassicToken, startFakeGhcr, type FakeGhcr } from '../support/fake-ghcr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { FULL_ACCEPT, pushImage, seedRequest, type PushedImage } from '../support/seed';
import { makeTestDir } from '../support/system';

const OCTO = { login: 'octo', token: fakeClassicToken() };
const NOWRITE = { login: 'nowrite', token: fakeClassicToken(), scopes: ['read:packages', 'delete:packages'] };
type User = { login: string; token: string };

/** What the registry serves over raw HTTP: tag → digest of the bytes served, and each digest → the same, or null. */
async function rawState(reg: TestRegistry, repo: string, digests: readonly string[]): Promise<{ tags: Record<string, string>; manifests: Record<string, string | null> }> {
  const sha = async (ref: string): Promise<string | null> => {
    const res = await seedRequest(reg, 'GET', `/v2/${repo}/manifests/${ref}`, { repo, headers: { accept: FULL_ACCEPT } });
    if (res.status === 404) return null;
    assert.equal(res.status, 200, `GET ${repo}:${ref}`);
    return `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
  };
  const list = await seedRequest(reg, 'GET', `/v2/${repo}/tags/list`, { repo });
  const names = list.status === 200 ? ((JSON.parse(list.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []).sort() : [];
  const tags: Record<string, string> = {};
  for (const t of names) tags[t] = (await sha(t))!;
  const manifests: Record<string, string | null> = {};
  for (const d of digests) manifests[d] = await sha(d);
  return { tags, manifests };
}

async function blobThere(reg: TestRegistry, repo: string, digest: string): Promise<boolean> {
  return (await seedRequest(reg, 'HEAD', `/v2/${repo}/blobs/${digest}`, { repo })).status === 200;
}

async function onlyEntry(journal: Journal): Promise<JournalEntry> {
  const entries = await journal.list();
  assert.equal(entries.length, 1, `one journal entry (got ${entries.length})`);
  return entries[0];
}

describe('undo on GHCR through GitHub’s restore endpoint (fake GitHub packages API over a real registry)', function () {
  this.timeout(90_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let gh: FakeGhcr;
  let base: string;
  let seq = 0;
  const clients: RegistryClient[] = [];
  const client = (user: User = OCTO): RegistryClient => {
    const c = createRegistryClient({ url: reg.url, provider: 'ghcr', apiUrl: gh.url, credentials: async () => ({ username: user.login, password: user.token }) });
    clients.push(c);
    return c;
  };
  const journalAt = (): Journal => openJournal(join(base, `journal-${++seq}`));
  const restorePosts = (status?: number) => gh.requests({ method: 'POST', path: /\/versions\/\d+\/restore$/ }).filter((r) => status === undefined || r.status === status);

  /** Deletes the image of `tag` in `repo` through the executor, journaled; the journal's only entry. */
  async function deleteJournaled(c: RegistryClient, repo: string, tag: string, journal: Journal, notes: string[] = []): Promise<JournalEntry> {
    const review = await reviewDeletion(c, repo, [tag]);
    const result = await deleteReviewed(c, review, { confirmation: 'interactive', journal: await journal.begin({ registry: reg.url, repository: repo, operation: 'delete' }) });
    assert.deepEqual(result.failed, []);
    assert.equal(result.deleted.length, 1);
    notes.push(...(result.journalNotes ?? []));
    return onlyEntry(journal);
  }

  async function undo(c: RegistryClient, entry: JournalEntry): Promise<RestoreResult> {
    return restoreReviewed(c, await reviewRestore(c, entry));
  }

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    base = makeTestDir('regx-ghcr-restore-');
    await pushImage(reg, 'octo/app', ['keep'], { salt: 'ghcr-restore-keep' });
    await pushImage(reg, 'nowrite/tool', ['keep'], { salt: 'ghcr-restore-nowrite-keep' });
    gh = await startFakeGhcr({ registry: reg, users: [{ ...OCTO }, { ...NOWRITE }] });
  });
  afterEach(() => gh.dropBlobs(false));
  after(async () => {
    for (const c of clients) await c.close();
    await gh?.stop();
    await reg?.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('records the package version (no token), and restores it through GitHub even though the DELETE took the blobs', async () => {
    const a = await pushImage(reg, 'octo/app', ['v1', 'old'], { salt: 'ghcr-restore-a' });
    const before = await rawState(reg, 'octo/app', [a.digest]);
    gh.dropBlobs(true);
    const journal = journalAt();
    const entry = await deleteJournaled(client(), 'octo/app', 'v1', journal);
    const [deleted] = gh.deletedVersions();
    assert.equal(deleted.digest, a.digest);
    assert.deepEqual(entry.manifests[0].providerRef, { owner: 'octo', ownerType: 'user', package: 'app', versionId: deleted.id, provider: 'ghcr' });
    for (const f of readdirSync(journal.dir)) assert.ok(!readFileSync(join(journal.dir, f), 'utf8').includes(OCTO.token), 'no token in the journal');
    // GitHub took the data: the journal's manifest alone could not be pushed back.
    assert.equal(await blobThere(reg, 'octo/app', a.configDigest), false);
    assert.equal(await blobThere(reg, 'octo/app', a.layerDigests[0]), false);

    const c = client();
    const review = await reviewRestore(c, entry);
    assert.equal(review.images.length, 1);
    assert.equal(review.images[0].manifest, 'push');
    assert.equal(review.images[0].viaProvider, 'ghcr');
    assert.deepEqual(review.images[0].missingBlobs?.map((b) => b.digest).sort(), [a.configDigest, a.layerDigests[0]].sort());
    assert.equal(restorePosts().length, 0, 'the review writes nothing');

    const result = await restoreReviewed(c, review);
    assert.deepEqual([result.refused, result.conflicts, result.failed], [[], [], []]);
    assert.deepEqual(result.providerRestored, [a.digest]);
    assert.deepEqual(result.pushed, [a.digest]);
    assert.deepEqual(result.tagged, [], 'GitHub brought the tags back: none was pushed');
    assert.deepEqual(result.restored, [a.digest]);
    const posts = restorePosts(204);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].url, `/user/packages/container/app/versions/${deleted.id}/restore`);
    assert.equal(posts[0].authorization, 'Bearer');
    assert.deepEqual(await rawState(reg, 'octo/app', [a.digest]), before);
    assert.equal(await blobThere(reg, 'octo/app', a.layerDigests[0]), true);
    assert.equal(gh.versionId('octo/app', a.digest), deleted.id, 'the same version, by its id');
  });

  it('a deletion over 30 days old: refused with GitHub’s reason and the missing blobs; nothing changes', async () => {
    const b = await pushImage(reg, 'octo/app', ['v2'], { salt: 'ghcr-restore-b' });
    gh.dropBlobs(true);
    const entry = await deleteJournaled(client(), 'octo/app', 'v2', journalAt());
    gh.ageDeletion('octo/app', b.digest, 31);
    const after = await rawState(reg, 'octo/app', [b.digest]);
    assert.equal(after.manifests[b.digest], null);
    const posted = restorePosts().length;

    const result = await undo(client(), entry);
    assert.equal(restorePosts().length, posted + 1);
    assert.equal(restorePosts().at(-1)?.status, 404);
    assert.deepEqual([result.pushed, result.providerRestored, result.tagged, result.restored, result.failed], [[], [], [], [], []]);
    assert.equal(result.refused.length, 1);
    const { reason, tags } = result.refused[0];
    assert.deepEqual(tags, ['v2']);
    assert.match(reason, /GitHub no longer has that version \(deleted over 30 days ago, or its name was reused\): it cannot be restored/);
    assert.ok(reason.includes(b.configDigest) && reason.includes(b.layerDigests[0]), reason);
    assert.deepEqual(await rawState(reg, 'octo/app', [b.digest]), after);
  });

  it('a token without write:packages: GitHub’s 403 names the scope, and the blobs that remain are pushed back instead', async () => {
    const t = await pushImage(reg, 'nowrite/tool', ['1.0', 'stable'], { salt: 'ghcr-restore-t' });
    const before = await rawState(reg, 'nowrite/tool', [t.digest]);
    const entry = await deleteJournaled(client(NOWRITE), 'nowrite/tool', '1.0', journalAt());
    const ref = entry.manifests[0].providerRef!;
    const provider = await client(NOWRITE).provider();
    await assert.rejects(provider.restoreDeleted!('nowrite/tool', ref), (e: unknown) => {
      assert.ok(isRegistryError(e, 'INSUFFICIENT_SCOPE'), String(e));
      assert.equal((e as RegistryError).scope, 'write:packages');
      assert.match((e as RegistryError).fix ?? '', /read:packages and write:packages/);
      assert.ok(!`${(e as Error).message}${(e as RegistryError).fix}`.includes(NOWRITE.token));
      return true;
    });
    await assert.rejects(provider.restoreDeleted!('octo/app', ref), (e: unknown) => isRegistryError(e, 'BAD_INPUT'), 'a reference is used only for its own package');

    const result = await undo(client(NOWRITE), entry);
    assert.deepEqual(result.providerRestored, []);
    assert.deepEqual(result.pushed, [t.digest]);
    assert.deepEqual(result.tagged.map((x) => x.tag).sort(), ['1.0', 'stable']);
    assert.deepEqual(result.restored, [t.digest]);
    assert.deepEqual(await rawState(reg, 'nowrite/tool', [t.digest]), before);
  });

  it('a reference that cannot be looked up does not stop the deletion: recorded without it, with the reason', async () => {
    const d = await pushImage(reg, 'octo/app', ['v4'], { salt: 'ghcr-restore-d' });
    const real = client();
    const failing: RegistryClient = {
      ...real,
      provider: async (signal) => ({
        ...(await real.provider(signal)),
        undoRef: async () => {
          throw new RegistryError('NETWORK', 'api.github.example did not answer');
        },
      }),
    };
    const notes: string[] = [];
    const entry = await deleteJournaled(failing, 'octo/app', 'v4', journalAt(), notes);
    assert.equal(await head(reg, 'octo/app', d.digest), undefined, 'deleted');
    assert.equal(notes.length, 1, 'the deletion says what the journal could not keep');
    assert.match(notes[0], /could not be looked up \(.*did not answer\).*an undo of it will need its blobs to remain/);
    assert.equal(entry.manifests[0].providerRef, undefined);
    assert.match(entry.manifests[0].providerRefMissing ?? '', /did not answer/);
    const posted = restorePosts().length;
    const result = await undo(client(), entry);
    assert.equal(restorePosts().length, posted, 'no reference: GitHub is not asked');
    assert.deepEqual(result.restored, [d.digest]);
    assert.equal(await head(reg, 'octo/app', 'v4'), d.digest);
  });

  describe('regx delete, then regx restore', () => {
    let state: string;
    let env: Record<string, string>;
    let c: PushedImage;
    before(() => {
      state = makeTestDir('regx-ghcr-restore-state-');
      env = { XDG_STATE_HOME: state };
    });
    after(() => rmSync(state, { recursive: true, force: true }));

    it('delete prints the note before it deletes; restore without the ghcr provider refuses saying why, with it restores', async () => {
      c = await pushImage(reg, 'octo/cli', ['v1', 'latest'], { salt: 'ghcr-restore-cli' });
      await pushImage(reg, 'octo/cli', ['v0'], { salt: 'ghcr-restore-cli-other' });
      const before = await rawState(reg, 'octo/cli', [c.digest]);
      gh.dropBlobs(true);
      const hosted = ['--provider', 'ghcr', '--api-url', gh.url, '-u', OCTO.login, '--password-stdin'];
      const del = await regx(['delete', `${reg.url}/octo/cli:v1`, '--yes', ...hosted], { env, stdin: OCTO.token });
      expectExit(del, 0);
      const note = del.stdout.indexOf(`${GHCR_UNDO_NOTE}\n`);
      assert.ok(note >= 0, del.stdout);
      assert.match(GHCR_UNDO_NOTE, /restores the deleted package version through GitHub’s API .*within 30 days.*write:packages.*nothing of it can come back/);
      assert.ok(note < del.stdout.indexOf(`Deleted ${c.digest}`), 'the note comes before the deletion');
      assert.equal(await head(reg, 'octo/cli', c.digest), undefined);

      const plain = await regx(['restore', '--last', '--yes'], { env });
      expectExit(plain, 1);
      assert.match(plain.stdout, /refused {2}sha256:[0-9a-f]{64} \(latest, v1\): cannot be restored: garbage collection removed blobs .*deleted through the ghcr provider’s API, which can restore it/);
      assert.match(plain.stdout, /Nothing was changed\./);

      const posted = restorePosts(204).length;
      const r = await regx(['restore', '--last', '--yes', ...hosted], { env, stdin: OCTO.token });
      expectExit(r, 0);
      assert.match(r.stdout, new RegExp(`restore {2}${c.digest} \\(latest, v1\\): through the ghcr API`));
      assert.match(r.stdout, /Restored 1 image\(s\): pushed 0 manifest\(s\) and 0 tag\(s\); 1 restored through the registry’s own API\./);
      assert.equal(restorePosts(204).length, posted + 1);
      assert.deepEqual(await rawState(reg, 'octo/cli', [c.digest]), before);
      const dir = join(state, 'regx', 'journal');
      for (const f of readdirSync(dir)) assert.ok(!readFileSync(join(dir, f), 'utf8').includes(OCTO.token), 'no token in the journal');
      assert.ok(!`${del.stdout}${del.stderr}${r.stdout}${r.stderr}`.includes(OCTO.token));
    });
  });
});
