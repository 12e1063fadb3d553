// A HOOK PROXY for tests: forwards every request to a real registry, after awaiting a hook the test controls. It lets
// a test act at an exact moment of a run — push a tag when the first DELETE arrives, while a re-read is under way —
// against the real registry behind it. Not a fake: every answer is the registry's own.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query. */
  url: string;
  /** 1-based count of requests with this method so far. */
  nth: number;
}

export interface HookProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  /** Every request seen, in order. */
  seen: ProxiedRequest[];
  stop(): Promise<void>;
}

export async function startHookProxy(target: string, hook: (req: ProxiedRequest) => void | Promise<void>): Promise<HookProxy> {
  const to = new URL(target);
  const seen: ProxiedRequest[] = [];
  const counts = new Map<string, number>();
  const forward = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    const upstream = httpRequest(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const nth = (counts.get(method) ?? 0) + 1;
    counts.set(method, nth);
    const r = { method, url: req.url ?? '/', nth };
    seen.push(r);
    req.pause();
    Promise.resolve(hook(r)).then(
      () => forward(req, res),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
