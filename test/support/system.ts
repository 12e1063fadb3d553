// Makes sure the Debian packages the test suites drive are installed: checks each one, installs what is missing
// when we are root with apt-get, and otherwise fails with the exact command to run. Never skips.
// scripts/ensure-system-deps.mjs is the same logic for plain node (CI, before anything is built).
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** How to tell that a package is there: a binary at a fixed path, a command on PATH, or dpkg's word. */
interface PackageCheck {
  /** Debian package name. */
  pkg: string;
  bin?: string;
  dpkg?: boolean;
}

const CHECKS: Record<string, PackageCheck> = {
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

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(bin: string): boolean {
  if (bin.includes('/')) return isExecutable(bin);
  return (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, bin)));
}

function dpkgInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function checkFor(name: string): PackageCheck {
  // Unknown names are taken as Debian packages that dpkg can answer for.
  return CHECKS[name] ?? { pkg: name, dpkg: true };
}

function isPresent(check: PackageCheck): boolean {
  if (check.bin !== undefined) return onPath(check.bin);
  return dpkgInstalled(check.pkg);
}

/** Debian package names among `names` that are not installed (names may also be `htpasswd`, `rg`). */
export function missingSystemPackages(names: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const name of names) {
    const check = checkFor(name);
    if (!isPresent(check)) missing.add(check.pkg);
  }
  return [...missing];
}

let aptUpdated = false;
const verified = new Set<string>();

/**
 * Ensures the packages are installed (Debian names; `htpasswd` and `rg` are accepted as aliases).
 * Installs missing ones with apt-get when running as root; throws with the exact command otherwise.
 */
export function ensureSystemPackages(names: readonly string[]): void {
  const todo = names.filter((n) => !verified.has(n));
  if (todo.length === 0) return;
  const missing = missingSystemPackages(todo);
  if (missing.length > 0) {
    const command = `sudo apt-get install -y ${missing.join(' ')}`;
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!isRoot || !onPath('apt-get')) {
      throw new Error(`Missing system packages: ${missing.join(', ')}. Install them with: ${command}`);
    }
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      if (!aptUpdated) {
        execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'pipe'], env });
        aptUpdated = true;
      }
      execFileSync('apt-get', ['install', '-y', ...missing], { stdio: ['ignore', 'ignore', 'pipe'], env });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-5).join('\n') ?? '';
      throw new Error(`Installing ${missing.join(', ')} with apt-get failed (try: ${command}).\n${stderr}`);
    }
    const still = missingSystemPackages(todo);
    if (still.length > 0) throw new Error(`apt-get ran but these are still missing: ${still.join(', ')}. Try: ${command}`);
  }
  for (const n of todo) verified.add(n);
}

let tempBase: string | undefined;

/**
 * Where test registries keep their files: $REGX_TEST_TMPDIR, else /dev/shm (RAM: registry storage is thousands
 * of tiny files, and unlinking them on a loaded disk takes seconds), else the OS temp folder.
 */
export function testTempBase(): string {
  if (tempBase !== undefined) return tempBase;
  const candidates = [process.env.REGX_TEST_TMPDIR, '/dev/shm', tmpdir()].filter((d): d is string => d !== undefined && d !== '');
  tempBase = candidates.find((d) => {
    try {
      accessSync(d, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }) ?? tmpdir();
  return tempBase;
}

const OWNER_FILE = '.regx-owner-pid';
let swept = false;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `regx-*` test folders left by test processes that died without cleaning up (e.g. SIGKILL). */
export function sweepStaleTestDirs(): void {
  const base = testTempBase();
  let names: string[] = [];
  try {
    names = readdirSync(base).filter((n) => n.startsWith('regx-'));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(base, name);
    try {
      const pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // not ours, or already gone
    }
  }
}

/** A fresh folder under testTempBase() marked with this process's pid (so a later run can sweep it if we die). */
export function makeTestDir(prefix: string): string {
  if (!swept) {
    swept = true;
    sweepStaleTestDirs();
  }
  const dir = mkdtempSync(join(testTempBase(), prefix));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  return dir;
}
