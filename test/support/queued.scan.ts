// A guard device's offline queue in tests: the queue key the server issues (POST /checkins/queue-key)
// and scans signed with it, as the guard page signs them (web/src/venues/scanSignature.ts).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { signQueuedScan, type QueuedScanContent } from '../../src/venues/venue.codes.ts';
import type { SignedIn } from './services.ts';

type Call = (method: 'POST', url: string, who?: SignedIn, payload?: unknown) => Promise<LightMyRequestResponse>;

export interface TestDevice {
  deviceId: string;
  key: Buffer;
  /** The body of a queued scan made on this device: `deviceId` and `scanSig` added. */
  sign<B extends Omit<QueuedScanContent, 'deviceId'>>(body: B): B & { deviceId: string; scanSig: string };
}

export async function guardDevice(call: Call, guard: SignedIn): Promise<TestDevice> {
  const res = await call('POST', '/checkins/queue-key', guard);
  assert.equal(res.statusCode, 200, res.body);
  const { deviceId, key } = res.json() as { deviceId: string; key: string };
  const raw = Buffer.from(key, 'base64url');
  return {
    deviceId,
    key: raw,
    sign: (body) => ({ ...body, deviceId, scanSig: signQueuedScan(raw, { ...body, deviceId }) }),
  };
}
