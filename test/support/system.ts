// System facts for the tests: the Debian packages they drive (checked and installed by
// scripts/ensure-system-deps.mjs, which CI also runs before anything is built), and their temp folders.
import { accessSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { ensureSystemPackages, missingSystemPackages } from '../../scripts/ensure-system-deps.mjs';

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
