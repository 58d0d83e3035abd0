// Supply reserves over HTTP: the catalogue, warehouses with their stock, movements, days of supply, alerts.
import { Type } from '@sinclair/typebox';
import { actorOf, guard } from '../access/auth.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import {
  MovementBody,
  MovementListQuery,
  MovementSchema,
  ReserveCatalogueSchema,
  ReservesQuery,
  ReservesReportSchema,
  StockAlertSchema,
  WarehouseBody,
  WarehouseListQuery,
  WarehouseParams,
  WarehouseSchema,
} from './reserves.schema.ts';
import * as reserves from './reserves.service.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['logistics'];

export async function reserveRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/logistics/reserves/catalogue',
    {
      preHandler: guard('logistics.reserves'),
      schema: { tags, response: { 200: ReserveCatalogueSchema, ...problems } },
    },
    async (request) => reserves.catalogue(s, actorOf(request)),
  );

  app.get(
    '/logistics/reserves',
    {
      preHandler: guard('logistics.reserves'),
      schema: { tags, querystring: ReservesQuery, response: { 200: ReservesReportSchema, ...problems } },
    },
    async (request) => reserves.reservesReport(s, actorOf(request), request.query),
  );

  app.get(
    '/logistics/reserves/alerts',
    {
      preHandler: guard('logistics.reserves'),
      schema: { tags, querystring: ReservesQuery, response: { 200: Type.Array(StockAlertSchema), ...problems } },
    },
    async (request) => reserves.listAlerts(s, actorOf(request), request.query),
  );

  app.get(
    '/logistics/warehouses',
    {
      preHandler: guard('logistics.reserves'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, WarehouseListQuery]),
        response: { 200: PageOf(WarehouseSchema), ...problems },
      },
    },
    async (request) => reserves.listWarehouses(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/logistics/warehouses',
    {
      preHandler: guard('logistics.stock'),
      schema: { tags, body: WarehouseBody, response: { 201: WarehouseSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return reserves.createWarehouse(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/logistics/warehouses/:id',
    {
      preHandler: guard('logistics.reserves'),
      schema: { tags, params: WarehouseParams, response: { 200: WarehouseSchema, ...problems } },
    },
    async (request) => reserves.getWarehouse(s, actorOf(request), request.params.id),
  );

  app.get(
    '/logistics/warehouses/:id/movements',
    {
      preHandler: guard('logistics.reserves'),
      schema: {
        tags,
        params: WarehouseParams,
        querystring: Type.Composite([PageQuery, MovementListQuery]),
        response: { 200: PageOf(MovementSchema), ...problems },
      },
    },
    async (request) =>
      reserves.listMovements(s, actorOf(request), request.params.id, request.query, pageParams(request.query)),
  );

  app.post(
    '/logistics/stock/movements',
    {
      preHandler: guard('logistics.stock'),
      schema: { tags, body: MovementBody, response: { 201: MovementSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return reserves.recordMovement(s, actorOf(request), request.body);
    },
  );
}
