// The one error catalogue: every domain's defineErrors block, imported by name and assembled here, so
// each code the system answers with has exactly one definition (status, zh and en message) and the
// compiler knows the whole set (ErrorCode). The composition roots (src/app.ts, src/cli/main.ts) install
// it with installErrorCatalogue(); nothing registers codes by being imported.
import { assembleErrorCatalogue, useErrorCatalogue, CommonErrors } from './platform/errors.ts';
import { AuditErrors } from './audit/audit.schema.ts';
import { SmsErrors } from './platform/sms.ts';
import { TextErrors } from './platform/text.ts';
import { OpsErrors } from './ops/ops.schema.ts';
import { AccessErrors } from './access/access.schema.ts';
import { RuleSetErrors } from './rules/ruleset.schema.ts';
import { RegistryErrors } from './registry/registry.rules.ts';
import { RegistryRecordErrors } from './registry/registry.schema.ts';
import { RosterErrors } from './registry/roster.columns.ts';
import { ResidentErrors } from './residents/residents.schema.ts';
import { VenueErrors, EntryReasonTexts } from './venues/venue.schema.ts';
import { PosterErrors } from './venues/venue.poster.ts';
import { CheckinExportErrors } from './venues/checkin.export.ts';
import { TracingErrors } from './tracing/tracing.schema.ts';
import { ChainErrors } from './tracing/tracing.chains.schema.ts';
import { HealthErrors } from './health/health.schema.ts';
import { RiskAreaErrors } from './riskareas/riskareas.schema.ts';
import { TestingErrors } from './testing/testing.schema.ts';
import { PoolingErrors } from './testing/pooling.rules.ts';
import { NotifyErrors } from './notify/notify.schema.ts';
import { SimErrors } from './sim/city.plan.ts';
import { QuarantineSiteErrors } from './quarantine/sites.schema.ts';
import { HospitalErrors } from './quarantine/hospitals.schema.ts';
import { AllocationErrors } from './quarantine/allocation.schema.ts';
import { CareErrors } from './quarantine/care.schema.ts';
import { TransferErrors } from './quarantine/transfer.schema.ts';
import { SiteOpsErrors } from './quarantine/siteops.schema.ts';
import { QuarantineOrderErrors } from './quarantine/orders.schema.ts';
import { LogisticsErrors } from './logistics/enterprises.schema.ts';
import { PassErrors } from './logistics/passes.schema.ts';
import { HomeServiceErrors } from './quarantine/home.schema.ts';
import { ReserveErrors } from './logistics/reserves.schema.ts';
import { DecisionErrors } from './decision/decision.schema.ts';
import { TripErrors } from './logistics/trips.schema.ts';
import { CheckpointErrors } from './logistics/checkpoints.schema.ts';
import { StationErrors } from './logistics/stations.schema.ts';
import { VolunteerErrors } from './volunteers/volunteers.schema.ts';
import { AlertErrors } from './command/alerts.schema.ts';

/** Every domain's codes, by the name of its defineErrors block. */
export const ERROR_CATALOGUES = {
  CommonErrors,
  AuditErrors,
  SmsErrors,
  TextErrors,
  OpsErrors,
  AccessErrors,
  RuleSetErrors,
  RegistryErrors,
  RegistryRecordErrors,
  RosterErrors,
  ResidentErrors,
  VenueErrors,
  EntryReasonTexts,
  PosterErrors,
  CheckinExportErrors,
  TracingErrors,
  ChainErrors,
  HealthErrors,
  RiskAreaErrors,
  TestingErrors,
  PoolingErrors,
  NotifyErrors,
  SimErrors,
  QuarantineSiteErrors,
  HospitalErrors,
  AllocationErrors,
  CareErrors,
  TransferErrors,
  SiteOpsErrors,
  QuarantineOrderErrors,
  LogisticsErrors,
  PassErrors,
  HomeServiceErrors,
  ReserveErrors,
  DecisionErrors,
  TripErrors,
  CheckpointErrors,
  StationErrors,
  VolunteerErrors,
  AlertErrors,
} as const;

/** The assembled catalogue, code → spec (throws on load when a code is defined twice). */
export const ERROR_CATALOGUE = assembleErrorCatalogue(ERROR_CATALOGUES);

/** Makes this catalogue the one AppError and messageFor read; call once at each composition root. */
export function installErrorCatalogue(): void {
  useErrorCatalogue(ERROR_CATALOGUE);
}

type Catalogues = typeof ERROR_CATALOGUES;
type CatalogueCode = { [P in keyof Catalogues]: keyof Catalogues[P] & string }[keyof Catalogues];

declare module './platform/errors.ts' {
  // Every code of every block above: ErrorCode is their union.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the augmentation is the extends clause
  interface ErrorCodes extends Record<CatalogueCode, true> {}
}
