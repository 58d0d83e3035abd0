// Health for operators and load balancers, without signing in: /health (every dependency; 503 when
// down) and /health/ready (503 when not ready for traffic). Neither shows a connection string; the
// checks' error messages (which may name internal hosts) only to the deployment's administrators.
import type { FastifyRequest } from 'fastify';
import type { App } from '../platform/http.ts';
import { can } from '../access/access.rules.ts';
import type { Services } from '../services.ts';
import { HealthReport, Readiness } from './ops.schema.ts';
import { healthReport, readiness } from './ops.service.ts';

/** user.manage at the root of the area tree: an administrator of a district sees the statuses only. */
function seesDetails(request: FastifyRequest): boolean {
  const actor = request.actor;
  return !!actor && can(actor.role, 'user.manage') && actor.areaPath.split('/').filter(Boolean).length === 1;
}

export async function opsRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/health',
    {
      schema: { tags: ['platform'], security: [], response: { 200: HealthReport, 503: HealthReport } },
    },
    async (request, reply) => {
      const report = await healthReport(s, { details: seesDetails(request) });
      reply.header('cache-control', 'no-store');
      return reply.status(report.status === 'down' ? 503 : 200).send(report);
    },
  );

  app.get(
    '/health/ready',
    {
      schema: { tags: ['platform'], security: [], response: { 200: Readiness, 503: Readiness } },
    },
    async (_request, reply) => {
      const ready = await readiness(s);
      reply.header('cache-control', 'no-store');
      return reply.status(ready.ready ? 200 : 503).send(ready);
    },
  );
}
