// Tests of the FAKE Harbor itself (test/support/fake-harbor.ts), over raw HTTP (fetch), not through the engine:
// that it answers as goharbor/harbor api/v2.0/swagger.yaml says (each test names the spec element it checks) and
// that what it says is the real registry's state behind it (digests, deletes and untags checked on that registry).
import * as assert from 'node:assert/strict';
import { startFakeHarbor, type FakeHarbor, type FakeHarborUser } from '../support/fake-harbor';
import { startRegistry, type TestRegistry } from '../support/registry';
import { storedBlob, storedRepository } from '../support/registry-storage';
import { FULL_ACCEPT, pushImage, pushIndex, type PushedImage, type PushedIndex } from '../support/seed';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Answer { status: number; headers: Headers; json: Json; text: string }

const ADMIN: FakeHarborUser = { username: 'admin', password: 'Harbor-admin-pw-1', admin: true };
const ALICE: FakeHarborUser = { username: 'alice', password: 'alice-pw-2' };
const ROBOT: FakeHarborUser = { username: 'robot$ci', password: 'robot-secret-3', projects: ['team'] };
const GUEST: FakeHarborUser = { username: 'bob', password: 'bob-pw-4', readOnly: true };

const basic = (u: FakeHarborUser, password = u.password): string => `Basic ${Buffer.from(`${u.username}:${password}`).toString('base64')}`;
const errorOf = (a: Answer): { code: string; message: string } => a.json.errors[0];

describe('fake Harbor (the fake itself, against swagger.yaml)', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let harbor: FakeHarbor;
  let v1: PushedImage;
  let loose: PushedImage;
  let multi: PushedIndex;

  async function call(path: string, opts: { user?: FakeHarborUser; auth?: string; method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const auth = opts.auth ?? (opts.user ? basic(opts.user) : undefined);
    const res = await fetch(`${harbor.url}${path}`, { method: opts.method ?? 'GET', headers: { ...opts.headers, ...(auth ? { Authorization: auth } : {}) } });
    const text = await res.text();
    let json: Json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  }
  const artifacts = (repo: string, query = '', user: FakeHarborUser = ALICE): Promise<Answer> => {
    const [project, ...rest] = repo.split('/');
    return call(`/api/v2.0/projects/${project}/repositories/${encodeURIComponent(encodeURIComponent(rest.join('/')))}/artifacts${query}`, { user });
  };
  /** The real registry's own answer (no fake in between). */
  async function registryHead(repo: string, ref: string): Promise<{ status: number; digest: string | null }> {
    const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { Accept: FULL_ACCEPT } });
    return { status: res.status, digest: res.headers.get('docker-content-digest') };
  }
  async function token(scope: string, user?: FakeHarborUser): Promise<string> {
    const a = await call(`/service/token?service=harbor-registry&scope=${encodeURIComponent(scope)}`, { user });
    assert.equal(a.status, 200, a.text);
    return a.json.token;
  }

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    v1 = await pushImage(reg, 'library/app', ['v1'], { salt: 'v1' });
    await pushImage(reg, 'library/app', ['v2', 'latest'], { salt: 'v2' });
    loose = await pushImage(reg, 'library/app', [], { salt: 'untagged' });
    multi = await pushIndex(reg, 'library/app', ['multi'], { salt: 'multi' });
    await pushImage(reg, 'library/nested/x', ['n1'], { salt: 'nested' });
    await pushImage(reg, 'team/api', ['t1'], { salt: 'team' });
    await pushImage(reg, 'ops/tool', ['o1'], { salt: 'ops' });
    harbor = await startFakeHarbor({ registry: reg, users: [ADMIN, ALICE, ROBOT, GUEST], publicProjects: ['library'] });
  });
  after(async () => {
    await harbor?.stop();
    await reg?.stop();
  });

  it('GET /systeminfo answers anonymously (GeneralInfo; protected fields such as harbor_version only when logged in)', async () => {
    const anon = await call('/api/v2.0/systeminfo');
    assert.equal(anon.status, 200);
    assert.equal(anon.json.auth_mode, 'db_auth');
    assert.equal(anon.json.harbor_version, undefined);
    const logged = await call('/api/v2.0/systeminfo', { user: ALICE });
    assert.match(logged.json.harbor_version, /^v2\./);
    assert.equal(logged.json.registry_url, harbor.host);
  });

  it('Basic logins of users and robot accounts; 401/403/404 with the Errors body (responses 401, 403, 404)', async () => {
    assert.equal((await call('/api/v2.0/projects/team/repositories', { user: ALICE })).status, 200);
    const robot = await call('/api/v2.0/projects/team/repositories', { user: ROBOT });
    assert.deepEqual(robot.json.map((r: Json) => r.name), ['team/api']);
    const anon = await call('/api/v2.0/projects/team/repositories');
    assert.equal(anon.status, 401);
    assert.deepEqual(anon.json, { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] });
    assert.equal((await call('/api/v2.0/projects/team/repositories', { auth: basic(ALICE, 'wrong') })).status, 401, 'a wrong password is anonymous');
    assert.equal((await call('/api/v2.0/projects/library/repositories')).status, 200, 'a public project is readable anonymously');
    const forbidden = await call('/api/v2.0/projects/ops/repositories', { user: ROBOT });
    assert.equal(forbidden.status, 403);
    assert.equal(errorOf(forbidden).code, 'FORBIDDEN');
    const unknown = await call('/api/v2.0/projects/nope/repositories', { user: ALICE });
    assert.equal(unknown.status, 404);
    assert.equal(errorOf(unknown).code, 'NOT_FOUND');
    assert.equal((await call('/api/v2.0/projects/nope/repositories', { user: ROBOT })).status, 403, 'outside its projects: 403');
    assert.equal((await call('/api/v2.0/projects/library/repositories/app/artifacts/v1', { user: GUEST, method: 'DELETE' })).status, 403, 'a guest cannot delete');
  });

  it('GET /projects pages with X-Total-Count and Link (listProjects; parameters page, pageSize)', async () => {
    const first = await call('/api/v2.0/projects?page=1&page_size=2', { user: ADMIN });
    assert.deepEqual(first.json.map((p: Json) => p.name), ['library', 'ops']);
    assert.equal(first.headers.get('x-total-count'), '3');
    assert.equal(first.headers.get('link'), '</api/v2.0/projects?page=2&page_size=2>; rel="next"');
    const second = await call('/api/v2.0/projects?page=2&page_size=2', { user: ADMIN });
    assert.deepEqual(second.json.map((p: Json) => p.name), ['team']);
    assert.equal(second.headers.get('link'), '</api/v2.0/projects?page=1&page_size=2>; rel="prev"');
    assert.equal(first.json[0].metadata.public, 'true');
    const anon = await call('/api/v2.0/projects');
    assert.deepEqual(anon.json.map((p: Json) => p.name), ['library'], 'anonymous callers see public projects only');
    assert.deepEqual((await call('/api/v2.0/projects', { user: ROBOT })).json.map((p: Json) => p.name), ['library', 'team']);
  });

  it('GET /projects/{project_name}/repositories names repositories project/repo and pages (Repository.name)', async () => {
    const a = await call('/api/v2.0/projects/library/repositories?page_size=1', { user: ALICE });
    assert.equal(a.headers.get('x-total-count'), '2');
    assert.equal(a.json.length, 1);
    assert.match(a.headers.get('link') ?? '', /^<\/api\/v2\.0\/projects\/library\/repositories\?page=2&page_size=1>; rel="next"$/);
    const all = await call('/api/v2.0/projects/library/repositories?page_size=100', { user: ALICE });
    assert.deepEqual(all.json.map((r: Json) => r.name).sort(), ['library/app', 'library/nested/x']);
    assert.equal(all.json.find((r: Json) => r.name === 'library/app').artifact_count, 4);
  });

  it('page_size over the maximum (100) answers 422 UNPROCESSABLE_ENTITY (parameters.pageSize maximum; responses 422)', async () => {
    const a = await call('/api/v2.0/projects?page_size=101', { user: ADMIN });
    assert.equal(a.status, 422);
    assert.equal(errorOf(a).code, 'UNPROCESSABLE_ENTITY');
    assert.equal((await artifacts('library/app', '?page_size=101')).status, 422);
    assert.equal((await artifacts('library/app', '?page_size=100')).status, 200);
  });

  it('lists top-level artifacts with the Artifact/Tag/Reference fields; index children only as references (listArtifacts)', async () => {
    const a = await artifacts('library/app');
    assert.equal(a.headers.get('x-total-count'), '4');
    const index = a.json.find((x: Json) => x.digest === multi.digest);
    assert.equal(index.manifest_media_type, multi.mediaType);
    assert.deepEqual(index.references.map((r: Json) => r.child_digest), multi.children.map((c) => c.digest));
    assert.deepEqual(index.references.map((r: Json) => `${r.platform.os}/${r.platform.architecture}`), ['linux/amd64', 'linux/arm64']);
    const imageSize = (c: PushedImage): number => [c.configDigest, ...c.layerDigests].reduce((n, d) => n + (storedBlob(reg.dataDir, d)?.length ?? NaN), c.size);
    assert.equal(index.size, multi.children.reduce((n, c) => n + imageSize(c), multi.size), 'index bytes + each child (manifest, config, layers)');
    const image = a.json.find((x: Json) => x.digest === v1.digest);
    assert.equal(image.type, 'IMAGE');
    assert.equal(image.media_type, 'application/vnd.oci.image.config.v1+json');
    assert.deepEqual(Object.keys(image.tags[0]).sort(), ['artifact_id', 'id', 'immutable', 'name', 'pull_time', 'push_time', 'repository_id']);
    assert.equal(image.references, null);
    for (const c of multi.children) assert.ok(!a.json.some((x: Json) => x.digest === c.digest), 'children are not top-level artifacts');
    assert.equal((await artifacts('library/app', '?q=base%3D*')).headers.get('x-total-count'), '6', 'q=base=* lists the children too');
    assert.equal((await artifacts('library/app', '?with_tag=false')).json[0].tags, null);
  });

  it('q=tags%3Dnil lists untagged artifacts only, q=tags%3D* tagged only (listArtifacts description), paged with Link', async () => {
    const untagged = await artifacts('library/app', '?q=tags%3Dnil');
    assert.deepEqual(untagged.json.map((x: Json) => x.digest), [loose.digest], 'an index child is never untagged garbage');
    const tagged = await artifacts('library/app', '?q=tags%3D*&page=1&page_size=2&with_tag=true');
    assert.equal(tagged.headers.get('x-total-count'), '3');
    assert.equal(tagged.json.length, 2);
    assert.ok(tagged.json.every((x: Json) => x.tags.length > 0));
    assert.equal(tagged.headers.get('link'), '</api/v2.0/projects/library/repositories/app/artifacts?page=2&page_size=2&q=tags=*&with_tag=true>; rel="next"');
  });

  it('the repository_name parameter is encoded twice (a%252Fb); once-encoded is not found (parameters.repositoryName)', async () => {
    const ok = await call('/api/v2.0/projects/library/repositories/nested%252Fx/artifacts', { user: ALICE });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json[0].tags.map((t: Json) => t.name), ['n1']);
    assert.equal(ok.json[0].repository_name, 'library/nested/x');
    assert.equal((await call('/api/v2.0/projects/library/repositories/nested%2Fx/artifacts', { user: ALICE })).status, 404);
    assert.equal((await call('/api/v2.0/projects/library/repositories/missing/artifacts', { user: ALICE })).status, 404, '404: Repository or project not found');
  });

  it('with_immutable_status marks immutable tags; deletes touching them answer 412 PRECONDITION and delete nothing', async () => {
    const img = await pushImage(reg, 'library/imm', ['v1.0', 'dev'], { salt: 'imm' });
    harbor.addImmutableRule('library/imm', 'v1\\..*');
    const tags = (await artifacts('library/imm', '?with_immutable_status=true')).json[0].tags;
    assert.deepEqual(Object.fromEntries(tags.map((t: Json) => [t.name, t.immutable])), { 'v1.0': true, dev: false });
    assert.ok((await artifacts('library/imm')).json[0].tags.every((t: Json) => t.immutable === false), 'only with with_immutable_status=true');
    const del = await call(`/api/v2.0/projects/library/repositories/imm/artifacts/${img.digest}`, { user: ALICE, method: 'DELETE' });
    assert.equal(del.status, 412);
    assert.equal(errorOf(del).code, 'PRECONDITION');
    const untag = await call('/api/v2.0/projects/library/repositories/imm/artifacts/dev/tags/v1.0', { user: ALICE, method: 'DELETE' });
    assert.equal(untag.status, 412);
    const v2 = await call(`/v2/library/imm/manifests/${img.digest}`, { method: 'DELETE', auth: `Bearer ${await token('repository:library/imm:delete', ALICE)}` });
    assert.equal(v2.status, 412);
    assert.equal((await registryHead('library/imm', 'v1.0')).digest, img.digest, 'the real registry still has everything');
    assert.equal(storedRepository(reg.dataDir, 'library/imm').manifests.length, 1);
    assert.equal((await call('/api/v2.0/projects/library/repositories/imm/artifacts/v1.0/tags/dev', { user: ALICE, method: 'DELETE' })).status, 200, 'a mutable tag can go');
  });

  it('DELETE …/artifacts/{reference} deletes the artifact and its tags in the real registry (deleteArtifact)', async () => {
    const img = await pushImage(reg, 'library/del', ['a', 'b'], { salt: 'del' });
    const keep = await pushImage(reg, 'library/del', ['keep'], { salt: 'keep' });
    const a = await call('/api/v2.0/projects/library/repositories/del/artifacts/a', { user: ALICE, method: 'DELETE' });
    assert.equal(a.status, 200, a.text);
    assert.equal((await registryHead('library/del', img.digest)).status, 404);
    assert.equal((await registryHead('library/del', 'b')).status, 404, 'every tag of it went too');
    assert.equal((await registryHead('library/del', 'keep')).digest, keep.digest);
    const again = await call(`/api/v2.0/projects/library/repositories/del/artifacts/${img.digest}`, { user: ALICE, method: 'DELETE' });
    assert.equal(again.status, 404);
  });

  it('deleting an index deletes its untagged children; a child an index references answers 412 (deleteArtifact)', async () => {
    const idx = await pushIndex(reg, 'library/idx', ['i'], { salt: 'idx' });
    const child = await call(`/api/v2.0/projects/library/repositories/idx/artifacts/${idx.children[0].digest}`, { user: ALICE, method: 'DELETE' });
    assert.equal(child.status, 412);
    assert.equal(errorOf(child).code, 'VIOLATE_FOREIGN_KEY_CONSTRAINT');
    assert.equal((await call('/api/v2.0/projects/library/repositories/idx/artifacts/i', { user: ALICE, method: 'DELETE' })).status, 200);
    assert.deepEqual(storedRepository(reg.dataDir, 'library/idx').manifests, []);
    assert.equal((await artifacts('library/idx')).headers.get('x-total-count'), '0', 'the emptied repository is still there');
  });

  it('DELETE …/tags/{tag_name} untags only, and the tag is gone from V2 too (deleteTag)', async () => {
    const img = await pushImage(reg, 'library/untag', ['t1', 't2'], { salt: 'untag' });
    const a = await call(`/api/v2.0/projects/library/repositories/untag/artifacts/${img.digest}/tags/t1`, { user: ALICE, method: 'DELETE' });
    assert.equal(a.status, 200, a.text);
    assert.deepEqual((await artifacts('library/untag')).json[0].tags.map((t: Json) => t.name), ['t2']);
    assert.equal((await registryHead('library/untag', img.digest)).status, 200, 'the artifact stays');
    assert.equal((await registryHead('library/untag', 't1')).status, 404, 'the real registry no longer has the tag');
    const bearer = `Bearer ${await token('repository:library/untag:pull', ALICE)}`;
    assert.equal((await call('/v2/library/untag/manifests/t1', { method: 'HEAD', auth: bearer })).status, 404);
    assert.deepEqual((await call('/v2/library/untag/tags/list', { auth: bearer })).json.tags, ['t2']);
    const missing = await call(`/api/v2.0/projects/library/repositories/untag/artifacts/${img.digest}/tags/t1`, { user: ALICE, method: 'DELETE' });
    assert.equal(missing.status, 404);
  });

  it('/v2/ challenges to /service/token; the token is accepted and requests reach the real registry (not in swagger.yaml: Harbor core v2auth, token service)', async () => {
    const ping = await call('/v2/');
    assert.equal(ping.status, 401);
    assert.equal(ping.headers.get('www-authenticate'), `Bearer realm="http://${harbor.host}/service/token",service="harbor-registry"`);
    const head = await call('/v2/library/app/manifests/v1', { method: 'HEAD' });
    assert.equal(head.headers.get('www-authenticate'), `Bearer realm="http://${harbor.host}/service/token",service="harbor-registry",scope="repository:library/app:pull"`);
    const t = await call('/service/token?service=harbor-registry&scope=repository%3Alibrary%2Fapp%3Apull', { user: ALICE });
    assert.deepEqual(Object.keys(t.json).sort(), ['access_token', 'expires_in', 'issued_at', 'token']);
    assert.equal(t.json.access_token, '');
    const got = await call('/v2/library/app/manifests/v1', { method: 'HEAD', auth: `Bearer ${t.json.token}`, headers: { Accept: FULL_ACCEPT } });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('docker-content-digest'), (await registryHead('library/app', 'v1')).digest);
    const other = await call('/v2/team/api/manifests/t1', { method: 'HEAD', auth: `Bearer ${t.json.token}` });
    assert.equal(other.headers.get('www-authenticate'), 'Basic realm="harbor"', 'a token without the scope: Harbor asks for Basic');
    assert.equal((await call('/v2/team/api/manifests/t1', { method: 'HEAD', user: ALICE, headers: { Accept: FULL_ACCEPT } })).status, 200, 'Basic works on /v2/');
    const anonymous = `Bearer ${await token('repository:library/app:pull')}`;
    assert.equal((await call('/v2/library/app/manifests/v1', { method: 'HEAD', auth: anonymous, headers: { Accept: FULL_ACCEPT } })).status, 200, 'anonymous pull of a public project');
    assert.equal((await call('/v2/team/api/manifests/t1', { method: 'HEAD', auth: `Bearer ${await token('repository:team/api:pull')}` })).status, 401);
    const robot = `Bearer ${await token('repository:team/api:pull', ROBOT)}`;
    assert.equal((await call('/v2/team/api/manifests/t1', { method: 'HEAD', auth: robot, headers: { Accept: FULL_ACCEPT } })).status, 200, 'a robot account logs in too');
    assert.equal((await call('/service/token?service=harbor-registry')).status, 401);
    assert.equal((await call('/service/token?service=other', { user: ALICE })).status, 400);
  });

  it('pushes through the fake: upload Locations point back at it, and the digest is the real registry\'s (V2 forwarding, not in swagger.yaml)', async () => {
    const pushed = await pushImage({ url: harbor.url, admin: ALICE }, 'team/pushed', ['p1'], { salt: 'through-the-fake' });
    assert.equal((await registryHead('team/pushed', 'p1')).digest, pushed.digest);
    assert.ok(harbor.requests({ method: 'PUT', path: /^\/v2\/team\/pushed\/blobs\/uploads\// }).length >= 2);
    assert.ok(harbor.requests({ path: '/v2/team/pushed/' }).every((e) => e.authorization !== 'Basic'), 'the seed used the token flow');
  });

  it('/v2/_catalog is for system admins only; V2 DELETE by tag is UNSUPPORTED; PUT onto an immutable tag is 412 (Harbor core, not in swagger.yaml)', async () => {
    const alice = await call('/v2/_catalog', { auth: `Bearer ${await token('registry:catalog:*', ALICE)}` });
    assert.equal(alice.status, 401);
    assert.equal(alice.headers.get('www-authenticate'), 'Basic realm="harbor"');
    const admin = await call('/v2/_catalog', { auth: `Bearer ${await token('registry:catalog:*', ADMIN)}` });
    assert.ok(admin.json.repositories.includes('library/app'));
    const bearer = `Bearer ${await token('repository:library/app:delete,pull,push', ALICE)}`;
    const byTag = await call('/v2/library/app/manifests/latest', { method: 'DELETE', auth: bearer });
    assert.equal(byTag.status, 400);
    assert.equal(errorOf(byTag).code, 'UNSUPPORTED');
    harbor.addImmutableRule('library/app', 'latest');
    const put = await fetch(`${harbor.url}/v2/library/app/manifests/latest`, { method: 'PUT', headers: { Authorization: bearer, 'Content-Type': 'application/json' }, body: '{}' });
    assert.equal(put.status, 412);
  });

  it('keeps a request log without any secret (the fake\'s own contract)', () => {
    const text = JSON.stringify(harbor.log);
    for (const u of [ADMIN, ALICE, ROBOT, GUEST]) assert.ok(!text.includes(u.password));
    assert.ok(!/eyJ/.test(text), 'no token');
    assert.ok(harbor.requests({ path: '/service/token' }).every((e) => e.authorization === undefined || e.authorization === 'Basic'));
    assert.ok(harbor.requests({ method: 'DELETE', path: /\/tags\// }).length > 0);
  });
});
