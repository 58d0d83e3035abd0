// Areas, buildings, households, persons over HTTP: thin handlers over registry.service. Roster import
// and export are registered by src/app.ts from roster.routes.ts.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import {
  AreaDetailSchema,
  AreaSchema,
  BuildingDetailSchema,
  BuildingRowSchema,
  HouseholdCreateBody,
  HouseholdDetailSchema,
  HouseholdPatchBody,
  HouseholdSchema,
  IdParams,
  PersonCreateBody,
  PersonPatchBody,
  PersonSearchQuery,
  PersonViewSchema,
  RevealBody,
  RevealResult,
  BuildingSearchQuery,
} from './registry.schema.ts';
import * as registry from './registry.service.ts';

export async function registryRoutes(app: App, s: Services): Promise<void> {
  const read = { preHandler: guard('registry.read') };
  const write = { preHandler: guard('registry.write') };

  app.get(
    '/areas',
    {
      ...read,
      schema: {
        tags: ['registry'],
        querystring: Type.Composite([
          PageQuery,
          Type.Object({ parentId: Type.Optional(Type.String({ minLength: 1 })) }),
        ]),
        response: { 200: PageOf(AreaSchema) },
      },
    },
    async (request) => registry.listAreas(s, actorOf(request), request.query.parentId, pageParams(request.query)),
  );

  app.get(
    '/areas/:id',
    {
      ...read,
      schema: { tags: ['registry'], params: IdParams, response: { 200: AreaDetailSchema } },
    },
    async (request) => registry.getArea(s, actorOf(request), request.params.id),
  );

  app.get(
    '/areas/:id/buildings',
    {
      ...read,
      schema: {
        tags: ['registry'],
        params: IdParams,
        querystring: Type.Composite([PageQuery, BuildingSearchQuery]),
        response: { 200: PageOf(BuildingRowSchema) },
      },
    },
    async (request) =>
      registry.listBuildings(s, actorOf(request), request.params.id, pageParams(request.query), request.query.q),
  );

  app.get(
    '/buildings/:id',
    {
      ...read,
      schema: {
        tags: ['registry'],
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 500 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: BuildingDetailSchema },
      },
    },
    async (request) => registry.getBuilding(s, actorOf(request), request.params.id, pageParams(request.query)),
  );

  app.get(
    '/households/:id',
    {
      ...read,
      schema: { tags: ['registry'], params: IdParams, response: { 200: HouseholdDetailSchema } },
    },
    async (request) => registry.getHousehold(s, actorOf(request), request.params.id),
  );

  app.post(
    '/households',
    {
      ...write,
      schema: { tags: ['registry'], body: HouseholdCreateBody, response: { 201: HouseholdSchema } },
    },
    async (request, reply) => {
      reply.status(201);
      return registry.createHousehold(s, actorOf(request), request.body);
    },
  );

  app.patch(
    '/households/:id',
    {
      ...write,
      schema: { tags: ['registry'], params: IdParams, body: HouseholdPatchBody, response: { 200: HouseholdSchema } },
    },
    async (request) => registry.updateHousehold(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/persons',
    {
      ...read,
      schema: {
        tags: ['registry'],
        querystring: Type.Composite([PageQuery, PersonSearchQuery]),
        response: { 200: PageOf(PersonViewSchema) },
      },
    },
    async (request) => registry.searchPersons(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/persons/:id',
    {
      ...read,
      schema: { tags: ['registry'], params: IdParams, response: { 200: PersonViewSchema } },
    },
    async (request) => registry.getPerson(s, actorOf(request), request.params.id),
  );

  app.post(
    '/persons',
    {
      ...write,
      schema: { tags: ['registry'], body: PersonCreateBody, response: { 201: PersonViewSchema } },
    },
    async (request, reply) => {
      reply.status(201);
      return registry.createPerson(s, actorOf(request), request.body);
    },
  );

  app.patch(
    '/persons/:id',
    {
      ...write,
      schema: { tags: ['registry'], params: IdParams, body: PersonPatchBody, response: { 200: PersonViewSchema } },
    },
    async (request) => registry.updatePerson(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/persons/:id/reveal',
    {
      preHandler: guard('person.reveal'),
      schema: { tags: ['registry'], params: IdParams, body: RevealBody, response: { 200: RevealResult } },
    },
    async (request) => registry.revealPerson(s, actorOf(request), request.params.id, request.body?.reason),
  );
}
