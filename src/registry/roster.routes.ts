// POST /registry/import (multipart .csv/.xlsx) and GET /registry/export (streamed file).
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { acceptUploads, ProblemSchema, sendDownload, TABLE_MEDIA_TYPES } from '../platform/http.ts';
import { actorOf, auditActor, guard } from '../access/auth.ts';
import { AppError, langFrom, localizeFaults } from '../platform/errors.ts';
import { can } from '../access/access.rules.ts';
import { parseFlag } from './roster.columns.ts';
import { formatOf } from './roster.read.ts';
import { FAULT_LIST_CAP, importRoster, refused, rosterInvalid } from './roster.import.ts';
import { exportRoster } from './roster.export.ts';

const FlagQuery = Type.String({ pattern: '^([Tt]rue|[Ff]alse|1|0|[Yy]es|[Nn]o)$' });

const FaultView = Type.Object({
  row: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.String()),
  code: Type.String(),
  message: Type.String(),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const ImportResult = Type.Object({
  dryRun: Type.Boolean(),
  partial: Type.Boolean(),
  rows: Type.Integer(),
  imported: Type.Integer(),
  rejected: Type.Integer(),
  /** Households and buildings created (or that would be). */
  households: Type.Integer(),
  buildings: Type.Integer(),
  /** Households and buildings the rows go into, new or already registered. */
  householdsInFile: Type.Integer(),
  buildingsInFile: Type.Integer(),
  /** At most 1000; totalErrors gives the count. */
  errors: Type.Array(FaultView),
  totalErrors: Type.Integer(),
  warnings: Type.Array(FaultView),
  rejectsCsv: Type.Union([Type.String(), Type.Null()]),
});

function flag(value: string | undefined): boolean {
  return parseFlag(value) === true;
}

export async function rosterRoutes(app: App, s: Services): Promise<void> {
  await acceptUploads(app);
  app.post(
    '/registry/import',
    {
      preHandler: guard('registry.import'),
      schema: {
        tags: ['registry'],
        consumes: ['multipart/form-data'],
        querystring: Type.Object({
          dryRun: Type.Optional(FlagQuery),
          partial: Type.Optional(FlagQuery),
          newHousehold: Type.Optional(FlagQuery),
        }),
        response: { 200: ImportResult, 400: ProblemSchema, 415: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const lang = langFrom(request.headers['accept-language']);
      if (!request.isMultipart()) throw new AppError('ROSTER_FILE_REQUIRED');
      const file = await request.file();
      if (!file) throw new AppError('ROSTER_FILE_REQUIRED');
      const format = formatOf(file.filename);
      if (!format) {
        file.file.resume();
        throw new AppError('ROSTER_FORMAT');
      }
      const report = await importRoster(s, { audit: auditActor(actor), areaPath: actor.areaPath }, file.file, {
        fileName: file.filename,
        format,
        dryRun: flag(request.query.dryRun),
        partial: flag(request.query.partial),
        newHouseholdOnHeadMismatch: flag(request.query.newHousehold),
        lang,
      });
      if (refused(report)) throw rosterInvalid(report, lang);
      return {
        dryRun: report.dryRun,
        partial: report.partial,
        rows: report.rows,
        imported: report.imported,
        rejected: report.rejected,
        households: report.households,
        buildings: report.buildings,
        householdsInFile: report.householdsInFile,
        buildingsInFile: report.buildingsInFile,
        errors: localizeFaults(report.faults.slice(0, FAULT_LIST_CAP), lang),
        totalErrors: report.faults.length,
        warnings: localizeFaults(report.warnings, lang),
        rejectsCsv: report.rejectsCsv,
      };
    },
  );

  app.get(
    '/registry/export',
    {
      preHandler: guard('registry.export'),
      schema: {
        tags: ['registry'],
        produces: TABLE_MEDIA_TYPES,
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
          areaId: Type.Optional(Type.String()),
          lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')])),
          reveal: Type.Optional(FlagQuery),
          reason: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: {
          200: Type.String({ format: 'binary' }),
          400: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const q = request.query;
      const result = await exportRoster(
        s,
        {
          audit: auditActor(actor),
          areaPath: actor.areaPath,
          areaId: actor.areaId,
          mayReveal: can(actor.role, 'person.reveal'),
        },
        { format: q.format ?? 'csv', areaId: q.areaId, lang: q.lang ?? 'zh', reveal: flag(q.reveal), reason: q.reason },
      );
      return sendDownload(reply, { ...result, body: result.stream }, { 'x-roster-rows': String(result.rows) });
    },
  );
}
