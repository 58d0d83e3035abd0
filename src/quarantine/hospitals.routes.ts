// Designated hospitals over HTTP: the public list by need (no sign-in), the command centre's list,
// creation and changes, and the routing query (colour and need → hospitals that take the person).
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import * as svc from './hospitals.service.ts';
import {
  HospitalBody,
  HospitalListQuery,
  HospitalUpdateBody,
  HospitalView,
  PublicHospitalList,
  PublicQuery,
  RouteAnswer,
  RouteQuery,
} from './hospitals.schema.ts';
import { IdParams, problems, tags } from './sites.schema.ts';
import { Type } from '@sinclair/typebox';

export function hospitalRoutes(app: App, s: Services): void {
  app.get(
    '/quarantine/hospitals/public',
    { schema: { tags, security: [], querystring: PublicQuery, response: { 200: PublicHospitalList } } },
    async (request) => svc.publicHospitals(s, request.query.need),
  );

  app.get(
    '/quarantine/hospitals',
    {
      preHandler: guard('quarantine.read'),
      schema: {
        tags,
        querystring: HospitalListQuery,
        response: { 200: Type.Object({ items: Type.Array(HospitalView) }), ...problems },
      },
    },
    async (request) => svc.listHospitals(s, actorOf(request), request.query),
  );

  app.get(
    '/quarantine/hospitals/route',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, querystring: RouteQuery, response: { 200: RouteAnswer, ...problems } },
    },
    async (request) => svc.routeQuery(s, actorOf(request), request.query),
  );

  app.get(
    '/quarantine/hospitals/:id',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, params: IdParams, response: { 200: HospitalView, ...problems } },
    },
    async (request) => svc.getHospital(s, actorOf(request), request.params.id),
  );

  app.post(
    '/quarantine/hospitals',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, body: HospitalBody, response: { 201: HospitalView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.createHospital(s, actorOf(request), request.body);
    },
  );

  app.patch(
    '/quarantine/hospitals/:id',
    {
      preHandler: guard('quarantine.manage'),
      schema: { tags, params: IdParams, body: HospitalUpdateBody, response: { 200: HospitalView, ...problems } },
    },
    async (request) => svc.updateHospital(s, actorOf(request), request.params.id, request.body),
  );
}
