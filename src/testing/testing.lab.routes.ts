// Lab results over HTTP: uploads of result files (or JSON rows) and their history.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { AppError, langFrom } from '../platform/errors.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import { formatOf } from '../registry/roster.read.ts';
import { problems, tags } from './testing.http.ts';
import * as lab from './testing.lab.ts';
import { LabOutcome, LabResultsBody, LabUploadView } from './testing.schema.ts';

const FlagQuery = Type.String({ pattern: '^([Tt]rue|[Ff]alse|1|0|[Yy]es|[Nn]o)$' });
const flag = (v: string | undefined) => v !== undefined && /^(true|1|yes)$/i.test(v);

export function labRoutes(app: App, s: Services): void {
  app.post(
    '/testing/lab/uploads',
    {
      preHandler: guard('testing.lab'),
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        querystring: Type.Object({
          roundId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          dryRun: Type.Optional(FlagQuery),
        }),
        response: { 200: LabOutcome, ...problems },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const lang = langFrom(request.headers['accept-language']);
      if (!request.isMultipart()) throw new AppError('LAB_FILE_REQUIRED');
      const file = await request.file();
      if (!file) throw new AppError('LAB_FILE_REQUIRED');
      const format = formatOf(file.filename);
      if (!format) {
        file.file.resume();
        throw new AppError('LAB_FILE_FORMAT');
      }
      return lab.uploadLabFile(s, actor, file.file, format, {
        roundId: request.query.roundId,
        dryRun: flag(request.query.dryRun),
        fileName: file.filename,
        lang,
      });
    },
  );

  app.post(
    '/testing/lab/results',
    {
      preHandler: guard('testing.lab'),
      schema: { tags, body: LabResultsBody, response: { 200: LabOutcome, ...problems } },
    },
    async (request) =>
      lab.applyLabResults(s, actorOf(request), lab.rowsFromJson(request.body.results), {
        roundId: request.body.roundId,
        dryRun: request.body.dryRun,
        lang: langFrom(request.headers['accept-language']),
      }),
  );

  app.get(
    '/testing/lab/uploads',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        querystring: Type.Composite([
          PageQuery,
          Type.Object({ roundId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
        ]),
        response: { 200: PageOf(LabUploadView), ...problems },
      },
    },
    async (request) => lab.listUploads(s, actorOf(request), request.query.roundId, pageParams(request.query)),
  );
}
