// Basic auth against a REAL registry (docker-registry 2.8.2 with a bcrypt htpasswd file): logging in, wrong and
// missing credentials in plain words, and no password (nor its base64) in any error or log line.
import * as assert from 'node:assert/strict';
import { createRegistryClient } from '../../src/registry/client';
import { RegistryError, type ErrorCode } from '../../src/registry/errors';
import type { Credential, Logger, RegistryClient, RegistryOptions } from '../../src/registry/types';
import { rejectsWith as sharedRejectsWith } from '../support/assertions';
import { startRegistry, type RegistryUser, type TestRegistry } from '../support/registry';
import { pushImage, seedStandard, type StandardDataset } from '../support/seed';
import { reviewDeletion } from '../../src/ops';
/** What deleting `ref` removes, as the engine's review says (the shape these tests compare). */
async function impactOf(c: RegistryClient, repository: string, ref: string): Promise<{ repository: string; digest: string; tags: string[]; mediaType?: string }> {
  const image = (await reviewDeletion(c, repository, [ref])).images[0];
  return { repository, digest: image.digest, tags: image.tags, mediaType: image.mediaType };
}


describe('Basic auth on a real registry', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let data: StandardDataset;
  let alice: RegistryUser;
  const clients: RegistryClient[] = [];
  const logLines: string[] = [];
  const logger: Logger = { trace: (m) => logLines.push(m), debug: (m) => logLines.push(m), warn: (m) => logLines.push(m) };
  const errorTexts: string[] = [];

  function secrets(): string[] {
    const s = [alice.password, 'wrong-password-Zx81', Buffer.from(`alice:${alice.password}`).toString('base64'), Buffer.from('alice:wrong-password-Zx81').toString('base64')];
    return reg.admin ? [...s, reg.admin.password] : s;
  }

  function client(cred: Credential | undefined, extra: Partial<RegistryOptions> = {}): RegistryClient {
    const c = createRegistryClient({ url: reg.url, credentials: cred ? async () => cred : undefined, logger, retryBaseMs: 10, ...extra });
    clients.push(c);
    return c;
  }

  const rejectsWith = (p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<RegistryError> =>
    sharedRejectsWith(p, code, message, (e) => errorTexts.push(e.message, e.fix ?? '', String(e.stack)));

  before(async () => {
    reg = await startRegistry({ auth: 'basic' });
    alice = reg.users[0];
    // Without the 1050-tag repository: bcrypt on every seeding request makes it slow, and the no-auth suite covers it.
    data = await seedStandard(reg, { big: false });
  });
  after(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await reg?.stop();
  });

  it('logs in with the right password: ping says basic', async () => {
    const info = await client({ username: alice.username, password: alice.password }).ping();
    assert.equal(info.auth, 'basic');
    assert.equal(info.scheme, 'http');
  });

  it('without credentials: UNAUTHORIZED, "requires a login", with how to add one', async () => {
    const e = await rejectsWith(client(undefined).ping(), 'UNAUTHORIZED', /requires a login/);
    assert.match(e.fix ?? '', /password-stdin|credentials/i);
    await rejectsWith(client(undefined).listTags('app'), 'UNAUTHORIZED', /requires a login/);
  });

  it('a wrong password: UNAUTHORIZED saying the credentials of alice were rejected, for ping and for scoped calls', async () => {
    const bad = { username: alice.username, password: 'wrong-password-Zx81' };
    const e = await rejectsWith(client(bad).ping(), 'UNAUTHORIZED', /rejected the credentials for user alice/);
    assert.match(e.fix ?? '', /user name and password/);
    assert.equal(e.status, 401);
    await rejectsWith(client(bad).listTags('app'), 'UNAUTHORIZED', /rejected the credentials for user alice/);
    await rejectsWith(client(bad).resolve('app', 'latest'), 'UNAUTHORIZED', /alice/);
    await rejectsWith(client(bad).deleteManifest('app', data.repositories.app.tags.dev), 'UNAUTHORIZED', /alice/);
    // Nothing was deleted by the failed attempt.
    const ok = client({ username: alice.username, password: alice.password });
    assert.equal((await ok.resolve('app', 'dev')).digest, data.repositories.app.tags.dev);
  });

  it('an unknown user: UNAUTHORIZED', async () => {
    await rejectsWith(client({ username: 'mallory', password: 'whatever-1' }).ping(), 'UNAUTHORIZED', /mallory/);
  });

  it('with the password: catalog, tags, digests, manifests, created dates', async () => {
    const c = client({ username: alice.username, password: alice.password });
    assert.deepEqual(await c.listRepositories(), data.names);
    assert.deepEqual([...(await c.listTags('app'))].sort(), Object.keys(data.repositories.app.tags).sort());
    const app = data.repositories.app;
    assert.equal((await c.resolve('app', 'latest')).digest, app.tags.latest);
    const m = await c.getManifest('app', '1.1.0');
    assert.equal((await c.getCreated('app', m))?.toISOString(), app.manifests[app.tags['1.1.0']].created);
    const results = await c.resolveMany('team/api', ['0.9.0', '1.0.0', 'stable']);
    for (const [tag, r] of results) assert.equal((r as { digest: string }).digest, data.repositories['team/api'].tags[tag], tag);
  });

  it('the password is sent up front after the first challenge: one 401 per client, not one per request', async () => {
    const lines: string[] = [];
    const counting: Logger = { trace: (m) => lines.push(m), debug: () => undefined, warn: () => undefined };
    let asked = 0;
    const c = createRegistryClient({
      url: reg.url,
      logger: counting,
      credentials: async () => {
        asked++;
        return { username: alice.username, password: alice.password };
      },
    });
    clients.push(c);
    await c.ping();
    const tags = Object.keys(data.repositories.app.tags);
    for (const t of tags) await c.resolve('app', t);
    await c.resolveMany('app', tags);
    await c.listTags('multi');
    const unauthorized = lines.filter((l) => / → 401 /.test(l));
    assert.equal(unauthorized.length, 1, unauthorized.join('\n'));
    assert.equal(asked, 1, 'the credential source is asked once per client');
  });

  it('deletes with the password: the digest and every tag on it', async () => {
    const img = await pushImage(reg, 'scratch', ['1.0.0', 'latest'], { salt: 'basic-scratch' });
    const keep = await pushImage(reg, 'scratch', ['0.1.0'], { salt: 'basic-keep' });
    const c = client({ username: alice.username, password: alice.password });
    const impact = await impactOf(c, 'scratch', 'latest');
    assert.deepEqual(impact.tags, ['1.0.0', 'latest']);
    assert.deepEqual(await c.deleteManifest('scratch', img.digest), { digest: img.digest, alreadyGone: false });
    assert.deepEqual(await c.listTags('scratch'), ['0.1.0']);
    assert.equal((await c.resolve('scratch', '0.1.0')).digest, keep.digest);
  });

  it('no password, nor its base64, in any error message, fix, stack or log line of this suite', () => {
    assert.ok(logLines.length > 20, 'the logger saw the traffic');
    assert.ok(errorTexts.length > 0);
    for (const text of [...logLines, ...errorTexts]) {
      for (const s of secrets()) assert.ok(!text.includes(s), `a secret leaked into: ${text}`);
      assert.ok(!/authorization/i.test(text) || !/basic [a-z0-9+/=]{8,}/i.test(text), `an Authorization value leaked into: ${text}`);
    }
  });
});
