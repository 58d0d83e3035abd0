// The closed-loop transfer to a designated hospital over HTTP: the hospitals that take the person of an
// order or a case with a need, the transfer itself (vehicle, escort, time), and the way back (to a
// site room, or released at the hospital).
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import {
  HospitalReturnBody,
  HospitalReturnSchema,
  HospitalTransferBody,
  HospitalTransferSchema,
  TransferOptionsQuery,
  TransferOptionsSchema,
} from './transfer.schema.ts';
import { returnFromHospital, transferOptions, transferToHospital } from './transfer.service.ts';

const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};
const tags = ['quarantine allocation'];

export async function transferRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/quarantine/transfers/hospital-options',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, querystring: TransferOptionsQuery, response: { 200: TransferOptionsSchema, ...problems } },
    },
    async (request) => transferOptions(s, actorOf(request), request.query),
  );

  app.post(
    '/quarantine/transfers/hospital',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, body: HospitalTransferBody, response: { 201: HospitalTransferSchema, ...problems } },
    },
    async (request, reply) => reply.status(201).send(await transferToHospital(s, actorOf(request), request.body)),
  );

  app.post(
    '/quarantine/transfers/return',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, body: HospitalReturnBody, response: { 201: HospitalReturnSchema, ...problems } },
    },
    async (request, reply) => reply.status(201).send(await returnFromHospital(s, actorOf(request), request.body)),
  );
}
