// Coverage over HTTP: who was sampled where in a round, the door-knocking list of a building, and visits.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { langFrom } from '../platform/errors.ts';
import * as sync from './testing.sync.ts';
import { problems, tags } from './testing.http.ts';
import * as cov from './testing.coverage.ts';
import { CoverageView, DoorKnockView, IdParams, VisitBody, VisitView } from './testing.schema.ts';

export function coverageRoutes(app: App, s: Services): void {
  app.get(
    '/testing/rounds/:id/coverage',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        response: { 200: CoverageView, ...problems },
      },
    },
    async (request) => cov.coverage(s, actorOf(request), request.params.id, request.query.areaId),
  );

  app.get(
    '/testing/rounds/:id/door-knock',
    {
      preHandler: guard('testing.doorknock'),
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ buildingId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: DoorKnockView, ...problems },
      },
    },
    async (request) => cov.doorKnock(s, actorOf(request), request.params.id, request.query.buildingId),
  );

  app.post(
    '/testing/rounds/:id/visits',
    {
      preHandler: guard('testing.doorknock'),
      schema: { tags, params: IdParams, body: VisitBody, response: { 201: VisitView, 200: VisitView, ...problems } },
    },
    async (request, reply) => {
      const done = await sync.recordVisit(
        s,
        actorOf(request),
        request.params.id,
        request.body,
        langFrom(request.headers['accept-language']),
      );
      reply.status(done.duplicate ? 200 : 201);
      return done.visit;
    },
  );
}
