/**
 * The demo's intermittent "fetch failed" (issue 21, item 11), reproduced: a client whose event loop
 * is busy for longer than the server's keep-alive timeout between two requests, with the server in
 * the same process (as the demo's API is), has the reused connection reset under its next request.
 *
 *   npx tsx bench/keep-alive-race.ts [--tries 10] [--block-ms 6000] [--keep-alive-ms 5000]
 *
 * Prints how many of the tries failed. Node's default keepAliveTimeout is 5000 ms; the API and the
 * test inference server now use 65000 ms (src/api/http/http-server.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { tries: { type: 'string', default: '10' }, 'block-ms': { type: 'string', default: '6000' }, 'keep-alive-ms': { type: 'string', default: '5000' } } });
const tries = Number(values.tries);
const blockMs = Number(values['block-ms']);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('{"ok":true}'));
});
server.keepAliveTimeout = Number(values['keep-alive-ms']);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

let failures = 0;
for (let i = 0; i < tries; i++) {
  await (await fetch(url, { method: 'POST', body: '{}' })).text();
  const end = Date.now() + blockMs;
  while (Date.now() < end) {
    // Busy, as TF.js work on the main thread is: no timer, no socket event runs.
  }
  try {
    await (await fetch(url, { method: 'POST', body: '{}' })).text();
  } catch (error) {
    failures++;
    const cause = (error as { cause?: { code?: string } }).cause;
    console.log(`try ${i + 1}: ${(error as Error).message} (${cause?.code ?? 'no cause'})`);
  }
}
console.log(`keepAliveTimeout ${server.keepAliveTimeout} ms, event loop blocked ${blockMs} ms between requests: ${failures} of ${tries} reused connections reset`);
server.close();
process.exit(0);
