// The pool-size advisor over HTTP: pure arithmetic on the query, no personal data, nothing written.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { guard } from '../access/auth.ts';
import { advise, parseAdvisorOptions } from './pooling.rules.ts';
import { poolingPolicy } from './pooling.policy.ts';
import { PoolAdvisorQuery, PoolAdvisorResult } from './pooling.schema.ts';

export async function poolingRoutes(app: App, _s: Services): Promise<void> {
  app.get(
    '/testing/pool-advisor',
    {
      preHandler: guard('testing.plan'),
      schema: {
        tags: ['testing'],
        summary: 'Expected tests per person by pool size (Dorfman, three-stage, square array) and the recommended size',
        querystring: PoolAdvisorQuery,
        response: { 200: PoolAdvisorResult, 400: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const policy = poolingPolicy();
      return advise(parseAdvisorOptions(request.query, policy), policy);
    },
  );
}
