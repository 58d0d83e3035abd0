// The migration chain, in order. Each entry is frozen once released: add a new one, never edit one.
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_venues.ts';
import * as m0003 from './0003_residents.ts';
import * as m0004 from './0004_checkin_ingest.ts';
import * as m0005 from './0005_cases.ts';
import * as m0006 from './0006_health.ts';
import * as m0007 from './0007_testing.ts';
import * as m0008 from './0008_call_tasks.ts';
import * as m0009 from './0009_risk_areas.ts';
import * as m0010 from './0010_building_unique.ts';
import * as m0011 from './0011_resident_phone.ts';
import * as m0012 from './0012_checkin_scan_gap.ts';
import * as m0013 from './0013_audit_keyed.ts';
import * as m0015 from './0015_login_failure.ts';
import * as m0016 from './0016_checkin_purges.ts';
import * as m0019 from './0019_tube_custody_gap.ts';
import * as m0023 from './0023_building_compound.ts';
import * as m0024 from './0024_admin_audit.ts';
import * as m0025 from './0025_venue_operator.ts';
import * as m0026 from './0026_colour_basis_kind.ts';
import * as m0028 from './0028_quarantine.ts';
import * as m0031 from './0031_quarantine_care.ts';
import * as m0032 from './0032_logistics_passes.ts';
import * as m0033 from './0033_job_lease.ts';
import * as m0034 from './0034_quarantine_home_service.ts';
import * as m0036 from './0036_supply_reserves.ts';
import * as m0037 from './0037_checkin_partitions.ts';
import * as m0040 from './0040_decision_projections.ts';
import * as m0035 from './0035_logistics_trips.ts';
import * as m0038 from './0038_volunteers.ts';
import * as m0039 from './0039_command_alerts.ts';

export interface DialectMigration {
  up(db: Kysely<any>, dialect: MigrationDialect): Promise<void>;
}

export const migrations: Record<string, DialectMigration> = {
  '0001_foundation': m0001,
  '0002_venues': m0002,
  '0003_residents': m0003,
  '0004_checkin_ingest': m0004,
  '0005_cases': m0005,
  '0006_health': m0006,
  '0007_testing': m0007,
  '0008_call_tasks': m0008,
  '0009_risk_areas': m0009,
  '0010_building_unique': m0010,
  '0011_resident_phone': m0011,
  '0012_checkin_scan_gap': m0012,
  '0013_audit_keyed': m0013,
  '0015_login_failure': m0015,
  '0016_checkin_purges': m0016,
  '0019_tube_custody_gap': m0019,
  '0023_building_compound': m0023,
  '0024_admin_audit': m0024,
  '0025_venue_operator': m0025,
  '0026_colour_basis_kind': m0026,
  '0028_quarantine': m0028,
  '0031_quarantine_care': m0031,
  '0032_logistics_passes': m0032,
  '0033_job_lease': m0033,
  '0034_quarantine_home_service': m0034,
  '0036_supply_reserves': m0036,
  '0037_checkin_partitions': m0037,
  '0040_decision_projections': m0040,
  '0035_logistics_trips': m0035,
  '0038_volunteers': m0038,
  '0039_command_alerts': m0039,
};
