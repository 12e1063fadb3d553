// The Registries tree's model without VS Code: tag order, paging nodes, shared-digest labels, short digests,
// settings edits and redaction. Plain node mocha (src/extension/model/* must not import vscode).
import * as assert from 'node:assert/strict';
import { referrerKinds, referrerTagOwner, referrerTagsBySubject } from '../../src/extension/model/referrers';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  contextValue,
  errorCause,
  newestFirst,
  formatSize,
  middleDigest,
  nameInNamespace,
  namespaceOf,
  namespacesOf,
  nextShown,
  repositoryChildren,
  repositoryList,
  sharedLabel,
  shortDigest,
  sortTags,
  tagChildren,
  tagDescription,
  visiblePage,
} from '../../src/extension/model/nodes';
import { redact } from '../../src/registry/redact';
import { readSettings, secretKey, withoutRegistry, withRegistry, withRepository } from '../../src/extension/model/settings';
import { SharedDigests } from '../../src/extension/tree/state';
import { registryKey } from '../../src/registry/reference';

const D1 = `sha256:${'1a2b3c4d5e6f'}${'0'.repeat(52)}`;
const D2 = `sha256:975164${'a'.repeat(50)}e3af826e`;

describe('tree model', () => {
  describe('tag order', () => {
    const tags = ['latest', '1.10.0', 'v1.2.0', '1.9.0', 'dev', '2.0.0-rc.1', '2.0.0', 'Alpha', 'nightly-2026', '1.2', '0.1.0', 'beta'];

    it('puts semantic versions first, newest first (a leading v allowed), then other tags A→Z', () => {
      assert.deepEqual(sortTags(tags), ['2.0.0', '2.0.0-rc.1', '1.10.0', '1.9.0', 'v1.2.0', '0.1.0', '1.2', 'Alpha', 'beta', 'dev', 'latest', 'nightly-2026']);
    });

    it('compares versions numerically, not as text', () => {
      assert.deepEqual(sortTags(['1.9.0', '1.10.0', '1.100.0', '1.2.0']), ['1.100.0', '1.10.0', '1.9.0', '1.2.0']);
    });

    it('orders equal versions with and without v stably', () => {
      assert.deepEqual(sortTags(['v1.0.0', '1.0.0']), ['1.0.0', 'v1.0.0']);
      assert.deepEqual(sortTags(['1.0.0', 'v1.0.0']), ['1.0.0', 'v1.0.0']);
    });

    it('sorts every tag A→Z with the alphabetical setting', () => {
      assert.deepEqual(sortTags(tags, 'alphabetical'), ['0.1.0', '1.10.0', '1.2', '1.9.0', '2.0.0', '2.0.0-rc.1', 'Alpha', 'beta', 'dev', 'latest', 'nightly-2026', 'v1.2.0']);
    });

    it('does not change its input', () => {
      const input = ['b', 'a', '1.0.0'];
      sortTags(input);
      assert.deepEqual(input, ['b', 'a', '1.0.0']);
    });

    it('reads the tagSort setting, defaulting to semver', () => {
      assert.equal(readSettings({ tagSort: 'alphabetical' }).tagSort, 'alphabetical');
      assert.equal(readSettings({ tagSort: 'nonsense' }).tagSort, 'semver');
      assert.equal(readSettings({}).tagSort, 'semver');
    });
  });

  describe('paging', () => {
    const many = Array.from({ length: 1050 }, (_, i) => `1.0.${i}`);

    it('shows a page of tags and a "Load more" node that knows how many remain', () => {
      const nodes = tagChildren('localhost:5000', 'big', many, 100);
      assert.equal(nodes.length, 101);
      assert.ok(nodes.slice(0, 100).every((n) => n.kind === 'tag'));
      const more = nodes[100];
      assert.equal(more.kind, 'loadMore');
      assert.equal(more.kind === 'loadMore' && more.remaining, 950);
      assert.equal(more.repository, 'big');
      assert.equal(contextValue(more), 'loadMore');
    });

    it('has no "Load more" node once everything is shown', () => {
      let shown = 100;
      for (let i = 0; i < 20; i++) shown = nextShown(shown, 100, many.length);
      assert.equal(shown, 1050);
      const nodes = tagChildren('h', 'big', many, shown);
      assert.equal(nodes.length, 1050);
      assert.ok(nodes.every((n) => n.kind === 'tag'));
    });

    it('advances by the page size and never past the end', () => {
      assert.equal(nextShown(100, 100, 1050), 200);
      assert.equal(nextShown(1000, 100, 1050), 1050);
      assert.equal(nextShown(0, 0, 5), 1);
      assert.deepEqual(visiblePage(['a', 'b', 'c'], 2), { visible: ['a', 'b'], remaining: 1 });
      assert.deepEqual(visiblePage(['a'], 5), { visible: ['a'], remaining: 0 });
    });

    it('gives tags stable ids, unique per registry and repository', () => {
      const a = tagChildren('h:1', 'app', ['1.0.0'], 10)[0];
      const b = tagChildren('h:2', 'app', ['1.0.0'], 10)[0];
      const c = tagChildren('h:1', 'app', ['1.0.0'], 10)[0];
      assert.notEqual(a.id, b.id);
      assert.equal(a.id, c.id);
    });

    it('ends the repository list with "Load more" while the catalog has another page', () => {
      const nodes = repositoryChildren('h', ['a', 'b'], true);
      assert.deepEqual(nodes.map((n) => n.kind), ['repository', 'repository', 'loadMore']);
      assert.equal(nodes[2].kind === 'loadMore' && nodes[2].repository, undefined);
      assert.deepEqual(repositoryChildren('h', ['a'], false).map((n) => n.kind), ['repository']);
    });

    it('merges catalog and hand-added repositories, without duplicates, A→Z, filtered', () => {
      assert.deepEqual(repositoryList(['team/api', 'app'], ['library/nginx', 'app']), ['app', 'library/nginx', 'team/api']);
      assert.deepEqual(repositoryList(['team/api', 'app', 'team/web'], [], 'TEAM'), ['team/api', 'team/web']);
      assert.deepEqual(repositoryList(['app'], [], '  '), ['app']);
    });
  });

  describe('digests', () => {
    it('shortens a digest to 12 hex characters', () => {
      assert.equal(shortDigest(D1), 'sha256:1a2b3c4d5e6f');
    });

    it('writes a digest in a sentence with both ends', () => {
      assert.equal(middleDigest(D2), 'sha256:975164…e3af826e');
      assert.equal(middleDigest('sha256:abc'), 'sha256:abc');
    });

    it('finds the tags that share an image', () => {
      const digests = new Map([
        ['2.0.0', D2],
        ['latest', D2],
        ['1.0.0', D1],
        ['stable', D2],
      ]);
      // Kept up to date as digests arrive, in any order: no rebuild per row.
      const shared = new SharedDigests();
      for (const [tag, digest] of digests) shared.set(tag, digest);
      assert.deepEqual(shared.others('2.0.0').sort(), ['latest', 'stable']);
      assert.deepEqual(shared.others('latest').sort(), ['2.0.0', 'stable']);
      assert.deepEqual(shared.others('1.0.0'), []);
      shared.set('stable', D1); // a tag that moves leaves its old image
      assert.deepEqual(shared.others('2.0.0'), ['latest']);
      assert.deepEqual(shared.others('1.0.0'), ['stable']);
    });

    it('labels shared digests like "= latest", aliases first, with a count past two', () => {
      assert.equal(sharedLabel(['latest']), '= latest');
      assert.equal(sharedLabel(['2.0.0', 'latest']), '= latest, 2.0.0');
      assert.equal(sharedLabel(['2.0.0', 'latest', 'stable', 'v2']), '= latest, stable +2');
      assert.equal(sharedLabel([]), '');
    });

    it('describes a tag with its short digest and the tags it shares it with', () => {
      assert.equal(tagDescription(D2, ['latest']), '= latest · sha256:975164aaaaaa');
      assert.equal(tagDescription(D2, ['2.0.0', 'latest', 'v2.0.0'], ['3 days ago', '24 MiB']), '= latest +2 · 3 days ago · 24 MiB · sha256:975164aaaaaa', 'the badge first, the digest last');
      assert.equal(tagDescription(D1), 'sha256:1a2b3c4d5e6f');
      assert.equal(tagDescription(undefined, ['latest']), '');
    });

    it('gives multi-arch tags their own context value', () => {
      const tag = tagChildren('h', 'multi', ['1.0.0'], 1)[0];
      assert.equal(contextValue(tag), 'tag');
      assert.equal(contextValue(tag, { multiArch: true }), 'tag.multiarch');
    });

    it('orders tags newest first, those without a time after them in the order they came', () => {
      const at: Record<string, string> = { a: '2026-01-01', b: '2026-03-01', c: '2026-02-01' };
      const time = (tag: string) => (at[tag] ? new Date(at[tag]) : undefined);
      assert.deepEqual(newestFirst(['x', 'a', 'y', 'b', 'c'], time), ['b', 'c', 'a', 'x', 'y']);
      assert.deepEqual(newestFirst(['2.0.0', 'latest'], () => new Date('2026-01-01')), ['2.0.0', 'latest'], 'ties keep their order');
    });

    it('gives error rows the context value of the fix they need, and filtered rows theirs', () => {
      const error = (code: string) => contextValue({ kind: 'message', id: 'm', registry: 'h', severity: 'error', message: 'x', cause: errorCause(code) });
      assert.deepEqual(['UNAUTHORIZED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE', 'NETWORK', 'TIMEOUT', 'TLS', 'SERVER', 'NOT_FOUND'].map(error), [
        'error.login',
        'error.login',
        'error.login',
        'error.address',
        'error.address',
        'error.tls',
        'error',
        'error',
      ]);
      assert.equal(contextValue({ kind: 'registry', id: 'r|h', registry: 'h' }, { filtered: true }), 'registry.filtered');
      assert.equal(contextValue({ kind: 'message', id: 'f', registry: 'h', severity: 'info', message: 'x', note: 'filter' }), 'info.filter');
    });

    it('formats sizes', () => {
      assert.equal(formatSize(512), '512 B');
      assert.equal(formatSize(1536), '1.5 KiB');
      assert.equal(formatSize(30 * 1024 * 1024), '30 MiB');
    });
  });

  describe('settings', () => {
    it('keys registries by normalised host and drops broken or duplicate entries with a reason', () => {
      const s = readSettings({
        registries: [{ url: 'http://LOCALHOST:5000/' }, { url: 'localhost:5000' }, { url: 'docker.io', username: 'me' }, { nourl: 1 }, { url: 'ftp://x' }],
        pageSize: 0,
        concurrency: 500,
      });
      assert.deepEqual(s.registries.map((r) => r.key), ['localhost:5000', 'registry-1.docker.io']);
      assert.equal(s.registries[1].username, 'me');
      assert.equal(s.problems.length, 3);
      assert.equal(s.pageSize, 100);
      assert.equal(s.concurrency, 64);
      assert.deepEqual(s.protect, ['^latest$']);
    });

    it('adds, replaces, removes registries and adds repositories by hand', () => {
      let list = withRegistry([], { url: 'localhost:5000', username: 'alice' });
      list = withRegistry(list, { url: 'ghcr.io' });
      list = withRepository(list, 'localhost:5000', 'team/app');
      list = withRepository(list, 'localhost:5000', 'app');
      list = withRepository(list, 'localhost:5000', 'app');
      assert.deepEqual(list, [{ url: 'localhost:5000', username: 'alice', repositories: ['app', 'team/app'] }, { url: 'ghcr.io' }]);
      list = withRegistry(list, { url: 'http://localhost:5000', username: undefined });
      assert.deepEqual(list[0], { url: 'http://localhost:5000', repositories: ['app', 'team/app'] });
      assert.deepEqual(withoutRegistry(list, 'localhost:5000'), [{ url: 'ghcr.io' }]);
    });

    it('keeps secrets under a key per registry', () => {
      assert.equal(secretKey(registryKey('https://Index.Docker.io')), 'registryExplorer.credential/registry-1.docker.io');
    });
  });

  describe('redaction', () => {
    it('removes authorization headers, tokens in URLs and known secret values', () => {
      const line = redact('GET http://u:p4ss@h/v2/ Authorization: Bearer abcdefghijklmnop token=xyz123&scope=a pw-SECRETVALUE', ['pw-SECRETVALUE']);
      assert.ok(!line.includes('abcdefghijklmnop'), line);
      assert.ok(!line.includes('xyz123'), line);
      assert.ok(!line.includes('p4ss'), line);
      assert.ok(!line.includes('pw-SECRETVALUE'), line);
      assert.ok(line.includes('scope=a'), line);
    });
  });

  it('model modules do not import vscode', () => {
    const dir = join(__dirname, '..', '..', '..', 'src', 'extension', 'model');
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8');
      assert.ok(!/from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(text), `${f} imports vscode`);
    }
  });
});

describe('tree model: referrer tags (signatures, SBOMs) from the tag list', () => {
  const hex = 'ab'.repeat(32);
  const other = 'cd'.repeat(32);
  const tags = ['1.0.0', `sha256-${hex}.sig`, `sha256-${hex}.sbom`, `sha256-${hex}`, `sha256-${other}.att`, 'sha256-short.sig', 'latest'];

  it('groups the referrer tags by the digest they name, and nothing else', () => {
    const by = referrerTagsBySubject(tags);
    assert.deepEqual([...by.keys()].sort(), [`sha256:${hex}`, `sha256:${other}`]);
    assert.deepEqual(by.get(`sha256:${hex}`)!.map((r) => [r.tag, r.kind]), [[`sha256-${hex}.sig`, 'signature'], [`sha256-${hex}.sbom`, 'sbom'], [`sha256-${hex}`, 'other']]);
  });

  it('badges each kind once, signature first', () => {
    assert.deepEqual(referrerKinds(referrerTagsBySubject(tags).get(`sha256:${hex}`)), ['signature', 'sbom', 'other']);
    assert.deepEqual(referrerKinds(undefined), []);
  });

  it('a referrer tag names its image’s tags, leaving other referrer tags out', () => {
    const tagsOf = (d: string) => (d === `sha256:${hex}` ? ['1.0.0', `sha256-${hex}`, 'latest'] : []);
    assert.deepEqual(referrerTagOwner(`sha256-${hex}.sig`, tagsOf), { kind: 'signature', subject: `sha256:${hex}`, tags: ['1.0.0', 'latest'] });
    assert.deepEqual(referrerTagOwner(`sha256-${other}.att`, tagsOf)?.tags, []);
    assert.equal(referrerTagOwner('1.0.0', tagsOf), undefined);
  });
});

describe('tree model: namespaces (Docker Hub, GHCR, GitLab)', () => {
  it('groups repositories by their first path segment, A→Z, with counts', () => {
    assert.deepEqual(namespacesOf(['bob/x', 'alice/app', 'alice/tools/cli', 'solo']), [
      { namespace: 'alice', count: 2 },
      { namespace: 'bob', count: 1 },
      { namespace: 'solo', count: 1 },
    ]);
    assert.deepEqual([namespaceOf('alice/tools/cli'), nameInNamespace('alice/tools/cli'), nameInNamespace('solo')], ['alice', 'tools/cli', 'solo']);
  });
});
