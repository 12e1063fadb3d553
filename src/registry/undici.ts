// The one place undici is loaded. Loading the package installs its Agent as the process-wide dispatcher of
// the built-in fetch when none is set yet, and Node 20's fetch cannot drive an undici 7 Agent (requests with a
// body fail, aborts assert). That would break fetch for everything else in the process — other VS Code
// extensions included. So first let the built-in fetch install its own dispatcher (a first call to fetch does,
// synchronously; a data: URL touches no network), and undici then leaves it alone. The engine always passes
// its own Agent, so it never uses the global one.
const legacyKey = Symbol.for('undici.globalDispatcher.1');
const g = globalThis as unknown as Record<symbol, unknown>;
if (g[legacyKey] === undefined && typeof globalThis.fetch === 'function') {
  globalThis.fetch('data:,').catch(() => undefined);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const undici: typeof import('undici') = require('undici');

export const Agent = undici.Agent;
export const Pool = undici.Pool;
export type { Dispatcher } from 'undici';
