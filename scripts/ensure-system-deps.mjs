#!/usr/bin/env node
// Ensures the Debian packages the test suites drive are installed.
//   node scripts/ensure-system-deps.mjs docker-registry skopeo apache2-utils chromium ripgrep libkrb5-dev
// Installs what is missing with apt-get when running as root (apt-get update once first); otherwise exits 1
// with the exact command to run. Never skips. test/support/system.ts is the same logic for the TypeScript tests.
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

function missing(names) {
  const out = new Set();
  for (const name of names) {
    const check = CHECKS[name] ?? { pkg: name, dpkg: true };
    if (!isPresent(check)) out.add(check.pkg);
  }
  return [...out];
}

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT;
const todo = missing(names);
if (todo.length === 0) {
  console.log(`system packages present: ${names.join(' ')}`);
  process.exit(0);
}
const command = `sudo apt-get install -y ${todo.join(' ')}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(`Missing system packages: ${todo.join(', ')}. Install them with: ${command}`);
  process.exit(1);
}
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  console.log(`installing: ${todo.join(' ')}`);
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', ...todo], { stdio: ['ignore', 'inherit', 'inherit'], env });
} catch {
  console.error(`apt-get failed. Try: ${command}`);
  process.exit(1);
}
const still = missing(names);
if (still.length > 0) {
  console.error(`apt-get ran but these are still missing: ${still.join(', ')}. Try: ${command}`);
  process.exit(1);
}
console.log(`system packages present: ${names.join(' ')}`);
