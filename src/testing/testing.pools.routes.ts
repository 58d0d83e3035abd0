// Pools over HTTP: suspected-positive pools, their report, and the single-tube re-test tasks.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { langFrom } from '../platform/errors.ts';
import { PageOf, pageParams } from '../platform/pagination.ts';
import * as sync from './testing.sync.ts';
import { problems, tags } from './testing.http.ts';
import * as pools from './testing.pools.ts';
import {
  IdParams,
  PoolDetail,
  PoolListQuery,
  PoolView,
  ReportBody,
  ReportResult,
  TaskListQuery,
  TaskSampleBody,
  TaskView,
} from './testing.schema.ts';

export function poolRoutes(app: App, s: Services): void {
  app.get(
    '/testing/pools',
    {
      preHandler: guard('testing.view'),
      schema: { tags, querystring: PoolListQuery, response: { 200: PageOf(PoolView), ...problems } },
    },
    async (request) => pools.listPools(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/testing/pools/:id',
    {
      preHandler: guard('testing.view'),
      schema: { tags, params: IdParams, response: { 200: PoolDetail, ...problems } },
    },
    async (request) => pools.getPool(s, actorOf(request), request.params.id),
  );

  app.post(
    '/testing/pools/:id/report',
    {
      preHandler: guard('testing.report'),
      schema: { tags, params: IdParams, body: Type.Optional(ReportBody), response: { 200: ReportResult, ...problems } },
    },
    async (request) => pools.reportPool(s, actorOf(request), request.params.id, request.body?.note),
  );

  app.get(
    '/testing/command/pools',
    {
      preHandler: guard('testing.report'),
      schema: {
        tags,
        querystring: Type.Object({ roundId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        response: {
          200: Type.Object({ targetMs: Type.Number(), items: Type.Array(PoolView), notReSampled: Type.Integer() }),
          ...problems,
        },
      },
    },
    async (request) => pools.commandPools(s, actorOf(request), request.query.roundId),
  );

  app.get(
    '/testing/tasks',
    {
      preHandler: guard('testing.view'),
      schema: { tags, querystring: TaskListQuery, response: { 200: PageOf(TaskView), ...problems } },
    },
    async (request) => pools.listTasks(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/testing/tasks/:id/sample',
    {
      preHandler: guard('testing.sample'),
      schema: { tags, params: IdParams, body: TaskSampleBody, response: { 200: TaskView, ...problems } },
    },
    async (request) =>
      sync.sampleTask(
        s,
        actorOf(request),
        request.params.id,
        request.body,
        langFrom(request.headers['accept-language']),
      ),
  );
}
