// Testing rounds over HTTP: the route groups, one file each (rounds, sites, tubes and the offline
// queue, boxes, lab results, pools and tasks, coverage and door-knocking), registered here.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { acceptUploads } from '../platform/http.ts';
import { boxRoutes } from './testing.boxes.routes.ts';
import { coverageRoutes } from './testing.coverage.routes.ts';
import { labRoutes } from './testing.lab.routes.ts';
import { poolRoutes } from './testing.pools.routes.ts';
import { roundRoutes } from './testing.rounds.routes.ts';
import { siteRoutes } from './testing.sites.routes.ts';
import { tubeRoutes } from './testing.tubes.routes.ts';

export async function testingRoutes(app: App, s: Services): Promise<void> {
  await acceptUploads(app);
  roundRoutes(app, s);
  coverageRoutes(app, s);
  siteRoutes(app, s);
  tubeRoutes(app, s);
  boxRoutes(app, s);
  labRoutes(app, s);
  poolRoutes(app, s);
}
