// The command centre over HTTP: the home page summary, the situation wall's figures and their live
// stream. Thin handlers over the command services.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { CommandSummarySchema, WallFiguresSchema } from './command.schema.ts';
import { commandSummary } from './command.service.ts';
import { wallFigures } from './command.wall.service.ts';
import { WallHub, type WallHubOptions } from './command.live.ts';
import { AlertIdParams, AlertList, AlertListQuery, AlertView, CloseAlertBody } from './alerts.schema.ts';
import { acknowledgeAlert, closeAlertWithNote, listAlerts } from './alerts.service.ts';

export async function commandRoutes(app: App, s: Services, options: WallHubOptions = {}): Promise<void> {
  const hub = new WallHub(s, options);
  // Streams never end by themselves: end them so the server can close.
  app.addHook('preClose', async () => hub.close());

  app.get(
    '/command/summary',
    {
      preHandler: guard('command.view'),
      schema: { tags: ['command'], response: { 200: CommandSummarySchema } },
    },
    async (request) => commandSummary(s, actorOf(request)),
  );

  app.get(
    '/command/wall',
    {
      preHandler: guard('command.view'),
      schema: { tags: ['command'], response: { 200: WallFiguresSchema } },
    },
    async (request) => wallFigures(s, actorOf(request)),
  );

  // Server-sent events: `event: figures` with the wall's figures on every change, `event: bus` frames.
  app.get(
    '/command/wall/stream',
    {
      preHandler: guard('command.view'),
      schema: { tags: ['command'], produces: ['text/event-stream'], response: { 403: ProblemSchema } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      reply.hijack();
      hub.attach(reply.raw, actor);
    },
  );

  // The duty officer's alerts (预警): by severity and age; acknowledge once; close with a note.
  const alertProblems = { 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
  app.get(
    '/command/alerts',
    {
      preHandler: guard('command.view'),
      schema: { tags: ['command'], querystring: AlertListQuery, response: { 200: AlertList } },
    },
    async (request) => listAlerts(s, actorOf(request), request.query),
  );
  app.post(
    '/command/alerts/:id/acknowledge',
    {
      preHandler: guard('command.view'),
      schema: { tags: ['command'], params: AlertIdParams, response: { 200: AlertView, ...alertProblems } },
    },
    async (request) => acknowledgeAlert(s, actorOf(request), request.params.id),
  );
  app.post(
    '/command/alerts/:id/close',
    {
      preHandler: guard('command.view'),
      schema: {
        tags: ['command'],
        params: AlertIdParams,
        body: CloseAlertBody,
        response: { 200: AlertView, ...alertProblems },
      },
    },
    async (request) => closeAlertWithNote(s, actorOf(request), request.params.id, request.body),
  );
}
