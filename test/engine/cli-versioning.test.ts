// regx prune with versioning schemes, spawned, against a REAL registry seeded with a python-like repository:
// exact plans for docker and loose versioning, a real prune checked over raw HTTP, and the bad input that changes
// nothing.
import * as assert from 'node:assert/strict';
import { expectExit, expectShortError, head, regx, useCliScratchHome } from '../support/cli';
import { startRegistry, type TestRegistry } from '../support/registry';
import { PYTHON_LIKE_TAGS, pushPythonLike } from '../support/seed';

interface PruneJson {
  plan: { tag: string; action: string; reason: string }[];
  deleted: string[];
}

describe('regx prune with versioning schemes (python-like repository)', function () {
  this.timeout(60_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let digests: Record<string, string>;
  const actions = (j: PruneJson): Record<string, string> => Object.fromEntries(j.plan.map((e) => [e.tag, e.action]));

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    digests = await pushPythonLike(reg, 'python');
  });
  after(async () => {
    await reg?.stop();
  });

  it('--versioning docker --semver "<3.11" --keep 1: the exact plan (dry run)', async () => {
    const r = await regx(['prune', `${reg.host}/python`, '--versioning', 'docker', '--semver', '<3.11', '--keep', '1', '--dry-run', '--json']);
    expectExit(r, 0);
    const j = JSON.parse(r.stdout) as PruneJson;
    const expected: Record<string, string> = Object.fromEntries(PYTHON_LIKE_TAGS.map((t) => [t, 'keep']));
    expected['3.9'] = 'delete';
    expected['3.9.18'] = 'delete';
    assert.deepEqual(actions(j), expected);
    const reasons = Object.fromEntries(j.plan.map((e) => [e.tag, e.reason]));
    assert.equal(reasons['3.10'], 'keep: one of the 1 newest X.Y tags (docker versioning)');
    assert.equal(reasons['3.9.18'], 'delete: matches <3.11 (docker versioning)');
    assert.equal(reasons['3.11-slim'], 'keep: outside <3.11 (docker versioning)');
  });

  it('--versioning loose --range "<3.11" --keep 1: the exact plan (dry run)', async () => {
    const r = await regx(['prune', `${reg.host}/python`, '--versioning', 'loose', '--range', '<3.11', '--keep', '1', '--dry-run', '--json']);
    expectExit(r, 0);
    const deleted = Object.entries(actions(JSON.parse(r.stdout) as PruneJson)).filter(([, a]) => a === 'delete').map(([t]) => t).sort();
    assert.deepEqual(deleted, ['1.2.3.4', '3.10', '3.9', '3.9.18']);
  });

  it('a real docker-versioned prune deletes exactly 3.9 and 3.9.18; the registry keeps every other tag', async () => {
    const r = await regx(['prune', `${reg.host}/python`, '--versioning', 'docker', '--range', '<3.11', '--keep', '1', '--yes', '--json']);
    expectExit(r, 0);
    assert.deepEqual([...(JSON.parse(r.stdout) as PruneJson).deleted].sort(), [digests['3.9'], digests['3.9.18']].sort());
    for (const tag of PYTHON_LIKE_TAGS) assert.equal(await head(reg, 'python', tag), ['3.9', '3.9.18'].includes(tag) ? undefined : digests[tag], tag);
  });

  it('bad input is exit 2 and deletes nothing: an unknown versioning, a variant without docker, the range given twice', async () => {
    expectShortError(await regx(['prune', `${reg.host}/python`, '--versioning', 'calver', '--semver', '*', '--yes']), 2, /"calver" is not a versioning/);
    expectShortError(await regx(['prune', `${reg.host}/python`, '--variant', '^slim$', '--semver', '*', '--yes']), 2, /variant filter needs docker versioning/);
    expectShortError(await regx(['prune', `${reg.host}/python`, '--range', '*', '--semver', '*', '--yes']), 2, /same option/);
    for (const tag of ['3.10', '3.11-slim', '1.2.3.4']) assert.equal(await head(reg, 'python', tag), digests[tag]);
  });
});
