// The door guard's queue of scans (see offlineQueue.ts and queueFormats.ts): each scan goes to
// POST /checkins with its client id; 201 stored, or 200 a duplicate of one stored by an attempt whose
// answer was lost — either way it is done. A refusal (expired code, unknown person…) is final and the
// guard sees why; no network, a busy server or an ended session keep it waiting. A scan stored with
// entry refused (a red code at the door) is sent and counted as turned away.
import { venueApi } from './venueApi.ts';
import type { Verification } from './types.ts';
import { sendEach, type Failure, type QueueSpec } from '../shared/offlineQueue.ts';
import { GUARD_QUEUE_KEY, reviveScan, type QueuedScan } from '../shared/queueFormats.ts';

export type { QueuedScan } from '../shared/queueFormats.ts';

export type ScanAnswer = { ok: true; verification: Verification } | { ok: false; error: Failure };

const refused = (_: QueuedScan, error: Failure): ScanAnswer => ({ ok: false, error });

export const guardQueue: QueueSpec<QueuedScan, ScanAnswer> = {
  key: GUARD_QUEUE_KEY,
  idOf: (q) => q.clientId,
  revive: reviveScan,
  send: (batch) =>
    sendEach(
      batch,
      (q) => q.clientId,
      async (scan) => {
        const { venueName: _v, label: _l, ...body } = scan;
        return { ok: true as const, verification: await venueApi.checkIn(body) };
      },
      refused,
    ),
  refused,
  ok: (r) => r.ok,
  denied: (r) => r.ok && r.verification.decision === 'refused',
  batchSize: 50,
};
