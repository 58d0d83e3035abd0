// One device queue for every page that must keep working through a network drop: the door guard's
// scans, the sampler's tube ops, the grid worker's door-knock marks. Each item carries its own
// client-generated id and is appended to localStorage first (it survives a reload or a flat battery);
// it leaves only when the server has answered it. The server keeps each client id once, so sending an
// item again — after a lost answer or a timeout — never makes a second record. Items are sent in the
// order they were made (a person is never added before their tube was opened).
//
// What a queue holds and how one batch is sent come from its QueueSpec; this file does the rest:
// storage, one send at a time, retry with backoff while anything waits, "send now", the counts.
// Nothing here imports the API client (only its types), so the stored formats are unit-testable.
import { useCallback, useEffect, useRef, useState } from 'react';

/** Why a send failed: an ApiError, or what a thrown non-API error becomes (status 0, no network). */
export interface Failure {
  status: number;
  code: string;
  detail: string;
}

/** An item and the server's answer to it. */
export interface Answer<T, R> {
  item: T;
  result: R;
}

/** What one send achieved: answers for some items, in order; `waiting` when the rest must wait. */
export interface Sent<R> {
  answers: Array<{ id: string; result: R }>;
  waiting: Failure | null;
}

export interface QueueSpec<T, R> {
  /** localStorage key of the JSON array of items. */
  key: string;
  /** The item's client-generated id. */
  idOf(item: T): string;
  /** A stored entry as this version reads it (older shapes migrated), or null to drop an unreadable one. */
  revive(raw: unknown): T | null;
  /** Sends a batch, in order. May answer only a prefix (the rest waits); may throw (see keepWaiting). */
  send(batch: T[]): Promise<Sent<R>>;
  /** The answer to each item of a batch refused as a whole for good (so the queue cannot block behind it). */
  refused(item: T, failure: Failure): R;
  /** Whether the answer counts as done (for the counts); a refusal is an answer too, it also leaves. */
  ok(result: R): boolean;
  /**
   * A done answer that turns the person away (a scan refused entry at the door): sent, and counted
   * apart as denied so the summary says how many were turned away. Absent: nothing is counted so.
   */
  denied?(result: R): boolean;
  /** A failure worth trying again later; anything else is final. Default: isRetryable. */
  keepWaiting?(failure: Failure): boolean;
  /** Items per send (default 200). */
  batchSize?: number;
}

/** No network, server busy or restarting, session ended (sign in again): try again later. */
export function isRetryable(f: Failure): boolean {
  return f.status === 0 || f.status >= 500 || f.status === 401 || f.status === 408 || f.status === 429;
}

export function failureOf(err: unknown): Failure {
  if (
    err &&
    typeof err === 'object' &&
    typeof (err as Failure).status === 'number' &&
    typeof (err as Failure).code === 'string'
  ) {
    const e = err as Failure;
    return { status: e.status, code: e.code, detail: String(e.detail ?? '') };
  }
  return { status: 0, code: 'NETWORK', detail: String(err) };
}

/** Retry delays while items wait: 5 s after the first failure, doubling, at most a minute. */
export const RETRY_FIRST_MS = 5_000;
export const RETRY_MAX_MS = 60_000;
export function retryDelay(failures: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, Math.min(failures, 16) - 1));
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

type Stored<T> = Pick<QueueSpec<T, unknown>, 'key' | 'idOf' | 'revive'>;

/** The items waiting, oldest first (unreadable entries left out). */
export function readItems<T>(spec: Stored<T>, storage: KeyValueStore = localStorage): T[] {
  try {
    const raw = storage.getItem(spec.key);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    if (!Array.isArray(list)) return [];
    const out: T[] = [];
    for (const entry of list) {
      const item = spec.revive(entry);
      if (item !== null) out.push(item);
    }
    return out;
  } catch {
    return [];
  }
}

function writeItems<T>(spec: Stored<T>, list: T[], storage: KeyValueStore): void {
  storage.setItem(spec.key, JSON.stringify(list));
}

/** Appends an item (replacing one of the same id, which keeps its place at the end). */
export function appendItem<T>(spec: Stored<T>, item: T, storage: KeyValueStore = localStorage): T[] {
  const id = spec.idOf(item);
  const list = readItems(spec, storage).filter((q) => spec.idOf(q) !== id);
  list.push(item);
  writeItems(spec, list, storage);
  return list;
}

export function dropItems<T>(spec: Stored<T>, ids: ReadonlySet<string>, storage: KeyValueStore = localStorage): T[] {
  const list = readItems(spec, storage).filter((q) => !ids.has(spec.idOf(q)));
  writeItems(spec, list, storage);
  return list;
}

export interface SendRound<T, R> {
  answered: Array<Answer<T, R>>;
  /** Why items are still waiting (null when the queue emptied or nothing was tried). */
  waiting: Failure | null;
  left: T[];
}

/**
 * Sends what waits, batch after batch, until the queue is empty or a batch leaves items waiting.
 * Each answered item leaves storage before `onAnswer` sees it.
 */
export async function sendWaiting<T, R>(
  spec: QueueSpec<T, R>,
  onAnswer: (a: Answer<T, R>) => void,
  storage: KeyValueStore = localStorage,
): Promise<SendRound<T, R>> {
  const answered: Array<Answer<T, R>> = [];
  const keep = spec.keepWaiting ?? isRetryable;
  let left = readItems(spec, storage);
  for (;;) {
    const batch = left.slice(0, spec.batchSize ?? 200);
    if (batch.length === 0) return { answered, waiting: null, left };
    let sent: Sent<R>;
    try {
      sent = await spec.send(batch);
    } catch (err) {
      const f = failureOf(err);
      sent = keep(f)
        ? { answers: [], waiting: f }
        : { answers: batch.map((item) => ({ id: spec.idOf(item), result: spec.refused(item, f) })), waiting: null };
    }
    const byId = new Map(batch.map((item) => [spec.idOf(item), item]));
    const done = new Set<string>();
    const now: Array<Answer<T, R>> = [];
    for (const a of sent.answers) {
      const item = byId.get(a.id);
      if (!item || done.has(a.id)) continue;
      done.add(a.id);
      now.push({ item, result: a.result });
    }
    left = done.size ? dropItems(spec, done, storage) : readItems(spec, storage);
    for (const a of now) {
      answered.push(a);
      onAnswer(a);
    }
    if (sent.waiting) return { answered, waiting: sent.waiting, left };
    // A batch not wholly answered, for no stated reason: stop rather than loop on it.
    if (done.size < batch.length) return { answered, waiting: null, left };
  }
}

/**
 * For an API that takes one item per request: sends them in order; a retryable failure stops the
 * batch (the rest waits), a final one answers that item with `refused` and goes on.
 */
export async function sendEach<T, R>(
  batch: T[],
  idOf: (item: T) => string,
  one: (item: T) => Promise<R>,
  refused: (item: T, f: Failure) => R,
  keepWaiting: (f: Failure) => boolean = isRetryable,
): Promise<Sent<R>> {
  const answers: Sent<R>['answers'] = [];
  for (const item of batch) {
    try {
      answers.push({ id: idOf(item), result: await one(item) });
    } catch (err) {
      const f = failureOf(err);
      if (keepWaiting(f)) return { answers, waiting: f };
      answers.push({ id: idOf(item), result: refused(item, f) });
    }
  }
  return { answers, waiting: null };
}

export interface QueueCounts {
  /** Waiting on the device. */
  queued: number;
  /** Answered as done since the page opened. */
  sent: number;
  /** Refused for good since the page opened. */
  refused: number;
  /** Of the sent, those whose answer turns the person away (undefined when the queue has no such answers). */
  denied?: number;
}

export interface OfflineQueue<T, R> {
  queued: T[];
  online: boolean;
  counts: QueueCounts;
  /** The last failure that kept items waiting, cleared by the next successful send. */
  waitingBecause: Failure | null;
  /** Sends everything waiting now ("send now"); resolves with the answers this call received. */
  flush: () => Promise<Array<Answer<T, R>>>;
  /** Queues one item and sends at once when online; resolves with its answer, or null if it waits. */
  submit: (item: T) => Promise<R | null>;
  /** Queues one item without sending now (a send of it just failed): retried with backoff. */
  keep: (item: T) => void;
}

/**
 * The queue as a React hook: the list, the network state, and sending — on submit, when the browser
 * says the network is back, on "send now", and on a backoff timer while anything waits (the online
 * event does not fire on every return of the network). `onAnswer` sees every answer, including those
 * of items queued before a reload. `spec` must be a constant (module level).
 */
export function useOfflineQueue<T, R>(spec: QueueSpec<T, R>, onAnswer: (a: Answer<T, R>) => void): OfflineQueue<T, R> {
  const [queued, setQueued] = useState<T[]>(() => readItems(spec));
  const [online, setOnline] = useState(() => navigator.onLine);
  const [waitingBecause, setWaitingBecause] = useState<Failure | null>(null);
  const [done, setDone] = useState({ sent: 0, refused: 0, denied: 0 });
  const sending = useRef<Promise<Array<Answer<T, R>>> | null>(null);
  const handler = useRef(onAnswer);
  handler.current = onAnswer;
  /** Answers by id, for a submit whose item was sent by a send already under way. */
  const answers = useRef(new Map<string, R>());
  const failures = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flushRef = useRef<() => Promise<Array<Answer<T, R>>>>(async () => []);
  /** The page is still open: once it is left, nothing is scheduled (the items wait for the next visit). */
  const alive = useRef(true);

  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (!alive.current || readItems(spec).length === 0) return;
    timer.current = setTimeout(() => void flushRef.current(), retryDelay(Math.max(1, failures.current)));
  }, [spec]);

  const sendOnce = useCallback(async (): Promise<Array<Answer<T, R>>> => {
    if (!navigator.onLine) {
      // Certainly offline: nothing to try; the online event (or the timer) sends later.
      setWaitingBecause({ status: 0, code: 'OFFLINE', detail: '' });
      setQueued(readItems(spec));
      return [];
    }
    let sent = 0;
    let refused = 0;
    let denied = 0;
    const round = await sendWaiting(spec, (a) => {
      const id = spec.idOf(a.item);
      if (answers.current.size > 2000) answers.current.clear();
      answers.current.set(id, a.result);
      if (spec.ok(a.result)) sent++;
      else refused++;
      if (spec.ok(a.result) && spec.denied?.(a.result)) denied++;
      handler.current(a);
    });
    setQueued(round.left);
    setWaitingBecause(round.waiting);
    if (sent || refused)
      setDone((d) => ({ sent: d.sent + sent, refused: d.refused + refused, denied: d.denied + denied }));
    if (round.waiting) failures.current++;
    else failures.current = 0;
    return round.answered;
  }, [spec]);

  const flush = useCallback(async (): Promise<Array<Answer<T, R>>> => {
    // One send at a time; a caller arriving meanwhile waits for it and then sends what is left.
    while (sending.current) await sending.current.catch(() => []);
    const run = sendOnce();
    sending.current = run;
    try {
      return await run;
    } finally {
      sending.current = null;
      schedule();
    }
  }, [sendOnce, schedule]);
  flushRef.current = flush;

  const submit = useCallback(
    async (item: T): Promise<R | null> => {
      setQueued(appendItem(spec, item));
      await flush();
      const id = spec.idOf(item);
      const result = answers.current.get(id) ?? null;
      answers.current.delete(id);
      return result;
    },
    [flush, spec],
  );

  const keep = useCallback(
    (item: T) => {
      setQueued(appendItem(spec, item));
      failures.current = Math.max(1, failures.current);
      schedule();
    },
    [schedule, spec],
  );

  useEffect(() => {
    alive.current = true;
    const up = () => {
      setOnline(true);
      failures.current = 0;
      void flush();
    };
    const down = () => setOnline(false);
    // Another tab of the same device may have sent or queued items.
    const storage = (e: StorageEvent) => {
      if (e.key === spec.key) setQueued(readItems(spec));
    };
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    window.addEventListener('storage', storage);
    void flush();
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      window.removeEventListener('storage', storage);
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, [flush, spec]);

  const counts: QueueCounts = {
    queued: queued.length,
    sent: done.sent,
    refused: done.refused,
    ...(spec.denied ? { denied: done.denied } : {}),
  };
  return { queued, online, counts, waitingBecause, flush, submit, keep };
}

/** A client-generated id (8..64 of [A-Za-z0-9_-]): a UUID, or 128 random bits in hex on older phones. */
export function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** 220402********1234: what a device's list shows of a typed ID number (never the whole number). */
export function maskIdNumber(id: string): string {
  const v = id.trim();
  return v.length > 10 ? `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}` : v.replace(/./g, '*');
}
