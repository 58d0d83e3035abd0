// Sign-in, sign-out, the current user, users and API tokens.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';

export async function accessRoutes(_app: App, _s: Services): Promise<void> {
  // filled in by the access module
}
