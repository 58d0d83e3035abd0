// The capacity view over HTTP (counts only, scoped to the actor's area).
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { capacityView } from './capacity.service.ts';
import { CapacityQuery, CapacityView } from './capacity.schema.ts';
import { problems, tags } from './sites.schema.ts';

export function capacityRoutes(app: App, s: Services): void {
  app.get(
    '/quarantine/capacity',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, querystring: CapacityQuery, response: { 200: CapacityView, ...problems } },
    },
    async (request) => capacityView(s, actorOf(request), request.query),
  );
}
