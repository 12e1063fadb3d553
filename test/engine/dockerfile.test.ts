// The Dockerfile for regx, checked without a Docker engine (none runs on the machines this project builds on): its
// build stage copies only files that exist and that .dockerignore lets through, the image runs as a non-root user, its
// entrypoint is the file the build writes, and that one file runs alone — no node_modules beside it — as it does in
// the image (the bundle of dist/cli.js is the same build the image makes, without minifying).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

interface Instruction {
  op: string;
  args: string;
}

/** Instructions per stage, comments and blank lines left out (no line continuations are used). */
function stages(text: string): Instruction[][] {
  const out: Instruction[][] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const [op, ...rest] = trimmed.split(/\s+/);
    if (op.toUpperCase() === 'FROM') out.push([]);
    out[out.length - 1].push({ op: op.toUpperCase(), args: rest.join(' ') });
  }
  return out;
}

describe('the Dockerfile for regx (checked without a Docker engine)', function () {
  this.timeout(30_000);
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const [build, final] = stages(text);
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);

  it('has a build stage and a final stage', () => {
    assert.ok(build && final, 'two stages');
    assert.match(build[0].args, /^node:\S+ AS build$/);
  });

  it('copies into the build only files that exist and are not ignored, and builds the production bundle', () => {
    const sources = build.filter((i) => i.op === 'COPY').flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    assert.ok(sources.length >= 3);
    for (const s of sources) {
      assert.ok(existsSync(join(ROOT, s)), `${s} exists`);
      assert.ok(!ignored.some((g) => s === g || s.startsWith(`${g}/`)), `${s} is not ignored`);
    }
    assert.ok(build.some((i) => i.op === 'RUN' && i.args === 'node scripts/build.mjs --production'));
    assert.match(readFileSync(join(ROOT, 'scripts/build.mjs'), 'utf8'), /outfile: 'dist\/cli\.js'/);
  });

  it('runs as a non-root user, and its entrypoint is the cli.js the build stage wrote', () => {
    const user = final.filter((i) => i.op === 'USER').pop();
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args), 'a USER that is not root');
    const copy = final.find((i) => i.op === 'COPY' && i.args.startsWith('--from=build '));
    assert.ok(copy);
    const [, from, to] = copy.args.split(/\s+/);
    const workdir = build.filter((i) => i.op === 'WORKDIR').pop()!.args;
    assert.equal(from, `${workdir}/dist/cli.js`);
    const entry = JSON.parse(final.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
    assert.deepEqual(entry, ['node', to]);
    assert.ok(final.findIndex((i) => i.op === 'USER') > final.findIndex((i) => i.op === 'COPY'), 'USER comes after the files are in place');
  });

  it('the bundled cli.js runs alone, with no node_modules beside it (help, and a policy file read by the bundled YAML parser)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regx-image-'));
    try {
      copyFileSync(join(ROOT, 'dist/cli.js'), join(dir, 'cli.js'));
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_STATE_HOME: join(dir, 'state') };
      const help = spawnSync(process.execPath, [join(dir, 'cli.js'), '--help'], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /regx apply/);
      writeFileSync(join(dir, 'registry-retention.yaml'), 'rules:\n  - registry: localhost:5000\n    repositories: [app]\n    semver: "<2.0.0"\n    kep: 3\n');
      const bad = spawnSync(process.execPath, [join(dir, 'cli.js'), 'apply', '--dry-run'], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(bad.status, 2, bad.stderr);
      assert.match(bad.stderr, /registry-retention\.yaml:5:\d+: rules\[0\]\.kep/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
