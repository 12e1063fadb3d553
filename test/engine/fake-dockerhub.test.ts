// Tests of the FAKE Docker Hub API itself (test/support/fake-dockerhub.ts), over raw HTTP (fetch), not through the
// engine: that it answers as Hub's published description says (docker/docs content/reference/api/hub/latest.yaml,
// "spec") or as the fake's FAKE-CHOICE notes say, and that its tags are the real registry's behind it.
import * as assert from 'node:assert/strict';
import { head } from '../support/cli';
import { startFakeDockerHub, type FakeDockerHub } from '../support/fake-dockerhub';
import { startRegistry, type TestRegistry } from '../support/registry';
import { pushImage, type PushedImage } from '../support/seed';

const ALICE = { username: 'alice', secret: 'dckr_pat_alice-fake-hub-1', orgs: ['acme'] };
const READER = { username: 'reader', secret: 'dckr_pat_reader-fake-hub-2', scopes: ['repo:read' as const] };
type Json = Record<string, unknown> & { results?: Record<string, unknown>[]; next?: string | null; count?: number };

describe('fake Docker Hub (Hub API description over a real registry’s digests)', function () {
  this.timeout(60_000);
  let reg: TestRegistry;
  let hub: FakeDockerHub;
  let v1: PushedImage;

  async function token(account: { username: string; secret: string } = ALICE): Promise<string> {
    const res = await fetch(`${hub.url}/v2/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: account.username, secret: account.secret }) });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  }
  async function call(path: string, tok?: string, method = 'GET'): Promise<{ status: number; headers: Headers; body: Json }> {
    const res = await fetch(path.startsWith('http') ? path : `${hub.url}${path}`, { method, headers: tok ? { authorization: `Bearer ${tok}` } : {} });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
  }

  before(async () => {
    reg = await startRegistry({ auth: 'none' });
    v1 = await pushImage(reg, 'alice/app', ['v1', 'also'], { salt: 'fake-hub-v1' });
    await pushImage(reg, 'alice/app', ['v2'], { salt: 'fake-hub-v2' });
    await pushImage(reg, 'acme/secret', ['s1'], { salt: 'fake-hub-secret' });
    hub = await startFakeDockerHub({ registry: reg, accounts: [ALICE, READER] });
    hub.importFromRegistry('alice/app');
    hub.importFromRegistry('acme/secret', { private: true });
    for (let i = 0; i < 12; i++) hub.setTag('alice/paged', `t${i}`, { digest: v1.digest, pushed: new Date(Date.UTC(2024, 0, 1 + i)) });
  });
  after(async () => {
    await hub?.stop();
    await reg?.stop();
  });

  it('POST /v2/auth/token {identifier, secret} → spec#AuthCreateTokenResponse {access_token}, a JWT with exp; 401 for a wrong secret', async () => {
    const tok = await token();
    const claims = JSON.parse(Buffer.from(tok.split('.')[1], 'base64url').toString()) as { exp: number; sub: string };
    assert.equal(claims.sub, 'alice');
    assert.ok(Math.abs(claims.exp - Date.now() / 1000 - 600) < 5, 'ten minutes, as the spec says');
    const wrong = await fetch(`${hub.url}/v2/auth/token`, { method: 'POST', body: JSON.stringify({ identifier: 'alice', secret: 'nope' }) });
    assert.equal(wrong.status, 401);
  });

  it('tags (spec#paginated_tags): count, absolute next links, page_size ≤ 100, newest first; live shape with the registry’s digests', async () => {
    const first = await call('/v2/namespaces/alice/repositories/paged/tags?page_size=5');
    assert.equal(first.body.count, 12);
    assert.deepEqual(first.body.results!.map((t) => t.name), ['t11', 't10', 't9', 't8', 't7']);
    assert.equal(first.body.next, `${hub.url}/v2/namespaces/alice/repositories/paged/tags?page=2&page_size=5`);
    const last = await call(`${hub.url}/v2/namespaces/alice/repositories/paged/tags?page=3&page_size=5`);
    assert.equal(last.body.next, null);
    assert.equal(last.body.results!.length, 2);
    assert.equal((await call('/v2/namespaces/alice/repositories/paged/tags?page_size=101')).status, 400);
    const app = await call('/v2/namespaces/alice/repositories/app/tags?page_size=100');
    for (const t of app.body.results!) {
      assert.equal(t.digest, await head(reg, 'alice/app', t.name as string));
      assert.ok(Array.isArray(t.images) && typeof t.full_size === 'number' && typeof t.tag_last_pushed === 'string');
    }
  });

  it('the documented tag shape: no top-level digest, `images` one object', async () => {
    hub.setTag('alice/doc', 'x', { digest: v1.digest }, 'documented');
    const t = (await call('/v2/namespaces/alice/repositories/doc/tags')).body.results![0];
    assert.equal(t.digest, undefined);
    assert.equal((t.images as { digest: string }).digest, v1.digest);
  });

  it('a private repository: 404 anonymous, listed to its namespace’s members; repositories and organisations pages', async () => {
    assert.equal((await call('/v2/namespaces/acme/repositories/secret/tags')).status, 404);
    const tok = await token();
    assert.equal((await call('/v2/namespaces/acme/repositories/secret/tags', tok)).status, 200);
    assert.deepEqual((await call('/v2/namespaces/acme/repositories', tok)).body.results!.map((r) => [r.name, r.is_private]), [['secret', true]]);
    assert.deepEqual((await call('/v2/namespaces/acme/repositories')).body.results, []);
    assert.deepEqual((await call('/v2/user/orgs/', tok)).body.results!.map((o) => o.orgname), ['acme']);
    assert.equal((await call('/v2/user/orgs/')).status, 401);
  });

  it('untag: 204 and the tag is gone here and in the registry; 401 anonymous, 403 without repo:admin, 404 when gone', async () => {
    assert.equal((await call('/v2/repositories/alice/app/tags/also/', undefined, 'DELETE')).status, 401);
    assert.equal((await call('/v2/repositories/alice/app/tags/also/', await token(READER), 'DELETE')).status, 403);
    const tok = await token();
    assert.equal((await call('/v2/repositories/alice/app/tags/also/', tok, 'DELETE')).status, 204);
    assert.deepEqual(hub.tags('alice/app'), ['v1', 'v2']);
    assert.equal(await head(reg, 'alice/app', 'also'), undefined);
    assert.equal(await head(reg, 'alice/app', 'v1'), v1.digest);
    assert.equal((await call('/v2/repositories/alice/app/tags/also/', tok, 'DELETE')).status, 404);
  });

  it('revoked tokens answer 401; rate-limit headers on every answer, 429 past the limit with X-Retry-After', async () => {
    const tok = await token();
    hub.revokeTokens();
    assert.equal((await call('/v2/namespaces/alice/repositories/app/tags', tok)).status, 401);
    const ok = await call('/v2/namespaces/alice/repositories/app/tags');
    assert.equal(ok.headers.get('x-ratelimit-limit'), '10000');
    assert.match(ok.headers.get('x-ratelimit-reset') ?? '', /^\d+$/);
    hub.setRemaining(0);
    try {
      const limited = await call('/v2/namespaces/alice/repositories/app/tags');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.detail, 'Rate limit exceeded');
      assert.ok(Number(limited.headers.get('x-retry-after')) > Date.now() / 1000 - 1);
    } finally {
      hub.setRemaining(10_000);
    }
  });

  it('the request log keeps the Authorization scheme only, and never a secret or token', () => {
    assert.ok(hub.log.some((r) => r.authorization === 'Bearer'));
    for (const r of hub.log) {
      const text = JSON.stringify(r);
      assert.ok(!text.includes(ALICE.secret) && !text.includes(READER.secret) && !/eyJ[\w-]+\.eyJ/.test(text), text);
    }
  });
});
