// WWW-Authenticate parsing (RFC 7235) on the headers real registries send, and on awkward and broken ones.
import * as assert from 'node:assert/strict';
import { findChallenge, parseChallenges } from '../../src/registry/challenge';

describe('WWW-Authenticate challenges', () => {
  it('Docker Hub bearer challenge', () => {
    const c = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"');
    assert.deepEqual(c, [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
    ]);
  });

  it('parameters in any order, names lower-cased, scheme lower-cased', () => {
    const c = parseChallenges('BEARER Scope="repository:a:pull", SERVICE="svc",Realm="https://t/token"');
    assert.deepEqual(c, [{ scheme: 'bearer', params: { scope: 'repository:a:pull', service: 'svc', realm: 'https://t/token' } }]);
  });

  it('quoted values keep commas, spaces, = and escaped quotes and backslashes', () => {
    const c = parseChallenges('Bearer realm="https://t/token?a=b,c=d",scope="repository:a:pull,push repository:b:pull",error="say \\"hi\\", C:\\\\x"');
    assert.equal(c.length, 1);
    assert.equal(c[0].params.realm, 'https://t/token?a=b,c=d');
    assert.equal(c[0].params.scope, 'repository:a:pull,push repository:b:pull');
    assert.equal(c[0].params.error, 'say "hi", C:\\x');
  });

  it('several challenges in one header, in either order', () => {
    const a = parseChallenges('Basic realm="basic-realm", Bearer realm="https://t/token",service="svc"');
    assert.deepEqual(
      a.map((c) => c.scheme),
      ['basic', 'bearer'],
    );
    assert.equal(a[0].params.realm, 'basic-realm');
    assert.equal(a[1].params.realm, 'https://t/token');
    assert.equal(a[1].params.service, 'svc');

    const b = parseChallenges('Bearer realm="https://t/token", service="svc", Basic realm="x"');
    assert.deepEqual(
      b.map((c) => c.scheme),
      ['bearer', 'basic'],
    );
    assert.equal(b[0].params.service, 'svc');
    assert.equal(b[1].params.realm, 'x');
    assert.equal(findChallenge(b, 'basic')?.params.realm, 'x');
    assert.equal(findChallenge(b, 'bearer')?.params.realm, 'https://t/token');
    assert.equal(findChallenge(b, 'negotiate'), undefined);
  });

  it('several header lines (an array) are all read', () => {
    const c = parseChallenges(['Negotiate', 'Basic realm="r1"', 'Bearer realm="https://t/token"']);
    assert.deepEqual(
      c.map((x) => x.scheme),
      ['negotiate', 'basic', 'bearer'],
    );
  });

  it('Harbor and Nexus Basic challenges (upper-case scheme, spaces in the realm)', () => {
    assert.deepEqual(parseChallenges('Basic realm="harbor"'), [{ scheme: 'basic', params: { realm: 'harbor' } }]);
    assert.deepEqual(parseChallenges('BASIC realm="Sonatype Nexus Repository Manager"'), [
      { scheme: 'basic', params: { realm: 'Sonatype Nexus Repository Manager' } },
    ]);
  });

  it('distribution insufficient_scope challenge', () => {
    const c = parseChallenges('Bearer realm="http://127.0.0.1:1/token",service="reg",scope="repository:app:delete",error="insufficient_scope"');
    assert.equal(c[0].params.error, 'insufficient_scope');
    assert.equal(c[0].params.scope, 'repository:app:delete');
  });

  it('unquoted token values and spaces around =', () => {
    const c = parseChallenges('Bearer realm=https://t/token, service = svc ,scope=repository:a:pull');
    assert.deepEqual(c, [{ scheme: 'bearer', params: { realm: 'https://t/token', service: 'svc', scope: 'repository:a:pull' } }]);
  });

  it('token68 credentials, with and without padding, next to another challenge', () => {
    assert.deepEqual(parseChallenges('Negotiate YIIBhgYGKwYBBQUCoIIBejCCAXag=='), [{ scheme: 'negotiate', params: { token68: 'YIIBhgYGKwYBBQUCoIIBejCCAXag==' } }]);
    assert.deepEqual(parseChallenges('Custom abc.def~ghi/+'), [{ scheme: 'custom', params: { token68: 'abc.def~ghi/+' } }]);
    const c = parseChallenges('Newauth abc=, Basic realm="r"');
    assert.deepEqual(c, [
      { scheme: 'newauth', params: { token68: 'abc=' } },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
  });

  it('a scheme alone, and empty or missing headers', () => {
    assert.deepEqual(parseChallenges('Basic'), [{ scheme: 'basic', params: {} }]);
    assert.deepEqual(parseChallenges(''), []);
    assert.deepEqual(parseChallenges(' , ,'), []);
    assert.deepEqual(parseChallenges(undefined), []);
    assert.deepEqual(parseChallenges([]), []);
  });

  it('garbage never throws, and a good challenge after garbage is still found', () => {
    for (const junk of ['"""', '=,=,=', '@@@', '\u0000\u0001', 'Bearer realm="unterminated', ',,,"a"', '(){}[]', 'Bearer ="x"']) {
      assert.doesNotThrow(() => parseChallenges(junk), junk);
    }
    const c = parseChallenges('@@@ {} Bearer realm="https://t/token",service="s"');
    assert.equal(findChallenge(c, 'bearer')?.params.realm, 'https://t/token');
    assert.equal(findChallenge(c, 'bearer')?.params.service, 's');
    // An unterminated quoted string takes the rest of the header as its value, and nothing else is invented.
    const u = parseChallenges('Bearer realm="https://t/token');
    assert.equal(u.length, 1);
    assert.equal(u[0].params.realm, 'https://t/token');
  });

  it('an empty quoted value is kept as empty, not dropped', () => {
    const c = parseChallenges('Bearer realm="",service="s"');
    assert.equal(c[0].params.realm, '');
    assert.equal(c[0].params.service, 's');
  });
});
