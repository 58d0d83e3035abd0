// The device queue of the sampler's phone and the grid worker's door-knock list (localStorage, so it
// survives a reload or a flat battery). Every action becomes an op with a client-generated id and the
// time it happened, is appended here first, and leaves only when the server has answered it
// (POST /testing/sync). The server keeps each (user, clientId) once, so sending an op again — after
// a lost answer or a timeout — never makes a second record. Ops are sent in the order they were made:
// a person is never added before their tube was opened.
import { useCallback, useEffect, useRef, useState } from 'react';
import { testingApi, type Op, type OpResult } from './testingApi.ts';
import { toApiError } from './useLoad.ts';
import type { ApiError } from './api.ts';

/** An op waiting on the device, with what the device's list shows of it (never a full ID number). */
export interface QueuedOp {
  op: Op;
  label: string;
}

export type QueueName = 'sampler' | 'doorknock';
const keyOf = (name: QueueName) => `cordon.testing.queue.${name}`;
const RETRY_MS = 10_000;
const BATCH = 200;

export function readOps(name: QueueName): QueuedOp[] {
  try {
    const raw = localStorage.getItem(keyOf(name));
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as QueuedOp[]).filter((q) => q && q.op && typeof q.op.clientId === 'string') : [];
  } catch {
    return [];
  }
}

function writeOps(name: QueueName, list: QueuedOp[]): void {
  localStorage.setItem(keyOf(name), JSON.stringify(list));
}

export function appendOp(name: QueueName, item: QueuedOp): QueuedOp[] {
  const list = readOps(name).filter((q) => q.op.clientId !== item.op.clientId);
  list.push(item);
  writeOps(name, list);
  return list;
}

export function dropOps(name: QueueName, clientIds: ReadonlySet<string>): QueuedOp[] {
  const list = readOps(name).filter((q) => !clientIds.has(q.op.clientId));
  writeOps(name, list);
  return list;
}

/** A failure worth trying again later (no network, server busy, session ended); anything else is final. */
export function isRetryable(e: ApiError): boolean {
  return e.status === 0 || e.status >= 500 || e.status === 401 || e.status === 408 || e.status === 429;
}

export interface Answered {
  item: QueuedOp;
  result: OpResult;
}

export interface OpQueue {
  queued: QueuedOp[];
  online: boolean;
  /** Sends everything waiting; resolves with the answers this call received. */
  flush: () => Promise<Answered[]>;
  /** Queues one op and sends the queue at once when online; resolves with that op's answer, or null if it waits. */
  submit: (item: QueuedOp) => Promise<OpResult | null>;
  /** The last failure that kept ops waiting (no network…), cleared by the next successful send. */
  waitingBecause: ApiError | null;
}

/**
 * The queue as a React hook: the list, the network state, and sending — on submit, when the browser
 * says the network is back, and on a timer while anything waits (the online event does not fire on
 * every return of the network). `onAnswer` sees every answer, including those of ops queued earlier.
 */
export function useOpQueue(name: QueueName, onAnswer: (answered: Answered) => void): OpQueue {
  const [queued, setQueued] = useState<QueuedOp[]>(() => readOps(name));
  const [online, setOnline] = useState(() => navigator.onLine);
  const [waitingBecause, setWaitingBecause] = useState<ApiError | null>(null);
  const sending = useRef<Promise<Answered[]> | null>(null);
  const handler = useRef(onAnswer);
  handler.current = onAnswer;
  /** Answers by clientId, for a submit whose op was sent by a send already under way. */
  const answers = useRef(new Map<string, OpResult>());

  const sendOnce = useCallback(async (): Promise<Answered[]> => {
    const answered: Answered[] = [];
    for (;;) {
      const batch = readOps(name).slice(0, BATCH);
      if (batch.length === 0) break;
      let results: OpResult[];
      try {
        results = name === 'doorknock' ? await sendVisits(batch) : (await testingApi.sync(batch.map((q) => q.op))).results;
      } catch (err) {
        const e = toApiError(err);
        // No network, or the session or its permission is in question (sign in again): the ops
        // wait — samples are never thrown away for a reason that can pass.
        if (isRetryable(e) || e.status === 403) {
          setWaitingBecause(e);
          break;
        }
        // The whole request was refused as malformed: answer each op with that refusal, so the
        // queue cannot block forever behind it.
        results = batch.map((q) => ({ clientId: q.op.clientId, ok: false as const, duplicate: false, error: { code: e.code, message: e.detail } }));
      }
      setWaitingBecause(null);
      const done = new Set<string>();
      for (const result of results) {
        const item = batch.find((q) => q.op.clientId === result.clientId);
        if (!item) continue;
        done.add(result.clientId);
        if (answers.current.size > 2000) answers.current.clear();
        answers.current.set(result.clientId, result);
        answered.push({ item, result });
        handler.current({ item, result });
      }
      setQueued(dropOps(name, done));
      if (done.size < batch.length) break;
    }
    return answered;
  }, [name]);

  const flush = useCallback(async (): Promise<Answered[]> => {
    // One send at a time; a caller arriving meanwhile waits for it and then sends what is left.
    while (sending.current) await sending.current.catch(() => []);
    const run = sendOnce();
    sending.current = run;
    try {
      return await run;
    } finally {
      sending.current = null;
    }
  }, [sendOnce]);

  const submit = useCallback(async (item: QueuedOp): Promise<OpResult | null> => {
    setQueued(appendOp(name, item));
    await flush();
    const id = item.op.clientId;
    const result = answers.current.get(id) ?? null;
    answers.current.delete(id);
    return result;
  }, [flush, name]);

  useEffect(() => {
    const up = () => { setOnline(true); void flush(); };
    const down = () => setOnline(false);
    const storage = (e: StorageEvent) => { if (e.key === keyOf(name)) setQueued(readOps(name)); };
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    window.addEventListener('storage', storage);
    void flush();
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      window.removeEventListener('storage', storage);
    };
  }, [flush, name]);

  useEffect(() => {
    if (queued.length === 0) return;
    const timer = setInterval(() => void flush(), RETRY_MS);
    return () => clearInterval(timer);
  }, [queued.length, flush]);

  return { queued, online, flush, submit, waitingBecause };
}

/**
 * Door-knock marks go one by one to POST /testing/rounds/:id/visits (a grid worker may mark visits
 * without being a sampler); the clientId makes a repeat harmless there too. A network failure stops
 * the batch (thrown, so the rest waits); a refusal answers that op only.
 */
async function sendVisits(batch: QueuedOp[]): Promise<OpResult[]> {
  const results: OpResult[] = [];
  for (const { op } of batch) {
    if (op.type !== 'visit') {
      results.push({ clientId: op.clientId, ok: false, duplicate: false, error: { code: 'OP_UNSUPPORTED', message: op.type } });
      continue;
    }
    try {
      const visit = await testingApi.visit(op.roundId, { clientId: op.clientId, personId: op.personId, outcome: op.outcome, at: op.at, ...(op.note ? { note: op.note } : {}) });
      results.push({ clientId: op.clientId, ok: true, duplicate: false, visit });
    } catch (err) {
      const e = toApiError(err);
      if (isRetryable(e)) {
        if (results.length === 0) throw e;
        break;
      }
      results.push({ clientId: op.clientId, ok: false, duplicate: false, error: { code: e.code, message: e.detail } });
    }
  }
  return results;
}

/** A client-generated id for an op (8..64 of [A-Za-z0-9_-]). */
export function newOpId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** 220402********1234: what the device's list shows of a typed ID number. */
export function maskId(idNumber: string): string {
  const v = idNumber.trim();
  return v.length > 10 ? `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}` : v.replace(/./g, '*');
}
