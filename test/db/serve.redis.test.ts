// `cordon serve` with a Redis that accepts connections and never answers (a TCP listener on 127.0.0.1):
// it starts, its live stream says the figures may miss other processes' changes, and SIGTERM ends it
// promptly with a live stream still open. [SQLite; the Redis is the point]
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode!);
    else child.once('exit', (code, signal) => resolve(code ?? signal!));
  });
}

test(
  'cordon serve with a hanging Redis: starts, says its live figures may be stale, and stops promptly on SIGTERM',
  { timeout: 90_000 },
  async () => {
    const held = new Set<net.Socket>();
    const hanging = net.createServer((socket) => {
      held.add(socket);
      socket.on('error', () => {});
    }); // accepts, never answers
    const redisPort = await listen(hanging);
    const probe = net.createServer();
    const port = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-serve-redis-'));
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', REDIS_URL: `redis://127.0.0.1:${redisPort}` };
    delete env.DATABASE_URL;
    delete env.CORDON_REDIS_PREFIX;
    const child = spawn(
      process.execPath,
      ['bin/cordon.js', '--data-dir', dataDir, 'serve', '--port', String(port), '--host', '127.0.0.1'],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    let stream: http.ClientRequest | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output}`)), 60_000);
        const check = () => {
          if (output.includes('Cordon listening')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout!.on('data', check);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`server exited (${code ?? signal}):\n${output}`));
        });
      });
      child.removeAllListeners('exit');
      assert.ok(held.size > 0, 'the server connected to the hanging Redis');

      // A viewer of the live page: the stream says at once that changes on other processes may be missing.
      const first = await new Promise<string>((resolve, reject) => {
        stream = http.get(`http://127.0.0.1:${port}/api/v1/live/occupancy`, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            const m = /event: bus\ndata: (.*)\n\n/.exec(text);
            if (m) resolve(m[1]!);
          });
        });
        stream.on('error', (err) => {
          if ((err as { code?: string }).code !== 'ECONNRESET') reject(err);
        });
      });
      assert.deepEqual(JSON.parse(first), { live: false });

      // SIGTERM with the stream open and Redis silent: the process ends cleanly, well within its 10 s bound.
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        exited(child),
        new Promise<'hung'>((resolve) => {
          timer = setTimeout(() => resolve('hung'), 8000);
        }),
      ]);
      clearTimeout(timer);
      assert.equal(outcome, 0, `exit ${String(outcome)}:\n${output}`);
    } finally {
      stream?.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const s of held) s.destroy();
      hanging.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
);
