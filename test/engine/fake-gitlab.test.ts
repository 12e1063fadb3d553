// Tests of the FAKE GitLab itself (test/support/fake-gitlab.ts), over raw HTTP (fetch), not through the engine: that it
// answers as GitLab's descriptions say (gitlabhq/gitlabhq doc/api/container_registry.md, "api doc"; gitlab-org/
// container-registry docs/spec/gitlab/api.md, "v1 spec"), and that what it says is the real registry's state.
import * as assert from 'node:assert/strict';
import { head } from '../support/cli';
import { JOB_USER, startFakeGitlab, type FakeGitlab } from '../support/fake-gitlab';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedRepository } from '../support/registry-storage';
import { parseChallenge, pushImage, pushManyTags, type PushedImage } from '../support/seed';

const FULL = { token: 'glpat-full-fake-gitlab-1', scopes: ['api'] };
const READER = { token: 'glpat-reader-fake-gitlab-2', scopes: ['read_api'], projects: ['team/app'] };
const JOB = { token: 'job-fake-gitlab-3', scopes: [], projects: ['team/app'], job: true };

describe('fake GitLab (REST API v4 subset, /jwt/auth, gitlab/v1 over a real docker-registry)', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let gl: FakeGitlab;
  let app: PushedImage;

  const api = async (path: string, headers: Record<string, string> = { 'PRIVATE-TOKEN': FULL.token }, method = 'GET'): Promise<Response> => fetch(`${gl.instanceUrl}/api/v4${path}`, { method, headers });
  /** A registry token from /jwt/auth for `scope`, logged in as `user` with `secret`. */
  async function registryToken(scope: string, secret = FULL.token, user = 'alice'): Promise<string> {
    const res = await fetch(`${gl.instanceUrl}/jwt/auth?service=container_registry&scope=${encodeURIComponent(scope)}`, { headers: { Authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { token: string }).token;
  }

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    app = await pushImage(reg, 'team/app', ['v1', 'latest'], { salt: 'fake-gitlab-app' });
    await pushImage(reg, 'team/app/sub', ['s1'], { salt: 'fake-gitlab-sub' });
    await pushManyTags(reg, 'team/many', 5, { distinctDigests: true });
    gl = await startFakeGitlab({ registry: reg, projects: ['team/app', 'team/many', 'solo/x'], tokens: [FULL, READER, JOB], pageMax: 2 });
  });
  after(async () => {
    await gl?.stop();
    await reg?.stop();
  });

  it('the registry’s challenge names the instance’s /jwt/auth; its tokens open /v2/ for member projects only', async () => {
    const ping = await fetch(`${gl.url}/v2/`);
    assert.equal(ping.status, 401);
    const { params } = parseChallenge(ping.headers.get('www-authenticate') ?? '');
    assert.deepEqual([params.realm, params.service], [`${gl.instanceUrl}/jwt/auth`, 'container_registry']);
    const pull = await registryToken('repository:team/app:pull', READER.token);
    assert.equal((await fetch(`${gl.url}/v2/team/app/manifests/v1`, { method: 'HEAD', headers: { Authorization: `Bearer ${pull}`, Accept: app.mediaType } })).status, 200);
    const other = await registryToken('repository:team/many:pull', READER.token);
    assert.equal((await fetch(`${gl.url}/v2/team/many/tags/list`, { headers: { Authorization: `Bearer ${other}` } })).status, 401, 'not a member');
    const catalog = await registryToken('registry:catalog:*');
    assert.equal((await fetch(`${gl.url}/v2/_catalog`, { headers: { Authorization: `Bearer ${catalog}` } })).status, 401, 'the catalog is for admins');
    const wrongUser = await fetch(`${gl.instanceUrl}/jwt/auth?service=container_registry`, { headers: { Authorization: `Basic ${Buffer.from(`alice:${JOB.token}`).toString('base64')}` } });
    assert.equal(wrongUser.status, 401, `a job token goes with the user ${JOB_USER}`);
  });

  it('gitlab/v1 tag list (v1 spec): strict slash, n from 1 to 1000, last and Link, the documented fields; 404 when off', async () => {
    const tok = await registryToken('repository:team/many:pull');
    const get = (q: string, path = '/gitlab/v1/repositories/team/many/tags/list/'): Promise<Response> => fetch(`${gl.url}${path}${q}`, { headers: { Authorization: `Bearer ${tok}` }, redirect: 'manual' });
    assert.equal((await get('', '/gitlab/v1/repositories/team/many/tags/list')).status, 301);
    assert.equal((await get('?n=1001')).status, 400);
    const first = await get('?n=2');
    assert.equal(first.status, 200);
    const page = (await first.json()) as Record<string, unknown>[];
    assert.deepEqual(page.map((t) => t.name), ['1.0.0', '1.0.1']);
    assert.match(first.headers.get('link') ?? '', /\/gitlab\/v1\/repositories\/team\/many\/tags\/list\/\?n=2&last=1\.0\.1>; rel="next"$/);
    const stored = storedRepository(reg.dataDir, 'team/many').tags.find((t) => t.tag === '1.0.0');
    assert.equal(page[0].digest, stored?.digest);
    for (const key of ['config_digest', 'media_type', 'size_bytes', 'created_at', 'published_at']) assert.ok(page[0][key] !== undefined, key);
    gl.setMetadataDatabase(false);
    try {
      assert.equal((await get('?n=2')).status, 404);
      assert.equal((await get('', '/gitlab/v1/')).status, 404);
    } finally {
      gl.setMetadataDatabase(true);
    }
  });

  it('REST pages (api doc): offset with X-Total and Link, keyset by id only', async () => {
    const res = await api('/projects?membership=true&per_page=100');
    assert.equal(res.status, 200);
    assert.deepEqual([res.headers.get('x-per-page'), res.headers.get('x-total'), res.headers.get('x-next-page')], ['2', '3', '2']);
    assert.match(res.headers.get('link') ?? '', /page=2[^>]*>; rel="next"/);
    const keyset = await api('/projects?membership=true&pagination=keyset&order_by=id&sort=asc&per_page=2');
    assert.match(keyset.headers.get('link') ?? '', /id_after=102[^>]*>; rel="next"/);
    assert.equal((await api('/projects?pagination=keyset&order_by=name')).status, 405);
  });

  it('REST auth: 401 without a token, 403 insufficient_scope naming the scope, 404 for a project the user is not in', async () => {
    assert.equal((await api('/projects', {})).status, 401);
    const denied = await api('/projects/101/registry/repositories/1/tags/v1', { 'PRIVATE-TOKEN': READER.token }, 'DELETE');
    assert.equal(denied.status, 403);
    assert.equal(((await denied.json()) as { scope: string }).scope, 'api');
    assert.match(denied.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    assert.equal((await api('/projects/102/registry/repositories', { 'PRIVATE-TOKEN': READER.token })).status, 404);
    assert.equal((await api('/projects', { 'JOB-TOKEN': JOB.token })).status, 401, 'job tokens do not list projects');
    assert.equal((await api('/projects/team%2Fapp/registry/repositories', { 'JOB-TOKEN': JOB.token })).status, 200);
  });

  it('registry repositories, tag details and tag delete come from and go to the real registry', async () => {
    const repos = (await (await api('/projects/team%2Fapp/registry/repositories')).json()) as { id: number; name: string; path: string; project_id: number }[];
    assert.deepEqual(repos.map((r) => [r.name, r.path, r.project_id]), [['', 'team/app', 101], ['sub', 'team/app/sub', 101]]);
    const rid = repos[0].id;
    const detail = (await (await api(`/projects/101/registry/repositories/${rid}/tags/v1`)).json()) as Record<string, unknown>;
    assert.equal(detail.digest, app.digest);
    assert.equal(detail.created_at, app.created);
    assert.equal(detail.revision, app.configDigest.slice('sha256:'.length));
    assert.equal((await api(`/projects/101/registry/repositories/${rid}/tags/v1`, undefined, 'DELETE')).status, 200);
    assert.equal(await head(reg, 'team/app', 'v1'), undefined);
    assert.equal(await head(reg, 'team/app', 'latest'), app.digest);
    assert.equal((await api(`/projects/101/registry/repositories/${rid}/tags/v1`)).status, 404);
  });

  it('rate limits: RateLimit-* on every answer, then 429 with Retry-After; the log holds no secret', async () => {
    gl.setRateLimit(2, 30);
    try {
      const ok = await api('/projects');
      assert.deepEqual([ok.headers.get('ratelimit-limit'), ok.headers.get('ratelimit-remaining')], ['2', '1']);
      await api('/projects');
      const limited = await api('/projects');
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    } finally {
      gl.setRateLimit(undefined);
    }
    const text = JSON.stringify(gl.log);
    for (const s of [FULL.token, READER.token, JOB.token]) assert.ok(!text.includes(s));
    assert.ok(gl.log.some((r) => r.credential === 'PRIVATE-TOKEN') && gl.log.some((r) => r.credential === 'JOB-TOKEN'));
  });
});
