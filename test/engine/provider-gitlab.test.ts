// The GitLab provider (src/registry/providers/gitlab.ts, gitlab-api.ts) against the FAKE GitLab
// (test/support/fake-gitlab.ts: GitLab's REST API v4 subset and /jwt/auth on one host, a registry on another whose
// /v2/ is a REAL docker-registry and whose gitlab/v1 tag list is built from that registry's storage): the instance
// found from the token realm, projects → repositories in pages, tags through gitlab/v1 (1000 a page) or, without the
// metadata database, through the REST API, untag, the CI job token, GitLab's refusals in plain words, incomplete
// pages refused, and no secret in any error, log line or request log.
import * as assert from 'node:assert/strict';
import { createRegistryClient } from '../../src/registry/client';
import { isRegistryError, RegistryError } from '../../src/registry/errors';
import type { Credential, RegistryClient, RegistryOptions } from '../../src/registry/types';
import { expectExit, head, regx, useCliScratchHome } from '../support/cli';
import { JOB_USER, startFakeGitlab, type FakeGitlab } from '../support/fake-gitlab';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, pushIndex, pushManyTags, type PushedImage, type PushedIndex } from '../support/seed';

const FULL = { token: 'glpat-full-provider-gitlab-1', scopes: ['api'] };
const READER = { token: 'glpat-reader-provider-gitlab-2', scopes: ['read_api', 'read_registry'], projects: ['group/app', 'group/big'] };
const REGISTRY_ONLY = { token: 'glpat-registry-only-provider-gitlab-3', scopes: ['read_registry'] };
const JOB = { token: 'job-token-provider-gitlab-4', scopes: [], projects: ['group/app'], job: true };
const SECRETS = [FULL.token, READER.token, REGISTRY_ONLY.token, JOB.token, 'glpat-wrong-provider-gitlab-5'];
const BUILT = new Date('2024-03-04T05:06:07.000Z');
const BIG = 1050;

describe('GitLab provider (fake GitLab over a real registry)', function () {
  this.timeout(60_000);
  useCliScratchHome();
  let reg: TestRegistry;
  let gitlab: FakeGitlab;
  let v1: PushedImage;
  let v2: PushedImage;
  let worker: PushedImage;
  let multi: PushedIndex;
  const clients: RegistryClient[] = [];
  const lines: string[] = [];
  const logger = { trace: (m: string) => void lines.push(m), debug: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m) };
  const as = (password: string, username = 'alice'): Credential => ({ username, password });
  const client = (cred: Credential = as(FULL.token), extra: Partial<RegistryOptions> = {}): RegistryClient => {
    const c = createRegistryClient({ url: gitlab.url, credentials: async () => cred, provider: 'gitlab', logger, retries: 0, ...extra });
    clients.push(c);
    return c;
  };
  const fails = async (p: Promise<unknown>, code: string): Promise<RegistryError> => {
    try {
      await p;
    } catch (e) {
      assert.ok(isRegistryError(e, code as RegistryError['code']), `expected ${code}, got ${String(e)}`);
      for (const s of SECRETS) assert.ok(!`${e.message} ${e.fix ?? ''}`.includes(s), 'a secret in an error');
      return e;
    }
    assert.fail(`expected ${code}, it succeeded`);
  };
  /** With the metadata database off for `fn`, then on again. */
  const withoutMetadata = async <T>(fn: () => Promise<T>): Promise<T> => {
    gitlab.setMetadataDatabase(false);
    try {
      return await fn();
    } finally {
      gitlab.setMetadataDatabase(true);
    }
  };

  before(async function () {
    this.timeout(180_000);
    reg = await startRegistry({ auth: 'none' });
    v1 = await pushImage(reg, 'group/app', ['v1'], { salt: 'gitlab-v1', created: BUILT });
    v2 = await pushImage(reg, 'group/app', ['v2', 'latest'], { salt: 'gitlab-v2', created: BUILT });
    multi = await pushIndex(reg, 'group/app', ['multi'], { salt: 'gitlab-multi' });
    worker = await pushImage(reg, 'group/app/worker', ['1.0'], { salt: 'gitlab-worker' });
    await pushImage(reg, 'other/tool', ['x'], { salt: 'gitlab-tool' });
    await pushManyTags(reg, 'group/big', BIG, { distinctDigests: false, concurrency: 16 });
    const projects = ['empty/one', 'group/app', 'group/big', 'empty/two', 'other/tool', 'empty/three'];
    gitlab = await startFakeGitlab({ registry: reg, projects, tokens: [FULL, READER, REGISTRY_ONLY, JOB], pageMax: 2 });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await gitlab?.stop();
    await reg?.stop();
  });
  afterEach(() => {
    for (const s of SECRETS) for (const l of lines) assert.ok(!l.includes(s), `a secret in the log: ${l.slice(0, 80)}`);
    assert.ok(!SECRETS.some((s) => JSON.stringify(gitlab.log).includes(s)), 'a secret in the fake’s request log');
  });

  it('auto picks gitlab from the /jwt/auth realm, and the instance comes from that realm', async () => {
    const c = createRegistryClient({ url: gitlab.url, credentials: async () => as(FULL.token), provider: 'auto' });
    clients.push(c);
    const p = await c.provider();
    assert.equal(p.name, 'gitlab');
    gitlab.log.length = 0;
    assert.ok((await p.listRepositories!()).includes('group/app'));
    const api = gitlab.requests({ server: 'gitlab', path: '/api/v4/' });
    assert.ok(api.length >= 1 && api.every((r) => r.credential === 'PRIVATE-TOKEN'), 'the API was asked with PRIVATE-TOKEN');
  });

  it('lists the projects’ registry repositories through keyset pages; a reader sees its own projects only', async () => {
    gitlab.log.length = 0;
    assert.deepEqual(await (await client().provider()).listRepositories!(), ['group/app', 'group/app/worker', 'group/big', 'other/tool']);
    const pages = gitlab.requests({ server: 'gitlab', path: '/api/v4/projects' }).filter((r) => !r.url.includes('/registry'));
    assert.equal(pages.length, 3, 'six projects, two a page');
    assert.ok(pages.every((r) => r.url.includes('pagination=keyset')));
    assert.deepEqual(await client(as(READER.token)).listRepositories(), ['group/app', 'group/app/worker', 'group/big'], 'the V2 catalog is refused, the provider answers');
  });

  it('tags come from gitlab/v1 with digest, push time, size and media type; 1050 tags in 2 requests', async () => {
    const details = await (await client().provider()).listTagDetails!('group/app');
    assert.deepEqual(Object.fromEntries(details.map((d) => [d.tag, d.digest])), { latest: v2.digest, multi: multi.digest, v1: v1.digest, v2: v2.digest });
    for (const d of details) {
      assert.ok(d.pushed instanceof Date && Math.abs(Date.now() - d.pushed.getTime()) < 3_600_000, d.tag);
      assert.ok(typeof d.size === 'number' && d.size > 0, d.tag);
    }
    assert.equal(details.find((d) => d.tag === 'v1')?.mediaType, v1.mediaType);
    gitlab.log.length = 0;
    assert.equal((await (await client().provider()).listTagDetails!('group/big')).length, BIG);
    assert.equal(gitlab.requests({ server: 'registry', method: 'GET', path: '/gitlab/v1/repositories/group/big/tags/list/' }).filter((r) => r.status === 200).length, 2);
    assert.equal(gitlab.requests({ server: 'gitlab', path: '/api/v4/' }).length, 0, 'the REST API was not needed');
  });

  it('without the metadata database (gitlab/v1 404), tags come from the REST API, and the client remembers it', async () => {
    await withoutMetadata(async () => {
      const p = await client().provider();
      const details = await p.listTagDetails!('group/app');
      assert.deepEqual(Object.fromEntries(details.map((d) => [d.tag, d.digest])), { latest: v2.digest, multi: multi.digest, v1: v1.digest, v2: v2.digest });
      const one = details.find((d) => d.tag === 'v1');
      assert.equal(one?.pushed?.toISOString(), BUILT.toISOString(), 'GitLab’s created_at (the image’s build time)');
      assert.ok((one?.size ?? 0) > 0);
      gitlab.log.length = 0;
      assert.deepEqual((await p.listTagDetails!('group/app/worker')).map((d) => [d.tag, d.digest]), [['1.0', worker.digest]]);
      assert.equal(gitlab.requests({ server: 'registry', path: '/gitlab/v1/' }).length, 0, 'gitlab/v1 was not asked again');
      await fails(p.listTagDetails!('group/app/nothing'), 'NOT_FOUND');
    });
    const gone = await fails((await client().provider()).listTagDetails!('group/app/nothing'), 'NOT_FOUND');
    assert.match(gone.message, /the repository group\/app\/nothing does not exist/);
  });

  it('untag removes that tag alone in the real registry (DELETE …/tags/:tag through the API)', async () => {
    gitlab.log.length = 0;
    await (await client().provider()).untag!('group/app', 'v2');
    assert.equal(gitlab.requests({ server: 'gitlab', method: 'DELETE', path: /^\/api\/v4\/projects\/\d+\/registry\/repositories\/\d+\/tags\/v2$/ }).length, 1);
    assert.equal(await head(reg, 'group/app', 'v2'), undefined);
    assert.equal(await head(reg, 'group/app', 'latest'), v2.digest);
    assert.equal(await head(reg, 'group/app', 'v1'), v1.digest);
    assert.ok(!(await (await client().provider()).listTagDetails!('group/app')).some((d) => d.tag === 'v2'));
  });

  it('the CI job token goes as JOB-TOKEN; it cannot list projects, and says so', async () => {
    const job = as(JOB.token, JOB_USER);
    await withoutMetadata(async () => {
      gitlab.log.length = 0;
      assert.ok((await (await client(job).provider()).listTagDetails!('group/app')).some((d) => d.tag === 'v1'));
      const api = gitlab.requests({ server: 'gitlab', path: '/api/v4/' });
      assert.ok(api.length > 0 && api.every((r) => r.credential === 'JOB-TOKEN'));
    });
    const e = await fails((await client(job).provider()).listRepositories!(), 'NOT_SUPPORTED');
    assert.match(e.message, /CI job token cannot list/);
  });

  it('a wrong token: 401 in plain words, asking for an access token', async () => {
    const e = await fails((await client(as('glpat-wrong-provider-gitlab-5')).provider()).listRepositories!(), 'UNAUTHORIZED');
    assert.match(e.message, /^GitLab at 127\.0\.0\.1:\d+ rejected the token of the user alice/);
    assert.match(e.fix ?? '', /access token with the read_api scope/);
  });

  it('a token without read_api (reads) or api (untag): 403 naming the scope', async () => {
    const read = await fails((await client(as(REGISTRY_ONLY.token)).provider()).listRepositories!(), 'INSUFFICIENT_SCOPE');
    assert.equal(read.scope, 'read_api');
    assert.match(read.message, /the token lacks the read_api scope GitLab at \S+ needs to list the projects/);
    const write = await fails((await client(as(READER.token)).provider()).untag!('group/app', 'v1'), 'INSUFFICIENT_SCOPE');
    assert.equal(write.scope, 'api');
    assert.match(write.fix ?? '', /the api scope/);
    assert.equal(await head(reg, 'group/app', 'v1'), v1.digest);
  });

  it('429: RATE_LIMITED saying when; quota() from the RateLimit headers', async () => {
    gitlab.setRateLimit(1, 120);
    try {
      const p = await client().provider();
      const e = await fails(p.listRepositories!(), 'RATE_LIMITED');
      assert.match(e.message, /GitLab at \S+ is rate-limiting requests/);
      assert.match(e.fix ?? '', /Wait \d+ (seconds|minutes) and try again/);
      const q = p.quota!();
      assert.equal(q?.limit, 1);
      assert.equal(q?.remaining, 0);
      assert.ok(q?.resetsAt && q.resetsAt.getTime() > Date.now());
    } finally {
      gitlab.setRateLimit(undefined);
    }
  });

  it('incomplete pages are refused: a paging loop, a link to another host, fewer items than X-Total', async () => {
    try {
      for (const fault of ['loop', 'other-host'] as const) {
        gitlab.setPagingFault(fault);
        await fails((await client().provider()).listRepositories!(), 'INCOMPLETE_LIST');
      }
      gitlab.setPagingFault('short');
      await withoutMetadata(async () => fails((await client().provider()).listTagDetails!('group/app'), 'INCOMPLETE_LIST'));
    } finally {
      gitlab.setPagingFault('none');
    }
  });

  it('regx: repos through GitLab’s projects, tags --json with push times (provider detected)', async () => {
    const login = { stdin: FULL.token };
    const repos = await regx(['repos', gitlab.url, '--json', '-u', 'alice', '--password-stdin'], login);
    expectExit(repos, 0);
    assert.deepEqual(JSON.parse(repos.stdout), ['group/app', 'group/app/worker', 'group/big', 'other/tool']);
    const tags = await regx(['tags', `${gitlab.url}/group/app/worker`, '--json', '-u', 'alice', '--password-stdin'], login);
    expectExit(tags, 0);
    const rows = JSON.parse(tags.stdout) as { tag: string; pushed?: string }[];
    assert.deepEqual(rows.map((r) => r.tag), ['1.0']);
    assert.ok(rows[0].pushed && !Number.isNaN(Date.parse(rows[0].pushed)));
    for (const s of SECRETS) assert.ok(!repos.stderr.includes(s) && !tags.stderr.includes(s));
  });

  it('an explicit API URL (the instance, or its /api/v4) is used as given', async () => {
    for (const apiUrl of [gitlab.instanceUrl, `${gitlab.instanceUrl}/api/v4`]) {
      gitlab.log.length = 0;
      assert.ok((await (await client(as(FULL.token), { apiUrl }).provider()).listRepositories!()).includes('other/tool'));
      assert.equal(gitlab.requests({ server: 'registry', path: '/v2/' }).length, 0, 'no realm probe was needed');
    }
  });
});
