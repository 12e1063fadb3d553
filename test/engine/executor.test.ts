// The one executor (src/ops/executor.ts) against a REAL registry (Debian's docker-registry on loopback): plan from the
// registry's tags, change the registry between plan and execute, and during the deletes, as another person would,
// and check what is left. The pure checks (src/ops/checks.ts) are tested first, by example.
import * as assert from 'node:assert/strict';
import { checkDeletions, findLostTags, type ConfirmedDeletion, type RepositorySnapshot } from '../../src/ops';
import { executePrune, previewPrune, type PrunePreview } from '../../src/ops/prune';
import { executeDeletions, type DeletionProgress, type DeletionResult, type ExecuteOptions } from '../../src/ops/executor';
import type { PrunePolicy } from '../../src/prune';
import { createRegistryClient } from '../../src/registry/client';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/registry/mediatypes';
import type { DigestInfo, Platform, RegistryClient } from '../../src/registry/types';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushIndex, pushManifest, pushManyTags, seedStandard, type StandardDataset } from '../support/seed';
import { manifestExists, tagMap } from '../support/registry-state';

type Planned = PrunePreview['plan'] & { preview: PrunePreview };

async function planFor(client: RegistryClient, repo: string, policy: PrunePolicy): Promise<Planned> {
  const preview = await previewPrune(client, repo, policy);
  return { ...preview.plan, preview };
}

/** Executes a plan as after a person's confirmation (the tags are read again first), unless told otherwise. */
function execute(client: RegistryClient, plan: Planned, options: Partial<ExecuteOptions> = {}): Promise<DeletionResult> {
  return executePrune(client, plan.preview, { confirmation: 'interactive', ...options });
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

function checkProgress(events: DeletionProgress[], result: DeletionResult, total: number): void {
  assert.equal(events.length, total, 'one progress event per digest');
  assert.deepEqual(events.map((e) => e.done), Array.from({ length: total }, (_, i) => i + 1));
  for (const e of events) assert.equal(e.total, total);
  assert.deepEqual(events.filter((e) => e.type === 'deleted').map((e) => e.digest).sort(), [...result.deleted].sort());
  assert.deepEqual(events.filter((e) => e.type === 'skipped').map((e) => e.digest).sort(), result.skipped.map((s) => s.digest).sort());
  assert.deepEqual(events.filter((e) => e.type === 'failed').map((e) => e.digest).sort(), result.failed.map((f) => f.digest).sort());
}

const d = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;

/** A snapshot built by hand for the pure checks. */
function snapshot(tags: [string, DigestInfo | Error][], children: [string, Platform[]][] = []): RepositorySnapshot {
  const resolved = new Map<string, DigestInfo>();
  const unresolved = new Map<string, Error>();
  for (const [tag, r] of tags) {
    if (r instanceof Error) unresolved.set(tag, r);
    else resolved.set(tag, r);
  }
  return { repository: 'multi', readAt: Date.now(), completedAt: Date.now(), order: tags.map(([t]) => t), tags: resolved, unresolved, children: new Map(children) };
}

describe('executor checks (pure)', () => {
  const items: ConfirmedDeletion[] = [
    { digest: d(2), tags: ['1.1.0'] },
    { digest: d(1), tags: ['1.0.0', 'v1.0.0'] },
  ];
  const skips = (state: RepositorySnapshot, list = items): Record<string, string | undefined> =>
    Object.fromEntries(checkDeletions(list, state, 'the plan').map((v) => [v.item.digest, v.skip]));

  it('lets a digest go when exactly the confirmed tags still point at it', () => {
    const state = snapshot([['1.0.0', { digest: d(1) }], ['v1.0.0', { digest: d(1) }], ['1.1.0', { digest: d(2) }], ['3.0.0', { digest: d(3) }]]);
    assert.deepEqual(skips(state), { [d(2)]: undefined, [d(1)]: undefined });
  });

  it('skips a digest when one of its confirmed tags moved or is gone (404)', () => {
    const state = snapshot([['1.0.0', { digest: d(1) }], ['1.1.0', { digest: d(9) }], ['3.0.0', { digest: d(3) }]]);
    assert.equal(skips(state)[d(1)], 'changed since the plan: v1.0.0 is gone');
    assert.equal(skips(state)[d(2)], 'changed since the plan: no tag points at it any more');
  });

  it('skips everything while any tag cannot be resolved again, since it might point anywhere', () => {
    const state = snapshot([['1.0.0', { digest: d(1) }], ['v1.0.0', { digest: d(1) }], ['1.1.0', { digest: d(2) }], ['3.0.0', new Error('HEAD answered 500')]]);
    for (const skip of Object.values(skips(state))) assert.equal(skip, 'not checked: tag 3.0.0 could not be resolved again, so it might point at this image');
  });

  it('names every new tag on a confirmed digest', () => {
    const state = snapshot([['1.0.0', { digest: d(1) }], ['v1.0.0', { digest: d(1) }], ['1.1.0', { digest: d(2) }], ['prod', { digest: d(2) }], ['latest', { digest: d(2) }]]);
    assert.equal(skips(state)[d(2)], 'changed since the plan: latest, prod now point at it');
    assert.equal(skips(state)[d(1)], undefined);
  });

  it('never lets a platform manifest of an index that stays go, unless that break was confirmed', () => {
    const amd = { os: 'linux', architecture: 'amd64', digest: d(11) };
    const arm = { os: 'linux', architecture: 'arm64', digest: d(12) };
    const state = snapshot(
      [
        ['latest', { digest: d(10), mediaType: OCI_INDEX }],
        ['2.0.0-amd64', { digest: d(11), mediaType: OCI_MANIFEST }],
        ['2.0.0-arm64', { digest: d(12), mediaType: OCI_MANIFEST }],
      ],
      [[d(10), [amd, arm]]],
    );
    const child = [{ digest: d(11), tags: ['2.0.0-amd64'] }];
    assert.equal(skips(state, child)[d(11)], 'part of multi:latest (linux/amd64): deleting it would break that multi-arch image');
    assert.equal(skips(state, [{ ...child[0], breaks: [d(10)] }])[d(11)], undefined);
    // The index going in the same run does not protect its children.
    assert.equal(skips(state, [...child, { digest: d(10), tags: ['latest'] }])[d(11)], undefined);
    // An index whose platforms are unknown protects everything.
    const unknown = snapshot([['latest', { digest: d(10), mediaType: OCI_INDEX }], ['1.0.0', { digest: d(1) }]]);
    assert.match(skips(unknown, [{ digest: d(1), tags: ['1.0.0'] }])[d(1)] ?? '', /platforms of the multi-arch image latest could not be read/);
  });

  it('finds tags that vanished without being confirmed, and only those', () => {
    const before = snapshot([['a', { digest: d(1) }], ['b', { digest: d(2) }], ['keep', { digest: d(3) }], ['moved', { digest: d(3) }]]);
    const after = snapshot([['keep', { digest: d(3) }], ['new', { digest: d(4) }]]);
    assert.deepEqual(findLostTags(before, after, new Set(['a', 'b'])), { lost: [{ tag: 'moved', digest: d(3) }], unknown: [] });
    const unsure = snapshot([['keep', { digest: d(3) }], ['moved', new Error('500')]]);
    assert.deepEqual(findLostTags(before, unsure, new Set(['a', 'b'])), { lost: [], unknown: ['moved'] });
  });
});

describe('the executor (real registry)', function () {
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
      const events: DeletionProgress[] = [];
      const order: string[] = [];
      const result = await execute(client, plan, {
        onStart: (item: { digest: string }) => order.push(`start ${item.digest}`),
        onProgress: (e: DeletionProgress) => {
          events.push(e);
          order.push(`${e.type} ${e.digest}`);
        },
      });
      // Each DELETE is announced as it is sent, before its outcome.
      for (const digest of result.deleted) assert.ok(order.indexOf(`start ${digest}`) >= 0 && order.indexOf(`start ${digest}`) < order.indexOf(`deleted ${digest}`), order.join(', '));
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
      const result = await execute(client, plan, {});
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

      const events: DeletionProgress[] = [];
      const result = await execute(client, plan, { onProgress: (e: DeletionProgress) => events.push(e) });
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
      const result = await execute(client, plan, {});
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
      const result = await execute(obs.client, plan, {});
      await other.close();
      assert.deepEqual([...result.deleted].sort(), [a.digest, b.digest].sort());
      assert.deepEqual(result.alreadyGone, [a.digest]);
      assert.deepEqual(result.failed, []);
      assert.deepEqual(await tagMap(client, repo), {});
    });
  });

  describe('freshness bound', () => {
    it('a pre-approved run on a fresh plan does not read twice: only the check for lost tags afterwards', async () => {
      const repo = freshRepo('fresh');
      await pushManyTags(reg, repo, 4, { distinctDigests: true });
      const plan = await planFor(client, repo, { range: '*' });
      const result = await execute(client, plan, { confirmation: 'pre-approved' });
      assert.equal(result.deleted.length, 4);
      assert.equal(result.reads, 1, 'one read, after the deletes');
    });

    it('a plan older than the bound is read again before the first delete, so a tag pushed meanwhile is seen', async () => {
      const repo = freshRepo('stale');
      const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
      const b = await pushImage(reg, repo, ['1.1.0'], { salt: `${repo}:b` });
      const plan = await planFor(client, repo, { range: '<2.0.0' });
      const raw = await client.getManifest(repo, a.digest);
      await pushManifest(reg, repo, 'hotfix', raw.mediaType, Buffer.from(raw.raw));
      await new Promise((r) => setTimeout(r, 300));
      const result = await execute(client, plan, { confirmation: 'pre-approved', maxStalenessMs: 200 });
      assert.deepEqual(result.deleted, [b.digest]);
      assert.deepEqual(result.skipped.map((x) => x.reason), ['changed since the plan: hotfix now points at it']);
      assert.equal(result.reads, 2, 'read before the first delete, and after the deletes');
      assert.equal((await tagMap(client, repo)).hotfix, a.digest);
    });

    it('a long run reads again as it goes: a tag pushed onto a doomed image mid-run keeps that image', async () => {
      const repo = freshRepo('long');
      const pushed = await pushManyTags(reg, repo, 12, { distinctDigests: true });
      const plan = await planFor(client, repo, { range: '*' });
      // Oldest first: the newest tag's image is deleted last. Tag it the moment the first delete starts.
      const last = pushed.digests[pushed.tags[pushed.tags.length - 1]];
      let tagged = false;
      const obs = observed(client, async () => {
        if (!tagged) {
          tagged = true;
          const raw = await client.getManifest(repo, last);
          await pushManifest(reg, repo, 'rollback', raw.mediaType, Buffer.from(raw.raw));
        }
        await new Promise((r) => setTimeout(r, 60));
      });
      const result = await execute(obs.client, plan, { confirmation: 'pre-approved', concurrency: 1, maxStalenessMs: 200 });
      assert.ok(result.reads >= 3, `read ${result.reads} times during a run of about 0.7 s with a 0.2 s bound`);
      assert.deepEqual(result.skipped.map((x) => [x.digest, x.reason]), [[last, 'changed since the plan: rollback now points at it']]);
      assert.equal(result.deleted.length, 11);
      assert.deepEqual(result.lostTags, []);
      assert.deepEqual(await tagMap(client, repo), { [pushed.tags[pushed.tags.length - 1]]: last, rollback: last });
    });

    it('a tag moved onto an image as it is deleted is reported lost', async () => {
      const repo = freshRepo('lost');
      const a = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:a` });
      const k = await pushImage(reg, repo, ['stable'], { salt: `${repo}:k` });
      const plan = await planFor(client, repo, { range: '*' });
      assert.deepEqual(plan.deleteDigests, [a.digest]);
      const obs = observed(client, async (digest) => {
        const raw = await client.getManifest(repo, digest);
        await pushManifest(reg, repo, 'stable', raw.mediaType, Buffer.from(raw.raw)); // CI re-tags stable onto the old image
      });
      const result = await execute(obs.client, plan, { confirmation: 'pre-approved' });
      assert.deepEqual(result.deleted, [a.digest]);
      assert.deepEqual(result.lostTags, [{ tag: 'stable', digest: k.digest }]);
      assert.deepEqual(await tagMap(client, repo), {});
    });
  });

  describe('multi-arch images', () => {
    it('never prunes the platform manifests of an index that stays, and says what they are part of', async () => {
      const repo = freshRepo('platforms');
      const index = await pushIndex(reg, repo, ['latest'], { salt: `${repo}:idx` });
      const [amd, arm] = index.children;
      for (const [tag, child] of [['2.0.0-amd64', amd], ['2.0.0-arm64', arm]] as const) {
        const raw = await client.getManifest(repo, child.digest);
        await pushManifest(reg, repo, tag, raw.mediaType, Buffer.from(raw.raw));
      }
      const plan = await planFor(client, repo, { range: '*', includePrerelease: true });
      assert.deepEqual(plan.deleteDigests, []);
      const reasons = Object.fromEntries(plan.entries.map((e) => [e.tag, e.reason]));
      assert.equal(reasons['2.0.0-amd64'], `skip: part of ${repo}:latest (linux/amd64)`);
      assert.equal(reasons['2.0.0-arm64'], `skip: part of ${repo}:latest (linux/arm64)`);
      // Confirmed by hand without the break: the executor refuses too.
      const direct = await executeDeletions(client, repo, [{ digest: amd.digest, tags: ['2.0.0-amd64'] }], { confirmation: 'interactive' });
      assert.deepEqual(direct.deleted, []);
      assert.equal(direct.skipped[0].reason, `part of ${repo}:latest (linux/amd64): deleting it would break that multi-arch image`);
      assert.ok(await manifestExists(client, repo, amd.digest));
      const idx = await client.getManifest(repo, 'latest');
      for (const p of idx.platforms!) assert.ok(await manifestExists(client, repo, p.digest), `${p.digest} of latest is gone`);
    });
  });

  describe('concurrency and cancel', () => {
    it('keeps at most `concurrency` deletes in flight (default 4)', async () => {
      const repo = freshRepo('conc');
      const pushed = await pushManyTags(reg, repo, 12, { distinctDigests: true });
      const plan = await planFor(client, repo, { range: '*' });
      assert.equal(plan.deleteDigests.length, 12);
      const obs = observed(client);
      const result = await execute(obs.client, plan, { concurrency: 3 });
      assert.equal(obs.maxInFlight(), 3);
      assert.equal(result.deleted.length, 12);
      assert.deepEqual(new Set(obs.calls), new Set(Object.values(pushed.digests)));
      assert.equal(obs.calls.length, 12, 'each digest deleted once');

      const repo2 = freshRepo('conc-default');
      await pushManyTags(reg, repo2, 10, { distinctDigests: true });
      const obs2 = observed(client);
      const result2 = await execute(obs2.client, await planFor(client, repo2, { range: '*' }), {});
      assert.equal(obs2.maxInFlight(), 4);
      assert.equal(result2.deleted.length, 10);
      assert.deepEqual(await tagMap(client, repo2), {});
    });

    it('deletes oldest first', async () => {
      const repo = freshRepo('order');
      const pushed = await pushManyTags(reg, repo, 5, { distinctDigests: true });
      const obs = observed(client);
      await execute(obs.client, await planFor(client, repo, { range: '*' }), { concurrency: 1 });
      assert.deepEqual(obs.calls, pushed.tags.map((t) => pushed.digests[t]));
    });

    it('stops starting deletes on cancel, lets the ones in flight finish, and reports exactly what happened', async () => {
      const repo = freshRepo('cancel');
      const pushed = await pushManyTags(reg, repo, 10, { distinctDigests: true });
      const plan = await planFor(client, repo, { range: '*' });
      const abort = new AbortController();
      const events: DeletionProgress[] = [];
      const result = await execute(client, plan, {
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
      const result = await execute(client, plan, { signal: AbortSignal.abort() });
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
      const events: DeletionProgress[] = [];
      const result = await execute(obs.client, plan, { concurrency: 2, onProgress: (e: DeletionProgress) => events.push(e) });
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
