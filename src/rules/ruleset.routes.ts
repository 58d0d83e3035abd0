// Rule sets over HTTP: list them with the active one marked, read one in full, activate one.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, auditActor, guard } from '../access/auth.ts';
import { ruleSetById } from './ruleset.load.ts';
import { ActivateBody, ActivateResult, RuleSetIdParams, RuleSetList, RuleSetSchema } from './ruleset.schema.ts';
import * as rulesets from './ruleset.service.ts';

export async function rulesetRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/rulesets',
    {
      preHandler: guard(),
      schema: { tags: ['rules'], response: { 200: RuleSetList } },
    },
    async () => rulesets.listRuleSets(s),
  );

  app.get(
    '/rulesets/active',
    {
      preHandler: guard(),
      schema: { tags: ['rules'], response: { 200: Type.Object({ ruleSet: RuleSetSchema, chosen: Type.Boolean() }) } },
    },
    async () => rulesets.activeChoice(s),
  );

  app.get(
    '/rulesets/:id',
    {
      preHandler: guard(),
      schema: { tags: ['rules'], params: RuleSetIdParams, response: { 200: RuleSetSchema, 404: ProblemSchema } },
    },
    async (request) => ruleSetById(request.params.id),
  );

  app.put(
    '/rulesets/active',
    {
      preHandler: guard('rules.manage'),
      schema: {
        tags: ['rules'],
        body: ActivateBody,
        response: { 200: ActivateResult, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => rulesets.setActiveRuleSet(s, auditActor(actorOf(request)), request.body.id, request.body.reason),
  );
}
