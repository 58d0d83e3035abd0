// Database faults told apart from other errors, logged once per interval, and the overall health status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { faultOf, FaultLog } from '../../src/db/faults.ts';
import { faultAnswer, overallStatus } from '../../src/ops/ops.rules.ts';
import type { HealthChecks } from '../../src/ops/ops.schema.ts';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

test('faultOf: a full disk, a dropped connection, a timeout; anything else is not a database fault', () => {
  assert.equal(faultOf(coded('SQLITE_FULL', 'database or disk is full')), 'storage-full');
  assert.equal(faultOf(coded('ENOSPC')), 'storage-full');
  assert.equal(faultOf(coded('53100', 'could not extend file')), 'storage-full');
  assert.equal(faultOf(new Error('check-in batch failed: database or disk is full')), 'storage-full');
  assert.equal(faultOf(coded('ECONNRESET', 'read ECONNRESET')), 'connection-lost');
  assert.equal(faultOf(coded('57P01', 'terminating connection due to administrator command')), 'connection-lost');
  assert.equal(faultOf(new Error('Connection terminated unexpectedly')), 'connection-lost');
  assert.equal(faultOf(new Error('Client has encountered a connection error and is not queryable')), 'connection-lost');
  assert.equal(faultOf(coded('57014', 'canceling statement due to statement timeout')), 'timeout');
  assert.equal(faultOf(new Error('timeout exceeded when trying to connect')), 'timeout');
  assert.equal(faultOf(new Error('wrapped', { cause: coded('SQLITE_FULL') })), 'storage-full');
  assert.equal(faultOf(coded('SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed')), null);
  assert.equal(faultOf(coded('23505', 'duplicate key value')), null);
  assert.equal(faultOf(new Error('something else')), null);
  assert.equal(faultOf(undefined), null);
});

test('faultAnswer: each fault its code and retry hint', () => {
  assert.deepEqual(faultAnswer('storage-full'), { code: 'STORAGE_FULL', retryAfterS: 60 });
  assert.deepEqual(faultAnswer('connection-lost'), { code: 'DB_UNAVAILABLE', retryAfterS: 5 });
  assert.deepEqual(faultAnswer('timeout'), { code: 'DB_TIMEOUT', retryAfterS: 5 });
});

test('FaultLog: one line per kind and interval, with the count of those in between; remembers the last', () => {
  let now = 1_000_000;
  const lines: string[] = [];
  const faults = new FaultLog(
    (m) => lines.push(m),
    60_000,
    () => now,
  );
  for (let i = 0; i < 1000; i += 1)
    faults.note('storage-full', coded('SQLITE_FULL', 'database or disk is full'), 'POST /api/v1/checkins');
  faults.note('connection-lost', coded('ECONNRESET', 'read ECONNRESET'));
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /storage-full \(POST \/api\/v1\/checkins\): database or disk is full$/);
  now += 60_000;
  faults.note('storage-full', coded('SQLITE_FULL', 'database or disk is full'));
  assert.equal(lines.length, 3);
  assert.match(lines[2]!, /\(999 more since the last report\)/);
  assert.ok(faults.recent('storage-full'));
  now += 60_001;
  assert.equal(faults.recent('storage-full'), null);

  const jobLines: string[] = [];
  faults.jobFailed('check-in purge', coded('57P01', 'terminating connection'), (m) => jobLines.push(m));
  faults.jobFailed('check-in purge', new Error('a bug'), (m) => jobLines.push(m));
  assert.deepEqual(jobLines, ['check-in purge failed: a bug']);
});

const healthy: HealthChecks = {
  database: { status: 'up', writable: true },
  redis: { status: 'off' },
  checkinWriter: { status: 'idle', queued: 0 },
  disk: { status: 'ok', freeBytes: 1e12, minFreeBytes: 1e9 },
  tracingIndex: { status: 'loading' },
};

test('overallStatus: down when the database or the disk cannot take a write; degraded when a helper is down', () => {
  assert.deepEqual(overallStatus(healthy), { status: 'ok', down: [], degraded: [] });
  assert.equal(overallStatus({ ...healthy, redis: { status: 'down' } }).status, 'degraded');
  assert.equal(overallStatus({ ...healthy, disk: { ...healthy.disk, status: 'low' } }).status, 'degraded');
  assert.equal(overallStatus({ ...healthy, tracingIndex: { status: 'failed' } }).status, 'degraded');
  assert.equal(overallStatus({ ...healthy, database: { status: 'down', writable: false } }).status, 'down');
  assert.equal(overallStatus({ ...healthy, database: { status: 'up', writable: false } }).status, 'down');
  assert.equal(overallStatus({ ...healthy, disk: { ...healthy.disk, status: 'full' } }).status, 'down');
  assert.equal(overallStatus({ ...healthy, checkinWriter: { status: 'down', queued: 0 } }).status, 'down');
  assert.deepEqual(
    overallStatus({ ...healthy, redis: { status: 'down' }, disk: { ...healthy.disk, status: 'full' } }),
    { status: 'down', down: ['disk full'], degraded: ['redis'] },
  );
});
