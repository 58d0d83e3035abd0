// The typed Fastify instance every route module receives.
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The problem+json document, for response schemas. */
export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  code: Type.String(),
  detail: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({
    row: Type.Optional(Type.Integer()),
    column: Type.Optional(Type.String()),
    field: Type.Optional(Type.String()),
    code: Type.String(),
    message: Type.String(),
  }, { additionalProperties: true }))),
}, { additionalProperties: true });
