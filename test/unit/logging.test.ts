// Request loggers made on first use: nothing is made for a request that logs nothing the server's level
// lets through; what is logged carries the request's bindings as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { lazyRequestLogger } from '../../src/platform/logging.ts';

function logger(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const base = pino({ level }, stream);
  let children = 0;
  const child = base.child.bind(base);
  base.child = ((...args: Parameters<typeof base.child>) => {
    children += 1;
    return child(...args);
  }) as typeof base.child;
  return { base, lines, children: () => children };
}

test('a request logger is made only when the request logs at an enabled level, with its bindings', async () => {
  const { base, lines, children } = logger('warn');
  const log = lazyRequestLogger(base, { reqId: 'req-1' }, {});
  log.info('incoming request');
  log.debug('detail');
  assert.equal(children(), 0);
  assert.equal(log.level, 'warn');
  log.error({ code: 'X' }, 'failed');
  log.warn('again');
  assert.equal(children(), 1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    lines.map((l) => [l.reqId, l.msg, l.level]),
    [
      ['req-1', 'failed', 50],
      ['req-1', 'again', 40],
    ],
  );
  assert.equal(lines[0]!.code, 'X');
});

test('a route with its own level gets its child at once', () => {
  const { base, children } = logger('warn');
  const log = lazyRequestLogger(base, { reqId: 'req-2' }, { level: 'debug' });
  assert.equal(children(), 1);
  assert.equal(log.level, 'debug');
});
