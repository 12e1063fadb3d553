// Which registries are hosted services: it decides the advice after a 405 and whether to mention garbage collection.
import * as assert from 'node:assert/strict';
import { isHostedRegistry, isLoopbackHost } from '../../src/registry/hosts';
import { parseReference } from '../../src/registry/reference';

describe('hosted and loopback registries', () => {
  it('knows the hosted services, Docker Hub by its normalised name', () => {
    for (const ref of ['nginx', 'docker.io/library/nginx', 'ghcr.io/o/a', 'us-docker.pkg.dev/p/r/a', 'x.azurecr.io/a', '1.dkr.ecr.eu-west-1.amazonaws.com/a', 'quay.io/o/a', 'registry.gitlab.com/g/a']) {
      assert.ok(isHostedRegistry(parseReference(ref).host), ref);
    }
  });

  it('treats everything else as self-hosted, including names that only contain a hosted name', () => {
    for (const host of ['localhost:5000', 'registry.example.com', 'harbor.corp', 'notdocker.io.example.com', 'ghcr.io.evil.example']) {
      assert.equal(isHostedRegistry(host), false, host);
    }
  });

  it('knows loopback hosts (http fallback is allowed only there)', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['128.0.0.1', 'localhost.example.com', '10.0.0.1:5000', '[::2]']) assert.equal(isLoopbackHost(host), false, host);
  });
});
