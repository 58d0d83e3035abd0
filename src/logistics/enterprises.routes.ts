// Enterprises, their vehicles and drivers over HTTP, and the rules the logistics forms offer.
import { Type } from '@sinclair/typebox';
import { actorOf, guard } from '../access/auth.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import {
  DriverBody,
  DriverSchema,
  EnterpriseBody,
  EnterpriseListQuery,
  EnterpriseSchema,
  IdParams,
  LogisticsRulesSchema,
  OwnedListQuery,
  VehicleBody,
  VehicleSchema,
} from './enterprises.schema.ts';
import * as enterprises from './enterprises.service.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['logistics'];

export async function enterpriseRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/logistics/rules',
    { preHandler: guard('logistics.read'), schema: { tags, response: { 200: LogisticsRulesSchema, ...problems } } },
    async (request) => enterprises.logisticsRules(s, actorOf(request)),
  );

  app.get(
    '/logistics/enterprises',
    {
      preHandler: guard('logistics.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, EnterpriseListQuery]),
        response: { 200: PageOf(EnterpriseSchema), ...problems },
      },
    },
    async (request) => enterprises.listEnterprises(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/logistics/enterprises',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, body: EnterpriseBody, response: { 201: EnterpriseSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return enterprises.createEnterprise(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/logistics/enterprises/:id',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, response: { 200: EnterpriseSchema, ...problems } },
    },
    async (request) => enterprises.getEnterprise(s, actorOf(request), request.params.id),
  );

  app.post(
    '/logistics/enterprises/:id/vehicles',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, body: VehicleBody, response: { 201: VehicleSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return enterprises.addVehicle(s, actorOf(request), request.params.id, request.body);
    },
  );

  app.post(
    '/logistics/enterprises/:id/drivers',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, body: DriverBody, response: { 201: DriverSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return enterprises.addDriver(s, actorOf(request), request.params.id, request.body);
    },
  );

  app.get(
    '/logistics/vehicles',
    {
      preHandler: guard('logistics.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, OwnedListQuery]),
        response: { 200: PageOf(VehicleSchema), ...problems },
      },
    },
    async (request) => enterprises.listVehicles(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/logistics/drivers',
    {
      preHandler: guard('logistics.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, OwnedListQuery]),
        response: { 200: PageOf(DriverSchema), ...problems },
      },
    },
    async (request) => enterprises.listDrivers(s, actorOf(request), request.query, pageParams(request.query)),
  );
}
