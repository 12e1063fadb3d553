// What the wizards decide without VS Code: the range's live count (the planner's own matching, tagsInRange) and
// which recovery fits a failed connection test (src/extension/model/recovery.ts), from errors the engine really
// raises against a closed port, a plain-http server asked for https, and a TLS server with a self-signed certificate.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRegistryClient, planPrune, RegistryError, tagsInRange, type TagState } from '../../src/engine';
import { plainHttpAddress, recoveryFor } from '../../src/extension/model/recovery';
import { listenOnLoopback, type Listening } from '../support/loopback';
import { freePort } from '../support/registry';
import { startTlsFront, type TlsFront } from '../support/tls-front';

const TAGS = ['1.0.0', '1.1.0', 'v1.2.0', '1.3.0-rc.1', '2.0.0', 'latest', '3.11', '3.11-slim'];

async function pingError(url: string): Promise<unknown> {
  const client = createRegistryClient({ url, retries: 0 });
  try {
    await client.ping();
  } catch (e) {
    return e;
  } finally {
    await client.close();
  }
  throw new Error(`${url} answered the ping`);
}

describe('wizard model: the range count', () => {
  it('matches like the planner: versions of the scheme, prereleases only when included', () => {
    assert.deepEqual(tagsInRange(TAGS, { range: '<2.0.0' }), ['1.0.0', '1.1.0', 'v1.2.0']);
    assert.deepEqual(tagsInRange(TAGS, { range: '<2.0.0', includePrerelease: true }), ['1.0.0', '1.1.0', 'v1.2.0', '1.3.0-rc.1']);
    assert.deepEqual(tagsInRange(TAGS, { range: '>=3', versioning: 'docker' }), ['3.11', '3.11-slim']);
    assert.deepEqual(tagsInRange(TAGS, { range: '>=3', versioning: 'loose' }), ['3.11']);
  });

  it('agrees with what a plan with nothing kept would delete', () => {
    const states: TagState[] = TAGS.map((tag, i) => ({ tag, digest: `sha256:${String(i).padStart(64, '0')}` }));
    for (const range of ['<2.0.0', '*', '1.x', '>=1.1.0 <3']) {
      const deleted = planPrune(states, { range, protect: [] }).entries.filter((e) => e.action === 'delete').map((e) => e.tag);
      assert.deepEqual(tagsInRange(TAGS, { range }).sort(), deleted.sort(), range);
    }
  });

  it('refuses what is not a range with the validator’s error', () => {
    assert.throws(() => tagsInRange(TAGS, { range: 'banana' }), (e: unknown) => e instanceof RegistryError && e.code === 'BAD_INPUT');
  });
});

describe('wizard model: recovery from a failed connection test', function () {
  this.timeout(30_000);
  let plain: Listening;
  let tls: TlsFront;

  before(async () => {
    plain = await listenOnLoopback(createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
    tls = await startTlsFront(`http://${plain.host}`);
  });
  after(async () => {
    await tls?.stop();
    await plain?.stop();
  });

  it('a closed loopback port: Retry, Edit Address, Add Anyway, and Use http://', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const e = await pingError(host);
    assert.deepEqual(recoveryFor(e, { url: host, login: 'anonymous' }), { remedies: ['retry', 'edit-address', 'add-anyway', 'use-http'] });
    // Not for an address that already says http://
    assert.deepEqual(recoveryFor(e, { url: `http://${host}`, login: 'anonymous' }), { remedies: ['retry', 'edit-address', 'add-anyway'] });
  });

  it('a host that cannot be found is not loopback: no http:// offered', () => {
    const e = new RegistryError('NETWORK', 'the host registry.invalid could not be found');
    assert.deepEqual(recoveryFor(e, { url: 'registry.invalid', login: 'anonymous' }), { remedies: ['retry', 'edit-address', 'add-anyway'] });
  });

  it('https:// to a plain-http server: Use http:// first', async () => {
    const e = await pingError(`https://${plain.host}`);
    assert.deepEqual(recoveryFor(e, { url: `https://${plain.host}`, login: 'password' }), { remedies: ['use-http', 'edit-address', 'retry'] });
    assert.equal(plainHttpAddress(`https://${plain.host}`), `http://${plain.host}`);
  });

  it('a self-signed certificate: Choose CA File…, Mark Insecure (unless already), Edit Address, Retry', async () => {
    const e = await pingError(tls.host);
    assert.deepEqual(recoveryFor(e, { url: tls.host, login: 'anonymous' }), { remedies: ['choose-ca-file', 'mark-insecure', 'edit-address', 'retry'] });
    assert.deepEqual(recoveryFor(e, { url: tls.host, login: 'anonymous', insecure: true }), { remedies: ['choose-ca-file', 'edit-address', 'retry'] });
  });

  it('a refused login goes back to its step; a missing one to the login kind', () => {
    const refused = new RegistryError('UNAUTHORIZED', 'x rejected the credentials', { need: 'credentials' });
    assert.deepEqual(recoveryFor(refused, { url: 'x', login: 'password' }), { ask: 'password' });
    assert.deepEqual(recoveryFor(refused, { url: 'x', login: 'token' }), { ask: 'token' });
    // Anonymous, refused: the docker config's login was — choose another kind.
    assert.deepEqual(recoveryFor(refused, { url: 'x', login: 'anonymous' }), { ask: 'auth' });
    assert.deepEqual(recoveryFor(new RegistryError('UNAUTHORIZED', 'x requires a login', { need: 'login' }), { url: 'x', login: 'anonymous' }), { ask: 'auth' });
  });

  it('not a registry (404 on /v2/): Edit Address, Retry', () => {
    assert.deepEqual(recoveryFor(new RegistryError('NOT_FOUND', 'x does not answer like a container registry'), { url: 'x', login: 'anonymous' }), { remedies: ['edit-address', 'retry'] });
  });
});
