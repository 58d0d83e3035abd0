// Daily life at a site over HTTP: health checks (one, or a phone's queue), alerts and their follow-up,
// requests from rooms, the staff's rounds and an occupant's detail.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import {
  AlertQuery,
  AlertSchema,
  CheckBody,
  CheckResultSchema,
  FollowUpBody,
  IdParams,
  OccupantSchema,
  OrderParams,
  RequestBody,
  RequestQuery,
  RequestSchema,
  RequestUpdateBody,
  RoundsSchema,
  SiteParams,
  SyncBody,
  SyncResultSchema,
} from './care.schema.ts';
import * as care from './care.service.ts';

const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};
const tags = ['quarantine care'];

export async function careRoutes(app: App, s: Services): Promise<void> {
  app.post(
    '/quarantine/care/checks',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, body: CheckBody, response: { 201: CheckResultSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return care.recordCheck(s, actorOf(request), request.body);
    },
  );

  app.post(
    '/quarantine/care/checks/sync',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, body: SyncBody, response: { 200: SyncResultSchema, ...problems } },
    },
    async (request) => care.syncChecks(s, actorOf(request), request.body),
  );

  app.get(
    '/quarantine/care/alerts',
    {
      preHandler: guard('quarantine.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, AlertQuery]),
        response: { 200: PageOf(AlertSchema), ...problems },
      },
    },
    async (request) => care.listAlerts(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/quarantine/care/alerts/:id/follow-up',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, params: IdParams, body: FollowUpBody, response: { 200: AlertSchema, ...problems } },
    },
    async (request) => care.followUpAlert(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/quarantine/care/requests',
    {
      preHandler: guard('quarantine.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, RequestQuery]),
        response: { 200: PageOf(RequestSchema), ...problems },
      },
    },
    async (request) => care.listRequests(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/quarantine/care/requests',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, body: RequestBody, response: { 201: RequestSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return care.createRequest(s, actorOf(request), request.body);
    },
  );

  app.post(
    '/quarantine/care/requests/:id',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, params: IdParams, body: RequestUpdateBody, response: { 200: RequestSchema, ...problems } },
    },
    async (request) => care.updateRequest(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/quarantine/care/sites/:siteId/rounds',
    {
      // Read by the rounds page and by the site board (whose room opens its occupant): masked, scoped.
      preHandler: guard('quarantine.read'),
      schema: { tags, params: SiteParams, response: { 200: RoundsSchema, ...problems } },
    },
    async (request) => care.rounds(s, actorOf(request), request.params.siteId),
  );

  app.get(
    '/quarantine/care/occupants/:orderId',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, params: OrderParams, response: { 200: OccupantSchema, ...problems } },
    },
    async (request) => care.occupant(s, actorOf(request), request.params.orderId),
  );
}
