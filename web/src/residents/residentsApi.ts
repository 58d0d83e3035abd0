// The client for a resident's account as a community worker makes it at the door.
import { json } from '../shared/api.ts';
import type { Challenge, DoorAccount } from './types.ts';

export const residentsApi = {
  /** Door registration: a one-time code to the resident's phone, then the code creates or re-binds the account. */
  doorCode: (personId: string, phone: string) =>
    json<Challenge>('POST', `/persons/${encodeURIComponent(personId)}/resident-account/code`, { json: { phone } }),
  doorAccount: (personId: string, body: { challengeId: string; code: string; password?: string }) =>
    json<DoorAccount>('POST', `/persons/${encodeURIComponent(personId)}/resident-account`, { json: body }),
};
