// Assertions the engine suites share.
import * as assert from 'node:assert/strict';
import { RegistryError, type ErrorCode } from '../../src/registry/errors';

/**
 * Awaits `p`, which must reject with a RegistryError of one of `codes` (and a message matching `message`).
 * `inspect` sees the error afterwards (e.g. to check it for secrets); `hide` masks what a failure would print (so a
 * failing test never prints a secret).
 */
export async function rejectsWith(
  p: Promise<unknown>,
  codes: ErrorCode | ErrorCode[],
  message?: RegExp,
  inspect?: (e: RegistryError) => void,
  hide: (text: string) => string = (text) => text,
): Promise<RegistryError> {
  const list = Array.isArray(codes) ? codes : [codes];
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected ${list.join('|')}, but it succeeded`);
  assert.ok(caught instanceof RegistryError && list.includes(caught.code), hide(`expected ${list.join('|')}, got ${(caught as RegistryError)?.code ?? ''} ${String(caught)}`));
  if (message) assert.ok(message.test(caught.message), hide(`message ${JSON.stringify(caught.message)} does not match ${message}`));
  inspect?.(caught);
  return caught;
}
