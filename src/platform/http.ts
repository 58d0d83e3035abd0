// The typed Fastify instance every route module receives.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { Type, type StringOptions, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

/** An instant at the API edge: ISO 8601 with the deployment's offset, e.g. 2022-03-24T08:00:00+08:00. */
export const IsoTime = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });
/**
 * A value or null. Null comes first: querystrings and params are coerced, and a union tried value-first
 * would turn a null into 0 (integer) or "" (string) before ever trying null. (JSON bodies are not coerced.)
 */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);
export const NullableIsoTime = Nullable(IsoTime);
/**
 * A name or one-line label in a request body (a person's, a building's, a venue's, a carrier's …):
 * normalised to NFC, control and bidirectional-override characters refused (TEXT_FORBIDDEN_CHARACTER,
 * naming the field). See platform/text.ts.
 */
export const NameText = (options: StringOptions = {}) => Type.String({ ...options, 'x-text': 'name' });
/** Free text in a request body (a note, a reason): NFC, control and bidirectional characters stripped. */
export const NoteText = (options: StringOptions = {}) => Type.String({ ...options, 'x-text': 'note' });
/** One of the given strings (a rule file's list of codes): typed as their union. */
export const Literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<Array<TLiteral<T[number]>>>;

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * File uploads (multipart/form-data, one file of up to 200 MB) for the routes of this plugin only: the
 * multipart plugin's hooks run on every request of the context it is registered in.
 */
export async function acceptUploads(app: App): Promise<void> {
  await app.register(multipart, { limits: { fileSize: 200 * 1024 * 1024, files: 1 } });
}

/** What a table export is offered as (a route's `produces`): CSV or XLSX. */
export const TABLE_MEDIA_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/**
 * Sends a file to download: its type, `content-disposition: attachment` with its name, any further
 * headers (an export's row count), and the body; a stream is sent as is, not serialised.
 */
export function sendDownload(
  reply: FastifyReply,
  file: { contentType: string; fileName: string; body: unknown },
  headers: Record<string, string> = {},
): FastifyReply {
  reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`);
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.send(file.body);
}

/** The problem+json document, for response schemas. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            row: Type.Optional(Type.Integer()),
            column: Type.Optional(Type.String()),
            field: Type.Optional(Type.String()),
            code: Type.String(),
            message: Type.String(),
          },
          { additionalProperties: true },
        ),
      ),
    ),
  },
  { additionalProperties: true },
);
