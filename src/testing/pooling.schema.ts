// Request and response shapes of the pool-size advisor. Query values arrive as text and are read by
// parseAdvisorOptions, so a bad value is refused with ADVISOR_INPUT_INVALID naming the option.
import { Type } from '@sinclair/typebox';
import { CONTROL_LEVELS } from './pooling.rules.ts';
import { Literals, Nullable } from '../platform/http.ts';

const Text = (description: string) => Type.Optional(Type.String({ maxLength: 200, description }));

export const PoolAdvisorQuery = Type.Object(
  {
    prevalence: Text('prevalence as a fraction in (0, 1); "1%" and "10‰" are accepted'),
    ctCutoff: Text('the assay’s Ct cut-off (positive below it; default from the rules, 40)'),
    typicalCt: Text('a weak positive’s Ct before dilution (default from the rules, 35)'),
    maxCtShift: Text('instead of typicalCt: the largest Ct shift a pool may cause'),
    sizes: Text('validated (5, 10, 20; default), any (2–32), or a list such as 5,10,20'),
    sensitivity: Text('test sensitivity in (0, 1] (default 1)'),
    specificity: Text('test specificity in (0, 1] (default 1)'),
  },
  { additionalProperties: false },
);

const Reason = Type.Union([
  Type.Literal('lowest_expected_tests'),
  Type.Literal('prevalence_above_threshold'),
  Type.Literal('no_gain'),
  Type.Literal('ct_dilution'),
  Type.Literal('mandated_single_tube'),
  Type.Literal('capped_by_mandate'),
]);

const RecommendationSchema = Type.Object({
  poolSize: Type.Integer(),
  testsPerPerson: Type.Number(),
  saving: Type.Number(),
  reason: Reason,
});

export const PoolAdvisorResult = Type.Object({
  prevalence: Type.Number(),
  sizeMode: Type.Union([Type.Literal('validated'), Type.Literal('any'), Type.Literal('list')]),
  ctCutoff: Type.Number(),
  typicalCt: Type.Number(),
  maxCtShift: Nullable(Type.Number()),
  sensitivity: Type.Number(),
  specificity: Type.Number(),
  threshold: Type.Number(),
  rows: Type.Array(
    Type.Object({
      k: Type.Integer(),
      dorfman: Type.Number(),
      threeStage: Nullable(Type.Number()),
      threeStageSubPool: Nullable(Type.Integer()),
      squareArray: Nullable(Type.Number()),
      tubesPer10k: Type.Integer(),
      retestsPer10k: Type.Number(),
      ctShift: Type.Number(),
      dilutedCt: Type.Number(),
      allowed: Type.Boolean(),
    }),
  ),
  recommendation: RecommendationSchema,
  controlLevels: Type.Array(
    Type.Composite([
      RecommendationSchema,
      Type.Object({
        controlLevel: Literals(CONTROL_LEVELS),
        mandatedPoolSize: Type.Integer(),
        householdTube: Type.Boolean(),
      }),
    ]),
  ),
  theory: Type.Object({
    approximateOptimalPoolSize: Type.Number(),
    approximateTestsPerPerson: Type.Number(),
    optimalPoolSize: Nullable(Type.Integer()),
    optimalTestsPerPerson: Type.Number(),
  }),
  rules: Type.Object({ version: Type.String(), effectiveFrom: Type.String() }),
});
