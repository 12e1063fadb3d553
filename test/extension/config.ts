// For the extension-host tests: what the runner set up for them (registries, credentials, workspace).
import { existsSync, readFileSync } from 'node:fs';
import { configPath, CONFIG_ENV, type TestConfig } from './host-channel';

export type { TestConfig, TestRegistryInfo } from './host-channel';

let cached: TestConfig | undefined;

/**
 * The runner's fixture. Each *.test.js is its own bundle in out/test/extension/, so __dirname is that folder
 * here too. Throws (a failing test, never a skip) when the runner wrote none.
 */
export function loadTestConfig(): TestConfig {
  if (cached) return cached;
  const path = configPath(__dirname);
  if (!existsSync(path)) {
    throw new Error(`no test config at ${path}: run the suite through run-code-server.js or run-electron.js (${CONFIG_ENV})`);
  }
  cached = JSON.parse(readFileSync(path, 'utf8')) as TestConfig;
  return cached;
}

/** A registry the runner started, by name; throws naming the ones there are. */
export function testRegistry(name: string): TestConfig['registries'][string] {
  const config = loadTestConfig();
  const r = config.registries[name];
  if (!r) throw new Error(`the runner started no registry "${name}" (have: ${Object.keys(config.registries).join(', ') || 'none'})`);
  return r;
}
