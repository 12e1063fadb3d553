// Assertions the engine suites share.
import * as assert from 'node:assert/strict';
import { RegistryError, type ErrorCode } from '../../src/registry/errors';

/**
 * Awaits `p`, which must reject with a RegistryError of one of `codes` (and a message matching `message`).
 * `inspect` sees the error afterwards (e.g. to check it for secrets).
 */
export async function rejectsWith(
  p: Promise<unknown>,
  codes: ErrorCode | ErrorCode[],
  message?: RegExp,
  inspect?: (e: RegistryError) => void,
): Promise<RegistryError> {
  const list = Array.isArray(codes) ? codes : [codes];
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected ${list.join('|')}, but it succeeded`);
  assert.ok(caught instanceof RegistryError && list.includes(caught.code), `expected ${list.join('|')}, got ${(caught as RegistryError)?.code ?? ''} ${String(caught)}`);
  if (message) assert.match(caught.message, message);
  inspect?.(caught);
  return caught;
}
