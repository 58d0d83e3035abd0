// The command centre's home page summary over HTTP: thin handler over command.service.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { CommandSummarySchema } from './command.schema.ts';
import { commandSummary } from './command.service.ts';

export async function commandRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/command/summary',
    {
      preHandler: guard('command.view'),
      schema: { tags: ['command'], response: { 200: CommandSummarySchema } },
    },
    async (request) => commandSummary(s, actorOf(request)),
  );
}
