// Our parser against the distribution reference grammar, case by case.
//
// The cases were derived from the published test tables of github.com/distribution/reference — reference_test.go,
// normalize_test.go and regexp_test.go — and re-stated here as our own table: each input with the outcome our
// parseReference / parseRegistry / validateTag / validateDigest must give. No code or text was copied.
//
// How their outcomes map to ours:
// - We parse the normalised way (their ParseNormalizedNamed): a first component names a host only if it holds '.' or
//   ':', is `localhost`, or is not all lower-case; otherwise the name is on Docker Hub. So where their plain regexp
//   tests split `simple/name` into domain `simple` and path `name`, ours puts `simple/name` on Docker Hub.
// - Docker Hub is registry-1.docker.io (their docker.io); a one-component Hub name gets `library/`, also for every
//   Hub alias (docker.io, index.docker.io, registry-1.docker.io, registry.hub.docker.com).
// - Hosts are lower-cased (their domain keeps its case).
// - We support sha256, sha384 and sha512 digests only, each with exactly its number of lower-case hex characters.
// - Ports must be 1–65535 (their regexp takes any run of digits and leaves the range to later validation).
// - An http:// or https:// scheme in front is ours too: it makes the first component a host.
import * as assert from 'node:assert/strict';
import { isRegistryError } from '../../src/registry/errors';
import { DOCKER_HUB, parseReference, parseRegistry, validateDigest, validateTag } from '../../src/registry/reference';

interface Parsed {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** A case: an input and either what it parses to, or BAD (BAD_INPUT). `why` says what the case is about. */
interface Case {
  input: string;
  want: Parsed | typeof BAD;
  why?: string;
}

const BAD = 'bad input' as const;
const F64 = 'f'.repeat(64);
const S_F64 = `sha256:${F64}`;
const S_BE = 'sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912';
const S_DB = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const S_86 = 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
const S_E6 = 'sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';
const HEX_ID = '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a';
const DA_ID = 'da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821';
const SONG = 'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev';

/** On `host`. */
function at(host: string, repository: string, tag?: string, digest?: string): Parsed {
  return { host, repository, tag, digest };
}

/** On Docker Hub, repository as stored (with `library/` where it applies). */
function hub(repository: string, tag?: string, digest?: string): Parsed {
  return at(DOCKER_HUB, repository, tag, digest);
}

function ok(input: string, want: Parsed, why?: string): Case {
  return { input, want, why };
}

function bad(input: string, why?: string): Case {
  return { input, want: BAD, why };
}

function title(c: Case): string {
  const shown = c.input.length > 70 ? `${c.input.slice(0, 60)}…(${c.input.length} chars)` : c.input;
  return `${JSON.stringify(shown)} → ${c.want === BAD ? BAD : 'valid'}${c.why ? ` (${c.why})` : ''}`;
}

function check(c: Case): void {
  if (c.want === BAD) {
    assert.throws(
      () => parseReference(c.input),
      (e: unknown) => isRegistryError(e, 'BAD_INPUT'),
    );
    return;
  }
  const r = parseReference(c.input);
  assert.deepEqual({ host: r.host, repository: r.repository, tag: r.tag, digest: r.digest }, c.want);
}

function table(name: string, cases: Case[]): void {
  describe(name, () => {
    for (const c of cases) it(title(c), () => check(c));
  });
}

describe('the distribution reference grammar', () => {
  table('names with tags and digests (reference_test.go, parse cases)', [
    ok('test_com', hub('library/test_com')),
    ok('test.com:tag', hub('library/test.com', 'tag'), 'no slash: a name and a tag, not a host'),
    ok('test.com:5000', hub('library/test.com', '5000'), 'no slash: 5000 is a tag'),
    ok('test.com/repo:tag', at('test.com', 'repo', 'tag')),
    ok('test:5000/repo', at('test:5000', 'repo')),
    ok('test:5000/repo:tag', at('test:5000', 'repo', 'tag')),
    ok(`test:5000/repo@${S_F64}`, at('test:5000', 'repo', undefined, S_F64)),
    ok(`test:5000/repo:tag@${S_F64}`, at('test:5000', 'repo', 'tag', S_F64)),
    bad('', 'empty'),
    bad(':justtag', 'a tag and no name'),
    bad(`@${S_F64}`, 'a digest and no name'),
    bad(`repo@sha256:${'f'.repeat(34)}`, 'digest too short'),
    bad(`validname@invaliddigest:${F64}`, 'unsupported algorithm'),
    ok(`validname@sha512:${'f'.repeat(128)}`, hub('library/validname', undefined, `sha512:${'f'.repeat(128)}`), 'we support sha512'),
    bad('Uppercase:tag', 'upper-case repository'),
    ok('Uppercase/lowercase:tag', at('uppercase', 'lowercase', 'tag'), 'an upper-case first component is a host'),
    bad('test:5000/Uppercase/lowercase:tag', 'upper-case path component'),
    ok('lowercase:Uppercase', hub('library/lowercase', 'Uppercase'), 'tags may be upper-case'),
    bad(`domain/${'a'.repeat(256)}:tag`, 'path over 255 characters'),
    ok(`${'a/'.repeat(127)}a:tag-puts-this-over-max`, hub(`${'a/'.repeat(127)}a`, 'tag-puts-this-over-max'), 'a 255-character path; the tag does not count'),
    bad('aa/asdf$$^/aa', 'bad characters'),
    ok('sub-dom1.foo.com/bar/baz/quux', at('sub-dom1.foo.com', 'bar/baz/quux')),
    ok('sub-dom1.foo.com/bar/baz/quux:some-long-tag', at('sub-dom1.foo.com', 'bar/baz/quux', 'some-long-tag')),
    ok('b.gcr.io/test.example.com/my-app:test.example.com', at('b.gcr.io', 'test.example.com/my-app', 'test.example.com')),
    ok('xn--n3h.com/myimage:xn--n3h.com', at('xn--n3h.com', 'myimage', 'xn--n3h.com'), 'punycode host'),
    ok(`xn--7o8h.com/myimage:xn--7o8h.com@${S_F64}`, at('xn--7o8h.com', 'myimage', 'xn--7o8h.com', S_F64)),
    ok('foo_bar.com:8080', hub('library/foo_bar.com', '8080')),
    ok('foo/foo_bar.com:8080', hub('foo/foo_bar.com', '8080'), '"foo" is no host when normalised'),
    ok('192.168.1.1', hub('library/192.168.1.1')),
    ok('192.168.1.1:tag', hub('library/192.168.1.1', 'tag')),
    ok('192.168.1.1:5000', hub('library/192.168.1.1', '5000')),
    ok('192.168.1.1/repo', at('192.168.1.1', 'repo')),
    ok('192.168.1.1:5000/repo', at('192.168.1.1:5000', 'repo')),
    ok('192.168.1.1:5000/repo:5050', at('192.168.1.1:5000', 'repo', '5050')),
    bad('[2001:db8::1]', 'IPv6 host and no repository'),
    bad('[2001:db8::1]:5000'),
    bad('[2001:db8::1]:tag'),
    ok('[2001:db8::1]/repo', at('[2001:db8::1]', 'repo')),
    ok('[2001:db8:1:2:3:4:5:6]/repo:tag', at('[2001:db8:1:2:3:4:5:6]', 'repo', 'tag')),
    ok('[2001:db8::1]:5000/repo', at('[2001:db8::1]:5000', 'repo')),
    ok('[2001:db8::1]:5000/repo:tag', at('[2001:db8::1]:5000', 'repo', 'tag')),
    ok(`[2001:db8::1]:5000/repo@${S_F64}`, at('[2001:db8::1]:5000', 'repo', undefined, S_F64)),
    ok(`[2001:db8::1]:5000/repo:tag@${S_F64}`, at('[2001:db8::1]:5000', 'repo', 'tag', S_F64)),
    ok('[2001:db8::]:5000/repo', at('[2001:db8::]:5000', 'repo')),
    ok('[::1]:5000/repo', at('[::1]:5000', 'repo')),
    bad('[fe80::1%eth0]:5000/repo', 'IPv6 zone'),
    bad('[fe80::1%@invalidzone]:5000/repo', 'IPv6 zone with an @'),
    ok(`example.com/${'a'.repeat(255)}:tag`, at('example.com', 'a'.repeat(255), 'tag'), 'the host does not count towards 255'),
    bad(`example.com/${'a'.repeat(256)}`, 'path over 255 characters'),
  ]);

  table('splitting host and path (normalize_test.go, reference_test.go)', [
    ok('test.com/foo', at('test.com', 'foo')),
    ok('test_com/foo', hub('test_com/foo'), "'_' makes no host"),
    ok('docker/migrator', hub('docker/migrator')),
    ok('test.com:8080/foo', at('test.com:8080', 'foo')),
    ok('test-com:8080/foo', at('test-com:8080', 'foo')),
    ok('test:8080/foo', at('test:8080', 'foo')),
    ok('foo', hub('library/foo')),
    ok('xn--n3h.com/foo', at('xn--n3h.com', 'foo')),
    ok('xn--n3h.com:18080/foo', at('xn--n3h.com:18080', 'foo')),
    ok('docker.io/foo', hub('library/foo')),
    ok('docker.io/library/foo', hub('library/foo')),
    ok('docker.io/library/foo/bar', hub('library/foo/bar'), 'library/ kept as written, not doubled'),
    ok('test.com', hub('library/test.com'), 'a lone name is never a host'),
    ok('library/foo', hub('library/foo')),
  ]);

  table('repository names (normalize_test.go, valid and invalid names)', [
    ok('docker/docker', hub('docker/docker')),
    ok('library/debian', hub('library/debian')),
    ok('debian', hub('library/debian')),
    ok('localhost/library/debian', at('localhost', 'library/debian')),
    ok('localhost/debian', at('localhost', 'debian'), 'localhost is always a host; no library/'),
    ok('LOCALDOMAIN/library/debian', at('localdomain', 'library/debian')),
    ok('LOCALDOMAIN/debian', at('localdomain', 'debian'), 'upper-case first component is a host'),
    ok('docker.io/docker/docker', hub('docker/docker')),
    ok('docker.io/library/debian', hub('library/debian')),
    ok('docker.io/debian', hub('library/debian')),
    ok('index.docker.io/docker/docker', hub('docker/docker')),
    ok('index.docker.io/library/debian', hub('library/debian')),
    ok('index.docker.io/debian', hub('library/debian')),
    ok('127.0.0.1:5000/docker/docker', at('127.0.0.1:5000', 'docker/docker')),
    ok('127.0.0.1:5000/library/debian', at('127.0.0.1:5000', 'library/debian')),
    ok('127.0.0.1:5000/debian', at('127.0.0.1:5000', 'debian')),
    ok('192.168.0.1', hub('library/192.168.0.1')),
    ok('192.168.0.1:80', hub('library/192.168.0.1', '80')),
    ok('192.168.0.1:8/debian', at('192.168.0.1:8', 'debian')),
    ok('192.168.0.2:25000/debian', at('192.168.0.2:25000', 'debian')),
    ok(SONG, hub(`library/${SONG}`), '64 characters, not all hex'),
    ok('[fc00::1]:5000/docker', at('[fc00::1]:5000', 'docker')),
    ok('[fc00::1]:5000/docker/docker', at('[fc00::1]:5000', 'docker/docker')),
    ok('[fc00:1:2:3:4:5:6:7]:5000/library/debian', at('[fc00:1:2:3:4:5:6:7]:5000', 'library/debian')),
    ok(`docker.io/${HEX_ID}`, hub(`library/${HEX_ID}`), '64 hex with a host is a name'),
    ok('Docker/docker', at('docker', 'docker')),
    ok('DOCKER/docker', at('docker', 'docker')),
    ok('docker-rules/docker', hub('docker-rules/docker')),
    ok('docker---rules/docker', hub('docker---rules/docker'), 'runs of -'),
    ok('doc/docker', hub('doc/docker')),
    ok('d/docker', hub('d/docker'), 'one-character components'),
    ok('jess/t', hub('jess/t')),
    ok('dock__er/docker', hub('dock__er/docker'), '__ is a separator'),
    bad('docker/Docker', 'upper-case path'),
    bad('-docker'),
    bad('-docker/docker'),
    bad('docker-/docker'),
    bad('-docker-/docker'),
    bad('-docker.io/docker/docker', 'host component starts with -'),
    bad('docker///docker'),
    bad('docker.io/docker/Docker'),
    bad('docker.io/docker///docker'),
    bad('[fc00::1]', 'IPv6 host and no repository'),
    bad('[fc00::1]:5000'),
    bad('fc00::1:5000/debian', 'IPv6 without brackets'),
    bad('[fe80::1%eth0]:5000/debian', 'IPv6 zone'),
    bad('[2001:db8:3:4::192.0.2.33]:5000/debian', 'dots inside IPv6 brackets'),
    bad(HEX_ID, 'a bare 64-hex name is an image ID'),
    bad('____/____'),
    bad('_docker/_docker'),
    bad('dock..er/docker'),
    bad('dock_.er/docker'),
    bad('dock-.er/docker'),
    bad('docker/', 'no repository after the slash'),
    bad(`${'this_is_not_a_valid_namespace_'.repeat(9)}x/docker`, 'namespace over 255 characters'),
  ]);

  table('familiar and full forms of one repository (normalize_test.go, repository info)', [
    ok('localhost/fooo', at('localhost', 'fooo')),
    ok('localhost/fooo/bar', at('localhost', 'fooo/bar')),
    ok('LOCALDOMAIN/fooo', at('localdomain', 'fooo')),
    ok('LOCALDOMAIN/fooo/bar', at('localdomain', 'fooo/bar')),
    ok('fooo/bar', hub('fooo/bar')),
    ok('docker.io/fooo/bar', hub('fooo/bar')),
    ok('index.docker.io/fooo/bar', hub('fooo/bar')),
    ok('ubuntu', hub('library/ubuntu')),
    ok('docker.io/library/ubuntu', hub('library/ubuntu')),
    ok('library/ubuntu', hub('library/ubuntu')),
    ok('nonlibrary/ubuntu', hub('nonlibrary/ubuntu')),
    ok('other/library', hub('other/library')),
    ok('127.0.0.1:8000/private/moonbase', at('127.0.0.1:8000', 'private/moonbase')),
    ok('127.0.0.1:8000/privatebase', at('127.0.0.1:8000', 'privatebase'), 'no library/ off the Hub'),
    ok('example.com/private/moonbase', at('example.com', 'private/moonbase')),
    ok('example.com/privatebase', at('example.com', 'privatebase')),
    ok('example.com:8000/private/moonbase', at('example.com:8000', 'private/moonbase')),
    ok('example.com:8000/privatebasee', at('example.com:8000', 'privatebasee')),
    ok('ubuntu-12.04-base', hub('library/ubuntu-12.04-base')),
    ok('index.docker.io/library/ubuntu-12.04-base', hub('library/ubuntu-12.04-base')),
    ok('library/foo/bar', hub('library/foo/bar')),
    ok('store/foo/bar', hub('store/foo/bar')),
    ok('Foo/bar', at('foo', 'bar')),
    ok('FOO/bar', at('foo', 'bar')),
    ok(`busybox:latest@${S_86}`, hub('library/busybox', 'latest', S_86), 'tag and digest together'),
  ]);

  table('Docker Hub normalisation of any reference (normalize_test.go, any/docker refs)', [
    ok('redis', hub('library/redis')),
    ok('redis:latest', hub('library/redis', 'latest')),
    ok('docker.io/library/redis:latest', hub('library/redis', 'latest')),
    ok(`redis@${S_DB}`, hub('library/redis', undefined, S_DB)),
    ok(`docker.io/library/redis@${S_DB}`, hub('library/redis', undefined, S_DB)),
    ok('dmcgowan/myapp', hub('dmcgowan/myapp')),
    ok('dmcgowan/myapp:latest', hub('dmcgowan/myapp', 'latest')),
    ok(`dmcgowan/myapp@${S_DB}`, hub('dmcgowan/myapp', undefined, S_DB)),
    ok(`docker.io/dmcgowan/myapp@${S_DB}`, hub('dmcgowan/myapp', undefined, S_DB)),
    bad(S_DB.slice('sha256:'.length), 'a bare 64-hex name: theirs reads it as an image ID, ours refuses it'),
    ok(S_DB, hub('library/sha256', S_DB.slice('sha256:'.length)), 'a bare digest parses as name:tag, as their named parser does'),
    ok(S_DB.slice(7, -1), hub(`library/${S_DB.slice(7, -1)}`), '63 hex characters are a name'),
    ok('dbcc1', hub('library/dbcc1')),
    ok('busybox', hub('library/busybox')),
    ok(`busybox@${S_E6}`, hub('library/busybox', undefined, S_E6)),
    ok('docker.io/busybox:latest', hub('library/busybox', 'latest')),
    ok('library/busybox:latest', hub('library/busybox', 'latest')),
    ok('gcr.io/library/busybox', at('gcr.io', 'library/busybox')),
    ok(`gcr.io/library/busybox:latest@${S_E6}`, at('gcr.io', 'library/busybox', 'latest', S_E6), 'we keep the tag beside the digest'),
    bad('-foo'),
  ]);

  table('full names (regexp_test.go, name cases, normalised)', [
    bad(''),
    ok('short', hub('library/short')),
    ok('simple/name', hub('simple/name')),
    ok('library/ubuntu', hub('library/ubuntu')),
    ok('docker/stevvooe/app', hub('docker/stevvooe/app')),
    ok('aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb', hub('aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb')),
    ok('aa/aa/bb/bb/bb', hub('aa/aa/bb/bb/bb')),
    ok('a/a/a/a', hub('a/a/a/a')),
    bad('a/a/a/a/', 'trailing slash'),
    bad('a//a/a', 'empty component'),
    ok('a', hub('library/a')),
    ok('a/aa', hub('a/aa')),
    ok('a/aa/a', hub('a/aa/a')),
    ok('foo.com', hub('library/foo.com')),
    bad('foo.com/', 'a host and no repository'),
    ok('foo.com:8080/bar', at('foo.com:8080', 'bar')),
    bad('foo.com:http/bar', 'port not a number'),
    ok('foo.com/bar', at('foo.com', 'bar')),
    ok('foo.com/bar/baz', at('foo.com', 'bar/baz')),
    ok('localhost:8080/bar', at('localhost:8080', 'bar')),
    ok('blog.foo.com/bar/baz', at('blog.foo.com', 'bar/baz')),
    bad('a^a'),
    bad('asdf$$^/aa'),
    ok('aa-a/a', hub('aa-a/a')),
    bad(`${'a/'.repeat(128)}a`, 'normalised, "a" is no host: a 257-character Hub path'),
    bad('a-/a/a/a'),
    bad('foo.com/a-/a/a'),
    bad('foo/bar-'),
    bad('foo-/bar'),
    bad('foo/-bar'),
    bad('_foo/bar'),
    ok('foo_bar', hub('library/foo_bar')),
    ok('foo_bar.com', hub('library/foo_bar.com')),
    bad('foo_bar.com:8080/app', "'_' is not allowed in a host"),
    ok('foo.com/foo_bar', at('foo.com', 'foo_bar')),
    bad('docker_/docker_'),
    ok('example.com/xn--7o8h.com/myimage', at('example.com', 'xn--7o8h.com/myimage')),
    ok('example.com/some_separator__underscore/myimage', at('example.com', 'some_separator__underscore/myimage')),
    bad('example.com/__underscore/myimage', 'starts with a separator'),
    bad('example.com/..dots/myimage'),
    bad('example.com/.dots/myimage'),
    bad('example.com/nodouble..dots/myimage'),
    bad('docker./docker', 'host ends with a dot'),
    bad('.docker/docker'),
    bad('do..cker/docker'),
    bad('do__cker:8080/docker', "'_' is not allowed in a host"),
    ok('do__cker/docker', hub('do__cker/docker')),
    ok('registry.io/foo/project--id.module--name.ver---sion--name', at('registry.io', 'foo/project--id.module--name.ver---sion--name')),
    ok('Asdf.com/foo/bar', at('asdf.com', 'foo/bar'), 'hosts are lower-cased'),
    bad('Foo/FarB', 'upper-case path'),
  ]);

  table('whole references (regexp_test.go, reference cases)', [
    ok('registry.com:8080/myapp:tag', at('registry.com:8080', 'myapp', 'tag')),
    ok(`registry.com:8080/myapp@${S_BE}`, at('registry.com:8080', 'myapp', undefined, S_BE)),
    ok(`registry.com:8080/myapp:tag2@${S_BE}`, at('registry.com:8080', 'myapp', 'tag2', S_BE)),
    bad('registry.com:8080/myapp@sha256:badbadbadbad', 'digest too short'),
    bad('registry.com:8080/myapp:invalid~tag', 'bad character in the tag'),
    bad('bad_hostname.com:8080/myapp:tag'),
    ok(`localhost:8080@${S_BE}`, hub('library/localhost', '8080', S_BE), 'no slash: localhost is a name, 8080 a tag'),
    ok(`localhost:8080/name@${S_BE}`, at('localhost:8080', 'name', undefined, S_BE)),
    bad(`localhost:http/name@${S_BE}`),
    ok(`localhost@${S_BE}`, hub('library/localhost', undefined, S_BE)),
    bad('registry.com:8080/myapp@bad'),
    bad('registry.com:8080/myapp@2bad'),
  ]);

  table('image IDs (regexp_test.go, identifier cases)', [
    bad(DA_ID, '64 lower-case hex characters'),
    bad(DA_ID.toUpperCase(), 'not an ID, but an upper-case name'),
    ok(DA_ID.slice(0, 60), hub(`library/${DA_ID.slice(0, 60)}`), '60 hex characters are a name'),
    ok(`${DA_ID}8482`, hub(`library/${DA_ID}8482`), '68 hex characters are a name'),
    ok(`${DA_ID}:latest`, hub(`library/${DA_ID}`, 'latest'), 'only the bare 64-hex input is refused'),
  ]);

  describe('registry hosts (regexp_test.go, domain cases)', () => {
    const hosts: [input: string, want: string | typeof BAD][] = [
      ['test.com', 'test.com'],
      ['test.com:10304', 'test.com:10304'],
      ['test.com:http', BAD],
      ['localhost', 'localhost'],
      ['localhost:8080', 'localhost:8080'],
      ['a', 'a'],
      ['a.b', 'a.b'],
      ['ab.cd.com', 'ab.cd.com'],
      ['a-b.com', 'a-b.com'],
      ['-ab.com', BAD],
      ['ab-.com', BAD],
      ['ab.c-om', 'ab.c-om'],
      ['ab.-com', BAD],
      ['ab.com-', BAD],
      ['0101.com', '0101.com'],
      ['001a.com', '001a.com'],
      ['b.gbc.io:443', 'b.gbc.io:443'],
      ['b.gbc.io', 'b.gbc.io'],
      ['xn--n3h.com', 'xn--n3h.com'],
      ['Asdf.com', 'asdf.com'],
      ['192.168.1.1:7505', '192.168.1.1:7505'],
      ['192.168.1.1:75050', BAD], // their regexp takes it; the port is over 65535
      ['192.168.1.1:750050', BAD],
      ['[fd00:1:2::3]:7505', '[fd00:1:2::3]:7505'],
      ['[fd00:1:2::3]:75050', BAD], // port over 65535
      ['[fd00:1:2::3]75050', BAD],
      ['[fd00:1:2::3]::75050', BAD],
      ['[fd00:1:2::3%eth0]:75050', BAD],
      ['[fd00123123123]:7505', '[fd00123123123]:7505'], // the grammar's IPv6 is hex and ':' only, nothing finer
      ['[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:7505', '[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:7505'],
      ['[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505', BAD],
      ['fd00:1:2::3:75050', BAD],
      ['[2001:db8:3:4::192.0.2.33]', BAD], // no dots inside the brackets
      ['localhost:0', BAD],
      ['localhost:65535', 'localhost:65535'],
      ['localhost:65536', BAD],
    ];
    for (const [input, want] of hosts) {
      it(`${JSON.stringify(input)} → ${want}`, () => {
        if (want === BAD) assert.throws(() => parseRegistry(input), (e: unknown) => isRegistryError(e, 'BAD_INPUT'));
        else assert.equal(parseRegistry(input).host, want);
      });
    }
  });

  describe('tags (regexp.go tag rule; reference_test.go, tag cases)', () => {
    const valid = ['tag', 'tag2', 'tag4', 'TAG5', 'latest', '_x', '5000', 'v1.2.3-rc.1', `x${'y'.repeat(127)}`];
    const invalid = ['', '.x', '-x', `x${'y'.repeat(128)}`, 'invalid~tag', 'a+b', 'a/b', 'a:b', 'ü'];
    for (const tag of valid) it(`${JSON.stringify(tag.length > 20 ? `${tag.length} chars` : tag)} is a tag`, () => validateTag(tag));
    for (const tag of invalid) {
      it(`${JSON.stringify(tag.length > 20 ? `${tag.length} chars` : tag)} is no tag`, () => {
        assert.throws(() => validateTag(tag), (e: unknown) => isRegistryError(e, 'BAD_INPUT'));
      });
    }
  });

  describe('digests (regexp.go digest rule; reference_test.go, digest cases), sha256/384/512 only', () => {
    const valid = [S_F64, S_BE, `sha384:${'c'.repeat(96)}`, `sha512:${'f'.repeat(128)}`];
    const invalid = [
      `sha256:${'f'.repeat(34)}`, // too short
      'sha256:1234567890098765432112345667890098765', // 37 characters
      `sha256:${F64.toUpperCase()}`, // upper-case hex
      `sha256:${'g'.repeat(64)}`, // not hex
      `invaliddigest:${F64}`, // unsupported algorithm
      `md5:${'f'.repeat(32)}`,
      `sha1:${'f'.repeat(40)}`,
      `sha256+b64:${F64}`,
      'sha256:badbadbadbad',
      'bad',
      '2bad',
      'foo',
      F64, // no algorithm
      'sha256:',
      '',
    ];
    for (const d of valid) it(`${d.slice(0, 20)}… is a digest`, () => validateDigest(d));
    for (const d of invalid) {
      it(`${JSON.stringify(d.length > 40 ? `${d.slice(0, 30)}…` : d)} is no digest we accept`, () => {
        assert.throws(() => validateDigest(d), (e: unknown) => isRegistryError(e, 'BAD_INPUT'));
      });
    }
  });

  table('our additions to the grammar', [
    ok('https://github.com/docker/docker', at('github.com', 'docker/docker'), 'a scheme (theirs refuses any)'),
    ok('http://myregistry/app', at('myregistry', 'app'), 'a scheme makes the first component a host'),
    ok('registry-1.docker.io/nginx', hub('library/nginx'), 'every Hub alias gets library/'),
    ok('registry.hub.docker.com/nginx', hub('library/nginx')),
    ok('Docker.IO/nginx', hub('library/nginx'), 'hosts are compared lower-cased'),
    ok('  nginx:1  ', hub('library/nginx', '1'), 'surrounding whitespace'),
    bad('[abcd]/repo', 'brackets alone make no host, as in theirs: the path is then bad'),
    bad('ftp://host/app', 'other schemes'),
    bad('https://alice:pw@host/app', 'user info'),
    bad('alice:pw@localhost:5000/app', 'user info'),
  ]);
});
