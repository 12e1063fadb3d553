// The FAKE GitHub packages API itself (test/support/fake-ghcr.ts), over raw HTTP with no engine code: that it answers
// as GitHub's description says (auth, scopes, paging by Link, quota headers, error bodies), that its versions are the
// real registry's stored manifests, that deleting a version deletes the manifest and its tags in that registry, and
// that its request log never holds a token.
import * as assert from 'node:assert/strict';
import { head } from '../support/cli';
import { fakeClassicToken, startFakeGhcr, type FakeGhcr } from '../support/fake-ghcr';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { pushImage, pushIndex, pushManyTags, type PushedImage } from '../support/seed';

const OWNER = { login: 'Octo', token: fakeClassicToken(), orgs: ['acme'] };
const READER = { login: 'reader', token: fakeClassicToken(), scopes: ['read:packages'] };

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

describe('fake GitHub packages API (raw HTTP)', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let gh: FakeGhcr;
  let tagged: PushedImage;

  const call = async (path: string, token = OWNER.token, method = 'GET'): Promise<Answer> => {
    const headers: Record<string, string> = { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${gh.url}${path}`, { method, headers });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const message = (a: Answer): string => (a.body as { message?: string }).message ?? '';

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    tagged = await pushImage(reg, 'octo/app', ['1.0', 'stable'], { salt: 'fake-ghcr-1' });
    await pushIndex(reg, 'octo/app', ['multi'], { salt: 'fake-ghcr-multi' });
    await pushManyTags(reg, 'octo/many', 130, { distinctDigests: true });
    await pushImage(reg, 'acme/team/svc', ['1'], { salt: 'fake-ghcr-svc' });
    gh = await startFakeGhcr({ registry: reg, users: [OWNER, READER], orgs: ['acme'], rateLimit: 1000 });
  });
  after(async () => {
    await gh?.stop();
    await reg?.stop();
  });

  it('401 without a token ("Requires authentication") and for an unknown one ("Bad credentials"), as GitHub’s basic-error', async () => {
    const none = await call('/user/packages?package_type=container', '');
    assert.equal(none.status, 401);
    assert.equal(message(none), 'Requires authentication');
    assert.ok((none.body as { documentation_url?: string }).documentation_url);
    const bad = await call('/user/packages?package_type=container', fakeClassicToken());
    assert.equal(bad.status, 401);
    assert.equal(message(bad), 'Bad credentials');
  });

  it('lists the user’s container packages (package_type required) and its organisations’ ones to members only', async () => {
    assert.equal((await call('/user/packages')).status, 422);
    const mine = await call('/user/packages?package_type=container');
    assert.deepEqual((mine.body as { name: string }[]).map((p) => p.name).sort(), ['app', 'many']);
    assert.equal((mine.body as { owner: { login: string } }[])[0].owner.login, 'Octo');
    const org = await call('/orgs/acme/packages?package_type=container');
    assert.deepEqual((org.body as { name: string }[]).map((p) => p.name), ['team/svc']);
    assert.equal((await call('/orgs/acme/packages?package_type=container', READER.token)).status, 404);
    assert.deepEqual(((await call('/user/orgs')).body as { login: string }[]).map((o) => o.login), ['acme']);
  });

  it('versions are the stored manifests, untagged included, named by digest with their tags; a `/` in a name is %2F', async () => {
    const res = await call('/user/packages/container/app/versions?per_page=100');
    assert.equal(res.status, 200);
    const rows = res.body as { id: number; name: string; metadata: { package_type: string; container: { tags: string[] } } }[];
    assert.deepEqual(rows.map((r) => r.name).sort(), storedRepository(reg.dataDir, 'octo/app').manifests.map((m) => m.digest).sort());
    assert.deepEqual(rows.find((r) => r.name === tagged.digest)?.metadata, { package_type: 'container', container: { tags: ['1.0', 'stable'] } });
    assert.equal(rows.filter((r) => r.metadata.container.tags.length === 0).length, 2, 'the two platform images');
    assert.equal((await call('/orgs/acme/packages/container/team%2Fsvc/versions')).status, 200);
    assert.equal((await call('/orgs/acme/packages/container/team/svc/versions')).status, 404);
  });

  it('pages by per_page (default 30, at most 100) with absolute Link URLs: next and last, then first and prev', async () => {
    const first = await call('/user/packages/container/many/versions?per_page=500');
    assert.equal((first.body as unknown[]).length, 100);
    const link = first.headers.get('link') ?? '';
    assert.match(link, new RegExp(`<${gh.url}/user/packages/container/many/versions\\?per_page=500&page=2>; rel="next"`));
    assert.match(link, /page=2>; rel="last"/);
    const second = await call('/user/packages/container/many/versions?per_page=500&page=2');
    assert.equal((second.body as unknown[]).length, 30);
    assert.match(second.headers.get('link') ?? '', /rel="first".*rel="prev"/);
    assert.doesNotMatch(second.headers.get('link') ?? '', /rel="next"/);
    assert.equal(((await call('/user/packages/container/many/versions')).body as unknown[]).length, 30);
  });

  it('sends the quota and the token’s scopes on every answer; a used-up quota is 403 with remaining 0', async () => {
    const a = await call('/user');
    const b = await call('/user');
    assert.equal(a.headers.get('x-ratelimit-limit'), '1000');
    assert.equal(Number(b.headers.get('x-ratelimit-remaining')), Number(a.headers.get('x-ratelimit-remaining')) - 1);
    assert.ok(Number(a.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
    assert.equal(a.headers.get('x-oauth-scopes'), 'read:packages, write:packages, delete:packages');
    gh.setRemaining('Octo', 0);
    try {
      const out = await call('/user');
      assert.equal(out.status, 403);
      assert.match(message(out), /API rate limit exceeded/);
      assert.equal(out.headers.get('x-ratelimit-remaining'), '0');
    } finally {
      gh.setRemaining('Octo', 900);
    }
  });

  it('a forced 429 carries Retry-After, once', async () => {
    gh.force({ status: 429, retryAfter: 30, path: /^\/user$/ });
    const limited = await call('/user');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '30');
    assert.equal((await call('/user')).status, 200);
  });

  it('a delete without delete:packages is 403 naming the scope; with it, 204 and the manifest and its tags are gone', async () => {
    const versions = (await call('/user/packages/container/app/versions')).body as { id: number; name: string }[];
    const id = versions.find((v) => v.name === tagged.digest)!.id;
    const path = `/users/Octo/packages/container/app/versions/${id}`;
    const denied = await call(path, READER.token, 'DELETE');
    assert.equal(denied.status, 403);
    assert.match(message(denied), /delete:packages/);
    assert.equal(denied.headers.get('x-accepted-oauth-scopes'), 'read:packages, delete:packages');
    assert.equal(denied.headers.get('x-oauth-scopes'), 'read:packages');
    assert.equal(await head(reg, 'octo/app', '1.0'), tagged.digest);
    const done = await call(`/user/packages/container/app/versions/${id}`, OWNER.token, 'DELETE');
    assert.equal(done.status, 204);
    assert.equal(await head(reg, 'octo/app', '1.0'), undefined);
    assert.equal(await head(reg, 'octo/app', 'stable'), undefined);
    assert.ok(!storedRepository(reg.dataDir, 'octo/app').manifests.some((m) => m.digest === tagged.digest));
    assert.equal((await call(`/user/packages/container/app/versions/${id}`)).status, 404);
    assert.equal((await call(`/user/packages/container/app/versions/${id}`, OWNER.token, 'DELETE')).status, 404);
  });

  it('logs method, path, Accept and API version, the Authorization scheme, never a token', () => {
    assert.ok(gh.log.length > 10);
    assert.ok(gh.log.some((r) => r.authorization === 'Bearer' && r.apiVersion === '2022-11-28' && r.accept === 'application/vnd.github+json'));
    const text = JSON.stringify(gh.log);
    for (const t of [OWNER.token, READER.token]) assert.ok(!text.includes(t));
  });
});
