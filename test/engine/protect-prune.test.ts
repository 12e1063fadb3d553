// regx prune and regx delete with --protect-from, spawned against a REAL registry (docker-registry 2.8.2): the tag
// a fixture workspace deploys is kept by prune with "used in file:line" (dry run and real run), and delete refuses
// to delete it (exit 1, naming the file and line, nothing deleted). Unresolvable references are noted on stderr.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectExit, head, regx, show, useCliScratchHome } from '../support/cli';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushIndex } from '../support/seed';

async function tagList(reg: TestRegistry, repo: string): Promise<string[]> {
  const res = await fetch(`${reg.url}/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags: string[] | null };
  return [...(body.tags ?? [])].sort();
}

/** A workspace deploying `<host>/app:1.1.0` (deploy/api.yaml line 5), and one reference with a variable. */
function writeWorkspace(host: string): string {
  const root = mkdtempSync(join(tmpdir(), 'regx-protect-ws-'));
  mkdirSync(join(root, 'deploy'));
  mkdirSync(join(root, 'node_modules'));
  const api = ['apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  containers:', `    - image: ${host}/app:1.1.0 # pinned`, '---', 'kind: Service'];
  writeFileSync(join(root, 'deploy/api.yaml'), `${api.join('\n')}\n`);
  writeFileSync(join(root, 'docker-compose.yml'), `services:\n  app:\n    image: ${host}/app:\${TAG}\n`);
  writeFileSync(join(root, 'node_modules/Dockerfile'), `FROM ${host}/app:1.2.0\n`);
  return root;
}

describe('regx --protect-from (spawned) on a real registry', function () {
  this.timeout(60_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let ws: string;
  let H: string;
  const digests: Record<string, string> = {};

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    H = reg.host;
    for (const tag of ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) digests[tag] = (await pushImage(reg, 'app', [tag], { salt: `protect-${tag}` })).digest;
    ws = writeWorkspace(H);
  });
  after(async () => {
    await reg?.stop();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('prune --dry-run --json keeps the deployed tag with "used in deploy/api.yaml:5" and notes the skipped reference', async () => {
    const r = await regx(['prune', `${H}/app`, '--semver', '<2.0.0', '--protect-from', ws, '--dry-run', '--json']);
    expectExit(r, 0);
    const out = JSON.parse(r.stdout) as { plan: { tag: string; action: string; reason: string }[] };
    const fate = Object.fromEntries(out.plan.map((e) => [e.tag, e]));
    assert.equal(fate['1.1.0'].action, 'keep', show(r));
    assert.match(fate['1.1.0'].reason, /used in deploy\/api\.yaml:5/);
    assert.equal(fate['1.0.0'].action, 'delete');
    assert.equal(fate['1.2.0'].action, 'delete', 'a reference under node_modules protects nothing');
    assert.match(r.stderr, /1 image reference was not protected/);
    assert.match(r.stderr, /docker-compose\.yml:3/);
    assert.deepEqual(await tagList(reg, 'app'), ['1.0.0', '1.1.0', '1.2.0', '2.0.0']);
  });

  it('prune text output names the file and line too', async () => {
    const r = await regx(['prune', `${H}/app`, '--semver', '<2.0.0', '--protect-from', ws, '--dry-run']);
    expectExit(r, 0);
    assert.match(r.stdout, /keep\s+1\.1\.0\s+\S+\s+keep: used in deploy\/api\.yaml:5/);
  });

  it('delete refuses the deployed tag (and its digest): exit 1, names the file and line, deletes nothing', async () => {
    const byTag = await regx(['delete', `${H}/app:1.1.0`, '--protect-from', ws, '--yes']);
    expectExit(byTag, 1);
    assert.match(byTag.stderr, /deploy\/api\.yaml:5/);
    assert.match(byTag.stderr, /Nothing was deleted/);
    const byDigest = await regx(['delete', `${H}/app@${digests['1.1.0']}`, '--protect-from', ws, '--yes']);
    expectExit(byDigest, 1);
    assert.match(byDigest.stderr, /deploy\/api\.yaml:5/);
    assert.equal(await head(reg, 'app', '1.1.0'), digests['1.1.0']);
  });

  it('delete of a tag the workspace does not deploy still works with --protect-from', async () => {
    const r = await regx(['delete', `${H}/app:2.0.0`, '--protect-from', ws, '--dry-run']);
    expectExit(r, 0);
    assert.match(r.stdout, /Dry run: nothing was deleted/);
  });

  it('prune --yes deletes the others and leaves the deployed tag in the registry', async () => {
    const r = await regx(['prune', `${H}/app`, '--semver', '<2.0.0', '--protect-from', ws, '--yes', '--json']);
    expectExit(r, 0);
    assert.deepEqual(await tagList(reg, 'app'), ['1.1.0', '2.0.0']);
    assert.equal(await head(reg, 'app', '1.1.0'), digests['1.1.0']);
  });

  it('--protect-from a folder that does not exist is bad input (exit 2) and deletes nothing', async () => {
    const r = await regx(['prune', `${H}/app`, '--semver', '<3.0.0', '--protect-from', join(ws, 'missing'), '--yes']);
    expectExit(r, 2);
    assert.match(r.stderr, /cannot read the folder/);
    assert.deepEqual(await tagList(reg, 'app'), ['1.1.0', '2.0.0']);
  });

  it('a multi-arch image whose platform image is deployed by digest: delete refuses naming the platform, prune keeps it', async () => {
    const multi = await pushIndex(reg, 'multi', ['1.0.0'], { salt: 'protect-multi' });
    const arm = multi.children[1];
    const dir = mkdtempSync(join(tmpdir(), 'regx-protect-pin-'));
    try {
      writeFileSync(join(dir, 'compose.yaml'), `services:\n  app:\n    image: ${H}/multi@${arm.digest}\n`);
      const del = await regx(['delete', `${H}/multi:1.0.0`, '--protect-from', dir, '--yes']);
      expectExit(del, 1);
      assert.match(del.stderr, /its linux\/arm64 image sha256:[0-9a-f]{64} is used in compose\.yaml:3/);
      assert.equal(await head(reg, 'multi', '1.0.0'), multi.digest);
      const prune = await regx(['prune', `${H}/multi`, '--semver', '*', '--protect-from', dir, '--yes', '--json']);
      expectExit(prune, 0);
      const out = JSON.parse(prune.stdout) as { plan: { tag: string; action: string; reason: string }[] };
      assert.deepEqual(out.plan.map((e) => [e.tag, e.action]), [['1.0.0', 'keep']]);
      assert.match(out.plan[0].reason, /used in compose\.yaml:3 \(its linux\/arm64 image\)/);
      assert.equal(await head(reg, 'multi', '1.0.0'), multi.digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
