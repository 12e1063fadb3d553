// The regx CLI contract, by spawning the real bundle (`node dist/cli.js`, built by `node scripts/build.mjs`)
// against REAL registries (docker-registry 2.8.2): every command, the --json shapes, exit codes 0/1/2,
// refusing to delete without --yes off a terminal, dry runs that change nothing, bad input that deletes
// nothing, and logins by -u/--password-stdin, REGX_USERNAME/REGX_PASSWORD and a docker config.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectExit, expectShortError, head, regx, show, useCliScratchHome, type Run } from '../support/cli';
import { startRegistry, type RegistryUser, type TestRegistry } from '../support/registry';
import { pushImage, seedStandard, type PushedImage, type StandardDataset } from '../support/seed';
import { faultPagedList, sha256Digest, startFaultServer } from '../support/fault-server';
import { ensureSystemPackages } from '../support/system';

async function tagList(reg: TestRegistry, repo: string): Promise<string[]> {
  const res = await fetch(`${reg.url}/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags: string[] | null };
  return [...(body.tags ?? [])].sort();
}

describe('regx CLI', () => {
  useCliScratchHome();

  describe('regx CLI (spawned) on a real registry', function () {
    this.timeout(60_000);
    let reg: TestRegistry;
    let data: StandardDataset;
    let H: string;

    before(async () => {
      reg = await startRegistry({ auth: 'none' });
      data = await seedStandard(reg);
      H = reg.host;
    });
    after(async () => {
      await reg?.stop();
    });

    describe('help and usage', () => {
      it('--help prints every command of the usage and exits 0', async () => {
        const r = await regx(['--help']);
        expectExit(r, 0);
        for (const cmd of ['repos <registry>', 'tags <registry>/<repo>', 'digest <registry>/<repo>:<tag>', 'inspect <ref>', 'delete <registry>/<repo>:<tag>|@<digest>', 'untag <registry>/<repo>:<tag>', 'prune <registry>/<repo> --semver <range>']) {
          assert.ok(r.stdout.includes(`regx ${cmd}`), `usage lacks: regx ${cmd}`);
        }
        for (const flag of ['--username', '--password-stdin', '--insecure', '--ca-file', 'REGX_USERNAME', 'REGX_PASSWORD', 'DOCKER_CONFIG']) assert.ok(r.stdout.includes(flag), flag);
        assert.equal(r.stderr, '');
      });

      it('no command: the usage and exit 2; an unknown command: exit 2, two lines', async () => {
        const none = await regx([]);
        expectExit(none, 2);
        assert.match(none.stdout, /Usage:/);
        expectShortError(await regx(['frobnicate']), 2, /unknown command "frobnicate"/);
      });

      it('--version prints the package version', async () => {
        const r = await regx(['--version']);
        expectExit(r, 0);
        assert.equal(r.stdout.trim(), '0.1.0');
      });
    });

    describe('repos, tags, digest, inspect', () => {
      it('repos: one name per line; --json: the array of names', async () => {
        const text = await regx(['repos', H]);
        expectExit(text, 0);
        assert.deepEqual(text.stdout.trimEnd().split('\n'), data.names);
        const json = await regx(['repos', `http://${H}`, '--json']);
        expectExit(json, 0);
        assert.deepEqual(JSON.parse(json.stdout), data.names);
      });

      it('tags: every tag of the 1050-tag repository; --json: [{tag}]', async () => {
        const text = await regx(['tags', `${H}/big`]);
        expectExit(text, 0);
        assert.equal(text.stdout.trimEnd().split('\n').length, 1050);
        const json = await regx(['tags', `${H}/big`, '--json']);
        expectExit(json, 0);
        const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
        assert.equal(rows.length, 1050);
        for (const row of rows) assert.deepEqual(Object.keys(row), ['tag']);
        assert.deepEqual(rows.map((r) => r.tag).sort(), Object.keys(data.repositories.big.tags).sort());
      });

      it('tags --digests --json: [{tag, digest, mediaType}] with the real digests', async () => {
        const r = await regx(['tags', `${H}/multi`, '--digests', '--json']);
        expectExit(r, 0);
        const rows = JSON.parse(r.stdout) as { tag: string; digest: string; mediaType: string }[];
        const multi = data.repositories.multi;
        assert.equal(rows.length, 3);
        for (const row of rows) {
          assert.deepEqual(Object.keys(row).sort(), ['digest', 'mediaType', 'tag']);
          assert.equal(row.digest, multi.tags[row.tag], row.tag);
          assert.equal(row.mediaType, multi.manifests[row.digest].mediaType);
        }
        const text = await regx(['tags', `${H}/team/api`, '--digests']);
        expectExit(text, 0);
        for (const [tag, digest] of Object.entries(data.repositories['team/api'].tags)) assert.match(text.stdout, new RegExp(`^${tag.replace(/\./g, '\\.')}\\s+${digest}$`, 'm'));
      });

      it('digest prints only the digest (OCI image, Docker list, by digest)', async () => {
        const app = await regx(['digest', `${H}/app:latest`]);
        expectExit(app, 0);
        assert.equal(app.stdout, `${data.repositories.app.tags.latest}\n`);
        const list = await regx(['digest', `${H}/multi:2.0.0`]);
        assert.equal(list.stdout, `${data.repositories.multi.tags['2.0.0']}\n`);
        const byDigest = await regx(['digest', `${H}/team/api@${data.repositories['team/api'].tags.stable}`]);
        assert.equal(byDigest.stdout, `${data.repositories['team/api'].tags.stable}\n`);
      });

      it('inspect --json: digest, media type, size, created and every tag on the digest', async () => {
        const app = data.repositories.app;
        const r = await regx(['inspect', `${H}/app:2.0.0`, '--json']);
        expectExit(r, 0);
        const j = JSON.parse(r.stdout);
        assert.equal(j.digest, app.tags['2.0.0']);
        assert.equal(j.mediaType, 'application/vnd.oci.image.manifest.v1+json');
        assert.equal(j.kind, 'image');
        assert.equal(typeof j.size, 'number');
        assert.ok(j.size > 0);
        assert.equal(j.created, app.manifests[app.tags['2.0.0']].created);
        assert.deepEqual(j.tags, ['2.0.0', 'latest']);
        assert.equal(j.configDigest, app.manifests[app.tags['2.0.0']].configDigest);
      });

      it('inspect of a multi-arch index lists its platforms; the text form names the tags', async () => {
        const multi = data.repositories.multi;
        const r = await regx(['inspect', `${H}/multi:1.0.0`, '--json']);
        expectExit(r, 0);
        const j = JSON.parse(r.stdout);
        assert.equal(j.kind, 'index');
        assert.deepEqual(
          j.platforms.map((p: { os: string; architecture: string; digest: string }) => `${p.os}/${p.architecture} ${p.digest}`),
          multi.manifests[multi.tags['1.0.0']].children!.map((c) => `${c.platform} ${c.digest}`),
        );
        assert.deepEqual(j.tags, ['1.0.0']);
        const text = await regx(['inspect', `${H}/multi:latest`]);
        expectExit(text, 0);
        assert.match(text.stdout, /Platforms:\s+linux\/amd64, linux\/arm64/);
        assert.match(text.stdout, /Tags:\s+2\.0\.0, latest/);
        assert.ok(text.stdout.includes(multi.tags.latest));
      });

      it('an operation that fails exits 1 with one or two lines: unknown repository, unknown tag, nothing listening', async () => {
        expectShortError(await regx(['tags', `${H}/nope`]), 1, /does not exist/);
        expectShortError(await regx(['digest', `${H}/app:missing`]), 1, /app:missing/);
        expectShortError(await regx(['repos', '127.0.0.1:1']), 1, /refused/);
      });
    });

    describe('delete', () => {
      let shared: PushedImage;
      let other: PushedImage;
      before(async () => {
        shared = await pushImage(reg, 'del', ['2.0.0', 'latest'], { salt: 'cli-del-shared' });
        other = await pushImage(reg, 'del', ['1.0.0'], { salt: 'cli-del-other' });
      });

      it('without --yes on a non-interactive stdin it refuses (exit 2) and changes nothing', async () => {
        const r = await regx(['delete', `${H}/del:latest`]);
        expectExit(r, 2);
        assert.match(r.stderr, /refusing to delete without --yes/);
        assert.match(r.stderr, /Nothing was changed/);
        assert.equal(await head(reg, 'del', 'latest'), shared.digest);
        assert.equal(await head(reg, 'del', '2.0.0'), shared.digest);
      });

      it('--dry-run prints every tag that would go and changes nothing; with --json the result is JSON on stdout', async () => {
        const r = await regx(['delete', `${H}/del:latest`, '--dry-run']);
        expectExit(r, 0);
        assert.ok(r.stdout.includes(shared.digest));
        assert.match(r.stdout, /removes 2 tags: 2\.0\.0, latest/);
        assert.match(r.stdout, /Dry run: nothing was deleted/);
        const j = await regx(['delete', `${H}/del:2.0.0`, '--dry-run', '--json']);
        expectExit(j, 0);
        const { freedBytes, freed, ...rest } = JSON.parse(j.stdout);
        assert.deepEqual(rest, { repository: 'del', digest: shared.digest, tags: ['2.0.0', 'latest'], dryRun: true, deleted: false, alreadyGone: false });
        // What it frees (counted by hand in space.test.ts): here, that the figure is given and agrees with itself.
        assert.ok(freedBytes > 0);
        assert.equal(freed.bytes, freedBytes);
        assert.equal(await head(reg, 'del', 'latest'), shared.digest);
        assert.deepEqual(await tagList(reg, 'del'), ['1.0.0', '2.0.0', 'latest']);
      });

      it('--yes deletes the digest, prints every tag that disappeared, and hints at garbage collection', async () => {
        const r = await regx(['delete', `${H}/del:latest`, '--yes']);
        expectExit(r, 0);
        assert.ok(r.stdout.includes(shared.digest));
        assert.match(r.stdout, /tags gone: 2\.0\.0, latest/);
        assert.match(r.stderr, /garbage-collect/);
        assert.equal(await head(reg, 'del', 'latest'), undefined);
        assert.equal(await head(reg, 'del', '2.0.0'), undefined);
        assert.deepEqual(await tagList(reg, 'del'), ['1.0.0']);
        assert.equal(await head(reg, 'del', '1.0.0'), other.digest);
      });

      it('by digest with --yes --json: only JSON on stdout, the digest gone; again: exit 1, not found', async () => {
        const img = await pushImage(reg, 'del2', ['a', 'b'], { salt: 'cli-del2' });
        const r = await regx(['delete', `${H}/del2@${img.digest}`, '--yes', '--json']);
        expectExit(r, 0);
        assert.deepEqual(JSON.parse(r.stdout), { repository: 'del2', digest: img.digest, tags: ['a', 'b'], dryRun: false, deleted: true, alreadyGone: false, lostTags: [] });
        assert.match(r.stderr, /removes 2 tags: a, b/);
        assert.deepEqual(await tagList(reg, 'del2'), []);
        const again = await regx(['delete', `${H}/del2@${img.digest}`, '--yes', '--json']);
        // Resolving a digest that is gone fails before the DELETE: a clear "not found".
        expectShortError(again, 1, /not found/);
      });

      it('a delete on a registry with deletion disabled exits 1 with the storage.delete.enabled fix; nothing deleted', async () => {
        const off = await startRegistry({ auth: 'none', deleteEnabled: false });
        try {
          const img = await pushImage(off, 'keep', ['1.0.0'], { salt: 'cli-off' });
          const r = await regx(['delete', `${off.host}/keep:1.0.0`, '--yes']);
          expectExit(r, 1);
          const errLines = r.stderr.trimEnd().split('\n').filter((l) => l.startsWith('regx:') || /storage\.delete/.test(l));
          assert.ok(errLines.length >= 1 && errLines.length <= 2, r.stderr);
          assert.match(r.stderr, /deletion is disabled/);
          assert.match(r.stderr, /storage\.delete\.enabled: true/);
          assert.equal(await head(off, 'keep', '1.0.0'), img.digest);

          // prune stops at the first 405 with the same hint, and reports it in its JSON.
          const old = await pushImage(off, 'keep', ['0.1.0', '0.2.0'], { salt: 'cli-off-old' });
          const p = await regx(['prune', `${off.host}/keep`, '--semver', '<1.0.0', '--yes', '--json']);
          expectExit(p, 1);
          const j = JSON.parse(p.stdout);
          assert.deepEqual(j.deleted, []);
          assert.ok(j.stoppedBy, p.stdout);
          assert.match(p.stderr, /deletion is disabled/);
          assert.match(p.stderr, /storage\.delete\.enabled/);
          assert.equal(await head(off, 'keep', '0.1.0'), old.digest);
          assert.equal(await head(off, 'keep', '1.0.0'), img.digest);
        } finally {
          await off.stop();
        }
      });
    });

    describe('untag', () => {
      let img: PushedImage;
      before(async () => {
        img = await pushImage(reg, 'ut', ['a', 'b', 'c'], { salt: 'cli-untag' });
      });

      it('without --yes off a terminal: refused, exit 2, nothing changed', async () => {
        const r = await regx(['untag', `${H}/ut:b`]);
        expectExit(r, 2);
        assert.match(r.stderr, /refusing/);
        assert.deepEqual(await tagList(reg, 'ut'), ['a', 'b', 'c']);
      });

      it('2.8.2 cannot delete a tag alone: exit 1 saying so, nothing changed', async () => {
        const r = await regx(['untag', `${H}/ut:b`, '--yes']);
        expectShortError(r, 1, /cannot delete a tag alone/);
        assert.deepEqual(await tagList(reg, 'ut'), ['a', 'b', 'c']);
      });

      it('--fallback removes just that tag', async () => {
        const r = await regx(['untag', `${H}/ut:b`, '--yes', '--fallback']);
        expectExit(r, 0);
        assert.match(r.stdout, /Removed the tag b/);
        assert.deepEqual(await tagList(reg, 'ut'), ['a', 'c']);
        assert.equal(await head(reg, 'ut', 'a'), img.digest);
        assert.equal(await head(reg, 'ut', 'c'), img.digest);
      });

      it('untag by digest is bad usage (exit 2)', async () => {
        expectShortError(await regx(['untag', `${H}/ut@${img.digest}`, '--yes']), 2, /tag, not a digest/);
        assert.equal(await head(reg, 'ut', img.digest), img.digest);
      });
    });

    describe('prune', () => {
      const digests: Record<string, string> = {};
      const REPO = 'pr';
      before(async () => {
        const days = (n: number): Date => new Date(Date.now() - n * 86_400_000);
        const push = async (tags: string[], age: number): Promise<void> => {
          const img = await pushImage(reg, REPO, tags, { salt: `cli-prune-${tags[0]}`, created: days(age) });
          for (const t of tags) digests[t] = img.digest;
        };
        await push(['0.9.0'], 500);
        await push(['1.0.0'], 400);
        await push(['1.1.0', 'stable'], 300);
        await push(['1.2.0'], 200);
        await push(['1.3.0-rc.1'], 100);
        await push(['2.0.0', 'latest'], 50);
        await push(['dev'], 1);
      });
      const ALL = ['0.9.0', '1.0.0', '1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0', 'dev', 'latest', 'stable'];
      const args = (...more: string[]): string[] => ['prune', `${H}/${REPO}`, '--semver', '<2.0.0', '--keep', '1', ...more];

      it('--dry-run --json: the plan in the specified shape, and nothing changes', async () => {
        const r = await regx(args('--dry-run', '--json'));
        expectExit(r, 0);
        const j = JSON.parse(r.stdout);
        assert.equal(j.repository, `${H}/${REPO}`);
        assert.equal(j.dryRun, true);
        assert.deepEqual(j.deleted, []);
        assert.deepEqual(j.failed, []);
        assert.ok(Array.isArray(j.plan));
        for (const e of j.plan) {
          assert.deepEqual(Object.keys(e).sort(), ['action', 'digest', 'reason', 'tag'], JSON.stringify(e));
          assert.ok(['delete', 'keep', 'skip'].includes(e.action));
          assert.equal(e.digest, digests[e.tag]);
          assert.equal(typeof e.reason, 'string');
        }
        const actions = Object.fromEntries(j.plan.map((e: { tag: string; action: string }) => [e.tag, e.action]));
        assert.deepEqual(actions, {
          '2.0.0': 'keep',
          '1.3.0-rc.1': 'keep',
          '1.2.0': 'keep',
          '1.1.0': 'skip',
          '1.0.0': 'delete',
          '0.9.0': 'delete',
          dev: 'keep',
          latest: 'keep',
          stable: 'keep',
        });
        const skip = j.plan.find((e: { tag: string }) => e.tag === '1.1.0');
        assert.match(skip.reason, /stable/);
        assert.deepEqual(await tagList(reg, REPO), ALL);
      });

      it('text --dry-run shows the table and the plan line, and nothing changes', async () => {
        const r = await regx(args('--dry-run'));
        expectExit(r, 0);
        assert.match(r.stdout, /^ACTION\s+TAG\s+DIGEST\s+REASON/m);
        assert.match(r.stdout, /^delete\s+1\.0\.0\s+sha256:/m);
        assert.match(r.stdout, /Plan: delete 2 tag\(s\) in 2 image\(s\)/);
        assert.match(r.stdout, /Dry run: nothing was deleted/);
        assert.deepEqual(await tagList(reg, REPO), ALL);
      });

      it('without --yes off a terminal: refused, exit 2, nothing deleted', async () => {
        const r = await regx(args());
        expectExit(r, 2);
        assert.match(r.stderr, /refusing to delete without --yes/);
        assert.deepEqual(await tagList(reg, REPO), ALL);
      });

      it('--older-than picks by the config’s created date (dry run)', async () => {
        const r = await regx(['prune', `${H}/${REPO}`, '--semver', '*', '--older-than', '450d', '--dry-run', '--json']);
        expectExit(r, 0);
        const j = JSON.parse(r.stdout);
        assert.deepEqual(
          j.plan.filter((e: { action: string }) => e.action === 'delete').map((e: { tag: string }) => e.tag),
          ['0.9.0'],
        );
      });

      it('--yes --json deletes exactly the planned digests and keeps everything else', async () => {
        const r = await regx(args('--yes', '--json', '--concurrency', '2'));
        expectExit(r, 0);
        const j = JSON.parse(r.stdout);
        assert.equal(j.dryRun, false);
        assert.deepEqual([...j.deleted].sort(), [digests['0.9.0'], digests['1.0.0']].sort());
        assert.deepEqual(j.failed, []);
        assert.deepEqual(await tagList(reg, REPO), ['1.1.0', '1.2.0', '1.3.0-rc.1', '2.0.0', 'dev', 'latest', 'stable']);
        for (const t of ['1.1.0', '1.2.0', '2.0.0', 'latest', 'stable', 'dev']) assert.equal(await head(reg, REPO, t), digests[t], t);
        assert.match(r.stderr, /garbage-collect/);
      });
    });

    describe('bad input: exit 2, one or two lines on stderr, nothing deleted', () => {
      let img: PushedImage;
      before(async () => {
        img = await pushImage(reg, 'safe', ['1.0.0', '1.1.0', 'latest'], { salt: 'cli-bad-input' });
      });
      const cases: [string, () => string[], RegExp][] = [
        ['a bad reference (upper case)', () => ['delete', `127.0.0.1:1/Safe:1.0.0`, '--yes'], /"Safe"/],
        ['a bad tag', () => ['delete', `HOST/safe:-x`, '--yes'], /tag "-x"/],
        ['a short digest', () => ['delete', `HOST/safe@sha256:abc`, '--yes'], /64/],
        ['delete without tag or digest', () => ['delete', `HOST/safe`, '--yes'], /name a tag or a digest/],
        ['tags given a tag', () => ['tags', `HOST/safe:1.0.0`], /without a tag/],
        ['a bad semver range', () => ['prune', `HOST/safe`, '--semver', 'not a range', '--yes'], /range/],
        ['a bad protect regex', () => ['prune', `HOST/safe`, '--semver', '*', '--protect', '(', '--yes'], /\(/],
        ['a negative --keep', () => ['prune', `HOST/safe`, '--semver', '*', '--keep', '-1', '--yes'], /--keep/],
        ['a non-number --keep', () => ['prune', `HOST/safe`, '--semver', '*', '--keep', 'many', '--yes'], /--keep must be a whole number/],
        ['a bad --keep-per', () => ['prune', `HOST/safe`, '--semver', '*', '--keep-per', 'patch', '--yes'], /--keep-per must be major or minor/],
        ['a bad --older-than', () => ['prune', `HOST/safe`, '--semver', '*', '--older-than', '3 fortnights', '--yes'], /older|3 fortnights/],
        ['prune without --semver', () => ['prune', `HOST/safe`, '--yes'], /--semver/],
        ['an unknown flag', () => ['delete', `HOST/safe:1.0.0`, '--yes', '--frobnicate'], /unknown option --frobnicate/],
        ['an unknown short flag', () => ['delete', `HOST/safe:1.0.0`, '-z'], /unknown option -z/],
        ['a flag missing its value', () => ['prune', `HOST/safe`, '--semver'], /--semver needs a value/],
        ['a bad --concurrency', () => ['tags', `HOST/safe`, '--digests', '--concurrency', '0'], /--concurrency/],
        ['an extra argument', () => ['digest', `HOST/safe:1.0.0`, 'extra'], /unexpected argument "extra"/],
        ['a bad scheme', () => ['repos', 'ftp://HOST'], /ftp/],
      ];
      for (const [name, argv, pattern] of cases) {
        it(name, async () => {
          const r = await regx(argv().map((a) => a.replace('HOST', reg.host)));
          expectShortError(r, 2, pattern);
          assert.equal(r.stdout, '');
        });
      }

      it('after all of them, every tag is still there', async () => {
        assert.deepEqual(await tagList(reg, 'safe'), ['1.0.0', '1.1.0', 'latest']);
        for (const t of ['1.0.0', '1.1.0', 'latest']) assert.equal(await head(reg, 'safe', t), img.digest);
      });
    });
  });

  describe('regx CLI (spawned) logging in to a real Basic-auth registry', function () {
    this.timeout(60_000);
    let reg: TestRegistry;
    let alice: RegistryUser;
    let img: PushedImage;
    let H: string;

    function noSecret(r: Run): void {
      const b64 = Buffer.from(`${alice.username}:${alice.password}`).toString('base64');
      for (const s of [alice.password, b64, 'wrong-pw-Qq9']) {
        assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), `a secret leaked:\n${show(r)}`);
      }
    }

    before(async () => {
      reg = await startRegistry({ auth: 'basic' });
      alice = reg.users[0];
      img = await pushImage(reg, 'app', ['1.0.0', 'latest'], { salt: 'cli-basic' });
      H = reg.host;
    });
    after(async () => {
      await reg?.stop();
    });

    it('-u USER --password-stdin', async () => {
      const r = await regx(['tags', `${H}/app`, '--json', '-u', alice.username, '--password-stdin'], { stdin: `${alice.password}\n` });
      expectExit(r, 0);
      assert.deepEqual((JSON.parse(r.stdout) as { tag: string }[]).map((x) => x.tag).sort(), ['1.0.0', 'latest']);
      noSecret(r);
    });

    it('--username USER --password-stdin with --verbose: request lines on stderr, no password', async () => {
      const r = await regx(['digest', `${H}/app:latest`, '--username', alice.username, '--password-stdin', '--verbose'], { stdin: alice.password });
      expectExit(r, 0);
      assert.equal(r.stdout, `${img.digest}\n`);
      // regx digest reads the manifest (GET) to check the digest against its bytes.
      assert.match(r.stderr, /GET \S+\/v2\/app\/manifests\/latest/);
      noSecret(r);
    });

    it('REGX_USERNAME and REGX_PASSWORD', async () => {
      const r = await regx(['digest', `${H}/app:1.0.0`], { env: { REGX_USERNAME: alice.username, REGX_PASSWORD: alice.password } });
      expectExit(r, 0);
      assert.equal(r.stdout, `${img.digest}\n`);
      noSecret(r);
    });

    it('a docker config in $DOCKER_CONFIG', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'regx-cli-docker-'));
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [H]: { auth: Buffer.from(`${alice.username}:${alice.password}`).toString('base64') } } }), { mode: 0o600 });
        const r = await regx(['inspect', `${H}/app:latest`, '--json'], { env: { DOCKER_CONFIG: dir } });
        expectExit(r, 0);
        assert.deepEqual(JSON.parse(r.stdout).tags, ['1.0.0', 'latest']);
        noSecret(r);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('no credentials: exit 1, "requires a login"', async () => {
      const r = await regx(['tags', `${H}/app`]);
      expectShortError(r, 1, /requires a login/);
    });

    it('a wrong password: exit 1 naming the user, the password nowhere', async () => {
      const r = await regx(['delete', `${H}/app:latest`, '--yes', '-u', alice.username, '--password-stdin'], { stdin: 'wrong-pw-Qq9' });
      expectShortError(r, 1, /rejected the credentials for user alice/);
      noSecret(r);
      assert.equal(await head(reg, 'app', 'latest', alice), img.digest);
    });

    it('a user without a password, a password without a user, an empty --password-stdin: exit 2', async () => {
      expectShortError(await regx(['tags', `${H}/app`, '-u', alice.username]), 2, /without a password/);
      expectShortError(await regx(['tags', `${H}/app`], { env: { REGX_PASSWORD: alice.password } }), 2, /without a user name/);
      expectShortError(await regx(['tags', `${H}/app`, '-u', alice.username, '--password-stdin'], { stdin: '' }), 2, /empty password/);
    });

    it('delete with credentials from the environment: exit 0, both tags gone', async () => {
      const r = await regx(['delete', `${H}/app:latest`, '--yes'], { env: { REGX_USERNAME: alice.username, REGX_PASSWORD: alice.password } });
      expectExit(r, 0);
      assert.match(r.stdout, /tags gone: 1\.0\.0, latest/);
      assert.equal(await head(reg, 'app', 'latest', alice), undefined);
      noSecret(r);
    });
  });

  describe('regx CLI (spawned) against fault servers: TLS flags and Ctrl-C', function () {
    this.timeout(30_000);

    it('https with a private CA: TLS error without flags (exit 1), --ca-file and --insecure work, a missing CA file is exit 2', async () => {
      ensureSystemPackages(['openssl']);
      const dir = mkdtempSync(join(tmpdir(), 'regx-cli-tls-'));
      const cert = join(dir, 'cert.pem');
      const key = join(dir, 'key.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
      const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
        const body = req.url?.startsWith('/v2/app/tags/list') ? JSON.stringify({ name: 'app', tags: ['tls-ok'] }) : '{}';
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
        res.end(body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const plain = await regx(['tags', `${url}/app`]);
        expectShortError(plain, 1, /TLS/);
        assert.match(plain.stderr, /CA file/);
        const ca = await regx(['tags', `${url}/app`, '--ca-file', cert]);
        expectExit(ca, 0);
        assert.equal(ca.stdout, 'tls-ok\n');
        const insecure = await regx(['tags', `${url}/app`, '--insecure', '--json']);
        expectExit(insecure, 0);
        assert.deepEqual(JSON.parse(insecure.stdout), [{ tag: 'tls-ok' }]);
        expectShortError(await regx(['tags', `${url}/app`, '--ca-file', join(dir, 'nope.pem')]), 2, /nope\.pem/);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('Ctrl-C during a long run stops promptly after the requests in flight, exit 1', async () => {
      const tags = Array.from({ length: 200 }, (_, i) => `t${String(i).padStart(3, '0')}`);
      const fault = await startFaultServer([
        ...faultPagedList({ repo: 'slow', items: tags, pageSize: 1000 }),
        { method: 'HEAD', path: /^\/v2\/slow\/manifests\//, respond: { status: 200, delayMs: 150, headers: { 'Docker-Content-Digest': sha256Digest('slow'), 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, contentLength: 2 } },
      ]);
      try {
        let signalled = 0;
        const r = await regx(['tags', `${fault.url}/slow`, '--digests', '--concurrency', '2'], {
          onSpawn: (child) => {
            setTimeout(() => {
              signalled = Date.now();
              child.kill('SIGINT');
            }, 800);
          },
        });
        const stoppedAfter = Date.now() - signalled;
        expectExit(r, 1);
        assert.match(r.stderr, /stopping after the requests in flight/);
        assert.match(r.stderr, /cancelled/);
        assert.ok(stoppedAfter < 1500, `took ${stoppedAfter} ms after Ctrl-C`);
        const heads = fault.requests({ method: 'HEAD' }).length;
        assert.ok(heads > 0 && heads < 40, `${heads} HEADs were sent`);
      } finally {
        await fault.stop();
      }
    });
  });
});
