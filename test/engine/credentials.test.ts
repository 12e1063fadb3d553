// Credentials: real docker config files in a temp folder, and a real credential helper program
// (docker-credential-regxtest, a shell script) found through PATH, speaking the docker helper protocol.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  dockerConfigCredentialSource,
  dockerConfigPath,
  listDockerConfigRegistries,
  lookupDockerCredential,
  type DockerConfigOptions,
} from '../../src/credentials/docker-config';
import { chainCredentialSources } from '../../src/credentials/chain';
import { ciTokenCredentialSource } from '../../src/credentials/ci-tokens';
import { memoryCredentialStore, toCredentialSource } from '../../src/credentials/store';
import { registryKey as credentialKey } from '../../src/registry/reference';
import { isRegistryError, RegistryError } from '../../src/registry/errors';
import { DOCKER_HUB } from '../../src/registry/reference';
import type { Credential, Logger } from '../../src/registry/types';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

// Secrets used below; every error and log line is checked not to contain any of them.
const SECRETS = ['hub-pass-1', 'local-pass-2', 'id-token-3', 'reg-token-4', 'helper-secret-5', 'helper-token-6', 'url-key-secret-7'];

function assertNoSecret(text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `a secret leaked into: ${text}`);
}

/** The helper: answers from a table of server URL → line, logs every call, can fail, hang or say "not found". */
const HELPER_SCRIPT = `#!/bin/sh
# docker-credential-regxtest: a test credential helper speaking the docker protocol.
dir="$(dirname "$0")"
read -r url || true
echo "$1 $url" >> "$dir/calls.log"
case "$REGXTEST_MODE" in
  fail) echo "something broke" >&2; exit 3 ;;
  hang) exec sleep 30 ;;
  garbage) echo "not json at all helper-secret-5"; exit 0 ;;
esac
if [ "$1" = "list" ]; then
  printf '%s' "$(cat "$dir/list.json" 2>/dev/null || echo '{}')"
  exit 0
fi
line="$(awk -F '\t' -v u="$url" '$1 == u { print $2; exit }' "$dir/store.tsv")"
if [ -z "$line" ]; then
  echo "credentials not found in native keychain"
  exit 1
fi
printf '%s' "$line"
`;

describe('credentials', () => {
  let dir: string;
  let binDir: string;
  let env: NodeJS.ProcessEnv;
  let warnings: string[];
  let logger: Logger;

  function writeConfig(content: unknown): string {
    const path = join(dir, 'docker', 'config.json');
    mkdirSync(join(dir, 'docker'), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  function helperStore(rows: Record<string, { Username: string; Secret: string }>): void {
    const lines = Object.entries(rows).map(([url, v]) => `${url}\t${JSON.stringify({ ServerURL: url, ...v })}`);
    writeFileSync(join(binDir, 'store.tsv'), lines.join('\n') + '\n');
  }

  function calls(): string[] {
    try {
      return readFileSync(join(binDir, 'calls.log'), 'utf8').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  function opts(extra: Partial<DockerConfigOptions> = {}): DockerConfigOptions {
    return { configPath: join(dir, 'docker', 'config.json'), env, logger, helperTimeoutMs: 5000, ...extra };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'regx-cred-'));
    binDir = join(dir, 'bin');
    mkdirSync(binDir);
    const helper = join(binDir, 'docker-credential-regxtest');
    writeFileSync(helper, HELPER_SCRIPT);
    chmodSync(helper, 0o755);
    helperStore({});
    env = { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? '/usr/bin:/bin'}` };
    delete env.REGXTEST_MODE;
    warnings = [];
    logger = { trace: () => undefined, debug: () => undefined, warn: (m) => warnings.push(m) };
  });

  afterEach(() => {
    for (const w of warnings) assertNoSecret(w);
    rmSync(dir, { recursive: true, force: true });
  });

  describe('docker config file', () => {
    it('finds the config through DOCKER_CONFIG, then HOME', () => {
      assert.equal(dockerConfigPath({ env: { DOCKER_CONFIG: '/x/y' } }), join('/x/y', 'config.json'));
      assert.equal(dockerConfigPath({ env: { HOME: '/home/u' } }), join('/home/u', '.docker', 'config.json'));
      assert.equal(dockerConfigPath({ configPath: '/a/b.json', env: { DOCKER_CONFIG: '/x' } }), '/a/b.json');
    });

    it('reads DOCKER_CONFIG from the given environment', async () => {
      writeConfig({ auths: { 'localhost:5000': { auth: b64('bob:local-pass-2') } } });
      const c = await lookupDockerCredential('localhost:5000', { env: { ...env, DOCKER_CONFIG: join(dir, 'docker') } });
      assert.deepEqual(c, { username: 'bob', password: 'local-pass-2' });
    });

    it('decodes auths: base64 auth, username/password, identitytoken, registrytoken', async () => {
      writeConfig({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub-pass-1') },
          'localhost:5000': { username: 'bob', password: 'local-pass-2' },
          'ghcr.io': { auth: b64('ann:'), identitytoken: 'id-token-3' },
          'http://127.0.0.1:6000': { registrytoken: 'reg-token-4' },
          'quay.io': {},
        },
      });
      const source = dockerConfigCredentialSource(opts());
      assert.deepEqual(await source(DOCKER_HUB), { username: 'hubuser', password: 'hub-pass-1' });
      assert.deepEqual(await source('docker.io'), { username: 'hubuser', password: 'hub-pass-1' });
      assert.deepEqual(await source('localhost:5000'), { username: 'bob', password: 'local-pass-2' });
      assert.deepEqual(await source('LOCALHOST:5000'), { username: 'bob', password: 'local-pass-2' });
      assert.deepEqual(await source('ghcr.io'), { username: 'ann', password: '', identityToken: 'id-token-3' });
      assert.deepEqual(await source('127.0.0.1:6000'), { registryToken: 'reg-token-4' });
      assert.equal(await source('127.0.0.1:6001'), undefined, 'another port is another registry');
      assert.equal(await source('quay.io'), undefined, 'an empty entry is no login');
      assert.equal(await source('example.com'), undefined);
    });

    it('matches URL keys with paths and schemes by host', async () => {
      writeConfig({ auths: { 'https://registry.example.com:8443/v2/': { auth: b64('u:url-key-secret-7') } } });
      assert.deepEqual(await lookupDockerCredential('registry.example.com:8443', opts()), { username: 'u', password: 'url-key-secret-7' });
      assert.equal(await lookupDockerCredential('registry.example.com', opts()), undefined);
    });

    it('has no credential when there is no config file', async () => {
      assert.equal(await lookupDockerCredential('localhost:5000', opts()), undefined);
      assert.deepEqual(await listDockerConfigRegistries(opts()), []);
    });

    it('rejects malformed JSON with BAD_INPUT naming the file, not the content', async () => {
      const path = writeConfig('{"auths": {"localhost:5000": {"auth": "hub-pass-1" ');
      for (const attempt of [() => lookupDockerCredential('localhost:5000', opts()), () => listDockerConfigRegistries(opts())]) {
        await assert.rejects(attempt(), (e: unknown) => {
          assert.ok(isRegistryError(e, 'BAD_INPUT'));
          assert.equal(e.message, `the docker config ${path} is not valid JSON`);
          assert.match(e.fix ?? '', /docker login/);
          assertNoSecret(`${e.message} ${e.fix} ${String(e.cause)}`);
          return true;
        });
      }
    });

    it('rejects a config of the wrong shape and a bad auth value without quoting them', async () => {
      writeConfig(['hub-pass-1']);
      await assert.rejects(lookupDockerCredential('x.io', opts()), (e: unknown) => isRegistryError(e, 'BAD_INPUT') && /is not a JSON object/.test(e.message));
      writeConfig({ auths: { 'x.io': 'hub-pass-1' } });
      await assert.rejects(lookupDockerCredential('x.io', opts()), (e: unknown) => isRegistryError(e, 'BAD_INPUT') && /"auths"/.test(e.message) && !e.message.includes('hub-pass-1'));
      writeConfig({ auths: { 'x.io': { auth: b64('no-colon-hub-pass-1') } } });
      await assert.rejects(lookupDockerCredential('x.io', opts()), (e: unknown) => {
        assert.ok(isRegistryError(e, 'BAD_INPUT'));
        assert.match(e.message, /"auth" for x\.io .* is not base64 of user:password/);
        assertNoSecret(e.message);
        return true;
      });
      writeConfig({ credsStore: '../../bin/sh' });
      await assert.rejects(lookupDockerCredential('x.io', opts()), (e: unknown) => isRegistryError(e, 'BAD_INPUT') && /not a plain name/.test(e.message));
    });
  });

  describe('credential helpers (a real helper program)', () => {
    it('asks credHelpers[host] with the host on stdin', async () => {
      writeConfig({ credHelpers: { 'localhost:5000': 'regxtest' }, auths: {} });
      helperStore({ 'localhost:5000': { Username: 'carol', Secret: 'helper-secret-5' } });
      assert.deepEqual(await lookupDockerCredential('localhost:5000', opts()), { username: 'carol', password: 'helper-secret-5' });
      assert.deepEqual(calls(), ['get localhost:5000']);
    });

    it('reads an identity token when Username is <token>', async () => {
      writeConfig({ credsStore: 'regxtest' });
      helperStore({ 'ghcr.io': { Username: '<token>', Secret: 'helper-token-6' } });
      assert.deepEqual(await lookupDockerCredential('ghcr.io', opts()), { identityToken: 'helper-token-6' });
    });

    it('asks credsStore for Docker Hub under https://index.docker.io/v1/', async () => {
      writeConfig({ credsStore: 'regxtest', auths: { 'https://index.docker.io/v1/': {} } });
      helperStore({ 'https://index.docker.io/v1/': { Username: 'hubuser', Secret: 'helper-secret-5' } });
      assert.deepEqual(await lookupDockerCredential('docker.io', opts()), { username: 'hubuser', password: 'helper-secret-5' });
      assert.deepEqual(calls(), ['get https://index.docker.io/v1/']);
    });

    it('finds a login the helper stored under a URL through list', async () => {
      writeConfig({ credsStore: 'regxtest' });
      helperStore({ 'https://localhost:5000': { Username: 'dave', Secret: 'helper-secret-5' } });
      writeFileSync(join(binDir, 'list.json'), JSON.stringify({ 'https://localhost:5000': 'dave', 'other.io': 'x' }));
      assert.deepEqual(await lookupDockerCredential('localhost:5000', opts()), { username: 'dave', password: 'helper-secret-5' });
      assert.deepEqual(calls(), ['get localhost:5000', 'list ', 'get https://localhost:5000']);
    });

    it('treats "credentials not found" as no login and then uses auths', async () => {
      writeConfig({ credsStore: 'regxtest', auths: { 'localhost:5000': { auth: b64('bob:local-pass-2') } } });
      assert.deepEqual(await lookupDockerCredential('localhost:5000', opts()), { username: 'bob', password: 'local-pass-2' });
      assert.equal(await lookupDockerCredential('elsewhere.io', opts()), undefined);
      assert.deepEqual(warnings, []);
    });

    it('prefers the per-host helper over credsStore', async () => {
      writeFileSync(join(binDir, 'docker-credential-other'), '#!/bin/sh\necho "other was called" >> "$(dirname "$0")/calls.log"\nexit 1\n');
      chmodSync(join(binDir, 'docker-credential-other'), 0o755);
      writeConfig({ credsStore: 'other', credHelpers: { 'localhost:5000': 'regxtest' } });
      helperStore({ 'localhost:5000': { Username: 'carol', Secret: 'helper-secret-5' } });
      assert.deepEqual(await lookupDockerCredential('localhost:5000', opts()), { username: 'carol', password: 'helper-secret-5' });
      assert.deepEqual(calls(), ['get localhost:5000']);
    });

    it('takes a helper that exits with an error as no login, with a warning naming host and helper', async () => {
      writeConfig({ credHelpers: { 'localhost:5000': 'regxtest' } });
      helperStore({ 'localhost:5000': { Username: 'carol', Secret: 'helper-secret-5' } });
      env.REGXTEST_MODE = 'fail';
      assert.equal(await lookupDockerCredential('localhost:5000', opts()), undefined);
      assert.deepEqual(warnings, ['credential helper for localhost:5000: docker-credential-regxtest get exited with code 3; going on without its login']);
    });

    it('fails a per-host helper that prints garbage with an error naming host and helper only', async () => {
      writeConfig({ credHelpers: { 'localhost:5000': 'regxtest' } });
      env.REGXTEST_MODE = 'garbage';
      await assert.rejects(lookupDockerCredential('localhost:5000', opts()), (e: unknown) => {
        assert.ok(isRegistryError(e, 'UNAUTHORIZED'));
        assert.equal(e.message, 'could not get the login for localhost:5000: docker-credential-regxtest get did not print JSON');
        assert.match(e.fix ?? '', /docker-credential-regxtest/);
        assertNoSecret(`${e.message} ${e.fix}`);
        return true;
      });
    });

    it('times out a helper that hangs', async () => {
      writeConfig({ credHelpers: { 'localhost:5000': 'regxtest' } });
      env.REGXTEST_MODE = 'hang';
      const started = Date.now();
      await assert.rejects(lookupDockerCredential('localhost:5000', opts({ helperTimeoutMs: 300 })), /docker-credential-regxtest did not answer within 300 ms/);
      assert.ok(Date.now() - started < 5000);
    });

    it('falls back to the file login when the helper fails, with a warning', async () => {
      writeConfig({ credHelpers: { 'localhost:5000': 'regxtest' }, auths: { 'localhost:5000': { auth: b64('bob:local-pass-2') } } });
      env.REGXTEST_MODE = 'hang';
      assert.deepEqual(await lookupDockerCredential('localhost:5000', opts({ helperTimeoutMs: 300 })), { username: 'bob', password: 'local-pass-2' });
      assert.deepEqual(warnings, ['credential helper for localhost:5000: docker-credential-regxtest did not answer within 300 ms; using the login in the docker config file instead']);
      // A helper that says "no" also leaves the file login in charge.
      env.REGXTEST_MODE = 'fail';
      assert.deepEqual(await lookupDockerCredential('localhost:5000', opts()), { username: 'bob', password: 'local-pass-2' });
    });

    it('does not let a missing global credsStore break registries without a login', async () => {
      writeConfig({ credsStore: 'desktop-missing' });
      assert.equal(await lookupDockerCredential('localhost:5000', opts()), undefined);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /docker-credential-desktop-missing is not on PATH/);
      // A per-host helper that is missing is an error.
      writeConfig({ credHelpers: { 'localhost:5000': 'desktop-missing' } });
      await assert.rejects(lookupDockerCredential('localhost:5000', opts()), /could not get the login for localhost:5000: docker-credential-desktop-missing is not on PATH/);
    });
  });

  describe('listing the registries of the docker config', () => {
    it('lists hosts from auths and credHelpers, normalised, without secrets', async () => {
      writeConfig({
        credsStore: 'regxtest',
        credHelpers: { 'gcr.io': 'gcloud', 'localhost:5000': 'regxtest' },
        auths: {
          'https://index.docker.io/v1/': {},
          'docker.io': {},
          'localhost:5000': {},
          'http://127.0.0.1:6000': { auth: b64('u:local-pass-2') },
        },
      });
      const list = await listDockerConfigRegistries(opts());
      assert.deepEqual(list, [
        { host: '127.0.0.1:6000', serverURL: 'http://127.0.0.1:6000', store: 'file' },
        { host: 'gcr.io', serverURL: 'gcr.io', store: 'helper', helper: 'gcloud' },
        { host: 'localhost:5000', serverURL: 'localhost:5000', store: 'helper', helper: 'regxtest' },
        { host: DOCKER_HUB, serverURL: 'https://index.docker.io/v1/', store: 'helper', helper: 'regxtest' },
      ]);
      assertNoSecret(JSON.stringify(list));
      assert.deepEqual(calls(), [], 'listing runs no helper');
    });
  });

  describe('store and chain', () => {
    it('stores by normalised host and serves as a credential source', async () => {
      const store = memoryCredentialStore();
      await store.set('http://LOCALHOST:5000/', { username: 'a', password: 'local-pass-2' });
      await store.set('docker.io', { identityToken: 'id-token-3' });
      const source = toCredentialSource(store);
      assert.deepEqual(await source('localhost:5000'), { username: 'a', password: 'local-pass-2' });
      assert.deepEqual(await source(DOCKER_HUB), { identityToken: 'id-token-3' });
      assert.equal(credentialKey('https://index.docker.io/v1/'), DOCKER_HUB);
      const got = (await store.get('localhost:5000'))!;
      got.password = 'changed';
      assert.equal((await store.get('localhost:5000'))!.password, 'local-pass-2', 'the store hands out copies');
      await store.delete('localhost:5000');
      assert.equal(await source('localhost:5000'), undefined);
      await store.set('empty.io', {});
      assert.equal(await source('empty.io'), undefined, 'an empty credential is none');
    });

    it('returns the first source that has a credential', async () => {
      const asked: string[] = [];
      const src = (name: string, c?: Credential) => async (host: string) => {
        asked.push(`${name}:${host}`);
        return c;
      };
      const chain = chainCredentialSources(src('a'), undefined, src('b', { username: 'x', password: 'local-pass-2' }), src('c', { registryToken: 'reg-token-4' }));
      assert.deepEqual(await chain('h.io'), { username: 'x', password: 'local-pass-2' });
      assert.deepEqual(asked, ['a:h.io', 'b:h.io']);
      assert.equal(await chainCredentialSources(src('a'))('h.io'), undefined);
    });

    it('lets a later source answer when an earlier one fails, and raises the failure when none answers', async () => {
      const broken = async (): Promise<Credential | undefined> => {
        throw new RegistryError('BAD_INPUT', 'the docker config is not valid JSON');
      };
      const saved = memoryCredentialStore({ 'h.io': { username: 'x', password: 'local-pass-2' } });
      assert.deepEqual(await chainCredentialSources(broken, toCredentialSource(saved))('h.io'), { username: 'x', password: 'local-pass-2' });
      await assert.rejects(chainCredentialSources(broken, toCredentialSource(saved))('other.io'), /not valid JSON/);
    });

    it('chains the docker config behind a store', async () => {
      writeConfig({ auths: { 'localhost:5000': { auth: b64('bob:local-pass-2') } } });
      const store = memoryCredentialStore({ 'ghcr.io': { registryToken: 'reg-token-4' } });
      const chain = chainCredentialSources(toCredentialSource(store), dockerConfigCredentialSource(opts()));
      assert.deepEqual(await chain('ghcr.io'), { registryToken: 'reg-token-4' });
      assert.deepEqual(await chain('localhost:5000'), { username: 'bob', password: 'local-pass-2' });
      assert.equal(await chain('nobody.io'), undefined);
    });
  });
});

describe('credentials: a CI job’s own tokens, as the last resort', () => {
  it('GITHUB_TOKEN (else GH_TOKEN) for ghcr.io only, with GITHUB_ACTOR as the user', async () => {
    const source = ciTokenCredentialSource({ GITHUB_TOKEN: 'ghs_job', GH_TOKEN: 'gho_cli', GITHUB_ACTOR: 'octo' });
    assert.deepEqual(await source('ghcr.io'), { username: 'octo', password: 'ghs_job' });
    assert.equal(await source('registry.example.com'), undefined, 'never to another registry');
    assert.deepEqual(await ciTokenCredentialSource({ GH_TOKEN: 'gho_cli' })('ghcr.io'), { username: 'token', password: 'gho_cli' });
  });

  it('CI_JOB_TOKEN for the job’s own registry (CI_REGISTRY) only, as gitlab-ci-token', async () => {
    const source = ciTokenCredentialSource({ CI_JOB_TOKEN: 'job-secret', CI_REGISTRY: 'registry.gitlab.example.com' });
    assert.deepEqual(await source('registry.gitlab.example.com'), { username: 'gitlab-ci-token', password: 'job-secret' });
    assert.equal(await source('ghcr.io'), undefined);
    assert.equal(await ciTokenCredentialSource({ CI_JOB_TOKEN: 'job-secret' })('registry.gitlab.com'), undefined, 'no CI_REGISTRY: nowhere');
  });
});
