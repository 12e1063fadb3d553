// Running the real `regx` bundle (`node dist/cli.js`, built by `node scripts/build.mjs`) for the CLI suites, with a
// clean environment, and the checks every CLI test makes of a run: its exit code, and errors as one or two lines.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RegistryUser } from './registry';
import { FULL_ACCEPT } from './seed';

// out/test/engine/<suite>.test.js → the repository root.
const ROOT = resolve(__dirname, '../../..');
export const CLI = join(ROOT, 'dist/cli.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let scratchHome = '';

/** A fresh, empty HOME for the runs of a suite (call at the top of its outer describe). */
export function useCliScratchHome(): void {
  before(function () {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node scripts/build.mjs\` first (npm test does).`);
    scratchHome = mkdtempSync(join(tmpdir(), 'regx-cli-home-'));
  });
  after(() => {
    if (scratchHome) rmSync(scratchHome, { recursive: true, force: true });
  });
}

export interface RegxOptions {
  stdin?: string;
  env?: Record<string, string>;
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `node dist/cli.js ...args` with a clean environment (an empty HOME and docker config unless given). */
export function regx(args: string[], opts: RegxOptions = {}): Promise<Run> {
  // regx writes its undo journal under HOME: a suite must never run it against the real one.
  if (!scratchHome && !opts.env?.HOME) return Promise.reject(new Error('call useCliScratchHome() in the suite (regx keeps its undo journal under HOME)'));
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: scratchHome,
      DOCKER_CONFIG: join(scratchHome, 'no-docker-config'),
      ...opts.env,
    };
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? '');
    opts.onSpawn?.(child);
  });
}

export function show(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

export function expectExit(r: Run, code: number): void {
  assert.equal(r.code, code, show(r));
}

/** An error is one or two plain lines on stderr, starting with "regx:". */
export function expectShortError(r: Run, code: 1 | 2, pattern?: RegExp): void {
  expectExit(r, code);
  const lines = r.stderr.trimEnd().split('\n');
  assert.ok(lines.length >= 1 && lines.length <= 2, `stderr should be one or two lines:\n${r.stderr}`);
  assert.match(lines[0], /^regx: /);
  if (pattern) assert.match(r.stderr, pattern);
}

/** What the registry says about a reference, over plain HTTP: its digest, or undefined. */
export async function head(reg: { url: string }, repo: string, ref: string, auth?: RegistryUser): Promise<string | undefined> {
  const headers: Record<string, string> = { Accept: FULL_ACCEPT };
  if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers });
  return res.status === 200 ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/**
 * Runs regx on a pseudo-terminal (test/support/pty-answer.py), as a person would: when `prompt` appears, `answer` is
 * asked what to type (`y`, `n` or `ctrl-c`), and may first act (push a tag) while the person reads the question.
 * stdout and stderr come back together in `stdout` (a terminal has one stream).
 */
export function regxOnTerminal(args: string[], prompt: string, answer: () => Promise<string>): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratchHome, DOCKER_CONFIG: join(scratchHome, 'no-docker-config') };
    const child = spawn('python3', [join(ROOT, 'test/support/pty-answer.py'), prompt, process.execPath, CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let asked = false;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (!asked && out.startsWith('PROMPT\n')) {
        asked = true;
        answer().then((a) => child.stdin.end(`${a}\n`), reject);
      }
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const m = /\nEXIT (-?\d+)\n$/.exec(out);
      resolvePromise({ code: m ? Number(m[1]) : null, stdout: out.replace(/^PROMPT\n/, ''), stderr: '' });
    });
  });
}
