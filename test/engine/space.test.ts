// "Know what a cleanup frees", against a REAL registry (docker-registry 2.8.2 on loopback): images pushed with layers
// of exact sizes (test/support/seed-layers.ts), some shared, so every figure is worked out by hand from what was pushed
// — the engine's reviews and previews, the digest cache (a second count reads no manifest), the regx faces
// (delete/prune --dry-run, inspect, tags --created), and last what garbage collection really removes after a delete.
import * as assert from 'node:assert/strict';
import { keepingTags, previewPrune, reviewDeletion, reviewRepositoryDeletion } from '../../src/ops';
import type { PrunePolicy } from '../../src/prune';
import { createRegistryClient } from '../../src/registry/client';
import { formatSize } from '../../src/registry/format';
import type { Logger, RegistryClient } from '../../src/registry/types';
import { expectExit, head, regx, regxOnTerminal, useCliScratchHome } from '../support/cli';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedBlob } from '../support/registry-storage';
import { pushIndex, pushImage } from '../support/seed';
import { blobsOf, bytesOf, layerOfSize, pushLayeredImage, pushLayeredIndex, type BlobRef, type LayeredImage, type LayeredIndex } from '../support/seed-layers';

/** An image's own blobs: its manifest, config and the layers given (not the shared ones). */
function ownBlobs(image: LayeredImage, ...layers: BlobRef[]): BlobRef[] {
  return [{ digest: image.digest, size: image.size }, image.config, ...layers];
}

/** `text` as a regular expression that matches it literally. */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Requests the client makes, counted from its request log. */
function countingClient(url: string): { client: RegistryClient; manifestGets: () => number; digestGets: () => number; heads: () => number; requests: () => number } {
  const lines: string[] = [];
  const logger: Logger = { trace: (m) => lines.push(m), debug: () => undefined, warn: () => undefined };
  return {
    client: createRegistryClient({ url, logger }),
    manifestGets: () => lines.filter((l) => /^GET \S*\/manifests\//.test(l)).length,
    // Reads by digest: what a count reads (the tags themselves are read by name, every time).
    digestGets: () => lines.filter((l) => /^GET \S*\/manifests\/sha256:/.test(l)).length,
    heads: () => lines.filter((l) => /^HEAD /.test(l)).length,
    requests: () => lines.length,
  };
}

describe('space freed (real registry, layers of known sizes)', function () {
  this.timeout(120_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let client: RegistryClient;
  let H: string;
  // space/app: A (tag a) and B (tags b, latest) on one 40 000-byte base layer, each with a layer of its own.
  let A: LayeredImage;
  let B: LayeredImage;
  // space/multi: index v1 over c1 (untagged) and c2 (also tagged arm), both on one 30 000-byte layer.
  let c1: LayeredImage;
  let c2: LayeredImage;
  let v1: LayeredIndex;
  // space/prune: 1.0.0, 1.1.0, 2.0.0 on one 50 000-byte base, each with a layer of its own.
  let P: Record<string, LayeredImage>;

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    H = reg.host;
    client = createRegistryClient({ url: reg.url });
    const base = layerOfSize(40_000, 'space-base');
    A = await pushLayeredImage(reg, 'space/app', ['a'], [base, layerOfSize(1_000, 'space-a')], 'space-A');
    B = await pushLayeredImage(reg, 'space/app', ['b', 'latest'], [base, layerOfSize(2_000, 'space-b')], 'space-B');
    const shared = layerOfSize(30_000, 'space-multi-shared');
    c1 = await pushLayeredImage(reg, 'space/multi', [], [shared, layerOfSize(5_000, 'space-x')], 'space-c1');
    c2 = await pushLayeredImage(reg, 'space/multi', ['arm'], [shared, layerOfSize(7_000, 'space-y')], 'space-c2', { os: 'linux', architecture: 'arm64' });
    v1 = await pushLayeredIndex(reg, 'space/multi', ['v1'], [c1, c2]);
    const base2 = layerOfSize(50_000, 'space-prune-base');
    P = {};
    for (const [tag, size] of [['1.0.0', 1_100], ['1.1.0', 2_200], ['2.0.0', 3_300]] as const) {
      P[tag] = await pushLayeredImage(reg, 'space/prune', [tag], [base2, layerOfSize(size, `space-prune-${tag}`)], `space-prune-${tag}`);
    }
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  const prunePolicy: PrunePolicy = { range: '<2.0.0' };
  const expected = {
    a: () => bytesOf(ownBlobs(A, A.layers[1])),
    b: () => bytesOf(ownBlobs(B, B.layers[1])),
    both: () => bytesOf([...blobsOf(A), ...blobsOf(B)]),
    v1: () => bytesOf([{ digest: v1.digest, size: v1.size }, ...ownBlobs(c1, c1.layers[1])]),
    prune: () => bytesOf([...ownBlobs(P['1.0.0'], P['1.0.0'].layers[1]), ...ownBlobs(P['1.1.0'], P['1.1.0'].layers[1])]),
  };

  describe('the engine', () => {
    it('deleting one image frees its manifest, config and own layer, not the base another image uses', async () => {
      const review = await reviewDeletion(client, 'space/app', ['a'], { withFreed: true });
      const freed = review.freed!;
      assert.equal(freed.bytes, expected.a());
      assert.equal(freed.bytes, A.size + A.config.size + 1_000);
      assert.equal(freed.blobs, 3);
      assert.equal(freed.manifests, 1);
      assert.equal(freed.childBytes, 0);
      assert.deepEqual([freed.unknown, freed.keptUnknown], [[], []]);
      assert.equal(freed.untaggedListed, false, 'plain V2 cannot list untagged manifests');
    });

    it('a tag that shares its digest with latest: deleting it takes both tags and frees the image’s own blobs, by either tag', async () => {
      for (const ref of ['b', 'latest']) {
        const review = await reviewDeletion(client, 'space/app', [ref], { withFreed: true });
        assert.deepEqual(review.images.map((i) => i.tags), [['b', 'latest']]);
        assert.equal(review.freed!.bytes, expected.b(), ref);
      }
    });

    it('deleting both images frees the shared base too, counted once', async () => {
      const review = await reviewDeletion(client, 'space/app', ['a', 'b'], { withFreed: true });
      assert.equal(review.freed!.bytes, expected.both());
      assert.equal(review.freed!.bytes, expected.a() + expected.b() + 40_000);
      assert.equal(review.freed!.blobs, 7);
      const all = await reviewRepositoryDeletion(client, 'space/app', { withFreed: true });
      assert.equal(all.freed!.bytes, expected.both());
    });

    it('a multi-arch index frees its platform images except the one its own tag keeps', async () => {
      const review = await reviewDeletion(client, 'space/multi', ['v1'], { withFreed: true });
      const freed = review.freed!;
      assert.equal(freed.bytes, expected.v1());
      assert.equal(freed.childBytes, bytesOf(ownBlobs(c1, c1.layers[1])), 'c1’s blobs go with the index');
      assert.equal(freed.manifests, 2, 'the index and c1; c2 stays under arm');
      const both = await reviewDeletion(client, 'space/multi', ['v1', 'arm'], { withFreed: true });
      assert.equal(both.freed!.bytes, bytesOf([{ digest: v1.digest, size: v1.size }, ...blobsOf(c1), ...blobsOf(c2)]));
      const platformAlone = await reviewDeletion(client, 'space/multi', ['arm'], { withFreed: true });
      assert.equal(platformAlone.freed!.bytes, 0, 'the index still names c2');
    });

    it('a prune plan frees the hand-computed sum; keeping a tag again counts again from the same read', async () => {
      const preview = await previewPrune(client, 'space/prune', prunePolicy, { withFreed: true });
      assert.deepEqual([...preview.plan.deleteDigests].sort(), [P['1.0.0'].digest, P['1.1.0'].digest].sort());
      assert.equal(preview.freed!.bytes, expected.prune());
      const kept = keepingTags(preview, ['1.0.0']);
      assert.equal(kept.freed!.bytes, bytesOf(ownBlobs(P['1.1.0'], P['1.1.0'].layers[1])));
    });

    it('the digest cache: a second preview with withFreed on the same client reads no manifest', async () => {
      const counting = countingClient(reg.url);
      try {
        const first = await previewPrune(counting.client, 'space/prune', prunePolicy, { withFreed: true });
        const firstGets = counting.manifestGets();
        assert.ok(firstGets >= 3, `the first count read ${firstGets} manifests (3 tagged)`);
        // The tags were read by GET, not HEAD, so the count that followed read none of them again.
        assert.deepEqual([counting.heads(), counting.digestGets()], [0, 0], 'one request per tag, and no second read of a tagged manifest');
        const before = { gets: counting.digestGets(), all: counting.requests() };
        const second = await previewPrune(counting.client, 'space/prune', prunePolicy, { withFreed: true });
        assert.equal(counting.digestGets() - before.gets, 0, 'the second count read a manifest again');
        assert.ok(counting.requests() > before.all, 'the second preview read the tags again');
        assert.equal(second.freed!.bytes, first.freed!.bytes);
      } finally {
        await counting.client.close();
      }
    });
  });

  describe('regx', () => {
    it('delete --dry-run --json: freedBytes and the freed object; nothing deleted', async () => {
      const r = await regx(['delete', `${H}/space/app:a`, '--dry-run', '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout);
      assert.equal(j.freedBytes, expected.a());
      assert.deepEqual(j.freed, { bytes: expected.a(), blobs: 3, manifests: 1, childBytes: 0, unknown: [], keptUnknown: [], untaggedListed: false, exact: false });
      assert.deepEqual([j.digest, j.tags, j.deleted], [A.digest, ['a'], false]);
      assert.match(r.stderr, /Frees up to /, 'in --json the words go to stderr');
    });

    it('delete --dry-run (text): the figure with formatSize, and the V2 note', async () => {
      const r = await regx(['delete', `${H}/space/app:latest`, '--dry-run']);
      expectExit(r, 0);
      assert.match(r.stdout, /removes 2 tags: b, latest/);
      assert.ok(r.stdout.includes(`Frees up to ${formatSize(expected.b())} after garbage collection (layers shared with other repositories are counted too).`), r.stdout);
      assert.match(r.stdout, /cannot list its untagged manifests: one of them may still hold some of it/);
      assert.match(r.stdout, /Dry run: nothing was deleted/);
    });

    it('delete of a multi-arch index --dry-run: the figure and the platform-image note', async () => {
      const r = await regx(['delete', `${H}/space/multi:v1`, '--dry-run', '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout);
      assert.equal(j.freedBytes, expected.v1());
      assert.equal(j.freed.childBytes, bytesOf(ownBlobs(c1, c1.layers[1])));
      assert.match(r.stderr, /platform images only the deleted multi-arch images name/);
    });

    it('delete --all --dry-run --json: every image of the repository, the base once', async () => {
      const r = await regx(['delete', `${H}/space/app`, '--all', '--dry-run', '--json']);
      expectExit(r, 0);
      assert.equal(JSON.parse(r.stdout).freedBytes, expected.both());
    });

    it('prune --dry-run --json and text: the plan’s figure', async () => {
      const args = ['prune', `${H}/space/prune`, '--semver', '<2.0.0', '--dry-run'];
      const r = await regx([...args, '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout);
      assert.equal(j.freedBytes, expected.prune());
      assert.equal(j.freed.blobs, 6);
      assert.deepEqual(j.deleted, []);
      const text = await regx(args);
      expectExit(text, 0);
      assert.ok(text.stdout.includes(`Frees up to ${formatSize(expected.prune())} after garbage collection`), text.stdout);
    });

    it('prune with nothing to delete prints no figure, and its JSON says 0', async () => {
      const args = ['prune', `${H}/space/prune`, '--semver', '<0.1.0', '--dry-run'];
      const text = await regx(args);
      expectExit(text, 0);
      assert.doesNotMatch(text.stdout, /Frees/);
      assert.equal(JSON.parse((await regx([...args, '--json'])).stdout).freedBytes, 0);
    });

    it('at a terminal the figure comes before the question; --yes off a terminal counts nothing', async () => {
      const asked = await regxOnTerminal(['prune', `${H}/space/prune`, '--semver', '<2.0.0'], '[y/N]', async () => 'n');
      expectExit(asked, 0);
      const figure = asked.stdout.indexOf(`Frees up to ${formatSize(expected.prune())} after garbage collection`);
      assert.ok(figure >= 0 && figure < asked.stdout.indexOf('[y/N]'), asked.stdout);
      assert.equal(await head(reg, 'space/prune', '1.0.0'), P['1.0.0'].digest, 'answering no deleted something');
      const refused = await regx(['delete', `${H}/space/app:a`]);
      expectExit(refused, 2);
      assert.doesNotMatch(refused.stdout, /Frees/, 'counted although no question could be asked');
    });

    it('inspect: the image’s whole size (base included) and what is its own', async () => {
      const r = await regx(['inspect', `${H}/space/app:a`, '--json']);
      expectExit(r, 0);
      const j = JSON.parse(r.stdout);
      assert.equal(j.size, bytesOf(blobsOf(A)));
      assert.equal(j.uniqueBytes, expected.a());
      const text = await regx(['inspect', `${H}/space/app:a`]);
      expectExit(text, 0);
      assert.match(text.stdout, new RegExp(`Size:\\s+${literally(formatSize(bytesOf(blobsOf(A))))} \\(every layer, config and manifest once\\)`));
      assert.match(text.stdout, new RegExp(`Unique:\\s+${literally(formatSize(expected.a()))} used by nothing else in space/app`));
    });

    it('inspect of an index: every platform image once; of a platform image the index keeps: nothing its own', async () => {
      const index = JSON.parse((await regx(['inspect', `${H}/space/multi:v1`, '--json'])).stdout);
      assert.equal(index.size, bytesOf([{ digest: v1.digest, size: v1.size }, ...blobsOf(c1), ...blobsOf(c2)]));
      assert.equal(index.uniqueBytes, expected.v1());
      const arm = JSON.parse((await regx(['inspect', `${H}/space/multi:arm`, '--json'])).stdout);
      assert.equal(arm.size, bytesOf(blobsOf(c2)));
      assert.equal(arm.uniqueBytes, 0);
    });

    it('tags --json --created: each tag with its image’s created date (null for an index)', async () => {
      const created = new Date('2021-03-04T05:06:07.000Z');
      const img = await pushImage(reg, 'space/dated', ['1.0'], { created, salt: 'space-dated' });
      const idx = await pushIndex(reg, 'space/dated', ['multi'], { created, salt: 'space-dated-idx' });
      const r = await regx(['tags', `${H}/space/dated`, '--json', '--created']);
      expectExit(r, 0);
      const rows = JSON.parse(r.stdout) as { tag: string; digest: string; created: string | null }[];
      assert.deepEqual(
        rows.map((row) => [row.tag, row.digest, row.created]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
        [
          ['1.0', img.digest, created.toISOString()],
          ['multi', idx.digest, null],
        ],
      );
      const plain = JSON.parse((await regx(['tags', `${H}/space/dated`, '--json'])).stdout) as object[];
      assert.ok(plain.every((row) => !('created' in row)), 'created only when asked for');
    });
  });

  // Last: garbage collection stops and restarts the registry.
  describe('after a real delete and garbage collection', () => {
    it('the blobs removed add up to the figure the dry run gave; the shared base stays', async () => {
      const base = layerOfSize(20_000, 'space-gc-base');
      const G1 = await pushLayeredImage(reg, 'space/gc', ['one'], [base, layerOfSize(3_000, 'space-gc-1')], 'space-gc-1');
      await pushLayeredImage(reg, 'space/gc', ['two'], [base, layerOfSize(4_000, 'space-gc-2')], 'space-gc-2');
      const dry = await regx(['delete', `${H}/space/gc:one`, '--dry-run', '--json']);
      expectExit(dry, 0);
      const figure = JSON.parse(dry.stdout).freedBytes as number;
      assert.equal(figure, bytesOf(ownBlobs(G1, G1.layers[1])));
      const real = await regx(['delete', `${H}/space/gc:one`, '--yes', '--json']);
      expectExit(real, 0);
      assert.equal(JSON.parse(real.stdout).deleted, true);
      await reg.garbageCollect();
      const gone = blobsOf(G1).filter((b) => storedBlob(reg.dataDir, b.digest) === undefined);
      assert.equal(bytesOf(gone), figure);
      assert.ok(storedBlob(reg.dataDir, G1.layers[0].digest), 'the base the other image uses was removed');
    });
  });
});
