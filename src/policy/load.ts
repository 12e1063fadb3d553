// Reading a policy file from disk. Invariants: a file over MAX_POLICY_BYTES is refused before it is read whole; a
// problem in the file becomes one BAD_INPUT error whose message places the first problem (`file:line:column: field:
// message`) and counts the others, and whose fix is that problem's fix.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { badInput, RegistryError } from '../registry/errors';
import { parsePolicy } from './parse';
import type { PolicyDocument, PolicyProblem } from './types';

/** A policy is a short list of rules; anything bigger is the wrong file. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** One problem as editors and compilers print it: `file:line:column: field: message` (no field: `file:line:column: message`). */
export function formatPolicyProblem(file: string, problem: PolicyProblem): string {
  const field = problem.field ? `${problem.field}: ` : '';
  return `${file}:${problem.line}:${problem.column}: ${field}${problem.message}`;
}

/** The error for a file with problems: the first one placed, and how many more there are. */
export function policyProblemsError(file: string, problems: readonly PolicyProblem[]): RegistryError {
  const [first] = problems;
  const more = problems.length - 1;
  const count = more === 0 ? '' : ` (and ${more} more problem${more === 1 ? '' : 's'})`;
  return badInput(`${formatPolicyProblem(file, first)}${count}`, first.fix);
}

function unreadable(path: string, cause: unknown): RegistryError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new RegistryError('BAD_INPUT', `the policy file ${path} does not exist`, {
      cause,
      fix: `Create it with a rules: list (name it ${basename(path) || 'registry-retention.yaml'}), or give the path of an existing policy file.`,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new RegistryError('BAD_INPUT', `the policy file ${path} may not be read (${code})`, { cause, fix: 'Let your user read the file, or give the path of a copy you can read.' });
  }
  if (code === 'EISDIR') return new RegistryError('BAD_INPUT', `${path} is a folder, not a policy file`, { cause, fix: 'Give the path of the policy file itself.' });
  return new RegistryError('BAD_INPUT', `the policy file ${path} could not be read${code ? ` (${code})` : ''}`, { cause, fix: 'Check the path and that the file can be read.' });
}

function tooBig(path: string, bytes: number): RegistryError {
  const megabytes = (bytes / MAX_POLICY_BYTES).toFixed(1);
  return badInput(`the policy file ${path} is ${megabytes} MB; a policy file may be at most 1 MB`, 'A policy is a short list of rules: check that this is the right file.');
}

/** The file's text: UTF-8, at most MAX_POLICY_BYTES. Throws BAD_INPUT (with the cause) for anything else. */
async function readPolicyText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    if (info.size > MAX_POLICY_BYTES) throw tooBig(path, info.size);
    bytes = await readFile(path);
  } catch (e) {
    throw e instanceof RegistryError ? e : unreadable(path, e);
  }
  // The file may have grown between stat and read.
  if (bytes.length > MAX_POLICY_BYTES) throw tooBig(path, bytes.length);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw new RegistryError('BAD_INPUT', `the policy file ${path} is not UTF-8 text`, { cause: e, fix: 'Save the file as UTF-8.' });
  }
}

/**
 * Reads the file (refusing one over 1 MB; a missing file says so with a fix) and parses it. Throws BAD_INPUT whose
 * message is `<file>:<line>:<column>: <field>: <message>` for the first problem, plus "(and N more problems)" when
 * there are more, and whose fix is that problem's fix.
 */
export async function loadPolicy(path: string): Promise<PolicyDocument> {
  const text = await readPolicyText(path);
  const { document, problems } = parsePolicy(text, path);
  if (document) return document;
  throw policyProblemsError(path, problems);
}
