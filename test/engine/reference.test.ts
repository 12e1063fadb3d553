// References are pure values: every accepted form parses to the right parts, every bad one fails with
// BAD_INPUT naming the bad part.
import * as assert from 'node:assert/strict';
import { isRegistryError } from '../../src/registry/errors';
import {
  DOCKER_HUB,
  formatReference,
  isDigest,
  parseReference,
  parseRegistry,
  registryKey,
  shortDigest,
  validateDigest,
  validateRepository,
  validateTag,
} from '../../src/registry/reference';

const HEX64 = 'a'.repeat(64);
const D256 = `sha256:${HEX64}`;

/** Asserts BAD_INPUT whose message contains every one of `parts` (the bad part, quoted as the user wrote it). */
function assertBad(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRegistryError(e, 'BAD_INPUT'), `expected BAD_INPUT, got ${String(e)}`);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message "${e.message}" does not name ${p}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

describe('references', () => {
  describe('parseReference: accepted forms', () => {
    it('host:port/repo:tag', () => {
      assert.deepEqual(parseReference('localhost:5000/app:1.0.0'), { host: 'localhost:5000', scheme: undefined, repository: 'app', tag: '1.0.0', digest: undefined });
    });

    it('nested repository paths and a digest without a tag', () => {
      const r = parseReference(`registry.example.com/team/sub/api@${D256}`);
      assert.equal(r.host, 'registry.example.com');
      assert.equal(r.repository, 'team/sub/api');
      assert.equal(r.tag, undefined);
      assert.equal(r.digest, D256);
    });

    it('tag and digest together', () => {
      const r = parseReference(`localhost:5000/app:v1@${D256}`);
      assert.equal(r.tag, 'v1');
      assert.equal(r.digest, D256);
    });

    it('schemes: http and https kept, case-insensitive, the host lower-cased', () => {
      assert.equal(parseReference('http://localhost:5000/app').scheme, 'http');
      assert.equal(parseReference('HTTPS://Registry.Example.COM/app:1').scheme, 'https');
      assert.equal(parseReference('HTTPS://Registry.Example.COM/app:1').host, 'registry.example.com');
      assert.equal(parseReference('localhost:5000/app').scheme, undefined);
    });

    it('a scheme makes the first component a host even without a dot or port', () => {
      const r = parseReference('http://myregistry/app:1');
      assert.equal(r.host, 'myregistry');
      assert.equal(r.repository, 'app');
    });

    it('ports: 1 and 65535 are valid; localhost without a port is a host', () => {
      assert.equal(parseReference('localhost:1/a').host, 'localhost:1');
      assert.equal(parseReference('localhost:65535/a').host, 'localhost:65535');
      assert.equal(parseReference('localhost/a').host, 'localhost');
      assert.equal(parseReference('localhost/a').repository, 'a');
    });

    it('IPv6 loopback with a port and a tag', () => {
      const r = parseReference('[::1]:5000/app:v2');
      assert.equal(r.host, '[::1]:5000');
      assert.equal(r.repository, 'app');
      assert.equal(r.tag, 'v2');
    });

    it('separators inside repository components: . _ __ and runs of -', () => {
      for (const name of ['a.b', 'a_b', 'a__b', 'a-b', 'a---b', 'team/my.app_x__y-z']) {
        assert.equal(parseReference(`localhost:5000/${name}`).repository, name);
      }
    });

    it('the longest valid tag (128 characters) and tags with _ . - inside', () => {
      const tag = `x${'y'.repeat(127)}`;
      assert.equal(parseReference(`localhost:5000/app:${tag}`).tag, tag);
      assert.equal(parseReference('localhost:5000/app:_under.score-dash').tag, '_under.score-dash');
      assert.equal(parseReference('localhost:5000/app:UPPER').tag, 'UPPER');
    });

    it('whitespace around the reference is ignored', () => {
      assert.equal(parseReference('  localhost:5000/app:1  ').tag, '1');
    });
  });

  describe('Docker Hub normalisation', () => {
    it('a bare name is library/<name> on registry-1.docker.io', () => {
      assert.deepEqual(parseReference('nginx'), { host: DOCKER_HUB, scheme: undefined, repository: 'library/nginx', tag: undefined, digest: undefined });
      assert.equal(parseReference('nginx:1.27').tag, '1.27');
    });

    it('user/repo without a host is on Docker Hub, without library/', () => {
      const r = parseReference('bitnami/redis:7');
      assert.equal(r.host, DOCKER_HUB);
      assert.equal(r.repository, 'bitnami/redis');
    });

    it('docker.io, index.docker.io, registry.hub.docker.com and registry-1.docker.io are one host', () => {
      for (const host of ['docker.io', 'index.docker.io', 'registry.hub.docker.com', 'registry-1.docker.io', 'Docker.IO']) {
        const r = parseReference(`${host}/nginx:latest`);
        assert.equal(r.host, DOCKER_HUB, host);
        assert.equal(r.repository, 'library/nginx', host);
      }
      assert.equal(parseReference('docker.io/library/nginx').repository, 'library/nginx');
      assert.equal(parseReference('index.docker.io/user/app').repository, 'user/app');
    });

    it('parseRegistry normalises the Hub aliases too, and formatReference writes docker.io', () => {
      assert.equal(parseRegistry('index.docker.io').host, DOCKER_HUB);
      assert.equal(formatReference(parseReference('nginx:1')), 'docker.io/library/nginx:1');
    });

    it('other registries never get library/', () => {
      assert.equal(parseReference('ghcr.io/nginx').repository, 'nginx');
      assert.equal(parseReference('localhost:5000/nginx').repository, 'nginx');
    });
  });

  describe('parseReference: bad input names the bad part', () => {
    it('empty', () => {
      assertBad(() => parseReference(''), 'empty');
      assertBad(() => parseReference('   '), 'empty');
    });

    it('an upper-case repository component', () => {
      assertBad(() => parseReference('localhost:5000/Team/app:1'), '"Team"', 'repository name component');
    });

    it('an empty component (double slash) and a trailing slash', () => {
      assertBad(() => parseReference('localhost:5000/team//app'), '""', 'repository name component');
      assertBad(() => parseReference('localhost:5000/app/'), '""');
    });

    it('separators at the ends or doubled wrongly', () => {
      for (const bad of ['-app', 'app-', '.app', 'a..b', 'a___b', 'a_-b']) {
        assertBad(() => parseReference(`localhost:5000/${bad}`), `"${bad}"`);
      }
    });

    it('a repository longer than 255 characters', () => {
      assertBad(() => parseReference(`localhost:5000/${'a'.repeat(256)}`), 'longer than 255');
      assert.equal(parseReference(`localhost:5000/${'a'.repeat(255)}`).repository.length, 255);
    });

    it('a tag that starts with . or -, is too long, is empty, or holds a bad character', () => {
      assertBad(() => parseReference('localhost:5000/app:.hidden'), 'tag ".hidden"');
      assertBad(() => parseReference('localhost:5000/app:-x'), 'tag "-x"');
      assertBad(() => parseReference(`localhost:5000/app:${'t'.repeat(129)}`), `tag "${'t'.repeat(129)}"`);
      assertBad(() => parseReference('localhost:5000/app:'), 'tag ""');
      assertBad(() => parseReference('localhost:5000/app:a+b'), 'tag "a+b"');
    });

    it('digests: wrong length for the algorithm, upper-case hex, no hex, no algorithm', () => {
      assertBad(() => parseReference('localhost:5000/app@sha256:abc'), 'sha256', 'must be 64', 'got 3');
      assertBad(() => parseReference(`localhost:5000/app@sha256:${'a'.repeat(65)}`), 'got 65');
      assertBad(() => parseReference(`localhost:5000/app@sha256:${'A'.repeat(64)}`), 'lowercase hex');
      assertBad(() => parseReference(`localhost:5000/app@sha512:${'a'.repeat(64)}`), 'sha512', 'must be 128', 'got 64');
      assertBad(() => parseReference(`localhost:5000/app@sha384:${'a'.repeat(64)}`), 'must be 96');
      assertBad(() => parseReference('localhost:5000/app@sha256:'), '"sha256:"', 'not a digest');
      assertBad(() => parseReference(`localhost:5000/app@${HEX64}`), `"${HEX64}"`, 'not a digest');
      assertBad(() => parseReference('localhost:5000/app@'), 'not a digest');
    });

    it('valid sha512 and sha384 digests are accepted', () => {
      assert.equal(parseReference(`localhost:5000/app@sha512:${'b'.repeat(128)}`).digest, `sha512:${'b'.repeat(128)}`);
      assert.equal(parseReference(`localhost:5000/app@sha384:${'c'.repeat(96)}`).digest, `sha384:${'c'.repeat(96)}`);
    });

    it('ports: out of range or not a number', () => {
      assertBad(() => parseReference('localhost:99999/app'), 'port 99999', 'out of range');
      assertBad(() => parseReference('localhost:0/app'), 'port 0');
      assertBad(() => parseReference('localhost:123456/app'), '"localhost:123456"', 'not a valid registry host');
      assertBad(() => parseReference('localhost:50a0/app'), '"localhost:50a0"');
    });

    it('a host with a bad character', () => {
      assertBad(() => parseReference('my_host.example.com/app'), '"my_host.example.com"', 'not a valid registry host');
      assertBad(() => parseReference('-bad.example.com/app'), '"-bad.example.com"');
    });

    it('schemes other than http and https', () => {
      assertBad(() => parseReference('ftp://localhost:5000/app'), '"ftp://"', 'not a registry scheme');
      assertBad(() => parseReference('docker://localhost:5000/app'), '"docker://"');
    });

    it('a scheme and host with no repository', () => {
      assertBad(() => parseReference('http://localhost:5000'), 'names no repository');
      assertBad(() => parseReference('http://localhost:5000/'), /names no repository|""/);
    });
  });

  // Issue "Safety holes", items 6, 9 and 10: each of these failed on the parser before the fix.
  describe('safety holes: grammar, digest algorithms, logins in the address', () => {
    const PASSWORD = 'Hunter2-s3cret';
    const LOGIN = `alice:${PASSWORD}`;

    /** BAD_INPUT about a login in the address, whose message and fix never show the password or the login. */
    function assertLoginRefused(fn: () => unknown): void {
      assert.throws(fn, (e: unknown) => {
        assert.ok(isRegistryError(e, 'BAD_INPUT'), `expected BAD_INPUT, got ${String(e)}`);
        const text = `${e.message} ${e.fix ?? ''}`;
        assert.ok(!text.includes(PASSWORD), `the password leaked: ${text}`);
        assert.ok(!text.includes(LOGIN), `the login leaked: ${text}`);
        assert.match(e.message, /credentials do not belong in the address/);
        assert.match(e.fix ?? '', /give the login separately/);
        assert.doesNotMatch(text, /--|button/i, 'the engine names no flag or button');
        return true;
      });
    }

    it('an upper-case first component names a host (lower-cased), as the grammar splits it', () => {
      assert.deepEqual(parseReference('Foo/bar'), { host: 'foo', scheme: undefined, repository: 'bar', tag: undefined, digest: undefined });
      const r = parseReference('LOCALDOMAIN/debian:12');
      assert.equal(r.host, 'localdomain');
      assert.equal(r.repository, 'debian');
      assert.equal(r.tag, '12');
    });

    it('a bracketed IPv6 host holds hex digits and colons only, no dots', () => {
      assertBad(() => parseReference('[2001:db8:3:4::192.0.2.33]:5000/debian'), '"[2001:db8:3:4::192.0.2.33]:5000"', 'not a valid registry host');
      assertBad(() => parseRegistry('[::ffff:10.0.0.1]:5000'), 'not a valid registry host');
    });

    it('a bare 64-hex name is refused as an image ID, not read as a Docker Hub repository', () => {
      const id = '7d9495f2d2d5ad6d3b8e5a06a6cbb4c8a1f7b4ad1c8bc1b3e3f7d6f7e2b1a0c9';
      assertBad(() => parseReference(id), `"${id}"`, 'image ID');
      assert.equal(parseReference(`docker.io/${id}`).repository, `library/${id}`);
    });

    it('digest algorithms other than sha256, sha384 and sha512 are bad input, naming the supported ones', () => {
      const md5 = `md5:${'0'.repeat(32)}`;
      assertBad(() => parseReference(`localhost:5000/app@${md5}`), '"md5"', 'sha256, sha384 and sha512');
      assertBad(() => validateDigest(md5), 'not supported', 'sha256, sha384 and sha512');
      assertBad(() => validateDigest(`sha1:${'0'.repeat(40)}`), '"sha1"');
      assertBad(() => validateDigest(`SHA256:${HEX64}`), '"SHA256"', 'not supported');
      assert.equal(isDigest(md5), false);
    });

    it('user info in a reference is refused, and the password never appears in the message or fix', () => {
      assertLoginRefused(() => parseReference(`https://${LOGIN}@registry.example.com/app`));
      assertLoginRefused(() => parseReference(`${LOGIN}@localhost:5000/app:1`));
      assertLoginRefused(() => parseReference(`http://${LOGIN}@localhost:5000`));
      assertLoginRefused(() => parseReference(`${LOGIN}@localhost:5000`));
      assertLoginRefused(() => parseReference(`alice:pass/${PASSWORD}@localhost:5000/app`));
    });

    it('user info in a registry address is refused by parseRegistry and registryKey, the password unquoted', () => {
      assertLoginRefused(() => parseRegistry(`https://${LOGIN}@registry.example.com`));
      assertLoginRefused(() => parseRegistry(`${LOGIN}@localhost:5000`));
      assertLoginRefused(() => registryKey(`https://${LOGIN}@index.docker.io/v1/`));
      assertLoginRefused(() => registryKey(`https://alice:a/${PASSWORD}@host/v1/`));
    });

    it('no other message quotes a password either', () => {
      // With a '/' in the password and no path, the '@' sits where a digest would; the part before it is left out.
      assert.throws(
        () => parseReference(`alice:x/${PASSWORD}@localhost:5000`),
        (e: unknown) => isRegistryError(e, 'BAD_INPUT') && !`${e.message} ${e.fix}`.includes(PASSWORD),
      );
    });

    it('registryKey still takes docker-config server URLs with a path', () => {
      assert.equal(registryKey('https://index.docker.io/v1/'), DOCKER_HUB);
      assert.equal(registryKey('http://LOCALHOST:5000/'), 'localhost:5000');
    });
  });

  describe('parseRegistry', () => {
    it('host, host:port and URLs with a trailing slash', () => {
      assert.deepEqual(parseRegistry('localhost:5000'), { host: 'localhost:5000', scheme: undefined });
      assert.deepEqual(parseRegistry('http://127.0.0.1:5000/'), { host: '127.0.0.1:5000', scheme: 'http' });
      assert.deepEqual(parseRegistry('https://GHCR.io'), { host: 'ghcr.io', scheme: 'https' });
    });

    it('rejects an empty registry, a path, a bad scheme and a bad port, naming them', () => {
      assertBad(() => parseRegistry(' '), 'empty');
      assertBad(() => parseRegistry('localhost:5000/team'), '"localhost:5000/team"', 'has a path');
      assertBad(() => parseRegistry('ssh://host'), '"ssh://"');
      assertBad(() => parseRegistry('localhost:70000'), 'port 70000');
      assertBad(() => parseRegistry('bad host'), '"bad host"');
    });
  });

  describe('validators and helpers', () => {
    it('validateDigest / isDigest', () => {
      assert.equal(isDigest(D256), true);
      assert.equal(isDigest('sha256:xyz'), false);
      assert.equal(isDigest('latest'), false);
      assert.doesNotThrow(() => validateDigest(D256));
      assertBad(() => validateDigest('sha256:12', 'repo@sha256:12'), '"repo@sha256:12"', 'got 2');
    });

    it('validateTag and validateRepository name the bad value', () => {
      assert.doesNotThrow(() => validateTag('v1.2.3-rc.1'));
      assertBad(() => validateTag('a/b'), 'tag "a/b"');
      assert.doesNotThrow(() => validateRepository('team/app'));
      assertBad(() => validateRepository(''), 'names no repository');
      assertBad(() => validateRepository('team/App'), '"App"');
    });

    it('formatReference round-trips a parsed reference (scheme left out)', () => {
      for (const s of ['localhost:5000/app:1.0.0', `ghcr.io/org/app@${D256}`, `localhost:5000/a/b:t@${D256}`]) {
        assert.equal(formatReference(parseReference(s)), s);
      }
      assert.equal(formatReference(parseReference('http://localhost:5000/app:1')), 'localhost:5000/app:1');
    });

    it('shortDigest keeps the algorithm and 12 hex characters', () => {
      assert.equal(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`), 'sha256:0123456789ab');
      assert.equal(shortDigest(`sha256:${'0123456789abcdef'.repeat(4)}`, 4), 'sha256:0123');
      assert.equal(shortDigest('abcdefabcdefabcdef'), 'abcdefabcdef');
    });
  });
});
