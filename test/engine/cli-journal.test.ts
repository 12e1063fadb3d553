// regx journal and regx restore, spawned as users run them (the real bundle, a clean environment), against real
// registries: delete and prune write the journal under $XDG_STATE_HOME, restore brings the images back (checked over
// raw HTTP), with the exit codes scripts rely on; a journal that cannot be written stops the delete before anything
// goes; and a Basic-auth login never reaches a journal file.
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectExit, head, regx, useCliScratchHome } from '../support/cli';
import { fakeClassicToken, startFakeGhcr, type FakeGhcr } from '../support/fake-ghcr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage } from '../support/seed';
import { makeTestDir } from '../support/system';

interface JournalJson {
  directory: string;
  entries: { id: string; registry: string; repository: string; operation: string; manifests: { digest: string; tags: string[]; status: string; restoredAt?: string; bytes?: string }[] }[];
}

describe('regx journal and restore', function () {
  this.timeout(90_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let H: string;
  let state: string;
  let env: Record<string, string>;
  let seq = 0;
  const journalDir = (): string => join(state, 'regx', 'journal');
  const listJson = async (): Promise<JournalJson> => {
    const r = await regx(['journal', '--json'], { env });
    expectExit(r, 0);
    return JSON.parse(r.stdout) as JournalJson;
  };

  before(async () => {
    reg = await startRegistry();
    H = reg.host;
  });
  beforeEach(() => {
    state = makeTestDir('regx-cli-state-');
    env = { XDG_STATE_HOME: state };
  });
  afterEach(() => rmSync(state, { recursive: true, force: true }));
  after(async () => reg?.stop());

  it('delete writes the journal; journal lists it; restore --last --yes brings the image and its tags back', async () => {
    const repo = `cli/delete-${++seq}`;
    const a = await pushImage(reg, repo, ['1.0.0', 'stable'], { salt: `${repo}:a` });
    const del = await regx(['delete', `${H}/${repo}:1.0.0`, '--yes'], { env });
    expectExit(del, 0);
    assert.equal(await head(reg, repo, '1.0.0'), undefined);

    assert.equal(statSync(journalDir()).mode & 0o777, 0o700);
    const files = readdirSync(journalDir());
    assert.equal(files.length, 1);
    assert.equal(statSync(join(journalDir(), files[0])).mode & 0o777, 0o600);

    const listed = await listJson();
    assert.equal(listed.directory, journalDir());
    assert.equal(listed.entries.length, 1);
    const [entry] = listed.entries;
    assert.deepEqual({ registry: entry.registry, repository: entry.repository, operation: entry.operation }, { registry: H, repository: repo, operation: 'delete' });
    assert.deepEqual(entry.manifests.map((m) => [m.digest, m.tags, m.status]), [[a.digest, ['1.0.0', 'stable'], 'deleted']]);
    assert.ok(entry.manifests.every((m) => m.bytes === undefined), 'no manifest bytes in the listing');

    const table = await regx(['journal'], { env });
    expectExit(table, 0);
    assert.match(table.stdout, /^ID\s+WHEN\s+REPOSITORY\s+OPERATION\s+IMAGES\s+TAGS\s+RESTORED\n/);
    assert.match(table.stdout, new RegExp(`${entry.id}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+${H.replace(/\./g, '\\.')}/${repo}\\s+delete\\s+1\\s+2\\s+no\\n`));

    const dry = await regx(['restore', '--last', '--dry-run'], { env });
    expectExit(dry, 0);
    assert.match(dry.stdout, new RegExp(`restore  ${a.digest} \\(1\\.0\\.0, stable\\)`));
    assert.match(dry.stdout, /Dry run: nothing was changed\./);
    assert.equal(await head(reg, repo, a.digest), undefined);

    const noTerminal = await regx(['restore', entry.id], { env });
    expectExit(noTerminal, 2);
    assert.match(noTerminal.stderr, /refusing to restore without --yes/);
    assert.equal(await head(reg, repo, a.digest), undefined);

    const restored = await regx(['restore', '--last', '--yes'], { env });
    expectExit(restored, 0);
    assert.match(restored.stdout, /Restored 1 image\(s\): pushed 1 manifest\(s\) and 2 tag\(s\)\./);
    assert.equal(await head(reg, repo, '1.0.0'), a.digest);
    assert.equal(await head(reg, repo, 'stable'), a.digest);
    assert.ok((await listJson()).entries[0].manifests[0].restoredAt, 'the journal marks it restored');
    assert.match((await regx(['journal'], { env })).stdout, /\s+1\s+2\s+yes\n/);

    const again = await regx(['restore', entry.id, '--yes'], { env });
    expectExit(again, 0);
    assert.match(again.stdout, /present  sha256:[0-9a-f]{64} \(1\.0\.0, stable\): nothing to restore\nNothing to restore\./);
  });

  it('prune then restore: every pruned tag is back; --json gives the review and the result', async () => {
    const repo = `cli/prune-${++seq}`;
    const digests: Record<string, string> = {};
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) digests[v] = (await pushImage(reg, repo, [v], { salt: `${repo}:${v}` })).digest;
    expectExit(await regx(['prune', `${H}/${repo}`, '--semver', '<2.0.0', '--yes'], { env }), 0);
    assert.equal(await head(reg, repo, '1.0.0'), undefined);
    const r = await regx(['restore', '--last', '--yes', '--json'], { env });
    expectExit(r, 0);
    const out = JSON.parse(r.stdout) as { operation: string; images: { digest: string; manifest: string }[]; result: { restored: string[] }; entry?: unknown };
    assert.equal(out.operation, 'prune');
    assert.equal(out.entry, undefined, 'no manifest bytes in the JSON');
    assert.deepEqual(out.images.map((i) => i.manifest), ['push', 'push']);
    assert.deepEqual([...out.result.restored].sort(), [digests['1.0.0'], digests['1.1.0']].sort());
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) assert.equal(await head(reg, repo, v), digests[v]);
  });

  it('a tag pushed to another image meanwhile: skipped and exit 1; --force moves it back', async () => {
    const repo = `cli/moved-${++seq}`;
    const a = await pushImage(reg, repo, ['1.0.0', 'stable'], { salt: `${repo}:a` });
    expectExit(await regx(['delete', `${H}/${repo}:1.0.0`, '--yes'], { env }), 0);
    const b = await pushImage(reg, repo, ['stable'], { salt: `${repo}:b` });
    const skipped = await regx(['restore', '--last', '--yes'], { env });
    expectExit(skipped, 1);
    assert.match(skipped.stdout, new RegExp(`  tag stable moved to ${b.digest}: skipped, use --force`));
    assert.match(skipped.stderr, new RegExp(`regx: tag stable now points at ${b.digest} \\(moved since the deletion\\): left alone\\. Add --force`));
    assert.equal(await head(reg, repo, '1.0.0'), a.digest);
    assert.equal(await head(reg, repo, 'stable'), b.digest);
    const forced = await regx(['restore', '--last', '--yes', '--force'], { env });
    expectExit(forced, 0);
    assert.equal(await head(reg, repo, 'stable'), a.digest);
    assert.match(forced.stderr, new RegExp(`note: tag stable was moved back from ${b.digest} to ${a.digest}`));
  });

  it('bad usage exits 2: an unknown id says how to see the ids; no id; an empty journal', async () => {
    const unknown = await regx(['restore', '20990101-000000-abcd'], { env });
    expectExit(unknown, 2);
    assert.match(unknown.stderr, /regx: the undo journal has no operation "20990101-000000-abcd"\nRun regx journal to see the ids/);
    const none = await regx(['restore'], { env });
    expectExit(none, 2);
    assert.match(none.stderr, /name the operation to undo/);
    const empty = await regx(['restore', '--last'], { env });
    expectExit(empty, 2);
    assert.match(empty.stderr, /the undo journal is empty/);
    const list = await regx(['journal'], { env });
    expectExit(list, 0);
    assert.match(list.stdout, /^The undo journal is empty \(/);
  });

  it('without XDG_STATE_HOME the journal is under ~/.local/state/regx/journal', async () => {
    const home = makeTestDir('regx-cli-home2-');
    try {
      const repo = `cli/home-${++seq}`;
      await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
      expectExit(await regx(['delete', `${H}/${repo}:1.0.0`, '--yes'], { env: { HOME: home } }), 0);
      assert.equal(readdirSync(join(home, '.local', 'state', 'regx', 'journal')).length, 1);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('when the journal cannot be written, delete deletes nothing', async () => {
    const repo = `cli/unwritable-${++seq}`;
    const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
    mkdirSync(join(state, 'regx'), { recursive: true });
    writeFileSync(journalDir(), 'a file where the journal folder should be');
    const r = await regx(['delete', `${H}/${repo}:1.0.0`, '--yes'], { env });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /regx: the undo journal could not be written in .*journal \(a file is in the way of the folder\)\nNothing was deleted\./);
    assert.equal(await head(reg, repo, '1.0.0'), a.digest);
  });

  describe('with a Basic-auth login', () => {
    let authReg: TestRegistry;
    before(async () => {
      authReg = await startRegistry({ auth: 'basic' });
    });
    after(async () => authReg?.stop());

    it('no journal file holds the password or the user name; restore logs in again', async () => {
      const alice = authReg.users[0];
      const repo = 'cli/auth';
      const a = await pushImage(authReg, repo, ['1.0.0'], { salt: `${repo}:a` });
      const login = ['-u', alice.username, '--password-stdin'];
      expectExit(await regx(['delete', `http://${authReg.host}/${repo}:1.0.0`, '--yes', ...login], { env, stdin: alice.password }), 0);
      assert.equal(await head(authReg, repo, '1.0.0', alice), undefined);
      const files = readdirSync(journalDir());
      assert.equal(files.length, 1);
      for (const f of files) {
        const text = readFileSync(join(journalDir(), f), 'utf8');
        assert.ok(!text.includes(alice.password), 'the password is not in the journal');
        assert.ok(!text.includes(Buffer.from(`${alice.username}:${alice.password}`).toString('base64')), 'nor the Basic header');
        assert.ok(!text.includes(alice.username), 'nor the user name');
        assert.equal((JSON.parse(text) as { registry: string }).registry, `http://${authReg.host}`);
      }
      const anonymous = await regx(['restore', '--last', '--yes'], { env });
      expectExit(anonymous, 1);
      const r = await regx(['restore', '--last', '--yes', ...login], { env, stdin: alice.password });
      expectExit(r, 0);
      assert.equal(await head(authReg, repo, '1.0.0', alice), a.digest);
      assert.ok(!`${r.stdout}${r.stderr}${anonymous.stdout}${anonymous.stderr}`.includes(alice.password));
    });
  });

  describe('on GHCR (a fake GitHub packages API over a real registry)', () => {
    let ghReg: TestRegistry;
    let gh: FakeGhcr;
    const user = { login: 'octo', token: fakeClassicToken() };
    before(async () => {
      ghReg = await startRegistry();
      gh = await startFakeGhcr({ registry: ghReg, users: [{ ...user }] });
    });
    after(async () => {
      await gh?.stop();
      await ghReg?.stop();
    });

    it('delete says before asking how an undo works there; restore brings the package version back', async () => {
      const a = await pushImage(ghReg, 'octo/app', ['v1', 'old'], { salt: 'cli-journal-ghcr' });
      const hosted = ['--provider', 'ghcr', '--api-url', gh.url, '-u', user.login, '--password-stdin'];
      const del = await regx(['delete', `${ghReg.url}/octo/app:v1`, '--yes', ...hosted], { env, stdin: user.token });
      expectExit(del, 0);
      assert.match(del.stdout, /On GHCR an undo restores the deleted package version through GitHub’s API \(tags and data included\) within 30 days of the deletion; it needs a token with the write:packages scope\. After 30 days nothing of it can come back\.\n/);
      assert.match(del.stdout, /Undo with: regx restore \d{8}-\d{6}-[0-9a-f]{4} /);
      assert.equal(await head(ghReg, 'octo/app', a.digest), undefined);
      const r = await regx(['restore', '--last', '--yes', ...hosted], { env, stdin: user.token });
      expectExit(r, 0);
      assert.equal(await head(ghReg, 'octo/app', 'v1'), a.digest);
      assert.equal(await head(ghReg, 'octo/app', 'old'), a.digest);
      for (const f of readdirSync(journalDir())) assert.ok(!readFileSync(join(journalDir(), f), 'utf8').includes(user.token), 'no token in the journal');
    });
  });

  describe('after garbage collection', () => {
    let gcReg: TestRegistry;
    before(async () => {
      gcReg = await startRegistry();
    });
    after(async () => gcReg?.stop());

    it('restore refuses (exit 1), names the missing blobs, and changes nothing', async () => {
      const repo = 'cli/gc';
      const a = await pushImage(gcReg, repo, ['1.0.0'], { salt: `${repo}:a` });
      expectExit(await regx(['delete', `${gcReg.host}/${repo}:1.0.0`, '--yes'], { env }), 0);
      await gcReg.garbageCollect();
      const r = await regx(['restore', '--last', '--yes'], { env });
      expectExit(r, 1);
      assert.match(r.stdout, new RegExp(`refused  ${a.digest} \\(1\\.0\\.0\\): cannot be restored: garbage collection removed blobs ${a.configDigest} \\(config\\), ${a.layerDigests[0]} \\(layer\\)`));
      assert.match(r.stdout, /Nothing was changed\./);
      assert.equal(await head(gcReg, repo, '1.0.0'), undefined);
      assert.equal(await head(gcReg, repo, a.digest), undefined);
      assert.equal((await listJson()).entries[0].manifests[0].restoredAt, undefined);
    });
  });
});
