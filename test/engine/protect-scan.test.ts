// src/protect's workspace scan on a fixture workspace written to a temp folder: the exact references (file:line)
// of Dockerfiles, compose files, Kubernetes manifests, Helm values, GitHub Actions and GitLab CI; variables skipped,
// node_modules ignored; and what the scan protects in one repository.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { protectedReason, protectionFor, scanWorkspace, type DeployScan } from '../../src/protect';

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
