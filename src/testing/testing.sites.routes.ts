// Sites over HTTP: sampling sites, their tables, and a staff member's assignments.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { NameText } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import * as svc from './testing.service.ts';
import { problems, tags } from './testing.http.ts';
import { AssignmentView, IdParams, SiteCreateBody, SiteView, TableView } from './testing.schema.ts';

export function siteRoutes(app: App, s: Services): void {
  app.post(
    '/testing/sites',
    {
      preHandler: guard('testing.round'),
      schema: { tags, body: SiteCreateBody, response: { 201: SiteView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.createSite(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/testing/sites',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({ areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        ]),
        response: { 200: PageOf(SiteView), ...problems },
      },
    },
    async (request) => svc.listSites(s, actorOf(request), request.query.areaId, pageParams(request.query)),
  );

  app.post(
    '/testing/sites/:id/tables',
    {
      preHandler: guard('testing.round'),
      schema: {
        tags,
        params: IdParams,
        body: Type.Object({ name: NameText({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 201: TableView, ...problems },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.createTable(s, actorOf(request), request.params.id, request.body.name);
    },
  );

  app.get(
    '/testing/me/assignments',
    {
      preHandler: guard('testing.view'),
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(AssignmentView) }), ...problems } },
    },
    async (request) => svc.myAssignments(s, actorOf(request)),
  );
}
