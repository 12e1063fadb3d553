// A program for test/engine/undici.test.ts, run in a fresh node process (bundled to out/test/support/): makes a
// request with the engine, then uses the process's built-in fetch with a body. Prints "engine ok" and "fetch ok".
import { createRegistryClient } from '../../src/registry/client';

async function main(): Promise<void> {
  const url = process.argv[2];
  const client = createRegistryClient({ url });
  await client.ping();
  await client.close();
  process.stdout.write('engine ok\n');
  const res = await fetch(`${url}/echo`, { method: 'POST', body: 'hello', signal: AbortSignal.timeout(5000) });
  process.stdout.write(res.status === 200 && (await res.text()) === 'hello' ? 'fetch ok\n' : `fetch answered ${res.status}\n`);
}

main().catch((e) => {
  process.stdout.write(`failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
