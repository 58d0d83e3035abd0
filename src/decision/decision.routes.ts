// Decision support over HTTP: Rt by day of an area, projections made, listed and read (scores included).
import { actorOf, guard } from '../access/auth.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import type { Services } from '../services.ts';
import {
  ProjectionBody,
  ProjectionIdParams,
  ProjectionList,
  ProjectionListQuery,
  ProjectionSchema,
  RtQuery,
  RtViewSchema,
} from './decision.schema.ts';
import * as decision from './decision.service.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['decision'];

export async function decisionRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/decision/rt',
    {
      preHandler: guard('command.view'),
      schema: { tags, querystring: RtQuery, response: { 200: RtViewSchema, ...problems } },
    },
    async (request) => decision.rtOverview(s, actorOf(request), request.query),
  );

  app.get(
    '/decision/projections',
    {
      preHandler: guard('command.view'),
      schema: { tags, querystring: ProjectionListQuery, response: { 200: ProjectionList, ...problems } },
    },
    async (request) => decision.listProjections(s, actorOf(request), request.query),
  );

  app.post(
    '/decision/projections',
    {
      preHandler: guard('command.view'),
      schema: { tags, body: ProjectionBody, response: { 201: ProjectionSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return decision.createProjection(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/decision/projections/:id',
    {
      preHandler: guard('command.view'),
      schema: { tags, params: ProjectionIdParams, response: { 200: ProjectionSchema, ...problems } },
    },
    async (request) => decision.getProjection(s, actorOf(request), request.params.id),
  );
}
