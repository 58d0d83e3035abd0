// On the first start of an empty database: seed the demo city and create the admin account.
import type { Services } from '../services.ts';

export async function ensureFirstStart(_s: Services): Promise<void> {
  // wired up once the demo city and user management exist
}
