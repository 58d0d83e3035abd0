// The guard device's queue of scans made while the network was down (localStorage, so it survives a
// reload or a flat battery). Each scan keeps the client-generated id and the time it was made; the
// server stores a (venue, clientId) once, so sending a scan again can never make a second record.
import type { AssistedCheckin } from './types.ts';

export interface QueuedScan extends AssistedCheckin {
  clientId: string;
  scannedAt: number;
  /** For the guard's list: the venue's name and what was scanned (the ID number masked). */
  venueName: string;
  label: string;
}

const KEY = 'cordon.guard.queue';

export function readQueue(): QueuedScan[] {
  try {
    const raw = localStorage.getItem(KEY);
    const list = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(list) ? (list as QueuedScan[]).filter((q) => q && typeof q.clientId === 'string') : [];
  } catch {
    return [];
  }
}

function writeQueue(list: QueuedScan[]): void {
  localStorage.setItem(KEY, JSON.stringify(list));
}

export function enqueue(scan: QueuedScan): QueuedScan[] {
  const list = readQueue().filter((q) => q.clientId !== scan.clientId);
  list.push(scan);
  writeQueue(list);
  return list;
}

/** Drops a scan the server has answered (stored, a duplicate of a stored one, or refused for good). */
export function dequeue(clientId: string): QueuedScan[] {
  const list = readQueue().filter((q) => q.clientId !== clientId);
  writeQueue(list);
  return list;
}

/** 110101********1234: what the guard's list shows of a typed ID number. */
export function maskIdNumber(id: string): string {
  const v = id.trim();
  return v.length > 10 ? `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}` : v.replace(/./g, '*');
}
