// The Docker Hub provider (src/registry/providers/dockerhub*.ts) against the FAKE Docker Hub API
// (test/support/fake-dockerhub.ts), whose tags carry the REAL digests of images pushed to a real registry. The client
// points at that registry (so `session.host` is a loopback host, not docker.io) with `apiUrl` at the fake: the token
// exchange and its renewal, namespaces and repositories over pages, 1000 tags in 11 requests, paging guards, tag
// shapes, untag and deleteImage, 401/403/429 in plain words, the quota, and no secret anywhere.
import * as assert from 'node:assert/strict';
import { createRegistryClient } from '../../src/registry/client';
import { errorSentence, RegistryError } from '../../src/registry/errors';
import type { Provider } from '../../src/registry/providers';
import type { Credential, Logger, RegistryClient } from '../../src/registry/types';
import { rejectsWith } from '../support/assertions';
import { head } from '../support/cli';
import { startFakeDockerHub, type FakeDockerHub } from '../support/fake-dockerhub';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushIndex, pushManifest, pushManyTags, type PushedImage, type PushedIndex, type PushedTags } from '../support/seed';
import { storedRepository } from '../support/registry-storage';

const ALICE = { username: 'alice', secret: 'dckr_pat_alice-provider-hub-1', orgs: ['acme'] };
const READER = { username: 'reader', secret: 'dckr_pat_reader-provider-hub-2', orgs: ['acme'], scopes: ['repo:read' as const] };
const PUBLIC_READER = { username: 'pubreader', secret: 'dckr_pat_pubreader-provider-hub-3', orgs: ['acme'], scopes: ['repo:public_read' as const] };
const ACME_TOKEN = { username: 'acme', secret: 'dckr_oat_acme-provider-hub-4', kind: 'org' as const };
const ACCOUNTS = [ALICE, READER, PUBLIC_READER, ACME_TOKEN];
const JWT = /eyJ[\w-]+\.eyJ[\w-]+/;

describe('Docker Hub provider (fake Hub API, real digests)', function () {
  this.timeout(120_000);
  let reg: TestRegistry;
  let hub: FakeDockerHub;
  let v1: PushedImage;
  let v2: PushedImage;
  let multi: PushedIndex;
  let many: PushedTags;
  const clients: RegistryClient[] = [];
  const logLines: string[] = [];
  const seenErrors: RegistryError[] = [];
  const logger: Logger = { trace: (m) => logLines.push(m), debug: (m) => logLines.push(m), warn: (m) => logLines.push(m) };
  const login = (a: { username: string; secret: string }): Credential => ({ username: a.username, password: a.secret });

  function client(cred: Credential | null = login(ALICE), extra: { retries?: number } = {}): RegistryClient {
    const c = createRegistryClient({ url: reg.url, provider: 'dockerhub', apiUrl: hub.url, credentials: cred ? async () => cred : undefined, logger, retryBaseMs: 10, ...extra });
    clients.push(c);
    return c;
  }
  /** `null`: nobody logged in. */
  const provider = async (cred: Credential | null = login(ALICE), extra: { retries?: number } = {}): Promise<Provider> => client(cred, extra).provider();
  const keep = (e: RegistryError): void => void seenErrors.push(e);

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    v1 = await pushImage(reg, 'alice/app', ['v1'], { salt: 'hub-v1' });
    v2 = await pushImage(reg, 'alice/app', ['v2', 'latest'], { salt: 'hub-v2' });
    multi = await pushIndex(reg, 'alice/app', ['multi-1'], { salt: 'hub-multi' });
    await pushImage(reg, 'library/nginx', ['stable'], { salt: 'hub-nginx' });
    await pushImage(reg, 'acme/private-app', ['1.0'], { salt: 'hub-private' });
    await pushImage(reg, 'acme/tools', ['t1'], { salt: 'hub-tools' });
    const del = await pushImage(reg, 'alice/del', ['a'], { salt: 'hub-del' });
    const bytes = storedRepository(reg.dataDir, 'alice/del').manifests[0].bytes;
    for (const t of ['b', 'c']) await pushManifest(reg, 'alice/del', t, del.mediaType, bytes);
    many = await pushManyTags(reg, 'alice/many', 1000, { distinctDigests: false, concurrency: 16 });
    hub = await startFakeDockerHub({ registry: reg, accounts: ACCOUNTS });
    for (const r of ['alice/app', 'library/nginx', 'acme/tools', 'alice/del', 'alice/many']) hub.importFromRegistry(r);
    hub.importFromRegistry('acme/private-app', { private: true });
    for (let i = 0; i < 105; i++) hub.addRepository(`alice/r${String(i).padStart(3, '0')}`);
  });
  after(async () => {
    for (const c of clients) await c.close();
    await hub?.stop();
    await reg?.stop();
  });

  it('exchanges the login once at POST /v2/auth/token and sends the bearer token to the API only', async () => {
    hub.log.length = 0;
    const p = await provider();
    const first = await p.listTagDetails!('alice/app');
    await p.listTagDetails!('alice/app');
    assert.equal(hub.requests({ method: 'POST', path: '/v2/auth/token' }).length, 1, 'the token is reused while it is fresh');
    const api = hub.requests({ method: 'GET' });
    assert.ok(api.length === 2 && api.every((r) => r.authorization === 'Bearer'), JSON.stringify(api));
    const byTag = Object.fromEntries(first.map((d) => [d.tag, d.digest]));
    assert.deepEqual(byTag, { v1: v1.digest, v2: v2.digest, latest: v2.digest, 'multi-1': multi.digest });
    for (const d of first) assert.equal(d.digest, await head(reg, 'alice/app', d.tag), `${d.tag}: the registry's own digest`);
    for (const d of first) assert.ok(d.pushed instanceof Date && !Number.isNaN(d.pushed.getTime()) && typeof d.size === 'number' && d.size > 0, d.tag);
    assert.equal(first.find((d) => d.tag === 'multi-1')?.mediaType, multi.mediaType);
  });

  it('renews a token before its exp is reached, without waiting for a 401', async () => {
    hub.tokenTtlSeconds = 5; // within the provider's renewal margin: every use renews
    try {
      hub.log.length = 0;
      const p = await provider();
      await p.listTagDetails!('alice/app');
      await p.listTagDetails!('alice/app');
      assert.equal(hub.requests({ method: 'POST', path: '/v2/auth/token' }).length, 2);
      assert.equal(hub.log.filter((r) => r.status === 401).length, 0);
    } finally {
      hub.tokenTtlSeconds = 600;
    }
  });

  it('renews a token the API refuses (revoked, expired early) once after a 401, and carries on', async () => {
    const p = await provider();
    await p.listTagDetails!('alice/app');
    hub.log.length = 0;
    hub.revokeTokens();
    assert.equal((await p.listTagDetails!('alice/app')).length, 4);
    assert.deepEqual(hub.log.map((r) => `${r.method} ${r.url.split('?')[0]} ${r.status}`), [
      'GET /v2/namespaces/alice/repositories/app/tags 401',
      'POST /v2/auth/token 200',
      'GET /v2/namespaces/alice/repositories/app/tags 200',
    ]);
  });

  it('a 401 that remains after the renewal: UNAUTHORIZED, the token refused, what to check', async () => {
    hub.failNext({ method: 'GET', path: /\/tags$/ }, { status: 401, body: { detail: 'token expired' } }, 2);
    const e = await rejectsWith((await provider()).listTagDetails!('alice/app'), 'UNAUTHORIZED', /Docker Hub refused the login’s access token to list the tags of alice\/app \(token expired\)/, keep);
    assert.equal(e.need, 'credentials');
    assert.match(e.fix ?? '', /username and the access token/);
  });

  it('a wrong access token: UNAUTHORIZED naming the user, never the token', async () => {
    const wrong = 'dckr_pat_wrong-provider-hub-5';
    const e = await rejectsWith((await provider({ username: 'alice', password: wrong })).listTagDetails!('alice/app'), 'UNAUTHORIZED', /did not accept the login of alice/, keep);
    assert.ok(!errorSentence(e).includes(wrong));
    assert.match(e.fix ?? '', /personal access token/);
  });

  it('anonymous: a public repository’s tags are read; a private one, the repository list and untag ask for a login', async () => {
    hub.log.length = 0;
    const p = await provider(null);
    const nginx = await p.listTagDetails!('library/nginx');
    assert.deepEqual(nginx.map((d) => d.tag), ['stable']);
    assert.equal(nginx[0].digest, await head(reg, 'library/nginx', 'stable'));
    assert.equal((await p.listTagDetails!('nginx')).length, 1, 'a bare name is an official image (library/)');
    assert.equal(hub.requests({ method: 'POST' }).length, 0);
    assert.ok(hub.log.every((r) => r.authorization === undefined));
    const hidden = await rejectsWith(p.listTagDetails!('acme/private-app'), 'NOT_FOUND', /acme\/private-app does not exist on Docker Hub, or this login cannot see it/, keep);
    assert.match(hidden.fix ?? '', /private repository needs a login/);
    assert.equal((await rejectsWith(p.listRepositories!(), 'UNAUTHORIZED', /lists repositories only to a logged-in user/, keep)).need, 'login');
    assert.equal((await rejectsWith(p.untag!('library/nginx', 'stable'), 'UNAUTHORIZED', /asks for a login to untag library\/nginx:stable/, keep)).need, 'login');
  });

  it('lists the repositories of the user and of its organisations, over pages of 100', async () => {
    hub.log.length = 0;
    const repos = await (await provider()).listRepositories!();
    const alice = repos.filter((r) => r.startsWith('alice/'));
    assert.equal(alice.length, 108, 'app, del, many and r000…r104');
    assert.ok(repos.includes('acme/private-app') && repos.includes('acme/tools'));
    assert.deepEqual(repos, [...repos].sort());
    assert.equal(hub.requests({ path: '/v2/namespaces/alice/repositories' }).length, 2);
    assert.equal(hub.requests({ path: '/v2/user/orgs/' }).length, 1);
  });

  it('an organisation access token lists its organisation’s namespace only', async () => {
    assert.deepEqual(await (await provider(login(ACME_TOKEN))).listRepositories!(), ['acme/private-app', 'acme/tools']);
  });

  it('1000 tags with digests, push times and sizes in 11 requests (a token and 10 pages of 100)', async () => {
    hub.log.length = 0;
    const details = await (await provider()).listTagDetails!('alice/many');
    assert.equal(details.length, 1000);
    assert.ok(hub.log.length <= 11, `${hub.log.length} requests`);
    for (const d of details) assert.equal(d.digest, many.digests[d.tag], d.tag);
    assert.ok(details.every((d) => d.pushed && d.size));
  });

  it('a next link to another host, or one sent before, is INCOMPLETE_LIST; so is a walk short of `count`', async () => {
    const p = await provider();
    for (const [fault, why] of [['other-host', /a next-page link names another host \(hub\.elsewhere\.invalid\)/], ['loop', /a paging loop/]] as const) {
      hub.pagingFault = fault;
      try {
        await rejectsWith(p.listTagDetails!('alice/many'), 'INCOMPLETE_LIST', why, keep);
      } finally {
        hub.pagingFault = undefined;
      }
    }
    hub.failNext({ path: /\/tags$/ }, { status: 200, body: { count: 3, next: null, previous: null, results: [{ name: 'v1', digest: v1.digest }] } });
    await rejectsWith(p.listTagDetails!('alice/app'), 'INCOMPLETE_LIST', /1 distinct items were read where Docker Hub counts 3/, keep);
  });

  it('the published shape is tolerated (one image’s digest); a multi-platform tag without a digest makes the list incomplete', async () => {
    hub.setTag('alice/shapes', 'documented', { digest: v1.digest, size: 10 }, 'documented');
    assert.deepEqual((await (await provider()).listTagDetails!('alice/shapes')).map((d) => [d.tag, d.digest]), [['documented', v1.digest]]);
    const platforms = multi.children.map((c) => ({ os: 'linux', architecture: c.platform.split('/')[1], digest: c.digest }));
    hub.setTag('alice/shapes', 'multi', { digest: multi.digest, platforms }, 'platforms');
    await rejectsWith((await provider()).listTagDetails!('alice/shapes'), 'INCOMPLETE_LIST', /listed alice\/shapes:multi without its digest/, keep);
  });

  it('untag: DELETE /v2/repositories/{ns}/{repo}/tags/{tag}/; the image and its other tag stay; a gone tag is NOT_FOUND', async () => {
    const p = await provider();
    hub.log.length = 0;
    await p.untag!('alice/app', 'v2');
    assert.deepEqual(hub.requests({ method: 'DELETE' }).map((r) => r.url), ['/v2/repositories/alice/app/tags/v2/']);
    assert.ok(!hub.tags('alice/app').includes('v2'));
    assert.equal(await head(reg, 'alice/app', 'v2'), undefined, 'the tag is gone in the registry too');
    assert.equal(await head(reg, 'alice/app', 'latest'), v2.digest);
    await rejectsWith(p.untag!('alice/app', 'v2'), 'NOT_FOUND', /alice\/app:v2 was not found on Docker Hub/, keep);
  });

  it('deleteImage untags each given tag and nothing else; alreadyGone when every one was gone; says what Hub keeps', async () => {
    const p = await provider();
    const digest = await head(reg, 'alice/del', 'a');
    hub.log.length = 0;
    assert.deepEqual(await p.deleteImage!('alice/del', digest!, ['a', 'b']), { alreadyGone: false });
    assert.deepEqual(hub.requests({ method: 'DELETE' }).map((r) => r.url), ['/v2/repositories/alice/del/tags/a/', '/v2/repositories/alice/del/tags/b/']);
    assert.deepEqual(hub.tags('alice/del'), ['c']);
    assert.equal(await head(reg, 'alice/del', 'c'), digest);
    assert.deepEqual(await p.deleteImage!('alice/del', digest!, ['a', 'b']), { alreadyGone: true });
    await rejectsWith(p.deleteImage!('alice/del', digest!, []), 'NOT_SUPPORTED', /has no API to delete/, keep);
    assert.equal(p.deletionNote, 'Docker Hub keeps the image data of an untagged image; its web interface (or its retention settings) manages it.');
  });

  it('403 in plain words: a read-only token cannot untag (needs “Read, Write, Delete”); a public-repo token cannot read a private one', async () => {
    const untag = await rejectsWith((await provider(login(READER))).untag!('acme/tools', 't1'), 'FORBIDDEN', /does not allow this login to untag acme\/tools:t1/, keep);
    assert.equal(untag.need, 'permission');
    assert.match(untag.fix ?? '', /“Read, Write, Delete” access/);
    assert.deepEqual(hub.tags('acme/tools'), ['t1']);
    const read = await rejectsWith((await provider(login(PUBLIC_READER))).listTagDetails!('acme/private-app'), 'FORBIDDEN', /list the tags of acme\/private-app/, keep);
    assert.match(read.fix ?? '', /“Public Repo Read-only” token reads public repositories only/);
  });

  it('the quota from the rate-limit headers; a 429 that remains is RATE_LIMITED saying when the limit resets', async () => {
    const p = await provider(login(ALICE), { retries: 0 });
    await p.listTagDetails!('library/nginx');
    const q = p.quota!();
    assert.ok(q && q.limit === 10_000 && q.remaining < q.limit && q.resetsAt instanceof Date, JSON.stringify(q));
    hub.setRemaining(0);
    try {
      const e = await rejectsWith(p.listTagDetails!('library/nginx'), 'RATE_LIMITED', /Docker Hub’s API is rate-limiting requests \(10000 a minute\); could not list the tags of library\/nginx/, keep);
      assert.match(e.fix ?? '', /Its limit resets in \d+ seconds? \(at \d\d:\d\d:\d\d UTC\); try again then/);
      assert.equal(p.quota!()?.remaining, 0);
    } finally {
      hub.setRemaining(10_000);
    }
  });

  it('a passing 429 on a read is retried after its Retry-After by the transport', async () => {
    hub.failNext({ method: 'GET', path: /\/tags$/ }, { status: 429, headers: { 'retry-after': '0' }, body: { detail: 'Rate limit exceeded' } });
    assert.equal((await (await provider()).listTagDetails!('library/nginx')).length, 1);
  });

  it('no access token, bearer token or password in any error, fix or log line of this suite, nor in the fake’s log', () => {
    assert.ok(logLines.length > 20, 'the logger saw the traffic');
    assert.ok(seenErrors.length >= 10, 'errors were collected');
    const secrets = [...ACCOUNTS.map((a) => a.secret), 'dckr_pat_wrong-provider-hub-5'];
    const texts = [...logLines, ...seenErrors.flatMap((e) => [e.message, e.fix ?? '', e.stack ?? '']), ...hub.log.map((r) => JSON.stringify(r))];
    for (const text of texts) {
      for (const s of secrets) assert.ok(!text.includes(s), 'a secret leaked into a message or log line');
      assert.ok(!JWT.test(text), 'a bearer token leaked into a message or log line');
    }
  });
});
