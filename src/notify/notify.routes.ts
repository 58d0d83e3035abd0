// The call lists over HTTP: thin handlers over notify.service.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema, sendDownload, TABLE_MEDIA_TYPES } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import {
  AttemptBody,
  CallTaskSchema,
  FacetQuery,
  FacetsSchema,
  RevealBody,
  TaskDetailSchema,
  TaskExportQuery,
  TaskIdParams,
  TaskListQuery,
} from './notify.schema.ts';
import * as notify from './notify.service.ts';

const problems = { 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

export async function notifyRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/call-tasks',
    {
      preHandler: guard('contact.call'),
      schema: {
        tags: ['calls'],
        querystring: Type.Composite([PageQuery, TaskListQuery]),
        response: { 200: PageOf(CallTaskSchema), ...problems },
      },
    },
    async (request) => notify.listTasks(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/call-tasks/export',
    {
      preHandler: guard('contact.call'),
      schema: {
        tags: ['calls'],
        produces: TABLE_MEDIA_TYPES,
        querystring: TaskExportQuery,
        response: { 200: Type.String({ format: 'binary' }), ...problems },
      },
    },
    async (request, reply) => {
      const file = await notify.exportTasks(s, actorOf(request), request.query);
      return sendDownload(reply, { ...file, body: file.stream }, { 'x-call-rows': String(file.rows) });
    },
  );

  app.get(
    '/call-tasks/facets',
    {
      preHandler: guard('contact.call'),
      schema: { tags: ['calls'], querystring: FacetQuery, response: { 200: FacetsSchema, ...problems } },
    },
    async (request) => notify.taskFacets(s, actorOf(request), request.query),
  );

  app.get(
    '/call-tasks/:id',
    {
      preHandler: guard('contact.call'),
      schema: { tags: ['calls'], params: TaskIdParams, response: { 200: TaskDetailSchema, ...problems } },
    },
    async (request) => notify.getTask(s, actorOf(request), request.params.id),
  );

  app.post(
    '/call-tasks/:id/attempts',
    {
      preHandler: guard('contact.call'),
      schema: {
        tags: ['calls'],
        params: TaskIdParams,
        body: AttemptBody,
        response: { 200: TaskDetailSchema, ...problems },
      },
    },
    async (request) => notify.recordAttempt(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/call-tasks/:id/reveal',
    {
      preHandler: guard('contact.call'),
      schema: {
        tags: ['calls'],
        params: TaskIdParams,
        body: RevealBody,
        response: { 200: Type.Object({ phone: Type.String() }), ...problems },
      },
    },
    async (request) => notify.revealPhone(s, actorOf(request), request.params.id, request.body.reason),
  );
}
