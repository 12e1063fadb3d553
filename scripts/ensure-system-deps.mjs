#!/usr/bin/env node
// Ensures the Debian packages the test suites drive are installed.
//   node scripts/ensure-system-deps.mjs docker-registry skopeo apache2-utils chromium ripgrep libkrb5-dev
// Installs what is missing with apt-get when running as root (apt-get update once first); otherwise exits 1
// with the exact command to run. Never skips. The test support code (test/support/system.ts) uses the same
// functions, so there is one list of packages and one way to install them.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const CHECKS = {
  'docker-registry': { pkg: 'docker-registry', bin: '/usr/bin/docker-registry' },
  skopeo: { pkg: 'skopeo', bin: 'skopeo' },
  'apache2-utils': { pkg: 'apache2-utils', bin: 'htpasswd' },
  htpasswd: { pkg: 'apache2-utils', bin: 'htpasswd' },
  chromium: { pkg: 'chromium', bin: 'chromium' },
  ripgrep: { pkg: 'ripgrep', bin: 'rg' },
  rg: { pkg: 'ripgrep', bin: 'rg' },
  openssl: { pkg: 'openssl', bin: 'openssl' },
  'libkrb5-dev': { pkg: 'libkrb5-dev', dpkg: true },
};

const DEFAULT = ['docker-registry', 'skopeo', 'apache2-utils', 'openssl'];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(bin) {
  if (bin.includes('/')) return isExecutable(bin);
  return (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, bin)));
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function isPresent(check) {
  return check.bin !== undefined ? onPath(check.bin) : dpkgInstalled(check.pkg);
}

/** Debian package names among `names` that are not installed (`htpasswd`, `rg` accepted as aliases). */
export function missingSystemPackages(names) {
  const out = new Set();
  for (const name of names) {
    const check = CHECKS[name] ?? { pkg: name, dpkg: true };
    if (!isPresent(check)) out.add(check.pkg);
  }
  return [...out];
}

let aptUpdated = false;
const verified = new Set();

/**
 * Ensures the packages are installed. Installs missing ones with apt-get when running as root; throws with
 * the exact command otherwise. `log` receives progress lines (silent by default).
 */
export function ensureSystemPackages(names, log = () => {}) {
  const todo = names.filter((n) => !verified.has(n));
  if (todo.length === 0) return;
  const missing = missingSystemPackages(todo);
  if (missing.length > 0) {
    const command = `sudo apt-get install -y ${missing.join(' ')}`;
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!isRoot || !onPath('apt-get')) throw new Error(`Missing system packages: ${missing.join(', ')}. Install them with: ${command}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      log(`installing: ${missing.join(' ')}`);
      if (!aptUpdated) {
        execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'], env });
        aptUpdated = true;
      }
      execFileSync('apt-get', ['install', '-y', ...missing], { stdio: ['ignore', 'ignore', 'pipe'], env });
    } catch (err) {
      const stderr = err?.stderr?.toString().trim().split('\n').slice(-5).join('\n') ?? '';
      throw new Error(`Installing ${missing.join(', ')} with apt-get failed (try: ${command}).\n${stderr}`);
    }
    const still = missingSystemPackages(todo);
    if (still.length > 0) throw new Error(`apt-get ran but these are still missing: ${still.join(', ')}. Try: ${command}`);
  }
  for (const n of todo) verified.add(n);
}

// Run as a script (not when bundled into the tests).
if (process.argv[1]?.endsWith('ensure-system-deps.mjs')) {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT;
  try {
    ensureSystemPackages(names, (line) => console.log(line));
    console.log(`system packages present: ${names.join(' ')}`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
