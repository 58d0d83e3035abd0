// Quarantine sites over HTTP: sites, their rooms (one by one, or a CSV/XLSX sheet that is taken whole or
// refused row by row), and their staff rosters.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { acceptUploads } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { AppError, langFrom } from '../platform/errors.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import { formatOf } from '../registry/roster.read.ts';
import * as svc from './sites.service.ts';
import { capacityRoutes } from './capacity.routes.ts';
import { hospitalRoutes } from './hospitals.routes.ts';
import {
  IdParams,
  problems,
  tags,
  RoomBody,
  RoomImportOutcome,
  RoomList,
  RoomListQuery,
  RoomUpdateBody,
  RoomView,
  SiteCreateBody,
  SiteListQuery,
  SiteUpdateBody,
  SiteView,
  StaffBody,
  StaffUpdateBody,
  StaffView,
} from './sites.schema.ts';

const FlagQuery = Type.String({ pattern: '^([Tt]rue|[Ff]alse|1|0|[Yy]es|[Nn]o)$' });
const flag = (v: string | undefined) => v !== undefined && /^(true|1|yes)$/i.test(v);

/**
 * Sites, rooms, staff, designated hospitals and the capacity view, registered in a plugin of their own:
 * the multipart hooks of the room import stay inside it.
 */
export async function quarantineSiteRoutes(app: App, s: Services): Promise<void> {
  await acceptUploads(app);
  siteRoutes(app, s);
  hospitalRoutes(app, s);
  capacityRoutes(app, s);
}

function siteRoutes(app: App, s: Services): void {
  app.post(
    '/quarantine/sites',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, body: SiteCreateBody, response: { 201: SiteView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.createSite(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/quarantine/sites',
    {
      preHandler: guard('quarantine.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, SiteListQuery]),
        response: { 200: PageOf(SiteView), ...problems },
      },
    },
    async (request) => svc.listSites(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/quarantine/sites/:id',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, params: IdParams, response: { 200: SiteView, ...problems } },
    },
    async (request) => svc.getSite(s, actorOf(request), request.params.id),
  );

  app.patch(
    '/quarantine/sites/:id',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, params: IdParams, body: SiteUpdateBody, response: { 200: SiteView, ...problems } },
    },
    async (request) => svc.updateSite(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/quarantine/sites/:id/rooms',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, params: IdParams, querystring: RoomListQuery, response: { 200: RoomList, ...problems } },
    },
    async (request) => svc.listRooms(s, actorOf(request), request.params.id, request.query),
  );

  app.post(
    '/quarantine/sites/:id/rooms',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, params: IdParams, body: RoomBody, response: { 201: RoomView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.addRoom(s, actorOf(request), request.params.id, request.body);
    },
  );

  app.post(
    '/quarantine/sites/:id/rooms/import',
    {
      preHandler: guard('quarantine.manage'),
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        params: IdParams,
        querystring: Type.Object({ dryRun: Type.Optional(FlagQuery) }),
        response: { 200: RoomImportOutcome, ...problems },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await svc.canImportRooms(s, actor, request.params.id);
      if (!request.isMultipart()) throw new AppError('QUARANTINE_ROOMS_FILE_REQUIRED');
      const file = await request.file();
      if (!file) throw new AppError('QUARANTINE_ROOMS_FILE_REQUIRED');
      const format = formatOf(file.filename);
      if (!format) {
        file.file.resume();
        throw new AppError('QUARANTINE_ROOMS_FILE_FORMAT');
      }
      const sheet = await svc.roomsFromFile(file.file, format, langFrom(request.headers['accept-language']));
      return svc.importRooms(s, actor, request.params.id, sheet, {
        dryRun: flag(request.query.dryRun),
        fileName: file.filename,
      });
    },
  );

  app.patch(
    '/quarantine/rooms/:id',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, params: IdParams, body: RoomUpdateBody, response: { 200: RoomView, ...problems } },
    },
    async (request) => svc.updateRoom(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/quarantine/sites/:id/staff',
    {
      preHandler: guard('quarantine.read'),
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(StaffView) }), ...problems },
      },
    },
    async (request) => svc.listStaff(s, actorOf(request), request.params.id),
  );

  app.post(
    '/quarantine/sites/:id/staff',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, params: IdParams, body: StaffBody, response: { 201: StaffView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.addStaff(s, actorOf(request), request.params.id, request.body);
    },
  );

  app.patch(
    '/quarantine/staff/:id',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, params: IdParams, body: StaffUpdateBody, response: { 200: StaffView, ...problems } },
    },
    async (request) => svc.updateStaff(s, actorOf(request), request.params.id, request.body),
  );
}
