// Runs the extension-host mocha suite in a desktop VS Code downloaded by @vscode/test-electron: for machines that
// can reach update.code.visualstudio.com (on a machine without that, use run-code-server.js). Build first.
//   node out/test/extension/run-electron.js [--extension DIR] [--tests FILE] [--no-registry] [--vscode VERSION]
// Linux without a display: run it under `xvfb-run -a`.
// Like the code-server runner, the verdict comes from the results file, and the last line is `N passed, N failed`.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exitCleanlyOnSignals, repoRoot } from '../support/code-server';
import { prepareHostFixture, type HostFixture } from './fixture';
import { CONFIG_ENV, RESULTS_ENV, readResults, reportResults, writeJsonAtomic } from './host-channel';
import { flag, has, parseArgs as parseFlags } from '../../src/cli/args';

/** The VS Code the extension targets (engines ^1.100.0) and code-server 4.100.3 runs; REGX_VSCODE_VERSION overrides. */
const DEFAULT_VERSION = '1.100.3';
/** No data for this long while downloading VS Code: give up (test-electron's idle timeout). */
const DOWNLOAD_IDLE_TIMEOUT_MS = 15_000;

interface Args {
  extension: string;
  tests: string;
  registries: boolean;
  version: string;
}

function parseArgs(argv: string[]): Args {
  const parsed = parseFlags(argv, { extension: { value: true }, tests: { value: true }, 'no-registry': {}, vscode: { value: true } });
  if (parsed.positionals.length) throw new Error(`unknown argument ${parsed.positionals[0]}`);
  const extension = flag(parsed, 'extension');
  const tests = flag(parsed, 'tests');
  return {
    extension: extension ? resolve(extension) : repoRoot(__dirname),
    tests: tests ? resolve(tests) : join(__dirname, 'index.js'),
    registries: !has(parsed, 'no-registry'),
    version: flag(parsed, 'vscode') ?? (process.env.REGX_VSCODE_VERSION || DEFAULT_VERSION),
  };
}

const log = (m: string) => console.log(`[electron] ${m}`);

async function downloadVsCode(version: string, cachePath: string): Promise<string> {
  const { downloadAndUnzipVSCode, SilentReporter } = await import('@vscode/test-electron');
  try {
    return await downloadAndUnzipVSCode({ version, cachePath, timeout: DOWNLOAD_IDLE_TIMEOUT_MS, reporter: new SilentReporter() });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot download VS Code ${version} for the Electron run (${why}). ` +
      'This machine probably cannot reach update.code.visualstudio.com. ' +
      'Fix: run the same suite in code-server instead: node out/test/extension/run-code-server.js');
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(args.tests)) throw new Error(`${args.tests} is missing. Fix: build first (node scripts/build.mjs).`);
  const cachePath = join(repoRoot(__dirname), '.tools', 'vscode-test');
  log(`getting VS Code ${args.version} (cache ${cachePath})`);
  const vscodeExecutablePath = await downloadVsCode(args.version, cachePath);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    log('no DISPLAY: if VS Code fails to start, run this under `xvfb-run -a`');
  }

  const work = mkdtempSync(join(tmpdir(), 'regx-electron-'));
  const workspace = join(work, 'workspace');
  mkdirSync(workspace);
  const results = join(work, 'results.json');
  const config = join(work, 'test-config.json');
  exitCleanlyOnSignals(() => rmSync(work, { recursive: true, force: true }));
  let fixture: HostFixture | undefined;
  try {
    fixture = await prepareHostFixture(workspace, { registries: args.registries });
    writeJsonAtomic(config, fixture.config);
    const { runTests } = await import('@vscode/test-electron');
    let exitCode: number | string = 'none';
    try {
      exitCode = await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: args.extension,
        extensionTestsPath: args.tests,
        extensionTestsEnv: { [RESULTS_ENV]: results, [CONFIG_ENV]: config },
        launchArgs: [
          workspace,
          '--disable-extensions',
          '--disable-workspace-trust',
          '--skip-welcome',
          '--skip-release-notes',
          '--disable-gpu',
          '--user-data-dir', join(work, 'user-data'),
          '--extensions-dir', join(work, 'extensions'),
        ],
      });
    } catch (err) {
      // runTests rejects when VS Code exits non-zero, which index.ts does when a test fails; the file decides.
      exitCode = (err as { code?: number }).code ?? (err instanceof Error ? err.message : String(err));
    }
    const found = readResults(results);
    if (!found) throw new Error(`VS Code exited (${exitCode}) without writing ${results}: the tests never ran to the end`);
    return reportResults(found) ? 0 : 1;
  } finally {
    await fixture?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[electron] ${err instanceof Error ? err.message : String(err)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
