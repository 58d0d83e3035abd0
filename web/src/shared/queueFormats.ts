// What each device queue keeps in localStorage, in one place: the door guard's scans and the sampler's
// and grid worker's ops. The keys and shapes are those the first offline pages wrote, so a phone
// updated with items still waiting sends them as they are; `revive` reads each stored entry and drops
// only what cannot be sent (no client id). Pure (no API client, not even its types: the node unit
// tests load this file): unit-tested.
import type { AssistedCheckin } from '../venues/types.ts';

/** A guard's scan made while the network was down (or whose send failed). */
export interface QueuedScan extends AssistedCheckin {
  clientId: string;
  scannedAt: number;
  /** For the guard's list: the venue's name and what was scanned (the ID number masked). */
  venueName: string;
  label: string;
}

/** What every op has (the full union is testingApi's Op). */
export interface StoredOp {
  type: string;
  clientId: string;
  at: number;
}

/** A sampler's or grid worker's op waiting on the device, with what the list shows of it (never a full ID number). */
export interface QueuedOpOf<O extends StoredOp> {
  op: O;
  label: string;
}

export const GUARD_QUEUE_KEY = 'cordon.guard.queue';
export type OpQueueName = 'sampler' | 'doorknock';
export const opQueueKey = (name: OpQueueName) => `cordon.testing.queue.${name}`;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function reviveScan(raw: unknown): QueuedScan | null {
  if (!isObject(raw) || typeof raw.clientId !== 'string' || typeof raw.code !== 'string') return null;
  if (typeof raw.personalCode !== 'string' && typeof raw.idNumber !== 'string') return null;
  const scannedAt = num(raw.scannedAt) ?? Date.now();
  return {
    ...(raw as unknown as QueuedScan),
    scannedAt,
    venueName: typeof raw.venueName === 'string' ? raw.venueName : '',
    label: typeof raw.label === 'string' ? raw.label : '',
  };
}

export function reviveOp<O extends StoredOp>(raw: unknown): QueuedOpOf<O> | null {
  if (!isObject(raw) || !isObject(raw.op) || typeof raw.op.clientId !== 'string' || typeof raw.op.type !== 'string')
    return null;
  const op = raw.op as unknown as O;
  return { op: { ...op, at: num(op.at) ?? Date.now() }, label: typeof raw.label === 'string' ? raw.label : op.type };
}

/** What a queue's status list shows of an item: its label, where, and when it was made. */
export interface QueueLine {
  id: string;
  label: string;
  where?: string;
  at: number;
}

export const scanLine = (q: QueuedScan): QueueLine => ({
  id: q.clientId,
  label: q.label,
  where: q.venueName,
  at: q.scannedAt,
});
export const opLine = (q: QueuedOpOf<StoredOp>): QueueLine => ({ id: q.op.clientId, label: q.label, at: q.op.at });
