// Whose login a registry entry may carry (src/extension/model/login-route.ts), in plain node: an entry from the
// workspace's settings that routes the login elsewhere (apiUrl, a provider's API on another host) or over a
// connection an attacker could read (plain http off loopback, insecure, a caFile) gets no login until the user vouched
// for that exact route; everything else is as before. Examples, then generated entries (fast-check, fixed seed).
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { loginRoute, readSettings, riskyRoute, withheldLogin, type RegistrySetting } from '../../src/extension/model';

const workspace = (registries: unknown[], own: unknown[] = [], allowed: string[] = []) =>
  readSettings({ registries, vouchers: { source: 'workspace', own, allowed: new Set(allowed) } });

describe('a workspace entry that routes the login elsewhere gets none', () => {
  it('names each field that sends the login elsewhere, and nothing for the plain cases', () => {
    assert.deepEqual(riskyRoute({ url: 'https://registry.example.com' }, 'registry.example.com'), []);
    assert.deepEqual(riskyRoute({ url: 'http://127.0.0.1:5000' }, '127.0.0.1:5000'), [], 'plain http on loopback is nobody else’s');
    assert.deepEqual(riskyRoute({ url: 'ghcr.io', provider: 'ghcr' }, 'ghcr.io'), [], 'GHCR’s own API for ghcr.io');
    assert.deepEqual(riskyRoute({ url: 'docker.io', provider: 'dockerhub' }, 'registry-1.docker.io'), []);
    assert.deepEqual(riskyRoute({ url: 'harbor.example.com', provider: 'harbor' }, 'harbor.example.com'), [], 'Harbor’s API is on the registry');
    assert.deepEqual(
      riskyRoute({ url: 'http://registry.example.com', insecure: true, caFile: 'ca.pem', apiUrl: 'https://evil.example', provider: 'ghcr' }, 'registry.example.com'),
      ['plain http', 'insecure', 'caFile ca.pem', 'apiUrl https://evil.example', 'provider ghcr'],
    );
  });

  it('withholds it for a workspace entry with apiUrl, says why in the problems, and leaves the user’s own entries alone', () => {
    const entry = { url: 'ghcr.io', provider: 'ghcr', apiUrl: 'https://evil.example' };
    const fromWorkspace = workspace([entry]);
    assert.match(fromWorkspace.registries[0].loginWithheld ?? '', /^the workspace's settings give ghcr\.io apiUrl https:\/\/evil\.example; your login for ghcr\.io is not sent that way until you allow it/);
    assert.equal(fromWorkspace.problems.length, 1);
    assert.match(fromWorkspace.problems[0], /^registryExplorer\.registries: the workspace's settings give ghcr\.io apiUrl/);
    const fromUser = readSettings({ registries: [entry], vouchers: { source: 'user' } });
    assert.equal(fromUser.registries[0].loginWithheld, undefined);
    assert.equal(readSettings({ registries: [entry] }).registries[0].loginWithheld, undefined, 'no vouchers: the user’s settings');
  });

  it('sends it when the user’s own settings have the same route, or the user allowed it; not for another route', () => {
    const entry = { url: 'https://registry.example.com', insecure: true, repositories: ['team/app'] };
    assert.equal(workspace([entry], [{ url: 'registry.example.com', insecure: true }]).registries[0].loginWithheld, undefined, 'the user’s entry has it (repositories aside)');
    assert.ok(workspace([entry], [{ url: 'registry.example.com' }]).registries[0].loginWithheld, 'the user’s entry verifies TLS');
    const allowed = loginRoute({ url: 'registry.example.com', insecure: true, provider: 'auto' }, 'registry.example.com');
    assert.equal(workspace([entry], [], [allowed]).registries[0].loginWithheld, undefined);
    assert.ok(workspace([{ ...entry, caFile: 'x.pem' }], [], [allowed]).registries[0].loginWithheld, 'allowed was another route');
  });

  it('an entry the workspace shares without such fields keeps the login (a team’s list of registries)', () => {
    const s = workspace([{ url: 'registry.example.com', username: 'ci', repositories: ['a'] }, { url: 'http://localhost:5000' }]);
    assert.deepEqual(s.registries.map((r) => r.loginWithheld), [undefined, undefined]);
    assert.deepEqual(s.problems, []);
  });

  const arbHost = fc.constantFrom('registry.example.com', 'ghcr.io', 'registry-1.docker.io', '127.0.0.1:5000', 'localhost:5001', 'harbor.example.com:8443');
  const arbEntry = fc.record({
    host: arbHost,
    scheme: fc.constantFrom('', 'https://', 'http://'),
    insecure: fc.boolean(),
    caFile: fc.option(fc.constantFrom('ca.pem', '/etc/ssl/team.pem'), { nil: undefined }),
    apiUrl: fc.option(fc.constantFrom('https://evil.example', 'https://api.github.com', 'http://127.0.0.1:9'), { nil: undefined }),
    provider: fc.constantFrom('auto', 'distribution', 'acr', 'harbor', 'dockerhub', 'ghcr', 'gitlab'),
  });
  const setting = (e: { host: string; scheme: string; insecure: boolean; caFile?: string; apiUrl?: string; provider: string }): RegistrySetting => ({
    url: `${e.scheme}${e.host}`,
    insecure: e.insecure,
    caFile: e.caFile,
    apiUrl: e.apiUrl,
    provider: e.provider as RegistrySetting['provider'],
  });

  type Gen = { host: string; scheme: string; insecure: boolean; caFile?: string; apiUrl?: string; provider: string };
  const LOOPBACK = new Set(['127.0.0.1:5000', 'localhost:5001']);
  /** The oracle, written from the generated fields alone: does this entry send the login off the registry's own, verified route? */
  const riskyOracle = (e: Gen): boolean =>
    (e.scheme === 'http://' && !LOOPBACK.has(e.host)) ||
    e.insecure ||
    e.caFile !== undefined ||
    e.apiUrl !== undefined ||
    (e.provider === 'dockerhub' && e.host !== 'registry-1.docker.io') ||
    (e.provider === 'ghcr' && e.host !== 'ghcr.io');
  const sameRoute = (a: Gen, b: Gen): boolean =>
    a.host === b.host && (a.scheme === 'http://') === (b.scheme === 'http://') && a.insecure === b.insecure && a.caFile === b.caFile && a.apiUrl === b.apiUrl && a.provider === b.provider;

  // SAFETY: from the workspace, an entry is withheld exactly when its route is risky and neither the user's own
  // entry for that host (same route) nor an allowed route vouches for it; from the user's settings, never.
  it('withholds exactly the risky routes nobody vouched for (generated entries)', () => {
    fc.assert(
      fc.property(arbEntry, fc.option(arbEntry, { nil: undefined }), fc.boolean(), fc.boolean(), (e, o, sameHost, allow) => {
        const entry = setting(e);
        const ownGen = o ? { ...o, host: sameHost ? e.host : o.host } : undefined;
        const checked = readSettings({ registries: [entry] }).registries[0];
        const allowed = allow ? [loginRoute(checked, checked.key)] : [];
        const got = workspace([entry], ownGen ? [setting(ownGen)] : [], allowed).registries[0];
        const vouched = allow || (ownGen !== undefined && sameRoute(ownGen, e));
        assert.equal(got.loginWithheld !== undefined, riskyOracle(e) && !vouched, JSON.stringify({ e, ownGen, allow, got: got.loginWithheld }));
        assert.equal(readSettings({ registries: [entry], vouchers: { source: 'user', own: [], allowed: new Set() } }).registries[0].loginWithheld, undefined);
        assert.equal(withheldLogin(checked, checked.key, { source: 'user' }, new Map()), undefined);
      }),
      { seed: 20261130, numRuns: 500 },
    );
  });
});
