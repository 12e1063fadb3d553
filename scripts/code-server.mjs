#!/usr/bin/env node
// Installs code-server (a real VS Code that runs on this machine's node and needs no download from GitHub or
// the VS Code update service) into the git-ignored `.tools/code-server`, once. Idempotent: when the installed
// binary already reports the pinned version nothing is done.
//
//   node scripts/code-server.mjs            install if needed, print the binary path
//   node scripts/code-server.mjs --check    exit 0 when installed at the pinned version, 1 otherwise
//
// See docs in the notes "Running the extension in a real VS Code": code-server 4.100.3 is VS Code 1.100.3, the
// newest that runs on node 20.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync, copyFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const APT_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium'];
// What @vscode/ripgrep (as pinned by code-server 4.100.3) looks for before downloading from GitHub.
const RIPGREP_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
// npm 11.19+ skips dependency install scripts unless allowed, and code-server needs them: its postinstall runs
// `npm install` in lib/vscode and lib/vscode/extensions, which build native modules (kerberos, node-pty, spdlog,
// @parcel/watcher, ...). npm rejects an allow list given on the command line or in the environment of a project
// install, and the parent npm exports any allow list from an npmrc into the nested runs' environment, where it is
// rejected again. So this one install of a pinned tool (its tree fixed by code-server's shrinkwrap) allows all
// scripts, in the environment of this process only; the project's own installs keep npm's default.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const toolsDir = join(root, '.tools', 'code-server');
export const codeServerBin = join(toolsDir, 'node_modules', '.bin', 'code-server');

/** The version the installed binary reports, or undefined when there is none or it does not run. */
export function installedVersion() {
  if (!existsSync(codeServerBin)) return undefined;
  const r = spawnSync(codeServerBin, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  // "4.100.3 <commit> with Code 1.100.3", possibly after log lines.
  return /^(\d+\.\d+\.\d+) /m.exec(r.stdout)?.[1];
}

function missingAptPackages() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...APT_PACKAGES], { encoding: 'utf8' });
  const ok = new Set(
    (r.stdout || '').split('\n').filter((l) => l.endsWith(' install ok installed')).map((l) => l.split(' ')[0]),
  );
  return APT_PACKAGES.filter((p) => !ok.has(p));
}

function ensureAptPackages(log) {
  const missing = missingAptPackages();
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`code-server needs Debian packages that are not installed: ${missing.join(', ')}.\n` +
      `Fix: run  sudo ${command}  and try again.`);
  }
  log(`installing apt packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit', env });
}

/** @vscode/ripgrep downloads rg from GitHub in its postinstall unless this cached tarball exists. */
function seedRipgrepCache(tmpDir) {
  const cacheDir = join(tmpDir, RIPGREP_CACHE_DIR);
  const tarball = join(cacheDir, RIPGREP_ASSET);
  if (existsSync(tarball)) return;
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep (rg) is not on PATH. Fix: apt-get install -y ripgrep');
  const staging = join(cacheDir, 'staging');
  mkdirSync(staging, { recursive: true });
  copyFileSync(rg, join(staging, 'rg'));
  chmodSync(join(staging, 'rg'), 0o755);
  execFileSync('tar', ['-czf', tarball, '-C', staging, 'rg']);
  rmSync(staging, { recursive: true, force: true });
}

/** Installs code-server when needed; returns the binary path. */
export function ensureCodeServer({ log = (m) => console.error(`[code-server] ${m}`) } = {}) {
  const have = installedVersion();
  if (have === CODE_SERVER_VERSION) return codeServerBin;
  const started = Date.now();
  log(have ? `found ${have}, installing ${CODE_SERVER_VERSION}` : `installing code-server ${CODE_SERVER_VERSION} into ${toolsDir}`);
  ensureAptPackages(log);

  // Our own TMPDIR keeps the ripgrep cache and npm's scratch files out of the system temp folder.
  const tmpDir = join(toolsDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  seedRipgrepCache(tmpDir);
  // A minimal manifest so npm installs here and not into the project.
  writeFileSync(join(toolsDir, 'package.json'), JSON.stringify({ name: 'regx-tools', private: true }, null, 2) + '\n');

  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    // The machine's npmrc has yes=false, which cancels node-pty's `npx node-gyp` during install.
    npm_config_yes: 'true',
    // code-server's postinstall refuses to run as root without it (npm 11 no longer knows the flag itself).
    npm_config_unsafe_perm: 'true',
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: toolsDir, env, stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.status}) in ${toolsDir}. ` +
      'Fix: check the output above; the npm registry must be reachable.');
  }
  const now = installedVersion();
  if (now !== CODE_SERVER_VERSION) {
    throw new Error(`code-server installed but reports version ${now ?? '(does not run)'}; expected ${CODE_SERVER_VERSION}.`);
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return codeServerBin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--check')) {
      const v = installedVersion();
      console.log(v ?? 'not installed');
      process.exit(v === CODE_SERVER_VERSION ? 0 : 1);
    }
    console.log(ensureCodeServer());
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
