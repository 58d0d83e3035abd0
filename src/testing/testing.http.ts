// What every testing route group shares: its OpenAPI tag and the problem answers it may give.
import { ProblemSchema } from '../platform/http.ts';

export const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  410: ProblemSchema,
  415: ProblemSchema,
  422: ProblemSchema,
};
export const tags = ['testing'];
