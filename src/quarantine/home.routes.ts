// Home quarantine over HTTP: the community worker's list of homes under orders, door seal or sensor,
// the day's report by phone or visit, deliveries and garbage collections for sealed homes, breaches; and the person's own report from their phone.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import {
  BreachBody,
  DoorBody,
  HomeListSchema,
  HomeQuery,
  HomeReportBody,
  HomeReportResultSchema,
  IdParams,
  OrderSchema,
} from './orders.schema.ts';
import * as home from './home.service.ts';
import { HomeServiceBody, HomeServiceListSchema, HomeServiceSchema } from './home.schema.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['quarantine at home'];

export async function quarantineHomeRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/quarantine/home',
    {
      preHandler: guard('quarantine.home'),
      schema: { tags, querystring: HomeQuery, response: { 200: HomeListSchema, ...problems } },
    },
    async (request) => home.homeList(s, actorOf(request), request.query.areaId),
  );

  app.post(
    '/quarantine/home/:id/door',
    {
      preHandler: guard('quarantine.home'),
      schema: { tags, params: IdParams, body: DoorBody, response: { 200: OrderSchema, ...problems } },
    },
    async (request) => home.setDoor(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/quarantine/home/:id/reports',
    {
      preHandler: guard('quarantine.home'),
      schema: { tags, params: IdParams, body: HomeReportBody, response: { 200: HomeReportResultSchema, ...problems } },
    },
    async (request) => home.homeReport(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/quarantine/home/:id/breaches',
    {
      preHandler: guard('quarantine.home'),
      schema: { tags, params: IdParams, body: BreachBody, response: { 200: OrderSchema, ...problems } },
    },
    async (request) => home.recordBreach(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/quarantine/home/:id/services',
    {
      preHandler: guard('quarantine.home'),
      schema: { tags, params: IdParams, body: HomeServiceBody, response: { 201: HomeServiceSchema, ...problems } },
    },
    async (request, reply) =>
      reply.status(201).send(await home.recordService(s, actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/quarantine/home/:id/services',
    {
      preHandler: guard('quarantine.home'),
      schema: { tags, params: IdParams, response: { 200: HomeServiceListSchema, ...problems } },
    },
    async (request) => home.listServices(s, actorOf(request), request.params.id),
  );

  app.post(
    '/quarantine/my/reports',
    {
      preHandler: guard(),
      schema: { tags, body: HomeReportBody, response: { 200: HomeReportResultSchema, ...problems } },
    },
    async (request) => home.myReport(s, actorOf(request), request.body),
  );
}
