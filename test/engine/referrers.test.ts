// Referrers follow their image (signatures, SBOMs, attestations): against a REAL registry (Debian's docker-registry,
// distribution 2.8.2, which has no referrers API and answers 404 for it), with cosign-style `sha256-<hex>.sig` tags
// and the referrers tag schema's index; and against a FAKE referrers API in front of it
// (test/support/fake-referrers.ts, built from the OCI distribution spec 1.1) for what no real server here can do.
import * as assert from 'node:assert/strict';
import { deleteReviewed, executePrune, findReferrers, previewPrune, readSnapshot, reviewDeletion } from '../../src/ops';
import { createRegistryClient } from '../../src/registry/client';
import { isRegistryError } from '../../src/registry/errors';
import type { RegistryClient } from '../../src/registry/types';
import { startFakeReferrers, type FakeReferrers } from '../support/fake-referrers';
import { expectExit, regx, useCliScratchHome } from '../support/cli';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushManifest, pushReferrersTagIndex, pushTaggedReferrer, referrerTag, type PushedImage, type PushedReferrer } from '../support/seed';
import { manifestExists as exists, tagMap } from '../support/registry-state';

const SBOM_TYPE = 'application/spdx+json';
const ATTESTATION_TYPE = 'application/vnd.in-toto+json';

/** The same client, with every DELETE and manifest GET recorded in order. */
function observed(client: RegistryClient): { client: RegistryClient; deletes: string[]; gets: string[] } {
  const deletes: string[] = [];
  const gets: string[] = [];
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'deleteManifest') return (repo: string, digest: string, signal?: AbortSignal) => (deletes.push(digest), target.deleteManifest(repo, digest, signal));
      if (prop === 'getManifest') return (repo: string, ref: string, signal?: AbortSignal) => (gets.push(ref), target.getManifest(repo, ref, signal));
      return Reflect.get(target, prop, receiver);
    },
  });
  return { client: wrapped, deletes, gets };
}

/** A signed repository: three versions, each signed (`.sig`); 1.0.0 also has an SBOM (`.sbom`) that is signed in turn, and an untagged attestation its referrers tag schema index lists. */
interface Signed {
  images: Record<string, PushedImage>;
  sig: Record<string, PushedReferrer>;
  sbom: PushedReferrer;
  sbomSig: PushedReferrer;
  attestation: PushedReferrer;
  schemaIndex: string;
}

async function seedSigned(target: TestRegistry, repo: string): Promise<Signed> {
  const images: Record<string, PushedImage> = {};
  const sig: Record<string, PushedReferrer> = {};
  for (const v of ['1.0.0', '1.1.0', '2.0.0']) {
    images[v] = await pushImage(target, repo, v === '2.0.0' ? [v, 'latest'] : [v], { salt: `${repo}:${v}` });
    sig[v] = await pushTaggedReferrer(target, repo, images[v], [referrerTag(images[v].digest, 'sig')]);
  }
  const sbom = await pushTaggedReferrer(target, repo, images['1.0.0'], [referrerTag(images['1.0.0'].digest, 'sbom')], { artifactType: SBOM_TYPE });
  const sbomSig = await pushTaggedReferrer(target, repo, sbom, [referrerTag(sbom.digest, 'sig')]);
  const attestation = await pushTaggedReferrer(target, repo, images['1.0.0'], [], { artifactType: ATTESTATION_TYPE });
  const schemaIndex = await pushReferrersTagIndex(target, repo, images['1.0.0'].digest, [attestation]);
  return { images, sig, sbom, sbomSig, attestation, schemaIndex };
}

describe('referrers follow their image (real registry, no referrers API)', function () {
  useCliScratchHome(); // regx keeps its undo journal under HOME: a scratch one, never the real home
  this.timeout(120_000);
  let reg: TestRegistry;
  let client: RegistryClient;
  let seq = 0;
  const freshRepo = (name: string): string => `signed/${name}-${++seq}`;

  before(async () => {
    reg = await startRegistry();
    client = createRegistryClient({ url: reg.url });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  it('distribution 2.8.2 answers 404 to the referrers API: the tag schema index and cosign tags are read instead', async () => {
    const repo = freshRepo('list');
    const s = await seedSigned(reg, repo);
    assert.equal(await client.referrersFromApi(repo, s.images['1.0.0'].digest), undefined);
    const found = await client.listReferrers(repo, s.images['1.0.0'].digest);
    const by = Object.fromEntries(found.map((r) => [r.digest, r]));
    assert.deepEqual(new Set(Object.keys(by)), new Set([s.sig['1.0.0'].digest, s.sbom.digest, s.attestation.digest]));
    assert.equal(by[s.sig['1.0.0'].digest].kind, 'signature');
    assert.equal(by[s.sig['1.0.0'].digest].foundBy, 'cosign-tag');
    assert.equal(by[s.sbom.digest].kind, 'sbom');
    assert.equal(by[s.attestation.digest].foundBy, 'tag-schema');
    assert.equal(by[s.attestation.digest].kind, 'attestation');
  });

  it('findReferrers follows referrers of referrers, and reads only referrer tags the snapshot lists', async () => {
    const repo = freshRepo('find');
    const s = await seedSigned(reg, repo);
    const snapshot = await readSnapshot(client, repo);
    const o = observed(client);
    const [one, other] = await findReferrers(o.client, snapshot, [s.images['1.0.0'].digest, s.images['1.1.0'].digest]);
    assert.deepEqual(new Set(one.referrers.map((r) => r.digest)), new Set([s.sig['1.0.0'].digest, s.sbom.digest, s.attestation.digest, s.sbomSig.digest]));
    assert.equal(one.referrers.find((r) => r.digest === s.sbomSig.digest)?.depth, 2);
    assert.equal(one.referrers.find((r) => r.digest === s.sbomSig.digest)?.subject, s.sbom.digest);
    assert.deepEqual(one.indexes, [{ tag: referrerTag(s.images['1.0.0'].digest), digest: s.schemaIndex, subject: s.images['1.0.0'].digest }]);
    assert.deepEqual(other.referrers.map((r) => r.digest), [s.sig['1.1.0'].digest]);
    // No GET for a referrer tag that the tag list does not have (1.1.0 has no .att, .sbom or schema index).
    for (const ref of o.gets) assert.ok(snapshot.order.includes(ref) || ref.startsWith('sha256:'), `read ${ref}, which the snapshot does not list`);
    assert.ok(!o.gets.includes(referrerTag(s.images['1.1.0'].digest, 'att')));
  });

  it('deleting an image deletes its signatures, SBOM, attestation and their tags after it; nothing else is touched', async () => {
    const repo = freshRepo('delete');
    const s = await seedSigned(reg, repo);
    const before = await tagMap(client, repo);
    const image = s.images['1.0.0'].digest;
    const review = await reviewDeletion(client, repo, ['1.0.0']);
    assert.equal(review.referrersMode, 'follow');
    const r = review.images[0].referrers!;
    assert.deepEqual(r.tags, [referrerTag(image), referrerTag(image, 'sbom'), referrerTag(image, 'sig'), referrerTag(s.sbom.digest, 'sig')].sort());
    assert.ok([...r.referrers, ...r.indexes].every((f) => f.action === 'delete'), JSON.stringify(r));
    const o = observed(client);
    const result = await deleteReviewed(o.client, review, { confirmation: 'interactive' });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.lostTags, []);
    const followers = [s.sig['1.0.0'].digest, s.sbom.digest, s.sbomSig.digest, s.attestation.digest, s.schemaIndex];
    assert.deepEqual(new Set(result.deleted), new Set([image, ...followers]));
    // The image first; then each referrer only after what it refers to (the schema index before what it lists).
    assert.equal(o.deletes[0], image);
    assert.ok(o.deletes.indexOf(s.sbom.digest) < o.deletes.indexOf(s.sbomSig.digest));
    assert.ok(o.deletes.indexOf(s.schemaIndex) < o.deletes.indexOf(s.attestation.digest));
    for (const d of followers) assert.equal(await exists(client, repo, d), false, `${d} is still there`);
    const expected = Object.fromEntries(Object.entries(before).filter(([tag]) => !['1.0.0', ...r.tags].includes(tag)));
    assert.deepEqual(await tagMap(client, repo), expected);
  });

  it('regx delete lists the referrers that go with the image, deletes them after it, and --keep-referrers leaves them', async () => {
    const repo = freshRepo('cli');
    const s = await seedSigned(reg, repo);
    const sigTag = referrerTag(s.images['1.1.0'].digest, 'sig');
    const dry = await regx(['delete', `${reg.url}/${repo}:1.1.0`, '--dry-run']);
    expectExit(dry, 0);
    assert.match(dry.stdout, new RegExp(`After it go 1 referrer: signature ${sigTag}\\.`));
    const json = JSON.parse((await regx(['delete', `${reg.url}/${repo}:1.1.0`, '--dry-run', '--json'])).stdout);
    assert.deepEqual(json.referrerTags, [sigTag]);
    assert.deepEqual(json.referrers.map((r: { kind: string; action: string }) => [r.kind, r.action]), [['signature', 'delete']]);

    const kept = await regx(['delete', `${reg.url}/${repo}:2.0.0`, '--yes', '--keep-referrers']);
    expectExit(kept, 0);
    assert.match(kept.stdout, /Stays: signature .*orphaned/);
    assert.equal(await exists(client, repo, s.sig['2.0.0'].digest), true, 'kept with --keep-referrers');

    const gone = await regx(['delete', `${reg.url}/${repo}:1.1.0`, '--yes']);
    expectExit(gone, 0);
    assert.match(gone.stdout, new RegExp(`tags gone: 1\\.1\\.0, ${sigTag}\\)`));
    assert.equal(await exists(client, repo, s.sig['1.1.0'].digest), false);
  });

  it('with referrers "keep", only the image goes: its referrers stay, orphaned, and the review says so', async () => {
    const repo = freshRepo('keep');
    const s = await seedSigned(reg, repo);
    const before = await tagMap(client, repo);
    const review = await reviewDeletion(client, repo, ['1.0.0'], { referrers: 'keep' });
    const r = review.images[0].referrers!;
    assert.deepEqual(r.tags, []);
    assert.ok([...r.referrers, ...r.indexes].every((f) => f.action === 'keep' && /orphaned/.test(f.reason)), JSON.stringify(r));
    const result = await deleteReviewed(client, review, { confirmation: 'interactive' });
    assert.deepEqual(result.deleted, [s.images['1.0.0'].digest]);
    const { '1.0.0': _gone, ...rest } = before;
    assert.deepEqual(await tagMap(client, repo), rest);
    assert.equal(await exists(client, repo, s.attestation.digest), true);
  });

  it('a referrer that something kept also holds (another tag on it) stays; the others go', async () => {
    const repo = freshRepo('shared');
    const s = await seedSigned(reg, repo);
    const bytes = await client.getManifest(repo, s.sig['1.0.0'].digest);
    await pushManifest(reg, repo, 'signature-backup', bytes.mediaType, Buffer.from(bytes.raw));
    const review = await reviewDeletion(client, repo, ['1.0.0']);
    const kept = review.images[0].referrers!.referrers.find((f) => f.digest === s.sig['1.0.0'].digest)!;
    assert.equal(kept.action, 'keep');
    assert.match(kept.reason, /signature-backup/);
    const result = await deleteReviewed(client, review, { confirmation: 'interactive' });
    assert.ok(!result.deleted.includes(s.sig['1.0.0'].digest));
    const now = await tagMap(client, repo);
    assert.equal(now['signature-backup'], s.sig['1.0.0'].digest);
    assert.equal(now[referrerTag(s.images['1.0.0'].digest, 'sig')], s.sig['1.0.0'].digest);
    assert.equal(now[referrerTag(s.images['1.0.0'].digest, 'sbom')], undefined);
  });

  it('when the image is not deleted (its tags changed since the review), its referrers are not deleted either', async () => {
    const repo = freshRepo('image-stays');
    const s = await seedSigned(reg, repo);
    const review = await reviewDeletion(client, repo, ['1.0.0']);
    const m = await client.getManifest(repo, s.images['1.0.0'].digest);
    await pushManifest(reg, repo, 'pinned', m.mediaType, Buffer.from(m.raw)); // someone tags it meanwhile
    const before = await tagMap(client, repo);
    const result = await deleteReviewed(client, review, { confirmation: 'interactive' });
    assert.deepEqual(result.deleted, []);
    assert.ok(result.skipped.some((x) => x.digest === s.images['1.0.0'].digest));
    assert.ok(result.skipped.filter((x) => x.digest !== s.images['1.0.0'].digest).every((x) => /refers to|not deleted|stays/.test(x.reason)), JSON.stringify(result.skipped));
    assert.deepEqual(await tagMap(client, repo), before);
  });

  it('prune deletes the signatures of the versions it deletes and keeps those of the versions it keeps', async () => {
    const repo = freshRepo('prune');
    const s = await seedSigned(reg, repo);
    const before = await tagMap(client, repo);
    const preview = await previewPrune(client, repo, { range: '<2.0.0' });
    const entry = (tag: string) => preview.plan.entries.find((e) => e.tag === tag)!;
    const d = (v: string) => s.images[v].digest;
    assert.equal(entry(referrerTag(d('1.0.0'), 'sig')).action, 'delete');
    assert.match(entry(referrerTag(d('1.0.0'), 'sig')).reason, /signature of 1\.0\.0/);
    assert.match(entry(referrerTag(s.sbom.digest, 'sig')).reason, /signature of the SBOM of 1\.0\.0/);
    assert.equal(entry(referrerTag(d('1.1.0'), 'sig')).action, 'delete');
    assert.equal(entry(referrerTag(d('2.0.0'), 'sig')).action, 'keep');
    assert.match(entry(referrerTag(d('2.0.0'), 'sig')).reason, /signature of 2\.0\.0, which stays/);
    assert.ok(preview.plan.entries.every((e) => !/not semver/.test(e.reason) || !e.tag.startsWith('sha256-')), 'no referrer tag is "not semver" noise');
    const o = observed(client);
    const result = await executePrune(o.client, preview, { confirmation: 'interactive' });
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.lostTags, []);
    assert.ok(o.deletes.indexOf(d('1.0.0')) < o.deletes.indexOf(s.sig['1.0.0'].digest));
    const gone = preview.plan.entries.filter((e) => e.action === 'delete').map((e) => e.tag);
    const expected = Object.fromEntries(Object.entries(before).filter(([tag]) => !gone.includes(tag)));
    assert.deepEqual(Object.keys(await tagMap(client, repo)), Object.keys(expected));
    assert.deepEqual(Object.keys(expected), ['2.0.0', 'latest', referrerTag(d('2.0.0'), 'sig')].sort());
  });

  it('regx prune --dry-run --json: a referrer tag’s entry names its image (subject), never a plan of its own', async () => {
    const repo = freshRepo('prune-json');
    const s = await seedSigned(reg, repo);
    const r = await regx(['prune', `${reg.url}/${repo}`, '--semver', '<2.0.0', '--dry-run', '--json']);
    expectExit(r, 0);
    const plan = JSON.parse(r.stdout).plan as { tag: string; action: string; subject?: string }[];
    const sig = plan.find((e) => e.tag === referrerTag(s.images['1.0.0'].digest, 'sig'))!;
    assert.deepEqual([sig.action, sig.subject], ['delete', s.images['1.0.0'].digest]);
    const kept = plan.find((e) => e.tag === referrerTag(s.images['2.0.0'].digest, 'sig'))!;
    assert.deepEqual([kept.action, kept.subject], ['keep', s.images['2.0.0'].digest]);
    assert.equal(plan.find((e) => e.tag === '1.0.0')!.subject, undefined, 'a release tag has no subject');
  });

  it('prune keeps an orphaned signature (its image has no tag) unless asked to delete orphans', async () => {
    const repo = freshRepo('orphan');
    const kept = await pushImage(reg, repo, ['1.0.0'], { salt: `${repo}:kept` });
    const gone = await pushImage(reg, repo, [], { salt: `${repo}:untagged` });
    const orphan = await pushTaggedReferrer(reg, repo, gone, [referrerTag(gone.digest, 'sig')]);
    await pushTaggedReferrer(reg, repo, kept, [referrerTag(kept.digest, 'sig')]);
    const preview = await previewPrune(client, repo, { range: '<0.0.1' });
    const e = preview.plan.entries.find((x) => x.tag === referrerTag(gone.digest, 'sig'))!;
    assert.equal(e.action, 'keep');
    assert.equal(e.orphaned, true);
    assert.match(e.reason, /orphaned signature/);
    const asked = await previewPrune(client, repo, { range: '<0.0.1', deleteOrphans: true });
    assert.deepEqual(asked.plan.deleteDigests, [orphan.digest]);
    const result = await executePrune(client, asked, { confirmation: 'interactive' });
    assert.deepEqual(result.deleted, [orphan.digest]);
    assert.deepEqual(Object.keys(await tagMap(client, repo)), ['1.0.0', referrerTag(kept.digest, 'sig')].sort());
  });
});

describe('the referrers API (FAKE referrers API in front of a real registry)', function () {
  this.timeout(120_000);
  let reg: TestRegistry;
  let seq = 0;
  const freshRepo = (name: string): string => `api/${name}-${++seq}`;
  const fakes: FakeReferrers[] = [];
  const clients: RegistryClient[] = [];

  async function fake(options: Omit<Parameters<typeof startFakeReferrers>[0], 'registry'> = {}): Promise<{ fake: FakeReferrers; client: RegistryClient }> {
    const f = await startFakeReferrers({ registry: reg, ...options });
    fakes.push(f);
    const c = createRegistryClient({ url: f.url, provider: 'distribution' });
    clients.push(c);
    return { fake: f, client: c };
  }

  /** An image with `n` untagged signatures and one SBOM, all found by the API only. */
  async function seedApi(repo: string, n: number): Promise<{ image: PushedImage; sigs: PushedReferrer[]; sbom: PushedReferrer }> {
    const image = await pushImage(reg, repo, ['1.0.0'], { salt: repo });
    const sigs: PushedReferrer[] = [];
    for (let i = 0; i < n; i++) sigs.push(await pushTaggedReferrer(reg, repo, image, [], { salt: `${repo}:sig${i}` }));
    const sbom = await pushTaggedReferrer(reg, repo, image, [], { artifactType: SBOM_TYPE });
    return { image, sigs, sbom };
  }

  before(async () => {
    reg = await startRegistry();
  });
  after(async () => {
    for (const c of clients) await c.close();
    for (const f of fakes) await f.stop();
    await reg?.stop();
  });

  it('lists the referrers the API gives, across pages', async () => {
    const { fake: f, client } = await fake({ pageSize: 1 });
    const repo = freshRepo('paged');
    const s = await seedApi(repo, 3);
    const found = await client.referrersFromApi(repo, s.image.digest);
    assert.deepEqual(new Set(found!.map((r) => r.digest)), new Set([...s.sigs, s.sbom].map((r) => r.digest)));
    assert.ok(found!.every((r) => r.foundBy === 'api' && r.subject === s.image.digest));
    assert.equal(found!.find((r) => r.digest === s.sbom.digest)?.kind, 'sbom');
    assert.equal(f.requests(/\/referrers\//).length, 4);
  });

  it('trusts a filter the registry says it applied, and filters itself when it did not', async () => {
    for (const applyFilters of [true, false]) {
      const { client } = await fake({ applyFilters });
      const repo = freshRepo(`filter-${applyFilters}`);
      const s = await seedApi(repo, 2);
      const found = await client.listReferrers(repo, s.image.digest, { artifactType: SBOM_TYPE });
      assert.deepEqual(found.map((r) => r.digest), [s.sbom.digest], `applyFilters ${applyFilters}`);
    }
  });

  it('a registry without the API (404) is asked once; the tag schema index is read instead', async () => {
    const { fake: f, client } = await fake({ api: false });
    const repo = freshRepo('no-api');
    const image = await pushImage(reg, repo, ['1.0.0'], { salt: repo });
    const att = await pushTaggedReferrer(reg, repo, image, [], { artifactType: ATTESTATION_TYPE });
    await pushReferrersTagIndex(reg, repo, image.digest, [att]);
    for (let i = 0; i < 2; i++) {
      const found = await client.listReferrers(repo, image.digest);
      assert.deepEqual(found.map((r) => [r.digest, r.foundBy]), [[att.digest, 'tag-schema']]);
    }
    assert.equal(f.requests(/\/referrers\//).length, 1);
  });

  it('refuses a next-page link to another host, and never sends a request there', async () => {
    const elsewhere = await fake();
    const { fake: f, client } = await fake({ pageSize: 1, linkOrigin: elsewhere.fake.url, linkPath: '/v2/other/referrers/sha256:' + '0'.repeat(64) });
    const repo = freshRepo('hostile-link');
    const s = await seedApi(repo, 2);
    await assert.rejects(client.referrersFromApi(repo, s.image.digest), (e: unknown) => isRegistryError(e, 'BAD_RESPONSE') && /another host/.test((e as Error).message));
    assert.equal(elsewhere.fake.log.length, 0);
    assert.equal(f.requests(/\/referrers\//).length, 1);
    // The same listing's path on another origin (a proxy writing its internal host) is read from the registry's own.
    const proxied = await fake({ pageSize: 1, linkOrigin: elsewhere.fake.url });
    const found = await proxied.client.referrersFromApi(repo, s.image.digest);
    assert.equal(found!.length, 3);
    assert.equal(elsewhere.fake.log.length, 0);
  });

  it('deleting an image deletes the untagged referrers the API lists, after it', async () => {
    const { client } = await fake();
    const repo = freshRepo('delete');
    const s = await seedApi(repo, 2);
    const other = await pushImage(reg, repo, ['2.0.0'], { salt: `${repo}:other` });
    const otherSig = await pushTaggedReferrer(reg, repo, other, [], { salt: `${repo}:other-sig` });
    const review = await reviewDeletion(client, repo, ['1.0.0']);
    assert.deepEqual(review.images[0].referrers!.tags, []);
    const o = observed(client);
    const result = await deleteReviewed(o.client, review, { confirmation: 'interactive' });
    assert.equal(o.deletes[0], s.image.digest);
    assert.deepEqual(new Set(result.deleted), new Set([s.image.digest, ...s.sigs.map((x) => x.digest), s.sbom.digest]));
    for (const x of [...s.sigs, s.sbom]) assert.equal(await exists(client, repo, x.digest), false);
    assert.equal(await exists(client, repo, otherSig.digest), true);
    assert.deepEqual(Object.keys(await tagMap(client, repo)), ['2.0.0']);
  });
});
