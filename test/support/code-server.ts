// Runs a real VS Code (code-server, VS Code 1.100.3) on loopback, and a headless Chromium to drive it.
// Everything it writes lives in one temp folder per server (user data, extensions, XDG dirs, TMPDIR), so a run
// never touches $HOME and two runs never share state.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, closeSync, rmSync, writeFileSync, symlinkSync, lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';

/** The project root: the nearest folder above this file (src or bundled copy in out/) holding package.json. */
export function repoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'code-server.mjs'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${from}`);
    dir = up;
  }
}

export function codeServerBin(): string {
  return join(repoRoot(), '.tools', 'code-server', 'node_modules', '.bin', 'code-server');
}

/** Installs code-server into .tools/code-server unless the pinned version is already there; returns the binary. */
export function ensureCodeServer(): string {
  const bin = codeServerBin();
  if (existsSync(bin)) {
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (v.status === 0 && /^(\d+\.\d+\.\d+) /m.exec(v.stdout)?.[1] === CODE_SERVER_VERSION) return bin;
  }
  const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts', 'code-server.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('installing code-server failed (see the output above). Fix: run `node scripts/code-server.mjs`.');
  return bin;
}

export interface CodeServerOptions {
  /** The folder VS Code opens. */
  workspace: string;
  /** Where extensions are installed/linked. Default: a fresh folder in the server's temp dir. */
  extensionsDir?: string;
  /** VS Code's user data (settings, global state). Default: a fresh folder in the server's temp dir. */
  userDataDir?: string;
  /** Extra environment for the server; the extension host inherits it. */
  extraEnv?: Record<string, string>;
  /** User settings merged over QUIET_SETTINGS (written to <userDataDir>/User/settings.json unless it exists). */
  settings?: Record<string, unknown>;
  /** Keep the temp folder after stop() (to look at logs). Default false. */
  keep?: boolean;
}

/**
 * Settings that keep VS Code quiet and offline: no welcome page, tips, experiments, telemetry, update or
 * extension-gallery checks, recommendations, or git scanning of the temp workspace.
 */
export const QUIET_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
};

export interface CodeServer {
  /** `http://127.0.0.1:PORT/?folder=...`: open this in the browser. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  workspace: string;
  extensionsDir: string;
  userDataDir: string;
  /** The server's stdout+stderr. */
  logFile: string;
  /** The last lines of the server log, for error messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads the port code-server printed ("HTTP server listening on http://127.0.0.1:PORT/"). */
async function waitForPort(child: ChildProcess, logFile: string, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode}). Log:\n${tail(logFile, 30)}`);
    }
    const m = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(logFile, 'utf8'));
    if (m) return Number(m[1]);
    await sleep(100);
  }
  throw new Error(`code-server did not start listening in time. Log:\n${tail(logFile, 30)}`);
}

async function waitHealthy(origin: string, logFile: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(150);
  }
  throw new Error(`code-server at ${origin} did not answer /healthz in time. Log:\n${tail(logFile, 30)}`);
}

// ---- every server this process started is killed (with its process group) when the process goes away ----
const liveGroups = new Map<number, { base: string; keep: boolean }>();
let hooksInstalled = false;

function killLiveGroups(): void {
  for (const [pgid, { base, keep }] of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
    if (!keep) rmSync(base, { recursive: true, force: true });
  }
  liveGroups.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killLiveGroups);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killLiveGroups();
      // If nobody else handles the signal, die of it as we would have without this hook.
      if (process.listenerCount(sig) <= 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/**
 * For runner programs: Ctrl-C (or SIGTERM/SIGHUP) exits normally, so every 'exit' hook runs (servers, registries,
 * browsers are killed) and then `cleanup` (synchronous: remove temp folders holding test passwords).
 */
export function exitCleanlyOnSignals(cleanup: () => void): void {
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      console.error(`\n[${sig}] stopping`);
      process.exit(130);
    });
  }
}

/** Starts code-server on a free loopback port and waits until /healthz answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = ensureCodeServer();
  const base = mkdtempSync(join(tmpdir(), 'regx-code-server-'));
  const dirs = {
    extensions: options.extensionsDir ?? join(base, 'extensions'),
    userData: options.userDataDir ?? join(base, 'user-data'),
    config: join(base, 'xdg-config'),
    data: join(base, 'xdg-data'),
    cache: join(base, 'xdg-cache'),
    tmp: join(base, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    mkdirSync(dirname(settingsFile), { recursive: true });
    writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2) + '\n');
  }
  const workspace = resolve(options.workspace);
  const logFile = join(base, 'code-server.log');
  const logFd = openSync(logFile, 'a');
  const args = [
    '--config', '/dev/null',
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    workspace,
  ];
  const env: Record<string, string | undefined> = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
    // A parent VS Code's variables would make code-server think it runs inside that VS Code.
    VSCODE_IPC_HOOK_CLI: undefined,
    // No extension gallery (code-server defaults to open-vsx.org): nothing leaves loopback.
    EXTENSIONS_GALLERY: '{}',
    ...options.extraEnv,
  };
  // Its own process group, so stop() ends the server and everything it started (extension host, pty host).
  installExitHooks();
  const child = spawn(bin, args, { env, stdio: ['ignore', logFd, logFd], detached: true });
  closeSync(logFd);
  if (child.pid) liveGroups.set(child.pid, { base, keep: options.keep ?? false });
  let exited = false;
  const exitedPromise = new Promise<void>((r) => child.once('exit', () => { exited = true; r(); }));

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (!exited) {
      killGroup('SIGTERM');
      await Promise.race([exitedPromise, sleep(5000)]);
    }
    killGroup('SIGKILL'); // children that outlived the server
    if (child.pid) liveGroups.delete(child.pid);
    if (!options.keep) rmSync(base, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 60_000;
    const port = await waitForPort(child, logFile, deadline);
    const origin = `http://127.0.0.1:${port}`;
    await waitHealthy(origin, logFile, deadline);
    return {
      url: `${origin}/?folder=${encodeURIComponent(workspace)}`,
      origin,
      port,
      workspace,
      extensionsDir: dirs.extensions,
      userDataDir: dirs.userData,
      logFile,
      logTail: (lines = 40) => tail(logFile, lines),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The URL that opens `workspace` with the extension at `extensionPath` in development mode and runs the
 * extension-host tests at `testsPath` (a .js file exporting run()). All paths absolute.
 */
export function extensionTestUrl(server: CodeServer, extensionPath: string, testsPath: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${resolve(p)}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
  ];
  return `${server.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Installs a packaged extension (.vsix) into an extensions folder (~1 s). */
export function installVsix(vsixPath: string, extensionsDir: string): void {
  mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(ensureCodeServer(), ['--install-extension', resolve(vsixPath), '--extensions-dir', extensionsDir, '--force'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: join(extensionsDir, '.xdg-config'), XDG_DATA_HOME: join(extensionsDir, '.xdg-data') },
    timeout: 120_000,
  });
  if (r.status !== 0) {
    throw new Error(`installing ${vsixPath} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * Makes an unpackaged extension folder visible to code-server, which has no --extensionDevelopmentPath:
 * a symlink `<extensionsDir>/<publisher>.<name>-<version>` → the folder. Returns the link path.
 */
export function linkExtension(extensionPath: string, extensionsDir: string): string {
  const source = resolve(extensionPath);
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { publisher?: string; name?: string; version?: string };
  if (!manifest.publisher || !manifest.name || !manifest.version) {
    throw new Error(`${source}/package.json needs publisher, name and version to be linked as an extension`);
  }
  mkdirSync(extensionsDir, { recursive: true });
  const link = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase());
  if (existsSync(link) || isSymlink(link)) {
    if (isSymlink(link) && readlinkSync(link) === source) return link;
    if (!isSymlink(link)) throw new Error(`${link} exists and is not a link; remove it first`);
    unlinkSync(link);
  }
  symlinkSync(source, link, 'dir');
  return link;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export const CHROMIUM = '/usr/bin/chromium';
/** Without the background-networking flags Chromium keeps trying to reach Google on a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Resolve no host name but loopback: the page can never reach past this machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export interface BrowserSession {
  browser: Browser;
  /**
   * One context for the whole session: VS Code keeps SecretStorage (encrypted) in the browser's localStorage,
   * so a secret survives a reload only inside the same context.
   */
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Debian's headless Chromium through playwright-core with one shared context. */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const executablePath = process.env.REGX_CHROMIUM ?? CHROMIUM;
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}. Fix: apt-get install -y chromium (or set REGX_CHROMIUM).`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1600, height: 1000 } });
  return {
    browser,
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
    },
  };
}
