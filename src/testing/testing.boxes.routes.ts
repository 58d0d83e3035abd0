// Boxes over HTTP: transport boxes of closed tubes and their chain of custody to the lab.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import { problems, tags } from './testing.http.ts';
import * as boxes from './testing.boxes.ts';
import {
  BoxCreateBody,
  BoxHandoverBody,
  BoxReceiveBody,
  BoxTubesBody,
  BoxView,
  IdParams,
  BoxDetail,
} from './testing.schema.ts';

export function boxRoutes(app: App, s: Services): void {
  app.post(
    '/testing/boxes',
    {
      preHandler: guard('testing.sample'),
      schema: { tags, body: BoxCreateBody, response: { 201: BoxView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return boxes.createBox(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/testing/boxes',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({
            roundId: Type.String({ minLength: 1, maxLength: 64 }),
            status: Type.Optional(Type.String({ maxLength: 20 })),
          }),
        ]),
        response: { 200: PageOf(BoxView), ...problems },
      },
    },
    async (request) => boxes.listBoxes(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/testing/boxes/:id',
    {
      preHandler: guard('testing.view'),
      schema: { tags, params: IdParams, response: { 200: BoxDetail, ...problems } },
    },
    async (request) => boxes.getBox(s, actorOf(request), request.params.id),
  );

  app.post(
    '/testing/boxes/:id/tubes',
    {
      preHandler: guard('testing.sample'),
      schema: { tags, params: IdParams, body: BoxTubesBody, response: { 200: BoxView, ...problems } },
    },
    async (request) => boxes.boxTubes(s, actorOf(request), request.params.id, request.body.barcodes),
  );

  app.post(
    '/testing/boxes/:id/handover',
    {
      preHandler: guard('testing.custody'),
      schema: { tags, params: IdParams, body: BoxHandoverBody, response: { 200: BoxView, ...problems } },
    },
    async (request) => boxes.handOverBox(s, actorOf(request), request.params.id, request.body.carrier),
  );

  app.post(
    '/testing/boxes/:id/receive',
    {
      preHandler: guard('testing.custody'),
      schema: { tags, params: IdParams, body: BoxReceiveBody, response: { 200: BoxView, ...problems } },
    },
    async (request) => boxes.receiveBox(s, actorOf(request), request.params.id, request.body.lab),
  );
}
