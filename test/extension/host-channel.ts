// How the runner and the tests inside the extension host talk: two files, both beside the test bundle by
// default (out/test/extension/), or wherever REGX_TEST_RESULTS / REGX_TEST_CONFIG point.
// Environment variables do reach the extension host under code-server (it inherits the server's environment),
// and under @vscode/test-electron (extensionTestsEnv); the fixed paths are the fallback when they do not.
// Shared by the runner (node) and the tests (extension host): it must not import vscode.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestFailure {
  /** The full mocha title ("suite test"). */
  title: string;
  /** The error's message and stack. */
  error: string;
}

/** What the test entry writes when the suite ends, always (also when loading the tests fails). */
export interface TestResults {
  passed: number;
  failed: number;
  pending: number;
  failures: TestFailure[];
  /** ISO time the run ended. */
  finishedAt?: string;
}

/** A registry the tests may use: started and seeded by the runner. Passwords stay in this file, never in logs. */
export interface TestRegistryInfo {
  /** `http://127.0.0.1:PORT` */
  url: string;
  host: string;
  auth: 'none' | 'basic' | 'token';
  username?: string;
  password?: string;
  /** Whatever the seed reported (repositories, tags, digests), as plain JSON. */
  dataset?: unknown;
}

/** What the runner hands the tests. */
export interface TestConfig {
  /** The workspace folder VS Code opened. */
  workspace: string;
  /** Named registries, e.g. `open`, `basic`, `token`. */
  registries: Record<string, TestRegistryInfo>;
  /** Anything else a runner wants to pass. */
  extra?: Record<string, unknown>;
}

export const RESULTS_ENV = 'REGX_TEST_RESULTS';
export const CONFIG_ENV = 'REGX_TEST_CONFIG';

/** `dir` is the folder of the test bundle (out/test/extension); callers pass their __dirname. */
export function resultsPath(dir: string): string {
  return process.env[RESULTS_ENV] || join(dir, 'results.json');
}

export function configPath(dir: string): string {
  return process.env[CONFIG_ENV] || join(dir, 'test-config.json');
}

/** Writes JSON atomically, so a reader polling for the file never sees half of it. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

export function readResults(path: string): TestResults | undefined {
  if (!existsSync(path)) return undefined;
  const r = JSON.parse(readFileSync(path, 'utf8')) as TestResults;
  if (typeof r.passed !== 'number' || typeof r.failed !== 'number' || !Array.isArray(r.failures)) {
    throw new Error(`${path} is not a results file`);
  }
  return r;
}

/**
 * Prints each failure and the last line `N passed, N failed`. True when the run counts as a success: nothing
 * failed and something passed (pending tests never count as passed).
 */
export function reportResults(results: TestResults): boolean {
  for (const f of results.failures) {
    console.log(`\nFAILED: ${f.title}\n${f.error.split('\n').map((l) => `    ${l}`).join('\n')}`);
  }
  if (results.pending > 0) console.log(`(${results.pending} pending: not counted as passed)`);
  console.log(`${results.passed} passed, ${results.failed} failed`);
  return results.failed === 0 && results.passed > 0;
}
