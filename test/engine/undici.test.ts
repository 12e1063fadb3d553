// The engine loads only the parts of undici it uses, so it never becomes the dispatcher of the process's built-in
// fetch: other code in the same process (other VS Code extensions, in the extension host) keeps a working fetch.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

describe('undici inside the engine', () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/echo') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => res.end(body));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('leaves the built-in fetch working (a POST with a body) after the engine made requests', async () => {
    // out/test/engine/undici.test.js → out/test/support/undici-probe.js, run in a fresh process (the server here answers).
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, '..', 'support', 'undici-probe.js'), url], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(stdout, 'engine ok\nfetch ok\n');
  });
});
