// The one device queue behind the guard's and the sampler's offline pages (web/src/shared/offlineQueue.ts):
// what phones already hold (the stored formats of the first offline pages) is read as it is; answers
// leave the queue, a retryable failure keeps the rest waiting in order, a batch refused for good
// cannot block the queue; retry delays back off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendItem,
  dropItems,
  readItems,
  retryDelay,
  sendEach,
  sendWaiting,
  RETRY_FIRST_MS,
  RETRY_MAX_MS,
  type Failure,
  type KeyValueStore,
  type QueueSpec,
} from '../../web/src/shared/offlineQueue.ts';
import {
  GUARD_QUEUE_KEY,
  opQueueKey,
  reviveOp,
  reviveScan,
  scanLine,
  opLine,
  type QueuedOpOf,
  type QueuedScan,
  type StoredOp,
} from '../../web/src/shared/queueFormats.ts';

type QueuedOp = QueuedOpOf<StoredOp>;

function memory(init: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(init));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => {
      data.set(k, v);
    },
  };
}

const scanStore = { key: GUARD_QUEUE_KEY, idOf: (q: QueuedScan) => q.clientId, revive: reviveScan };
const opStore = { key: opQueueKey('sampler'), idOf: (q: QueuedOp) => q.op.clientId, revive: reviveOp };

test('scans and ops stored by the first offline pages are read as they are; broken entries are dropped', () => {
  // Exactly what scanQueue.ts and samplingQueue.ts wrote before the queue was shared.
  const oldScans = [
    {
      code: 'https://x/v/1.1.sig',
      personalCode: 'p1.a.b',
      clientId: 'scan-0001',
      scannedAt: 1_700_000_000_000,
      venueName: '文苑小区南门',
      label: '个人码',
    },
    {
      code: 'https://x/v/1.1.sig',
      idNumber: '220402199001011234',
      clientId: 'scan-0002',
      scannedAt: 1_700_000_060_000,
      venueName: '文苑小区南门',
      label: '220402********1234',
    },
    { code: 'https://x/v/1.1.sig', clientId: 'no-person' },
    null,
    'junk',
  ];
  const oldOps = [
    {
      op: {
        type: 'tube.open',
        clientId: 'op-000001',
        at: 1_700_000_000_000,
        roundId: 'r1',
        tableId: 't1',
        barcode: 'WY0002',
      },
      label: '开管 WY0002',
    },
    {
      op: { type: 'tube.add', clientId: 'op-000002', at: 1_700_000_001_000, barcode: 'WY0002', personCode: 'p1.a.b' },
      label: 'WY0002 ← 个人码',
    },
    { op: { type: 'tube.close', at: 1 }, label: 'no id' },
  ];
  const storage = memory({
    [GUARD_QUEUE_KEY]: JSON.stringify(oldScans),
    [opQueueKey('sampler')]: JSON.stringify(oldOps),
  });
  const scans = readItems(scanStore, storage);
  assert.deepEqual(scans, oldScans.slice(0, 2));
  assert.deepEqual(
    scans.map(scanLine).map((l) => [l.id, l.label, l.where, l.at]),
    [
      ['scan-0001', '个人码', '文苑小区南门', 1_700_000_000_000],
      ['scan-0002', '220402********1234', '文苑小区南门', 1_700_000_060_000],
    ],
  );
  const ops = readItems(opStore, storage);
  assert.deepEqual(ops, oldOps.slice(0, 2));
  assert.deepEqual(
    ops.map(opLine).map((l) => l.id),
    ['op-000001', 'op-000002'],
  );
  assert.deepEqual(readItems(opStore, memory({ [opQueueKey('sampler')]: '{not json' })), []);
  // Writing keeps the same shape: the stored array is the items themselves.
  appendItem(opStore, ops[0]!, storage);
  assert.deepEqual(
    (JSON.parse(storage.getItem(opQueueKey('sampler'))!) as QueuedOp[]).map((q) => q.op.clientId),
    ['op-000002', 'op-000001'],
  );
  dropItems(opStore, new Set(['op-000001']), storage);
  assert.deepEqual(JSON.parse(storage.getItem(opQueueKey('sampler'))!), [oldOps[1]]);
});

interface Item {
  id: string;
  n: number;
}
type Result = { id: string; ok: boolean; why?: string };
const net: Failure = { status: 0, code: 'NETWORK', detail: 'offline' };

function spec(send: QueueSpec<Item, Result>['send'], batchSize = 2): QueueSpec<Item, Result> {
  return {
    key: 'q',
    idOf: (i) => i.id,
    revive: (r) => (r && typeof (r as Item).id === 'string' ? (r as Item) : null),
    send,
    refused: (i, f) => ({ id: i.id, ok: false, why: f.code }),
    ok: (r) => r.ok,
    batchSize,
  };
}

test('sending: answered items leave in order; a retryable failure keeps the rest; a final one answers the batch', async () => {
  const storage = memory();
  const items = [1, 2, 3, 4, 5].map((n) => ({ id: `i${n}`, n }));
  const s0 = spec(async () => ({ answers: [], waiting: null }));
  for (const i of items) appendItem(s0, i, storage);

  // The server answers the first batch, then the network drops during the second.
  const batches: string[][] = [];
  let calls = 0;
  const flaky = spec(async (batch) => {
    batches.push(batch.map((b) => b.id));
    if (++calls === 2) throw Object.assign(new Error('fetch failed'), net);
    return { answers: batch.map((b) => ({ id: b.id, result: { id: b.id, ok: true } })), waiting: null };
  });
  const seen: string[] = [];
  const first = await sendWaiting(flaky, (a) => seen.push(a.item.id), storage);
  assert.deepEqual(batches, [
    ['i1', 'i2'],
    ['i3', 'i4'],
  ]);
  assert.deepEqual(seen, ['i1', 'i2']);
  assert.equal(first.waiting?.status, 0);
  assert.deepEqual(
    first.left.map((i) => i.id),
    ['i3', 'i4', 'i5'],
  );

  // Back online: the whole request refused as malformed answers each of its items, and the queue moves on.
  calls = 0;
  const strict = spec(async (batch) => {
    if (++calls === 1) throw { status: 400, code: 'VALIDATION', detail: 'bad body' };
    return { answers: batch.map((b) => ({ id: b.id, result: { id: b.id, ok: true } })), waiting: null };
  });
  const second = await sendWaiting(
    strict,
    (a) => seen.push(`${a.item.id}:${a.result.ok ? 'ok' : a.result.why}`),
    storage,
  );
  assert.equal(second.waiting, null);
  assert.deepEqual(second.left, []);
  assert.deepEqual(seen.slice(2), ['i3:VALIDATION', 'i4:VALIDATION', 'i5:ok']);
  assert.deepEqual(readItems(strict, storage), []);
});

test('one request per item: a refusal answers that item, a network failure stops the batch', async () => {
  const batch = [1, 2, 3, 4].map((n) => ({ id: `i${n}`, n }));
  const sent = await sendEach(
    batch,
    (i) => i.id,
    async (i): Promise<Result> => {
      if (i.n === 2) throw { status: 400, code: 'PERSONAL_CODE_EXPIRED', detail: 'expired' };
      if (i.n === 3) throw { status: 503, code: 'BUSY', detail: 'busy' };
      return { id: i.id, ok: true };
    },
    (i, f) => ({ id: i.id, ok: false, why: f.code }),
  );
  assert.deepEqual(
    sent.answers.map((a) => `${a.id}:${a.result.ok ? 'ok' : a.result.why}`),
    ['i1:ok', 'i2:PERSONAL_CODE_EXPIRED'],
  );
  assert.equal(sent.waiting?.code, 'BUSY');
});

test('retry delays back off from 5 s to at most a minute', () => {
  assert.equal(retryDelay(1), RETRY_FIRST_MS);
  assert.equal(retryDelay(2), 2 * RETRY_FIRST_MS);
  assert.equal(retryDelay(3), 4 * RETRY_FIRST_MS);
  assert.equal(retryDelay(50), RETRY_MAX_MS);
});
