// The one place undici is loaded, and only when the first connection is made: importing the engine costs nothing.
//
// Only the parts used are loaded — the Agent and Pool dispatchers, the connector and the `request` API — not undici's
// index. That
// keeps the bundle small (the index brings fetch, WebSocket, caches and mocks), and it means undici never installs
// itself as the process-wide dispatcher of the built-in fetch: the index does that on load, and Node 20's fetch
// cannot drive an undici 7 Agent (requests with a body fail, aborts assert), which broke fetch for everything else
// in the process — other VS Code extensions included. The engine always passes its own Agent.
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Undici from 'undici';
export type { Dispatcher } from 'undici';

interface Loaded {
  Agent: typeof Undici.Agent;
  Pool: typeof Undici.Pool;
  buildConnector: typeof Undici.buildConnector;
}

let loaded: Loaded | undefined;

/** A dispatcher class with undici's `request` on it, as the index would add it to every dispatcher. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withRequest<T extends new (...args: any[]) => object>(Base: T, request: (this: unknown, opts: unknown) => unknown): T {
  return class extends Base {
    request(opts: unknown): unknown {
      return request.call(this, opts);
    }
  };
}

export function undici(): Loaded {
  if (loaded) return loaded;
  const request = require('undici/lib/api/api-request');
  loaded = {
    Agent: withRequest(require('undici/lib/dispatcher/agent'), request) as unknown as typeof Undici.Agent,
    Pool: withRequest(require('undici/lib/dispatcher/pool'), request) as unknown as typeof Undici.Pool,
    buildConnector: require('undici/lib/core/connect'),
  };
  return loaded;
}
