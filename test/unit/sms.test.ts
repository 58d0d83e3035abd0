// The HTTP SMS-gateway sender: JSON with a bearer token to the configured URL; a refusal, an error
// status or no answer is SMS_UNAVAILABLE.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../src/platform/errors.ts';
import { hasCode } from '../support/errors.ts';
import { createSmsSender, HttpSmsSender, LogSmsSender } from '../../src/platform/sms.ts';
import { installErrorCatalogue } from '../../src/errors.catalogue.ts';

installErrorCatalogue();

async function gateway(status: number): Promise<{
  url: string;
  received: Array<{ headers: http.IncomingHttpHeaders; body: string }>;
  close(): Promise<void>;
}> {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = status;
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('SMS senders', () => {
  test('the HTTP sender posts JSON with the token', async () => {
    const g = await gateway(200);
    try {
      await new HttpSmsSender({ url: g.url, token: 'secret-token', timeoutMs: 5000 }).send({
        to: '13904371234',
        text: '验证码 123456',
      });
      assert.equal(g.received.length, 1);
      assert.equal(g.received[0]!.headers.authorization, 'Bearer secret-token');
      assert.match(String(g.received[0]!.headers['content-type']), /application\/json/);
      assert.deepEqual(JSON.parse(g.received[0]!.body), { to: '13904371234', text: '验证码 123456' });
    } finally {
      await g.close();
    }
  });

  test('an error status or an unreachable gateway is SMS_UNAVAILABLE', async () => {
    const g = await gateway(500);
    try {
      await assert.rejects(
        new HttpSmsSender({ url: g.url, timeoutMs: 5000 }).send({ to: '13904371234', text: 'x' }),
        (err: unknown) => err instanceof AppError && err.code === 'SMS_UNAVAILABLE' && err.status === 503,
      );
    } finally {
      await g.close();
    }
    await assert.rejects(
      new HttpSmsSender({ url: 'http://127.0.0.1:9/send', timeoutMs: 2000 }).send({ to: '13904371234', text: 'x' }),
      hasCode('SMS_UNAVAILABLE'),
    );
  });

  test('configuration picks the sender; the log sender masks the phone in its line', async () => {
    assert.equal(createSmsSender({ url: 'http://gateway.example/sms', timeoutMs: 1000 }).kind, 'http');
    const lines: string[] = [];
    const log = createSmsSender({ timeoutMs: 1000 }, (l) => lines.push(l));
    assert.ok(log instanceof LogSmsSender);
    await log.send({ to: '13904371234', text: '验证码 123456' });
    assert.deepEqual(lines, ['SMS to 139****1234: 验证码 123456']);
    assert.equal(log.lastTo('13904371234')?.text, '验证码 123456');
  });
});
