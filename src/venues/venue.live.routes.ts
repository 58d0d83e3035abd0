// Live occupancy over HTTP — the public venue list, an operator's curve of today, the command centre's
// crowded venues, the server-sent event stream — and the analysts' check-in export.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { Literals, ProblemSchema, sendDownload, TABLE_MEDIA_TYPES } from '../platform/http.ts';
import { actorOf, auditActor, guard } from '../access/auth.ts';
import { langFrom } from '../platform/errors.ts';
import type { LiveStreamOptions } from '../platform/sse.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import { exportCheckins } from './checkin.export.ts';
import { CROWD_LEVELS } from './venue.rules.ts';
import { IdParams } from './venue.schema.ts';
import { crowdedVenues, liveAreas, OccupancyHub, publicVenues, todayCurve } from './venue.live.ts';

const Zh = Type.Object({ zh: Type.String(), en: Type.String() });
const Level = Literals(CROWD_LEVELS);
const AreaQuery = Type.Object({ areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });
const NameQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 50 })) });
const LiveAreasSchema = Type.Object({
  items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), level: Type.String() })),
});

/** Counts and levels only: nothing about any person. */
const LiveVenueSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  category: Type.String(),
  categoryName: Zh,
  areaName: Type.String(),
  count: Type.Integer(),
  capacity: Type.Integer(),
  level: Level,
});

const TodaySchema = Type.Object({
  hours: Type.Array(Type.Object({ hour: Type.String(), entries: Type.Integer(), peak: Type.Integer() })),
});

export interface LiveRouteOptions extends LiveStreamOptions {
  /** How long notices for one venue are gathered before its count is read and sent (ms). */
  coalesceMs?: number;
}

export async function liveRoutes(app: App, s: Services, options: LiveRouteOptions = {}): Promise<void> {
  const hub = new OccupancyHub(s, options);
  // Streams never end by themselves: end them so the server can close.
  app.addHook('preClose', async () => hub.close());

  app.get(
    '/venues/public',
    {
      schema: {
        tags: ['live'],
        security: [],
        querystring: Type.Composite([PageQuery, AreaQuery, NameQuery]),
        response: { 200: PageOf(LiveVenueSchema), 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) =>
      publicVenues(
        s,
        request.actor ?? undefined,
        { areaId: request.query.areaId, q: request.query.q },
        pageParams(request.query),
      ),
  );

  // The live page's area filter, a level at a time (inside the actor's area when signed in).
  app.get(
    '/live/areas',
    {
      schema: {
        tags: ['live'],
        security: [],
        querystring: Type.Object({ parentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        response: { 200: LiveAreasSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => liveAreas(s, request.actor ?? undefined, request.query.parentId),
  );

  app.get(
    '/venues/:id/today',
    {
      preHandler: guard('venue.manage'),
      schema: { tags: ['live'], params: IdParams, response: { 200: TodaySchema } },
    },
    async (request) => todayCurve(s, actorOf(request), request.params.id),
  );

  app.get(
    '/command/crowded',
    {
      preHandler: guard('command.view'),
      schema: {
        tags: ['live'],
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) }),
        response: { 200: Type.Object({ items: Type.Array(LiveVenueSchema) }) },
      },
    },
    async (request) => crowdedVenues(s, actorOf(request), request.query.limit ?? 10),
  );

  // Server-sent events: `event: occupancy` with {venueId, count, capacity, level} on every change, and
  // `event: bus` with {live} at the start, on every change of the bus state and as the heartbeat.
  app.get(
    '/live/occupancy',
    {
      schema: {
        tags: ['live'],
        security: [],
        produces: ['text/event-stream'],
        querystring: AreaQuery,
        response: { 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const path = await hub.resolveArea(request.query.areaId);
      reply.hijack();
      hub.attach(reply.raw, path);
    },
  );

  app.get(
    '/checkins/export',
    {
      preHandler: guard('checkin.export'),
      schema: {
        tags: ['checkins'],
        produces: TABLE_MEDIA_TYPES,
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
          from: Type.Optional(Type.String({ maxLength: 40 })),
          to: Type.Optional(Type.String({ maxLength: 40 })),
          venueId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        }),
        response: {
          200: Type.String({ format: 'binary' }),
          400: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const q = request.query;
      const result = await exportCheckins(
        s,
        { audit: auditActor(actor), areaPath: actor.areaPath },
        {
          format: q.format ?? 'csv',
          from: q.from,
          to: q.to,
          venueId: q.venueId,
          lang: langFrom(request.headers['accept-language']),
        },
      );
      return sendDownload(reply, { ...result, body: result.stream }, { 'x-checkin-rows': String(result.rows) });
    },
  );
}
