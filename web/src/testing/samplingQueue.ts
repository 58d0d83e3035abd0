// The device queues of the sampler's phone and the grid worker's door-knock list, on the one offline
// queue (offlineQueue.ts; stored formats in queueFormats.ts). Every action becomes an op with a
// client-generated id and the time it happened, is kept on the device first, and leaves only when the
// server has answered it. The server keeps each (user, clientId) once, so sending an op again — after
// a lost answer or a timeout — never makes a second record. Ops go in the order they were made.
import { testingApi, type Op, type OpResult } from './testingApi.ts';
import {
  isRetryable,
  newClientId,
  maskIdNumber,
  sendEach,
  useOfflineQueue,
  type Answer,
  type Failure,
  type OfflineQueue,
  type QueueSpec,
} from '../shared/offlineQueue.ts';
import { opQueueKey, reviveOp, type OpQueueName, type QueuedOpOf } from '../shared/queueFormats.ts';

export type QueuedOp = QueuedOpOf<Op>;
export type QueueName = OpQueueName;
export type Answered = Answer<QueuedOp, OpResult>;
export type OpQueue = OfflineQueue<QueuedOp, OpResult>;

const refused = (q: QueuedOp, f: Failure): OpResult => ({
  clientId: q.op.clientId,
  ok: false,
  duplicate: false,
  error: { code: f.code, message: f.detail },
});
// The session or its permission in question (sign in again): the ops wait — samples are never thrown
// away for a reason that can pass.
const keepWaiting = (f: Failure) => isRetryable(f) || f.status === 403;

/** The sampler's ops go in batches to POST /testing/sync, which answers each op. */
const samplerQueue: QueueSpec<QueuedOp, OpResult> = {
  key: opQueueKey('sampler'),
  idOf: (q) => q.op.clientId,
  revive: (raw) => reviveOp<Op>(raw),
  send: async (batch) => ({
    answers: (await testingApi.sync(batch.map((q) => q.op))).results.map((result) => ({ id: result.clientId, result })),
    waiting: null,
  }),
  refused,
  ok: (r) => r.ok,
  keepWaiting,
  batchSize: 200,
};

/**
 * Door-knock marks go one by one to POST /testing/rounds/:id/visits (a grid worker may mark visits
 * without being a sampler); the clientId makes a repeat harmless there too.
 */
const doorKnockQueue: QueueSpec<QueuedOp, OpResult> = {
  ...samplerQueue,
  key: opQueueKey('doorknock'),
  send: (batch) =>
    sendEach(
      batch,
      (q) => q.op.clientId,
      async ({ op }): Promise<OpResult> => {
        if (op.type !== 'visit')
          return {
            clientId: op.clientId,
            ok: false,
            duplicate: false,
            error: { code: 'OP_UNSUPPORTED', message: op.type },
          };
        const visit = await testingApi.visit(op.roundId, {
          clientId: op.clientId,
          personId: op.personId,
          outcome: op.outcome,
          at: op.at,
          ...(op.note ? { note: op.note } : {}),
        });
        return { clientId: op.clientId, ok: true, duplicate: false, visit };
      },
      refused,
    ),
};

const SPECS: Record<QueueName, QueueSpec<QueuedOp, OpResult>> = { sampler: samplerQueue, doorknock: doorKnockQueue };

export function useOpQueue(name: QueueName, onAnswer: (answered: Answered) => void): OpQueue {
  return useOfflineQueue(SPECS[name], onAnswer);
}

export const newOpId = newClientId;
export const maskId = maskIdNumber;
