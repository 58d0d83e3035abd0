// Areas, buildings, households, persons; roster import and export.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';

export async function registryRoutes(_app: App, _s: Services): Promise<void> {
  // filled in by the registry module
}
