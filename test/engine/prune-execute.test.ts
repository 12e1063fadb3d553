// The prune executor against a REAL registry (Debian's docker-registry on loopback): plan from the registry's
// tags, change the registry between plan and execute as another person would, and check what is left.
import * as assert from 'node:assert/strict';
import { executePrune, recheckPlan, type PruneProgress, type PruneResult } from '../../src/prune/execute';
import { gatherTagStates } from '../../src/prune/gather';
import { planPrune, type PrunePolicy, type PrunePlan } from '../../src/prune/plan';
import { createRegistryClient } from '../../src/registry/client';
import { isRegistryError, RegistryError } from '../../src/registry/errors';
import type { DigestInfo, RegistryClient } from '../../src/registry/types';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushManifest, pushManyTags, seedStandard, type StandardDataset } from '../support/seed';

/** tag → digest as the registry says now ({} when the repository is gone). */
async function tagMap(client: RegistryClient, repo: string): Promise<Record<string, string>> {
  let tags: string[];
  try {
    tags = await client.listTags(repo);
  } catch (e) {
    if (isRegistryError(e, 'NOT_FOUND')) return {};
    throw e;
  }
  const out: Record<string, string> = {};
  for (const [tag, r] of await client.resolveMany(repo, tags)) {
    if (r instanceof Error) throw r;
    out[tag] = r.digest;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

async function manifestExists(client: RegistryClient, repo: string, digest: string): Promise<boolean> {
  try {
    await client.resolve(repo, digest);
    return true;
  } catch (e) {
    if (isRegistryError(e, 'MANIFEST_UNKNOWN') || isRegistryError(e, 'NOT_FOUND')) return false;
    throw e;
  }
}

async function planFor(client: RegistryClient, repo: string, policy: PrunePolicy): Promise<PrunePlan> {
  return planPrune(await gatherTagStates(client, repo), policy);
}

/** The same real client, with deleteManifest observed (and optionally preceded by a hook). */
function observed(client: RegistryClient, before?: (digest: string) => Promise<void>): { client: RegistryClient; maxInFlight: () => number; calls: string[] } {
  let inFlight = 0;
  let max = 0;
  const calls: string[] = [];
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'deleteManifest') return Reflect.get(target, prop, receiver);
      return async (repo: string, digest: string, signal?: AbortSignal) => {
        calls.push(digest);
        inFlight++;
        max = Math.max(max, inFlight);
        try {
          if (before) await before(digest);
          return await target.deleteManifest(repo, digest, signal);
        } finally {
          inFlight--;
        }
      };
    },
  });
  return { client: wrapped, maxInFlight: () => max, calls };
}

function checkProgress(events: PruneProgress[], result: PruneResult, total: number): void {
  assert.equal(events.length, total, 'one progress event per digest');
  assert.deepEqual(events.map((e) => e.done), Array.from({ length: total }, (_, i) => i + 1));
  for (const e of events) assert.equal(e.total, total);
  assert.deepEqual(events.filter((e) => e.type === 'deleted').map((e) => e.digest).sort(), [...result.deleted].sort());
  assert.deepEqual(events.filter((e) => e.type === 'skipped').map((e) => e.digest).sort(), result.skipped.map((s) => s.digest).sort());
  assert.deepEqual(events.filter((e) => e.type === 'failed').map((e) => e.digest).sort(), result.failed.map((f) => f.digest).sort());
}

describe('prune re-check (pure)', () => {
  const d = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;
  const plan = planPrune(
    [
      { tag: '1.0.0', digest: d(1) },
      { tag: 'v1.0.0', digest: d(1) },
      { tag: '1.1.0', digest: d(2) },
      { tag: '3.0.0', digest: d(3) },
    ],
    { range: '<2.0.0' },
  );
  const now = (entries: [string, DigestInfo | Error][]) => new Map(entries);

  it('deletes when exactly the planned tags still point at the digest', () => {
    const items = recheckPlan(plan, now([['1.0.0', { digest: d(1) }], ['v1.0.0', { digest: d(1) }], ['1.1.0', { digest: d(2) }], ['3.0.0', { digest: d(3) }]]));
    assert.deepEqual(items, [{ digest: d(2), tags: ['1.1.0'] }, { digest: d(1), tags: ['1.0.0', 'v1.0.0'] }]);
  });

  it('skips a digest when one of its planned tags moved or is gone (404)', () => {
    const gone = new RegistryError('MANIFEST_UNKNOWN', 'manifest unknown');
    const items = recheckPlan(plan, now([['1.0.0', { digest: d(1) }], ['v1.0.0', gone], ['1.1.0', { digest: d(9) }], ['3.0.0', { digest: d(3) }]]));
    assert.equal(items.find((i) => i.digest === d(1))?.skipReason, 'changed since the plan: v1.0.0 is gone');
    assert.equal(items.find((i) => i.digest === d(2))?.skipReason, 'changed since the plan: no tag points at it any more');
  });

  it('skips everything while any tag cannot be resolved again, since it might point anywhere', () => {
    const items = recheckPlan(plan, now([['1.0.0', { digest: d(1) }], ['v1.0.0', { digest: d(1) }], ['1.1.0', { digest: d(2) }], ['3.0.0', new RegistryError('SERVER', 'HEAD answered 500')]]));
    assert.equal(items.length, 2);
    for (const i of items) assert.equal(i.skipReason, 'not checked: tag 3.0.0 could not be resolved again, so it might point at this image');
  });

  it('names every new tag on a planned digest', () => {
    const items = recheckPlan(plan, now([['1.0.0', { digest: d(1) }], ['v1.0.0', { digest: d(1) }], ['1.1.0', { digest: d(2) }], ['3.0.0', { digest: d(3) }], ['prod', { digest: d(2) }], ['latest', { digest: d(2) }]]));
    assert.equal(items.find((i) => i.digest === d(2))?.skipReason, 'changed since the plan: latest, prod now point at it');
    assert.equal(items.find((i) => i.digest === d(1))?.skipReason, undefined);
  });
});

describe('prune executor (real registry)', function () {
  this.timeout(120_000);
  let reg: TestRegistry;
  let client: RegistryClient;
  let seq = 0;
  const freshRepo = (name: string): string => `exec/${name}-${++seq}`;

  before(async () => {
    reg = await startRegistry();
    client = createRegistryClient({ url: reg.url });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  describe('on the standard dataset', () => {
    let data: StandardDataset;
    before(async () => {
      data = await seedStandard(reg, { big: false });
    });

    it('deletes what the plan says and keeps everything else, latest included', async () => {
      const app = data.repositories.app;
      const plan = await planFor(client, 'app', { range: '<=2.0.0' });
      // 2.0.0 shares its image with latest: the planner skips it, the executor never sees it.
      assert.deepEqual(plan.entries.filter((e) => e.action === 'delete').map((e) => e.tag), ['v1.3.0', '1.1.0', '1.0.0']);
      const events: PruneProgress[] = [];
      const result = await executePrune(client, 'app', plan, { onProgress: (e) => events.push(e) });
      assert.deepEqual([...result.deleted].sort(), [app.tags['1.0.0'], app.tags['1.1.0'], app.tags['v1.3.0']].sort());
      assert.deepEqual(result.skipped, []);
      assert.deepEqual(result.failed, []);
      assert.equal(result.cancelled, false);
      assert.equal(result.stoppedBy, undefined);
      checkProgress(events, result, 3);
      const expected = Object.fromEntries(Object.entries(app.tags).filter(([t]) => !['1.0.0', '1.1.0', 'v1.3.0'].includes(t)));
      assert.deepEqual(await tagMap(client, 'app'), Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))));
      for (const t of ['1.0.0', '1.1.0', 'v1.3.0']) assert.equal(await manifestExists(client, 'app', app.tags[t]), false);
    });

    it('deletes a multi-arch index as one image and leaves the other index whole', async () => {
      const multi = data.repositories.multi;
      const plan = await planFor(client, 'multi', { range: '<2.0.0' });
      assert.deepEqual(plan.deleteDigests, [multi.tags['1.0.0']]);
      assert.match(plan.notes.join('\n'), /platform manifests stay in storage until garbage collection/);
      const result = await executePrune(client, 'multi', plan, {});
      assert.deepEqual(result.deleted, [multi.tags['1.0.0']]);
      assert.deepEqual(await tagMap(client, 'multi'), { '2.0.0': multi.tags['2.0.0'], latest: multi.tags['2.0.0'] });
      const kept = await client.getManifest('multi', 'latest');
      assert.equal(kept.platforms?.length, 2);
    });
  });

  describe('when tags move between plan and execute', () => {
    it('skips a digest that latest was pushed onto, and deletes the rest', async () => {
      const repo = freshRepo('race');
      const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
      const b = await pushImage(reg, repo, ['1.1.0'], { salt: `${repo}:b` });
      const c = await pushImage(reg, repo, ['2.0.0'], { salt: `${repo}:c` });
      const plan = await planFor(client, repo, { range: '<2.0.0' });
      assert.deepEqual([...plan.deleteDigests].sort(), [a.digest, b.digest].sort());

      // Someone points latest at 1.0.0's image after the plan was made.
      const raw = await client.getManifest(repo, a.digest);
      await pushManifest(reg, repo, 'latest', raw.mediaType, Buffer.from(raw.raw));

      const events: PruneProgress[] = [];
      const result = await executePrune(client, repo, plan, { onProgress: (e) => events.push(e) });
      assert.deepEqual(result.deleted, [b.digest]);
      assert.equal(result.skipped.length, 1);
      assert.equal(result.skipped[0].digest, a.digest);
      assert.deepEqual(result.skipped[0].tags, ['1.0.0']);
      assert.equal(result.skipped[0].reason, 'changed since the plan: latest now points at it');
      checkProgress(events, result, 2);
      assert.deepEqual(await tagMap(client, repo), { '1.0.0': a.digest, '2.0.0': c.digest, latest: a.digest });
    });

    it('skips a digest whose planned tag was re-pushed elsewhere, so the new image stays', async () => {
      const repo = freshRepo('moved');
      const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
      const b = await pushImage(reg, repo, ['1.1.0', '1.1'], { salt: `${repo}:b` });
      const plan = await planFor(client, repo, { range: '*' });
      assert.deepEqual(plan.deleteDigests, [a.digest]);
      assert.equal(plan.entries.find((e) => e.tag === '1.1.0')?.reason, 'skip: shares its image with kept tag 1.1');
      const a2 = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a2` });
      const result = await executePrune(client, repo, plan, {});
      assert.deepEqual(result.deleted, []);
      assert.deepEqual(result.skipped, [{ digest: a.digest, tags: ['1.0.0'], reason: 'changed since the plan: no tag points at it any more' }]);
      assert.deepEqual(await tagMap(client, repo), { '1.0.0': a2.digest, '1.1': b.digest, '1.1.0': b.digest });
    });

    it('counts a digest someone else deleted just before us as deleted, not failed', async () => {
      const repo = freshRepo('gone');
      const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
      const b = await pushImage(reg, repo, ['1.1.0'], { salt: `${repo}:b` });
      const plan = await planFor(client, repo, { range: '*' });
      // Another person's DELETE lands between our re-check and our DELETE of a.
      const other = createRegistryClient({ url: reg.url });
      const obs = observed(client, async (digest) => {
        if (digest === a.digest) await other.deleteManifest(repo, digest);
      });
      const result = await executePrune(obs.client, repo, plan, {});
      await other.close();
      assert.deepEqual([...result.deleted].sort(), [a.digest, b.digest].sort());
      assert.deepEqual(result.alreadyGone, [a.digest]);
      assert.deepEqual(result.failed, []);
      assert.deepEqual(await tagMap(client, repo), {});
    });
  });

  describe('concurrency and cancel', () => {
    it('keeps at most `concurrency` deletes in flight (default 4)', async () => {
      const repo = freshRepo('conc');
      const pushed = await pushManyTags(reg, repo, 12, { distinctDigests: true });
      const plan = await planFor(client, repo, { range: '*' });
      assert.equal(plan.deleteDigests.length, 12);
      const obs = observed(client);
      const result = await executePrune(obs.client, repo, plan, { concurrency: 3 });
      assert.equal(obs.maxInFlight(), 3);
      assert.equal(result.deleted.length, 12);
      assert.deepEqual(new Set(obs.calls), new Set(Object.values(pushed.digests)));
      assert.equal(obs.calls.length, 12, 'each digest deleted once');

      const repo2 = freshRepo('conc-default');
      await pushManyTags(reg, repo2, 10, { distinctDigests: true });
      const obs2 = observed(client);
      const result2 = await executePrune(obs2.client, repo2, await planFor(client, repo2, { range: '*' }), {});
      assert.equal(obs2.maxInFlight(), 4);
      assert.equal(result2.deleted.length, 10);
      assert.deepEqual(await tagMap(client, repo2), {});
    });

    it('deletes oldest first', async () => {
      const repo = freshRepo('order');
      const pushed = await pushManyTags(reg, repo, 5, { distinctDigests: true });
      const obs = observed(client);
      await executePrune(obs.client, repo, await planFor(client, repo, { range: '*' }), { concurrency: 1 });
      assert.deepEqual(obs.calls, pushed.tags.map((t) => pushed.digests[t]));
    });

    it('stops starting deletes on cancel, lets the ones in flight finish, and reports exactly what happened', async () => {
      const repo = freshRepo('cancel');
      const pushed = await pushManyTags(reg, repo, 10, { distinctDigests: true });
      const plan = await planFor(client, repo, { range: '*' });
      const abort = new AbortController();
      const events: PruneProgress[] = [];
      const result = await executePrune(client, repo, plan, {
        concurrency: 3,
        signal: abort.signal,
        onProgress: (e) => {
          events.push(e);
          if (e.type === 'deleted') abort.abort();
        },
      });
      assert.equal(result.cancelled, true);
      assert.ok(result.deleted.length >= 1 && result.deleted.length <= 3, `deleted ${result.deleted.length}: only the ones in flight may finish`);
      assert.equal(result.deleted.length + result.skipped.length, 10);
      assert.deepEqual(result.failed, []);
      for (const s of result.skipped) assert.equal(s.reason, 'not started: cancelled');
      checkProgress(events, result, 10);
      // The registry agrees with the report.
      const left = await tagMap(client, repo);
      const gone = new Set(result.deleted);
      assert.deepEqual(Object.keys(left).sort(), pushed.tags.filter((t) => !gone.has(pushed.digests[t])).sort());
      for (const d of result.deleted) assert.equal(await manifestExists(client, repo, d), false);
    });

    it('deletes nothing when cancelled before it starts', async () => {
      const repo = freshRepo('precancel');
      const pushed = await pushManyTags(reg, repo, 3, { distinctDigests: true });
      const plan = await planFor(client, repo, { range: '*' });
      const result = await executePrune(client, repo, plan, { signal: AbortSignal.abort() });
      assert.equal(result.cancelled, true);
      assert.deepEqual(result.deleted, []);
      assert.equal(result.skipped.length, 3);
      assert.deepEqual(Object.keys(await tagMap(client, repo)).sort(), [...pushed.tags].sort());
    });
  });

  describe('a registry with delete disabled (405)', () => {
    let ro: TestRegistry;
    let roClient: RegistryClient;
    before(async () => {
      ro = await startRegistry({ deleteEnabled: false });
      roClient = createRegistryClient({ url: ro.url });
    });
    after(async () => {
      await roClient?.close();
      await ro?.stop();
    });

    it('stops the run at the first DELETE_DISABLED with its fix, and deletes nothing', async () => {
      const pushed = await pushManyTags(ro, 'app', 8, { distinctDigests: true });
      const plan = await planFor(roClient, 'app', { range: '*' });
      const obs = observed(roClient);
      const events: PruneProgress[] = [];
      const result = await executePrune(obs.client, 'app', plan, { concurrency: 2, onProgress: (e) => events.push(e) });
      assert.equal(result.stoppedBy?.code, 'DELETE_DISABLED');
      assert.ok(result.stoppedBy?.fix, 'the 405 comes with a fix');
      assert.equal(result.cancelled, false);
      assert.deepEqual(result.deleted, []);
      assert.ok(result.failed.length >= 1 && result.failed.length <= 2, `failed ${result.failed.length}: only the deletes in flight`);
      assert.equal(obs.calls.length, result.failed.length, 'no delete started after the 405');
      assert.equal(result.failed.length + result.skipped.length, 8);
      for (const s of result.skipped) assert.equal(s.reason, 'not started: stopped by DELETE_DISABLED');
      checkProgress(events, result, 8);
      assert.deepEqual(Object.keys(await tagMap(roClient, 'app')).sort(), [...pushed.tags].sort());
    });
  });
});
