// src/protect's workspace scan on a fixture workspace written to a temp folder: the exact references (file:line)
// of Dockerfiles, compose files, Kubernetes manifests, Helm values, GitHub Actions and GitLab CI; variables skipped,
// node_modules ignored; and what the scan protects in one repository. Then links (followed, loops ending), a folder
// that cannot be read and a file too large to read: each told as unread, the rest still protected.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, promises as fsPromises, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { protectedReason, protectionFor, scanNote, scanWorkspace, type DeployScan, type ScanFs } from '../../src/protect';

export const HUB = 'registry-1.docker.io';

/** The fixture workspace: file → text. `APP` is the private registry's host the deploy files name. */
export function fixtureFiles(app: string): Record<string, string> {
  return {
    Dockerfile: ['# build', 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build', 'RUN go build', 'FROM scratch AS empty', 'FROM build AS test', 'FROM gcr.io/distroless/static:nonroot', 'COPY --from=build /app /app'].join('\n'),
    'docker-compose.yml': ['services:', '  web:', '    image: "nginx:1.25"  # the front', '  db:', "    image: 'postgres:16'", '  # image: commented:1.0', ''].join('\n'),
    'deploy/api.yaml': [
      'apiVersion: v1',
      'kind: Service',
      'metadata: { name: api }',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      `        - name: api`,
      `          image: ${app}/team/api:1.2.0`,
      '          imagePullPolicy: Always',
      `        - image: ${app}/team/sidecar@sha256:${'a'.repeat(64)}`,
      '          name: sidecar',
    ].join('\n'),
    'chart/values.yaml': ['replicaCount: 2', 'image:', '  repository: ghcr.io/acme/web', '  pullPolicy: IfNotPresent', '  tag: "2.3.4"', 'service:', '  port: 80'].join('\n'),
    '.github/workflows/ci.yml': ['on: push', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    container: node:20-alpine', '    steps:', '      - run: |', '          echo image: not-this:1', '      - uses: docker://alpine:3.19'].join('\n'),
    '.gitlab-ci.yml': ['image: python:3.12', 'build:', '  image:', '    name: registry.gitlab.com/acme/builder:5', '    entrypoint: [""]', 'deploy:', '  image: $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA'].join('\n'),
    'deploy/worker.yaml': ['kind: Deployment', 'spec:', '  containers:', `    - image: ${app}/team/worker:\${TAG}`].join('\n'),
    'node_modules/pkg/Dockerfile': 'FROM ignored:1.0\n',
    'node_modules/pkg/compose.yaml': 'services: { a: { image: ignored:2.0 } }\n',
    'README.md': 'image: not-yaml:1\n',
  };
}

export function writeFixture(app: string): string {
  const root = mkdtempSync(join(tmpdir(), 'regx-protect-'));
  for (const [file, text] of Object.entries(fixtureFiles(app))) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe('protect: workspace scan', () => {
  const APP = 'registry.example.com:5000';
  let root: string;
  let scan: DeployScan;

  before(async () => {
    root = writeFixture(APP);
    scan = await scanWorkspace(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds every deployed reference with its file and line, and nothing else', () => {
    const got = scan.refs.map((r) => `${r.file}:${r.line} ${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`);
    assert.deepEqual(got, [
      `.github/workflows/ci.yml:5 ${HUB}/library/node:20-alpine`,
      `.github/workflows/ci.yml:9 ${HUB}/library/alpine:3.19`,
      `.gitlab-ci.yml:1 ${HUB}/library/python:3.12`,
      '.gitlab-ci.yml:3 registry.gitlab.com/acme/builder:5',
      `Dockerfile:2 ${HUB}/library/golang:1.22`,
      'Dockerfile:6 gcr.io/distroless/static:nonroot',
      'chart/values.yaml:2 ghcr.io/acme/web:2.3.4',
      `deploy/api.yaml:12 ${APP}/team/api:1.2.0`,
      `deploy/api.yaml:14 ${APP}/team/sidecar@sha256:${'a'.repeat(64)}`,
      `docker-compose.yml:3 ${HUB}/library/nginx:1.25`,
      `docker-compose.yml:5 ${HUB}/library/postgres:16`,
    ]);
  });

  it('reports references with variables as skipped, with file and line, never guessed', () => {
    assert.deepEqual(
      scan.skipped.map((s) => `${s.file}:${s.line} ${s.text}`),
      ['.gitlab-ci.yml:7 $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA', `deploy/worker.yaml:4 ${APP}/team/worker:\${TAG}`],
    );
    for (const s of scan.skipped) assert.match(s.why, /variable/);
  });

  it('protects tags and digests of one repository with "used in file:line"', () => {
    const api = protectionFor(scan, APP, 'team/api');
    assert.deepEqual(api, { tags: { '1.2.0': 'used in deploy/api.yaml:12' }, digests: {} });
    const sidecar = protectionFor(scan, APP, 'team/sidecar');
    assert.deepEqual(sidecar, { tags: {}, digests: { [`sha256:${'a'.repeat(64)}`]: 'used in deploy/api.yaml:14' } });
    assert.equal(protectedReason(api, 'sha256:x', ['1.2.0', 'stable']), 'tag 1.2.0 is used in deploy/api.yaml:12');
    assert.equal(protectedReason(api, 'sha256:x', ['1.1.0']), undefined);
    assert.deepEqual(protectionFor(scan, 'other:5000', 'team/api'), { tags: {}, digests: {} });
  });

  it('a folder that does not exist is bad input with a fix', async () => {
    await assert.rejects(scanWorkspace(join(root, 'missing')), (e: Error & { code?: string; fix?: string }) => e.code === 'BAD_INPUT' && /--protect-from/.test(String(e.fix)));
  });
});

// SAFETY: what the scan cannot read is told, never taken in silence as "deploys nothing" — a protection read that
// is incomplete must not let a cleanup delete what it would have kept. And a deploy file reached through a link is
// read, as the editor's file search reads it.
describe('protect: links, unreadable folders and large files', () => {
  const APP = 'registry.example.com:5000';
  let base: string;
  let root: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'regx-protect-links-'));
    root = join(base, 'repo');
    const files: Record<string, string> = {
      'repo/deploy/v2/app.yaml': `kind: Deployment\nspec:\n  containers:\n    - image: ${APP}/team/app:2.0.0\n`,
      'repo/data/pg/compose.yaml': `services:\n  db:\n    image: ${APP}/team/db:1.0\n`,
      'repo/Dockerfile': `FROM ${APP}/team/base:3\n`,
      'outside/prod.yaml': `kind: Deployment\nspec:\n  containers:\n    - image: ${APP}/team/prod:7.1\n`,
      'outside/dir/other.yaml': `image: ${APP}/team/elsewhere:1\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(base, file)), { recursive: true });
      writeFileSync(join(base, file), text);
    }
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const refsOf = (scan: DeployScan) => scan.refs.map((r) => `${r.file}:${r.line} ${r.repository}:${r.tag}`);

  it('reads a deploy file through a link (also one outside the folder) and a linked folder inside it; loops end', async () => {
    mkdirSync(join(root, 'k8s'));
    symlinkSync(join(base, 'outside/prod.yaml'), join(root, 'k8s/prod.yaml'));
    symlinkSync('v2', join(root, 'deploy/current'));
    symlinkSync('.', join(root, 'deploy/self'));
    symlinkSync('../..', join(root, 'deploy/v2/up'));
    symlinkSync(join(base, 'outside/dir'), join(root, 'external'));
    const scan = await scanWorkspace(root);
    assert.deepEqual(refsOf(scan), [
      'Dockerfile:1 team/base:3',
      'data/pg/compose.yaml:3 team/db:1.0',
      'deploy/current/app.yaml:4 team/app:2.0.0',
      'deploy/v2/app.yaml:4 team/app:2.0.0',
      'k8s/prod.yaml:4 team/prod:7.1',
    ]);
    assert.deepEqual(protectionFor(scan, APP, 'team/prod'), { tags: { '7.1': 'used in k8s/prod.yaml:4' }, digests: {} });
    assert.deepEqual(scan.unread, []);
  });

  it('a deploy file’s link to nothing is told as unread', async () => {
    symlinkSync(join(base, 'gone.yaml'), join(root, 'compose.yaml'));
    symlinkSync(join(base, 'gone.txt'), join(root, 'notes.txt'));
    const scan = await scanWorkspace(root);
    assert.deepEqual(scan.unread, [{ path: 'compose.yaml', why: 'a link to nothing, or removed while the scan read it' }]);
  });

  it('a folder that cannot be read is told as unread, and the rest is still protected (FAKE file system failing one folder)', async () => {
    const denied = join(root, 'data/pg');
    // FAKE: node's own file system, except that reading the folder data/pg fails as it does without permission
    // (the tests run as root here, where chmod cannot make a folder unreadable).
    const failing: ScanFs = {
      ...fsPromises,
      readdir: (async (dir: string, opts: unknown) => {
        if (dir === denied) throw Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: 'EACCES' });
        return fsPromises.readdir(dir, opts as { withFileTypes: true });
      }) as ScanFs['readdir'],
    };
    const scan = await scanWorkspace(root, { fs: failing });
    assert.deepEqual(refsOf(scan), ['Dockerfile:1 team/base:3', 'deploy/v2/app.yaml:4 team/app:2.0.0']);
    assert.deepEqual(scan.unread, [{ path: 'data/pg', why: 'permission denied' }]);
    assert.deepEqual(scanNote(scan), ['1 file or folder could not be read, so what it deploys is not protected:', '  data/pg (permission denied)']);
  });

  it('reads image: inside flow collections (on one line, or spread over several), and not inside a block scalar', async () => {
    writeFileSync(join(root, 'compose.yaml'), `services: { web: { image: "${APP}/team/web:1.4" }, db: { image: '${APP}/team/db:9' } }\n`);
    writeFileSync(join(root, 'pod.yaml'), `spec:\n  containers: [{ name: api, image: ${APP}/team/api:3.2 }, {name: side,image: ${APP}/team/side@sha256:${'b'.repeat(64)}}]\n`);
    writeFileSync(join(root, 'job.yaml'), `spec:\n  containers: [\n    {\n      name: job,\n      image: "${APP}/team/job:5" },\n    { name: x,\n      image: ${APP}/team/x:6,\n    }]\n`);
    mkdirSync(join(root, '.github/workflows'), { recursive: true });
    writeFileSync(join(root, '.github/workflows/ci.yml'), `jobs:\n  a:\n    steps:\n      - run: |\n          echo '{ image: ${APP}/team/not-this:1 }'\n`);
    const scan = await scanWorkspace(root);
    const got = scan.refs.map((r) => `${r.file}:${r.line} ${r.repository}${r.tag ? `:${r.tag}` : `@${r.digest}`}`);
    assert.deepEqual(
      got.filter((r) => /^(compose|pod|job)\.yaml|\.github/.test(r)),
      ['compose.yaml:1 team/web:1.4', 'compose.yaml:1 team/db:9', 'job.yaml:5 team/job:5', 'job.yaml:7 team/x:6', 'pod.yaml:2 team/api:3.2', `pod.yaml:2 team/side@sha256:${'b'.repeat(64)}`],
    );
  });

  it('a file over 8 MB is told as unread, not read; one just under is read', async () => {
    const line = `image: ${APP}/team/big:1\n`;
    writeFileSync(join(root, 'bundle.yaml'), line + '#'.repeat(8 * 1024 * 1024) + '\n');
    writeFileSync(join(root, 'near.yaml'), line + '#'.repeat(8 * 1024 * 1024 - line.length - 1) + '\n');
    const scan = await scanWorkspace(root);
    assert.deepEqual(scan.unread, [{ path: 'bundle.yaml', why: 'over 8 MB, not read' }]);
    assert.ok(refsOf(scan).includes('near.yaml:1 team/big:1'), JSON.stringify(refsOf(scan)));
    assert.ok(!refsOf(scan).some((r) => r.startsWith('bundle.yaml')));
  });
});
