// The command centre's alert rules as data: rules/alerts.json, validated on load — for each rule its
// severity, its threshold and the roles told; and how often the alert job looks.
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { loadRuleFile, parseRuleFile, ruleFile } from '../platform/rule-file.ts';
import { ROLES } from '../access/access.rules.ts';
import { SEVERITIES } from './alerts.rules.ts';

export const ALERT_RULES_FILE = fileURLToPath(new URL('../../rules/alerts.json', import.meta.url));

const Severity = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));
const Notify = Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1, uniqueItems: true });
const Rule = <P extends Record<string, ReturnType<typeof Type.Number>>>(props: P) =>
  Type.Object({ severity: Severity, notify: Notify, ...props });

export const AlertPolicySchema = Type.Object({
  version: Type.String({ pattern: '\\S' }),
  effectiveFrom: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  source: Type.Optional(Type.String()),
  everyMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  rules: Type.Object({
    pool_unresolved: Rule({ afterHours: Type.Number({ minimum: 0, maximum: 720 }) }),
    contact_unplaced: Rule({ afterHours: Type.Number({ minimum: 0, maximum: 720 }) }),
    rooms_low: Rule({ freeShareBelow: Type.Number({ minimum: 0, maximum: 1 }) }),
    fever_unanswered: Rule({ afterMinutes: Type.Number({ minimum: 0, maximum: 10_080 }) }),
    venue_over_capacity: Rule({}),
  }),
});
export type AlertPolicy = Static<typeof AlertPolicySchema>;

const ALERT_RULES = ruleFile({
  label: 'alert rules (rules/alerts.json)',
  file: ALERT_RULES_FILE,
  schema: AlertPolicySchema,
});

/** Validates a parsed rule file; throws naming the bad fields (e.g. rules.rooms_low.freeShareBelow). */
export function parseAlertPolicy(raw: unknown): AlertPolicy {
  return parseRuleFile(ALERT_RULES, raw);
}

/** The deployment's alert rules, read and validated once per process. */
export function alertPolicy(): AlertPolicy {
  return loadRuleFile(ALERT_RULES);
}
