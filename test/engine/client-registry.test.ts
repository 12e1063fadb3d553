// The registry client against a REAL registry (Debian's docker-registry 2.8.2, no auth), seeded by the test
// support code over plain HTTP: listing, digests with the full Accept list, manifests, created dates, delete
// impact, delete, untag (refused on 2.8.2; the throw-away fallback), and a registry with deletes turned off.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createRegistryClient } from '../../src/registry/client';
import { RegistryError } from '../../src/registry/errors';
import { DOCKER_LIST, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/mediatypes';
import type { Logger, RegistryClient, RegistryOptions } from '../../src/registry/types';
import { rejectsWith } from '../support/assertions';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushBlob, pushImage, pushManifest, seedStandard, type PushedImage, type StandardDataset } from '../support/seed';
import { reviewDeletion, reviewUntag, untagReviewed } from '../../src/ops';
/** What deleting `ref` removes, as the engine's review says (the shape these tests compare). */
async function impactOf(c: RegistryClient, repository: string, ref: string): Promise<{ repository: string; digest: string; tags: string[]; mediaType?: string }> {
  const image = (await reviewDeletion(c, repository, [ref])).images[0];
  return { repository, digest: image.digest, tags: image.tags, mediaType: image.mediaType };
}

/** Untag through the engine's operation (review, then untag). */
async function untagVia(c: RegistryClient, repository: string, tag: string, options: { fallback?: boolean } = {}): Promise<void> {
  await untagReviewed(c, await reviewUntag(c, repository, tag), options);
}


/** HEAD with exactly the Accept header given (none at all when undefined), over node:http: no client defaults. */
function rawHead(url: string, accept?: string): Promise<{ status: number; digest?: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'HEAD', headers: accept === undefined ? {} : { accept } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, digest: res.headers['docker-content-digest'] as string | undefined, type: res.headers['content-type'] });
    });
    req.on('error', reject);
    req.end();
  });
}

function traceLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, trace: (m) => lines.push(m), debug: (m) => lines.push(m), warn: (m) => lines.push(m) };
}

/** The manifest revisions and tags the registry keeps on disk for a repository. */
function stored(reg: TestRegistry, repo: string): { revisions: string[]; tags: string[] } {
  const base = join(reg.dataDir, 'docker/registry/v2/repositories', repo, '_manifests');
  const list = (p: string): string[] => {
    try {
      return readdirSync(p).sort();
    } catch {
      return [];
    }
  };
  // A deleted revision or tag keeps its folder on 2.8.2 but loses its link file.
  return {
    revisions: list(join(base, 'revisions/sha256'))
      .filter((h) => existsSync(join(base, 'revisions/sha256', h, 'link')))
      .map((h) => `sha256:${h}`),
    tags: list(join(base, 'tags')).filter((t) => existsSync(join(base, 'tags', t, 'current/link'))),
  };
}

describe('registry client on a real registry (no auth)', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let data: StandardDataset;
  const clients: RegistryClient[] = [];

  function client(extra: Partial<RegistryOptions> = {}, target: TestRegistry = reg): RegistryClient {
    const c = createRegistryClient({ url: target.url, retryBaseMs: 10, ...extra });
    clients.push(c);
    return c;
  }

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    data = await seedStandard(reg);
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await reg?.stop();
  });

  describe('ping and scheme', () => {
    it('a loopback host without a scheme falls back to http; distribution is self-hosted', async () => {
      const info = await client({}, reg).ping();
      const viaHost = createRegistryClient({ url: reg.host });
      clients.push(viaHost);
      const info2 = await viaHost.ping();
      for (const i of [info, info2]) {
        assert.equal(i.scheme, 'http');
        assert.equal(i.baseUrl, reg.url);
        assert.equal(i.auth, 'none');
        assert.equal(i.selfHostedDistribution, true);
      }
      assert.equal(viaHost.host, reg.host);
    });

    it('https:// to a plain-http registry is a TLS/NETWORK error, not a silent downgrade', async () => {
      await rejectsWith(createRegistryClient({ url: `https://${reg.host}`, retries: 0 }).ping(), ['TLS', 'NETWORK']);
    });
  });

  describe('listing', () => {
    it('the catalog lists every repository', async () => {
      assert.deepEqual(await client().listRepositories(), data.names);
    });

    it('the catalog is paged with n, following distribution’s Link headers', async () => {
      const log = traceLogger();
      assert.deepEqual(await client({ logger: log }).listRepositories({ pageSize: 1 }), data.names);
      const gets = log.lines.filter((l) => /^GET \S+\/v2\/_catalog\?/.test(l));
      assert.equal(gets.length, data.names.length, gets.join('\n'));
      for (const g of gets) assert.match(g, /n=1\b/);
      assert.match(gets[1], /last=app/);
    });

    it('one catalog page at a time with a cursor', async () => {
      const c = client();
      const p1 = await c.repositoriesPage({ pageSize: 2 });
      assert.deepEqual(p1.items, data.names.slice(0, 2));
      assert.ok(p1.next);
      const p2 = await c.repositoriesPage({ pageSize: 2, cursor: p1.next });
      assert.deepEqual(p2.items, data.names.slice(2));
      assert.equal(p2.next, undefined);
    });

    it('tags of the 1050-tag repository are complete', async () => {
      const tags = await client().listTags('big');
      assert.equal(tags.length, 1050);
      assert.deepEqual([...tags].sort(), Object.keys(data.repositories.big.tags).sort());
    });

    it('tags of a small repository, and NOT_FOUND for an unknown one', async () => {
      const c = client();
      assert.deepEqual([...(await c.listTags('app'))].sort(), Object.keys(data.repositories.app.tags).sort());
      assert.deepEqual([...(await c.listTags('team/api'))].sort(), ['0.9.0', '1.0.0', 'stable']);
      const e = await rejectsWith(c.listTags('nope/nothing'), 'NOT_FOUND', /nope\/nothing does not exist/);
      assert.ok(e.fix);
    });

    it('a bad repository name is BAD_INPUT before any request', async () => {
      const log = traceLogger();
      await rejectsWith(client({ logger: log }).listTags('Bad/Name'), 'BAD_INPUT', /"Bad"/);
      assert.equal(log.lines.length, 0);
    });
  });

  describe('digests with the full Accept list', () => {
    const cases: [string, string, string][] = [
      ['app', '1.0.0', OCI_MANIFEST],
      ['team/api', '1.0.0', DOCKER_MANIFEST],
      ['multi', '1.0.0', OCI_INDEX],
      ['multi', '2.0.0', DOCKER_LIST],
    ];

    for (const [repo, tag, mediaType] of cases) {
      it(`${repo}:${tag} (${mediaType.replace(/^application\/vnd\./, '')}) resolves to the digest that was pushed`, async () => {
        const info = await client().resolve(repo, tag);
        const seeded = data.repositories[repo].tags[tag];
        assert.equal(info.digest, seeded);
        assert.equal(info.mediaType, mediaType);
        assert.equal(info.size, data.repositories[repo].manifests[seeded].size);
        // By digest it checks out as the same.
        assert.equal((await client().resolve(repo, seeded)).digest, seeded);
      });
    }

    it('without the Accept list the registry would have given other digests (why the list matters)', async () => {
      const api = data.repositories['team/api'].tags['1.0.0'];
      const noAccept = await rawHead(`${reg.url}/v2/team/api/manifests/1.0.0`);
      assert.equal(noAccept.status, 200);
      assert.ok(noAccept.digest && noAccept.digest !== api, 'Docker v2 without Accept: schema1, another digest');
      assert.match(noAccept.type ?? '', /manifest\.v1\+prettyjws/);

      const list = data.repositories.multi.tags['2.0.0'];
      const dockerOnly = await rawHead(`${reg.url}/v2/multi/manifests/2.0.0`, DOCKER_MANIFEST);
      const amd64 = data.repositories.multi.manifests[list].children!.find((c) => c.platform === 'linux/amd64')!.digest;
      assert.equal(dockerOnly.digest, amd64, 'a manifest list with only the Docker v2 type answers with the amd64 child');
      assert.notEqual(dockerOnly.digest, list);

      assert.equal((await rawHead(`${reg.url}/v2/app/manifests/1.0.0`)).status, 404, 'an OCI image without Accept is not even found');
      assert.equal((await rawHead(`${reg.url}/v2/multi/manifests/1.0.0`, OCI_MANIFEST)).status, 404, 'an OCI index needs its own type');
    });

    it('resolveMany gives every digest of the 1050-tag repository, matching the seed', async () => {
      const big = data.repositories.big.tags;
      const tags = Object.keys(big);
      let seen = 0;
      const results = await client({ concurrency: 16 }).resolveMany('big', tags, { onResult: () => seen++ });
      assert.equal(results.size, tags.length);
      assert.equal(seen, tags.length);
      for (const tag of tags) {
        const r = results.get(tag);
        assert.ok(r && !(r instanceof Error), `${tag}: ${String(r)}`);
        assert.equal(r.digest, big[tag], tag);
      }
    });

    it('resolveMany reports a missing tag in the map and resolves the rest', async () => {
      const results = await client().resolveMany('app', ['1.0.0', 'does-not-exist', 'dev']);
      assert.equal((results.get('1.0.0') as { digest: string }).digest, data.repositories.app.tags['1.0.0']);
      assert.equal((results.get('dev') as { digest: string }).digest, data.repositories.app.tags.dev);
      const missing = results.get('does-not-exist');
      assert.ok(missing instanceof RegistryError && (missing.code === 'NOT_FOUND' || missing.code === 'MANIFEST_UNKNOWN'), String(missing));
    });

    it('an unknown tag or digest is NOT_FOUND / MANIFEST_UNKNOWN naming it', async () => {
      await rejectsWith(client().resolve('app', 'no-such-tag'), ['NOT_FOUND', 'MANIFEST_UNKNOWN'], /no-such-tag/);
      await rejectsWith(client().getManifest('app', `sha256:${'0'.repeat(64)}`), ['NOT_FOUND', 'MANIFEST_UNKNOWN'], /0{64}/);
    });

    it('a malformed tag or digest is BAD_INPUT before any request', async () => {
      await rejectsWith(client().resolve('app', '-bad'), 'BAD_INPUT', /"-bad"/);
      await rejectsWith(client().resolve('app', 'sha256:123'), 'BAD_INPUT', /64/);
    });
  });

  describe('manifests', () => {
    it('an OCI image: kind, media type, config digest, total size, annotations, verified bytes', async () => {
      const app = data.repositories.app;
      const seeded = app.manifests[app.tags['1.0.0']];
      const m = await client().getManifest('app', '1.0.0');
      assert.equal(m.digest, seeded.digest);
      assert.equal(m.kind, 'image');
      assert.equal(m.mediaType, OCI_MANIFEST);
      assert.equal(m.configDigest, seeded.configDigest);
      const layers = m.json.layers as { size: number }[];
      const config = m.json.config as { size: number };
      assert.equal(m.totalSize, layers.reduce((s, l) => s + l.size, config.size));
      assert.ok(m.totalSize! > 0);
      assert.equal(m.annotations?.['org.opencontainers.image.created'], seeded.created);
      assert.equal(m.platforms, undefined);
      assert.equal(`sha256:${createHash('sha256').update(m.raw).digest('hex')}`, m.digest);
      assert.equal(m.raw.length, seeded.size);
    });

    it('a Docker v2 image', async () => {
      const api = data.repositories['team/api'];
      const m = await client().getManifest('team/api', 'stable');
      assert.equal(m.digest, api.tags.stable);
      assert.equal(m.kind, 'image');
      assert.equal(m.mediaType, DOCKER_MANIFEST);
      assert.equal(m.configDigest, api.manifests[api.tags.stable].configDigest);
    });

    it('an OCI index and a Docker manifest list: platforms with their digests, no config', async () => {
      const multi = data.repositories.multi;
      for (const tag of ['1.0.0', '2.0.0']) {
        const seeded = multi.manifests[multi.tags[tag]];
        const m = await client().getManifest('multi', tag);
        assert.equal(m.kind, 'index');
        assert.equal(m.mediaType, seeded.mediaType);
        assert.equal(m.configDigest, undefined);
        assert.equal(m.totalSize, undefined);
        assert.deepEqual(
          m.platforms?.map((p) => ({ platform: `${p.os}/${p.architecture}`, digest: p.digest })),
          seeded.children!.map((c) => ({ platform: c.platform, digest: c.digest })),
        );
      }
    });

    it('subject and annotations of a referrer (e.g. a signature) are exposed', async () => {
      const target = await pushImage(reg, 'withsubject', ['1.0.0'], { salt: 'subject-target' });
      const empty = Buffer.from('{}');
      const emptyDigest = await pushBlob(reg, 'withsubject', empty);
      const empties = { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: 2 };
      const referrer = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: 'application/vnd.example.signature',
          config: empties,
          layers: [empties],
          subject: { mediaType: OCI_MANIFEST, digest: target.digest, size: target.size },
          annotations: { 'org.example.kind': 'signature' },
        }),
      );
      const refDigest = await pushManifest(reg, 'withsubject', 'sig', OCI_MANIFEST, referrer);
      const m = await client().getManifest('withsubject', 'sig');
      assert.equal(m.digest, refDigest);
      assert.equal(m.subject, target.digest);
      assert.equal(m.annotations?.['org.example.kind'], 'signature');
      assert.equal((await client().getManifest('withsubject', '1.0.0')).subject, undefined);
    });

    it('getCreated reads the date from the config blob; an index has none', async () => {
      const app = data.repositories.app;
      const c = client();
      for (const tag of ['1.0.0', '2.1.0']) {
        const m = await c.getManifest('app', tag);
        const created = await c.getCreated('app', m);
        assert.equal(created?.toISOString(), app.manifests[app.tags[tag]].created, tag);
      }
      const api = await c.getManifest('team/api', '0.9.0');
      assert.equal((await c.getCreated('team/api', api))?.toISOString(), data.repositories['team/api'].manifests[api.digest].created);
      assert.equal(await c.getCreated('multi', await c.getManifest('multi', 'latest')), undefined);
    });

    it('getCreated falls back to the org.opencontainers.image.created annotation: a config without a date, an index', async () => {
      const when = '2026-03-04T05:06:07.000Z';
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const configDigest = await pushBlob(reg, 'annotated', config);
      const annotations = { 'org.opencontainers.image.created': when };
      const image = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [], annotations }));
      const imageDigest = await pushManifest(reg, 'annotated', 'image', OCI_MANIFEST, image);
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: imageDigest, size: image.length, platform: { os: 'linux', architecture: 'amd64' } }], annotations }));
      await pushManifest(reg, 'annotated', 'index', OCI_INDEX, index);
      const c = client();
      assert.equal((await c.getCreated('annotated', await c.getManifest('annotated', 'image')))?.toISOString(), when);
      assert.equal((await c.getCreated('annotated', await c.getManifest('annotated', 'index')))?.toISOString(), when);
    });

    it('getBlob returns verified bytes', async () => {
      const app = data.repositories.app;
      const cfg = app.manifests[app.tags.dev].configDigest!;
      const blob = await client().getBlob('app', cfg);
      assert.equal(`sha256:${createHash('sha256').update(blob).digest('hex')}`, cfg);
      assert.equal(JSON.parse(Buffer.from(blob).toString('utf8')).created, app.manifests[app.tags.dev].created);
    });
  });

  describe('delete impact and delete', () => {
    it('deleteImpact lists every tag on the digest: 2.0.0 and latest', async () => {
      const app = data.repositories.app;
      const c = client();
      const byTag = await impactOf(c, 'app', '2.0.0');
      assert.deepEqual(byTag, { repository: 'app', digest: app.tags['2.0.0'], tags: ['2.0.0', 'latest'], mediaType: OCI_MANIFEST });
      assert.deepEqual((await impactOf(c, 'app', app.tags.latest)).tags, ['2.0.0', 'latest']);
      assert.deepEqual((await impactOf(c, 'app', '2.1.0')).tags, ['2.1.0']);
      const multi = await impactOf(c, 'multi', 'latest');
      assert.deepEqual(multi.tags, ['2.0.0', 'latest']);
      assert.equal(multi.mediaType, DOCKER_LIST);
    });

    it('deleteImpact in the 1050-tag repository finds the one tag', async () => {
      const impact = await impactOf(client(), 'big', '1.3.7');
      assert.deepEqual(impact.tags, ['1.3.7']);
      assert.equal(impact.digest, data.repositories.big.tags['1.3.7']);
    });

    describe('on a scratch repository', () => {
      let shared: PushedImage;
      let other: PushedImage;
      before(async () => {
        shared = await pushImage(reg, 'scratch', ['2.0.0', 'latest'], { salt: 'scratch-shared' });
        other = await pushImage(reg, 'scratch', ['1.0.0'], { salt: 'scratch-other' });
      });

      it('deleteManifest removes the digest and both tags; a second delete is alreadyGone', async () => {
        const c = client();
        const impact = await impactOf(c, 'scratch', 'latest');
        assert.deepEqual(impact.tags, ['2.0.0', 'latest']);
        assert.deepEqual(await c.deleteManifest('scratch', impact.digest), { digest: shared.digest, alreadyGone: false });
        assert.deepEqual(await c.listTags('scratch'), ['1.0.0']);
        await rejectsWith(c.resolve('scratch', 'latest'), ['NOT_FOUND', 'MANIFEST_UNKNOWN']);
        await rejectsWith(c.resolve('scratch', '2.0.0'), ['NOT_FOUND', 'MANIFEST_UNKNOWN']);
        assert.equal((await c.resolve('scratch', '1.0.0')).digest, other.digest);
        assert.deepEqual(await c.deleteManifest('scratch', shared.digest), { digest: shared.digest, alreadyGone: true });
      });

      it('a malformed digest for delete is BAD_INPUT before any request', async () => {
        const log = traceLogger();
        await rejectsWith(client({ logger: log }).deleteManifest('scratch', 'sha256:abc'), 'BAD_INPUT');
        assert.equal(log.lines.length, 0);
        assert.equal((await client().resolve('scratch', '1.0.0')).digest, other.digest);
      });
    });
  });

  describe('untag', () => {
    let img: PushedImage;
    before(async () => {
      img = await pushImage(reg, 'untag', ['a', 'b', 'c'], { salt: 'untag-image' });
    });

    it('2.8.2 cannot delete a tag alone: UNTAG_UNSUPPORTED with the way out, and nothing changes', async () => {
      const c = client();
      const e = await rejectsWith(untagVia(c, 'untag', 'b'), 'UNTAG_UNSUPPORTED', /cannot delete a tag alone/);
      assert.match(e.fix ?? '', /fallback/);
      assert.deepEqual([...(await c.listTags('untag'))].sort(), ['a', 'b', 'c']);
      assert.equal((await c.resolve('untag', 'b')).digest, img.digest);
    });

    it('with the fallback only that tag goes; the image, its other tags and no placeholder remain', async () => {
      const log = traceLogger();
      const c = client({ logger: log });
      await untagVia(c, 'untag', 'b', { fallback: true });
      assert.deepEqual([...(await c.listTags('untag'))].sort(), ['a', 'c']);
      assert.equal((await c.resolve('untag', 'a')).digest, img.digest);
      assert.equal((await c.resolve('untag', 'c')).digest, img.digest);
      assert.equal((await c.resolve('untag', img.digest)).digest, img.digest);
      await rejectsWith(c.resolve('untag', 'b'), ['NOT_FOUND', 'MANIFEST_UNKNOWN']);

      // The throw-away manifest was pushed and deleted: it answers 404, and the registry's storage holds
      // only the image's own revision and the two remaining tags.
      const deleted = log.lines.map((l) => /^DELETE \S+\/manifests\/(sha256:[a-f0-9]{64}) → 202/.exec(l)?.[1]).filter((d): d is string => d !== undefined);
      assert.equal(deleted.length, 1, log.lines.join('\n'));
      assert.notEqual(deleted[0], img.digest);
      await rejectsWith(c.resolve('untag', deleted[0]), ['NOT_FOUND', 'MANIFEST_UNKNOWN']);
      const disk = stored(reg, 'untag');
      assert.deepEqual(disk.tags, ['a', 'c']);
      assert.deepEqual(disk.revisions, [img.digest]);
    });

    it('untag of a tag that does not exist fails and creates nothing', async () => {
      const c = client();
      await rejectsWith(untagVia(c, 'untag', 'ghost', { fallback: true }), ['NOT_FOUND', 'MANIFEST_UNKNOWN'], /ghost/);
      assert.deepEqual([...(await c.listTags('untag'))].sort(), ['a', 'c']);
      assert.deepEqual(stored(reg, 'untag').revisions, [img.digest]);
    });
  });

  describe('a registry with deletes disabled', function () {
    let off: TestRegistry;
    let img: PushedImage;
    before(async () => {
      off = await startRegistry({ auth: 'none', deleteEnabled: false });
      img = await pushImage(off, 'keep', ['1.0.0', 'latest'], { salt: 'disabled' });
    });
    after(async () => {
      await off?.stop();
    });

    it('deleteManifest → DELETE_DISABLED with the storage.delete.enabled fix; nothing is deleted', async () => {
      const c = client({}, off);
      const e = await rejectsWith(c.deleteManifest('keep', img.digest), 'DELETE_DISABLED', /deletion is disabled/);
      assert.equal(e.status, 405);
      assert.match(e.fix ?? '', /storage\.delete\.enabled: true/);
      assert.match(e.fix ?? '', /REGISTRY_STORAGE_DELETE_ENABLED=true/);
      assert.equal((await c.resolve('keep', 'latest')).digest, img.digest);
      assert.deepEqual([...(await c.listTags('keep'))].sort(), ['1.0.0', 'latest']);
    });

    it('untag with the fallback → DELETE_DISABLED too, and no placeholder is left on the tag', async () => {
      const c = client({}, off);
      await rejectsWith(untagVia(c, 'keep', '1.0.0', { fallback: true }), 'DELETE_DISABLED');
      assert.equal((await c.resolve('keep', '1.0.0')).digest, img.digest, 'the tag still points at the image');
      assert.deepEqual(stored(off, 'keep').revisions, [img.digest], 'no throw-away manifest was left behind');
    });
  });
});
