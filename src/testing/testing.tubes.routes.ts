// Tubes over HTTP: opened, filled, closed, resumed or voided at a table, and the offline queue (sync).
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { langFrom } from '../platform/errors.ts';
import * as tubes from './testing.tubes.ts';
import * as sync from './testing.sync.ts';
import { problems, tags } from './testing.http.ts';
import {
  CustodyEventView,
  IdParams,
  MemberAddBody,
  MemberView,
  SyncBody,
  SyncResult,
  OpenTubesQuery,
  TubeCloseBody,
  TubeDetail,
  TubeOpenBody,
  TubeView,
  TubeVoidBody,
} from './testing.schema.ts';

export function tubeRoutes(app: App, s: Services): void {
  app.post(
    '/testing/tubes',
    {
      preHandler: guard('testing.sample'),
      schema: { tags, body: TubeOpenBody, response: { 201: TubeView, 200: TubeView, ...problems } },
    },
    async (request, reply) => {
      const r = await sync.openTube(s, actorOf(request), request.body, langFrom(request.headers['accept-language']));
      reply.status(r.duplicate ? 200 : 201);
      return r.tube;
    },
  );

  app.get(
    '/testing/tubes/by-barcode/:barcode',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        params: Type.Object({ barcode: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: TubeDetail, ...problems },
      },
    },
    async (request) => tubes.getTube(s, actorOf(request), { barcode: request.params.barcode }),
  );

  app.get(
    '/testing/tubes/:id',
    {
      preHandler: guard('testing.view'),
      schema: { tags, params: IdParams, response: { 200: TubeDetail, ...problems } },
    },
    async (request) => tubes.getTube(s, actorOf(request), { id: request.params.id }),
  );

  app.get(
    '/testing/tubes/:id/custody',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Object({ tube: TubeView, events: Type.Array(CustodyEventView) }), ...problems },
      },
    },
    async (request) => tubes.tubeCustody(s, actorOf(request), request.params.id),
  );

  app.post(
    '/testing/tubes/:id/members',
    {
      preHandler: guard('testing.sample'),
      schema: {
        tags,
        params: IdParams,
        body: MemberAddBody,
        response: { 200: Type.Object({ tube: TubeView, member: MemberView }), ...problems },
      },
    },
    async (request) =>
      sync.addMember(
        s,
        actorOf(request),
        request.params.id,
        request.body,
        langFrom(request.headers['accept-language']),
      ),
  );

  app.delete(
    '/testing/tubes/:id/members/:personId',
    {
      preHandler: guard('testing.sample'),
      schema: {
        tags,
        params: Type.Object({ id: Type.String(), personId: Type.String() }),
        response: { 200: TubeView, ...problems },
      },
    },
    async (request) => tubes.removeMember(s, actorOf(request), request.params.id, request.params.personId),
  );

  app.post(
    '/testing/tubes/:id/close',
    {
      preHandler: guard('testing.sample'),
      schema: { tags, params: IdParams, body: Type.Optional(TubeCloseBody), response: { 200: TubeView, ...problems } },
    },
    async (request) =>
      sync.closeTube(
        s,
        actorOf(request),
        request.params.id,
        request.body ?? {},
        langFrom(request.headers['accept-language']),
      ),
  );

  app.get(
    '/testing/tables/:id/open-tubes',
    {
      preHandler: guard('testing.sample'),
      schema: {
        tags,
        params: IdParams,
        querystring: OpenTubesQuery,
        response: { 200: Type.Object({ items: Type.Array(TubeView) }), ...problems },
      },
    },
    async (request) => tubes.openTubesAtTable(s, actorOf(request), request.params.id, request.query.roundId),
  );

  app.post(
    '/testing/tubes/:id/resume',
    {
      preHandler: guard('testing.sample'),
      schema: { tags, params: IdParams, response: { 200: TubeDetail, ...problems } },
    },
    async (request) => tubes.resumeTube(s, actorOf(request), request.params.id),
  );

  app.post(
    '/testing/tubes/:id/void',
    {
      preHandler: guard('testing.sample'),
      schema: {
        tags,
        params: IdParams,
        body: Type.Optional(TubeVoidBody),
        response: { 200: Type.Object({ barcode: Type.String(), voided: Type.Boolean() }), ...problems },
      },
    },
    async (request) => tubes.voidTube(s, actorOf(request), request.params.id, request.body?.reason),
  );

  app.post(
    '/testing/sync',
    {
      preHandler: guard(),
      schema: { tags, body: SyncBody, response: { 200: SyncResult, ...problems } },
    },
    async (request) =>
      sync.syncOps(s, actorOf(request), request.body.ops, langFrom(request.headers['accept-language'])),
  );
}
