// regx apply --policy, spawned against a REAL registry (docker-registry 2.8.2): a policy over three repositories
// (globs, first matching rule wins, a literal name that does not exist), with what the policy's folder deploys kept.
// The dry run's JSON is checked plan by plan and changes nothing; the real apply deletes exactly the planned tags,
// goes on past the repository that fails, and says so in its exit code; a policy with a bad field names the line
// and the field, and nothing is deleted.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectExit, regx, show, useCliScratchHome } from '../support/cli';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage } from '../support/seed';

async function tagList(reg: TestRegistry, repo: string): Promise<string[]> {
  const res = await fetch(`${reg.url}/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags: string[] | null };
  return [...(body.tags ?? [])].sort();
}

const SEED: Record<string, string[]> = {
  'team/api': ['1.0.0', '1.1.0', '1.2.0', '2.0.0', 'latest'],
  'team/web': ['0.9.0', '1.0.0', '1.0.1'],
  'other/app': ['3.0.0', '3.1.0'],
  tools: ['1.0.0'],
};

/** The policy (line numbers matter: the tests name them) and a deployment of team/api:1.0.0 beside it. */
function writePolicy(dir: string, host: string, extra = ''): string {
  const lines = [
    'rules:',
    `  - registry: ${host}`,
    '    repositories: ["team/*"]',
    '    semver: "<2.0.0"',
    '    keep: 1',
    extra,
    `  - registry: ${host}`,
    '    repositories: ["other/app", "team/web", "ghost"]',
    '    semver: "*"',
  ].filter((l) => l !== '');
  const file = join(dir, 'registry-retention.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  writeFileSync(join(dir, 'deploy/api.yaml'), `spec:\n  containers:\n    - image: ${host}/team/api:1.0.0\n`);
  return file;
}

interface RepoReport {
  repository: string;
  rule: { index: number; line: number };
  plan?: { tag: string; action: string; reason: string }[];
  deleted?: string[];
  error?: { code: string; message: string };
}

function fates(r: RepoReport): Record<string, string> {
  return Object.fromEntries((r.plan ?? []).map((e) => [e.tag, e.action]));
}

describe('regx apply --policy (spawned) on a real registry', function () {
  this.timeout(90_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let dir: string;
  let H: string;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    H = reg.host;
    for (const [repo, tags] of Object.entries(SEED)) for (const tag of tags) await pushImage(reg, repo, [tag], { salt: `apply-${repo}-${tag}` });
    dir = mkdtempSync(join(tmpdir(), 'regx-apply-'));
  });
  after(async () => {
    await reg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a bad field names the file, line and field, exits 2, and deletes nothing', async () => {
    const file = writePolicy(dir, H, '    keepPer: patch');
    const r = await regx(['apply', '--policy', file, '--yes']);
    expectExit(r, 2);
    assert.match(r.stderr, /registry-retention\.yaml:6:\d+: rules\[0\]\.keepPer/, show(r));
    for (const [repo, tags] of Object.entries(SEED)) assert.deepEqual(await tagList(reg, repo), [...tags].sort());
  });

  it('--dry-run --json gives every repository its first matching rule’s exact plan, keeps what the folder deploys, and deletes nothing', async () => {
    const file = writePolicy(dir, H);
    const r = await regx(['apply', '--policy', file, '--dry-run', '--json']);
    expectExit(r, 1); // ghost cannot be read
    const out = JSON.parse(r.stdout) as { policy: string; dryRun: boolean; repositories: RepoReport[] };
    assert.equal(out.dryRun, true);
    assert.equal(out.policy, file);
    const byName = Object.fromEntries(out.repositories.map((x) => [x.repository, x]));
    assert.deepEqual(Object.keys(byName).sort(), [`${H}/ghost`, `${H}/other/app`, `${H}/team/api`, `${H}/team/web`], 'tools matches no rule');
    assert.deepEqual(fates(byName[`${H}/team/api`]), { '2.0.0': 'keep', latest: 'keep', '1.2.0': 'keep', '1.1.0': 'delete', '1.0.0': 'keep' });
    assert.match(byName[`${H}/team/api`].plan!.find((e) => e.tag === '1.0.0')!.reason, /used in deploy\/api\.yaml:3/);
    // team/web matches the first rule (team/*) before the second names it.
    assert.equal(byName[`${H}/team/web`].rule.line, 2);
    assert.deepEqual(fates(byName[`${H}/team/web`]), { '1.0.1': 'keep', '1.0.0': 'delete', '0.9.0': 'delete' });
    assert.equal(byName[`${H}/other/app`].rule.line, 6);
    assert.deepEqual(fates(byName[`${H}/other/app`]), { '3.1.0': 'delete', '3.0.0': 'delete' });
    assert.equal(byName[`${H}/ghost`].error?.code, 'NOT_FOUND', show(r));
    for (const [repo, tags] of Object.entries(SEED)) assert.deepEqual(await tagList(reg, repo), [...tags].sort());
  });

  it('the text summary has one row per repository and the totals', async () => {
    const file = writePolicy(dir, H);
    const r = await regx(['apply', '--policy', file, '--dry-run']);
    expectExit(r, 1);
    assert.match(r.stdout, new RegExp(`${H}/team/api\\s+line 2\\s+1\\s+1\\s+4\\s+0`), show(r));
    assert.match(r.stdout, new RegExp(`${H}/ghost\\s+line 6\\s+.*could not read`));
    assert.match(r.stdout, /Plan: delete 5 tag\(s\) in 5 image\(s\) across 3 repositories; 1 could not be read\./);
    assert.match(r.stdout, new RegExp(`kept: ${H}/team/api:1\\.0\\.0, used in deploy/api\\.yaml:3`));
    assert.match(r.stdout, /Dry run: nothing was deleted\./);
  });

  it('without --yes and without a terminal it refuses and deletes nothing', async () => {
    const file = writePolicy(dir, H);
    const r = await regx(['apply', '--policy', file]);
    expectExit(r, 2);
    assert.match(r.stderr, /refusing to delete without --yes/);
    assert.deepEqual(await tagList(reg, 'other/app'), ['3.0.0', '3.1.0']);
  });

  it('apply --yes deletes exactly the planned tags in every repository, past the one that fails (exit 1)', async () => {
    const file = writePolicy(dir, H);
    const r = await regx(['apply', '--policy', file, '--yes', '--json']);
    expectExit(r, 1);
    const out = JSON.parse(r.stdout) as { dryRun: boolean; repositories: RepoReport[] };
    assert.equal(out.dryRun, false);
    assert.deepEqual(await tagList(reg, 'team/api'), ['1.0.0', '1.2.0', '2.0.0', 'latest']);
    assert.deepEqual(await tagList(reg, 'team/web'), ['1.0.1']);
    assert.deepEqual(await tagList(reg, 'other/app'), []);
    assert.deepEqual(await tagList(reg, 'tools'), ['1.0.0']);
    const api = out.repositories.find((x) => x.repository === `${H}/team/api`)!;
    assert.equal(api.deleted?.length, 1);
    const text = await regx(['apply', '--policy', file, '--yes']);
    expectExit(text, 1); // ghost still cannot be read; nothing else is left to delete
    assert.match(text.stdout, /Nothing to delete\./, show(text));
  });

  it('each repository’s deletion is one journal entry, and regx restore brings that repository back', async () => {
    const list = await regx(['journal', '--json']);
    expectExit(list, 0);
    const entries = (JSON.parse(list.stdout) as { entries: { id: string; repository: string; operation: string }[] }).entries.filter((e) => e.operation === 'apply');
    assert.deepEqual(entries.map((e) => e.repository).sort(), ['other/app', 'team/api', 'team/web'], show(list));
    const web = entries.find((e) => e.repository === 'team/web')!;
    const r = await regx(['restore', web.id, '--yes']);
    expectExit(r, 0);
    assert.deepEqual(await tagList(reg, 'team/web'), ['0.9.0', '1.0.0', '1.0.1']);
    assert.deepEqual(await tagList(reg, 'other/app'), [], 'the other repositories stay as apply left them');
  });
});
