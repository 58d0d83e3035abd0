// The web app's view of the API checked against the server's response schemas: every answer the
// server sends (the Static type of its TypeBox schema, which also serializes it) must be assignable to
// the type the pages read, so a field renamed, dropped or loosened on one side fails the typecheck
// (`npm run typecheck`). Compiled by web/tsconfig.api.json only; nothing here is bundled.
import type { TSchema } from '@sinclair/typebox';
import type * as access from '../../src/access/access.schema.ts';
import type * as health from '../../src/health/health.schema.ts';
import type * as notify from '../../src/notify/notify.schema.ts';
import type * as registry from '../../src/registry/registry.schema.ts';
import type * as residents from '../../src/residents/residents.schema.ts';
import type * as riskareas from '../../src/riskareas/riskareas.schema.ts';
import type * as pooling from '../../src/testing/pooling.schema.ts';
import type * as testing from '../../src/testing/testing.schema.ts';
import type * as chains from '../../src/tracing/tracing.chains.schema.ts';
import type * as tracing from '../../src/tracing/tracing.schema.ts';
import type * as venues from '../../src/venues/venue.schema.ts';
import type * as healthApi from '../src/health/healthApi.ts';
import type * as riskApi from '../src/riskareas/riskAreasApi.ts';
import type * as testingApi from '../src/testing/testingApi.ts';
import type * as tracingApi from '../src/tracing/tracingApi.ts';
import type * as web from '../src/shared/types.ts';
import type * as accessTypes from '../src/access/types.ts';
import type * as auditTypes from '../src/audit/types.ts';
import type * as registryTypes from '../src/registry/types.ts';
import type * as residentTypes from '../src/residents/types.ts';
import type * as venueTypes from '../src/venues/types.ts';
import type * as audit from '../../src/audit/audit.schema.ts';
import type * as command from '../../src/command/command.schema.ts';
import type * as commandApi from '../src/command/commandApi.ts';
import type * as cmdAlerts from '../../src/command/alerts.schema.ts';
import type * as alertsApi from '../src/command/alertsApi.ts';
import type * as qsites from '../../src/quarantine/sites.schema.ts';
import type * as qhospitals from '../../src/quarantine/hospitals.schema.ts';
import type * as qcapacity from '../../src/quarantine/capacity.schema.ts';
import type * as sitesApi from '../src/quarantine/sitesApi.ts';
import type * as qorders from '../../src/quarantine/orders.schema.ts';
import type * as ordersApi from '../src/quarantine/ordersApi.ts';
import type * as qhome from '../../src/quarantine/home.schema.ts';
import type * as enterprises from '../../src/logistics/enterprises.schema.ts';
import type * as passes from '../../src/logistics/passes.schema.ts';
import type * as logisticsApi from '../src/logistics/logisticsApi.ts';
import type * as reserves from '../../src/logistics/reserves.schema.ts';
import type * as reservesApi from '../src/logistics/reservesApi.ts';
import type * as decision from '../../src/decision/decision.schema.ts';
import type * as decisionApi from '../src/decision/decisionApi.ts';
import type * as tripsSchema from '../../src/logistics/trips.schema.ts';
import type * as checkpointsSchema from '../../src/logistics/checkpoints.schema.ts';
import type * as stationsSchema from '../../src/logistics/stations.schema.ts';
import type * as ltripApi from '../src/logistics/ltripApi.ts';
import type * as vol from '../../src/volunteers/volunteers.schema.ts';
import type * as volApi from '../src/volunteers/volunteersApi.ts';
import type * as qallocation from '../../src/quarantine/allocation.schema.ts';
import type * as qcare from '../../src/quarantine/care.schema.ts';
import type * as qsiteops from '../../src/quarantine/siteops.schema.ts';
import type * as careApi from '../src/quarantine/careApi.ts';
import type * as qtransfer from '../../src/quarantine/transfer.schema.ts';
import type * as transferApi from '../src/quarantine/transferApi.ts';

/** Compiles only when what the server sends (schema S) is assignable to what the web reads (W). */
type Reads<W, S extends TSchema & { static: W }> = S;

export type Checked = [
  Reads<careApi.Plan, typeof qallocation.PlanSchema>,
  Reads<careApi.PickupList, typeof qallocation.PickupListSchema>,
  Reads<careApi.CheckResult, typeof qcare.CheckResultSchema>,
  Reads<careApi.SyncResult, typeof qcare.SyncResultSchema>,
  Reads<careApi.Alert, typeof qcare.AlertSchema>,
  Reads<careApi.CareRequest, typeof qcare.RequestSchema>,
  Reads<careApi.Rounds, typeof qcare.RoundsSchema>,
  Reads<careApi.Occupant, typeof qcare.OccupantSchema>,
  Reads<careApi.SiteOps, typeof qsiteops.OpsSchema>,
  Reads<sitesApi.Site, typeof qsites.SiteView>,
  Reads<sitesApi.Room, typeof qsites.RoomView>,
  Reads<sitesApi.Staff, typeof qsites.StaffView>,
  Reads<sitesApi.RoomImport, typeof qsites.RoomImportOutcome>,
  Reads<sitesApi.Hospital, typeof qhospitals.HospitalView>,
  Reads<sitesApi.HospitalRoute, typeof qhospitals.RouteAnswer>,
  Reads<sitesApi.PublicHospitals, typeof qhospitals.PublicHospitalList>,
  Reads<sitesApi.Capacity, typeof qcapacity.CapacityView>,
  Reads<ordersApi.Order, typeof qorders.OrderSchema>,
  Reads<ordersApi.OrderDetail, typeof qorders.OrderDetailSchema>,
  Reads<ordersApi.BatchResult, typeof qorders.BatchResultSchema>,
  Reads<ordersApi.ReleaseResult, typeof qorders.ReleaseResultSchema>,
  Reads<ordersApi.MyQuarantine, typeof qorders.MyQuarantineSchema>,
  Reads<ordersApi.HomeList, typeof qorders.HomeListSchema>,
  Reads<ordersApi.HomeReportResult, typeof qorders.HomeReportResultSchema>,
  Reads<ordersApi.HomeService, typeof qhome.HomeServiceSchema>,
  Reads<logisticsApi.LogisticsRules, typeof enterprises.LogisticsRulesSchema>,
  Reads<logisticsApi.Enterprise, typeof enterprises.EnterpriseSchema>,
  Reads<logisticsApi.Vehicle, typeof enterprises.VehicleSchema>,
  Reads<logisticsApi.Driver, typeof enterprises.DriverSchema>,
  Reads<logisticsApi.Pass, typeof passes.PassSchema>,
  Reads<reservesApi.ReserveCatalogue, typeof reserves.ReserveCatalogueSchema>,
  Reads<reservesApi.Warehouse, typeof reserves.WarehouseSchema>,
  Reads<reservesApi.Movement, typeof reserves.MovementSchema>,
  Reads<reservesApi.ReservesReport, typeof reserves.ReservesReportSchema>,
  Reads<reservesApi.StockAlert, typeof reserves.StockAlertSchema>,
  Reads<decisionApi.RtView, typeof decision.RtViewSchema>,
  Reads<decisionApi.Projection, typeof decision.ProjectionSchema>,
  Reads<ltripApi.Trip, typeof tripsSchema.TripSchema>,
  Reads<ltripApi.Station, typeof stationsSchema.StationSchema>,
  Reads<ltripApi.Visit, typeof stationsSchema.VisitSchema>,
  Reads<ltripApi.Board, typeof stationsSchema.BoardSchema>,
  Reads<ltripApi.Checkpoint, typeof checkpointsSchema.CheckpointSchema>,
  Reads<ltripApi.Lookup, typeof checkpointsSchema.LookupSchema>,
  Reads<ltripApi.Check, typeof checkpointsSchema.CheckSchema>,
  Reads<ltripApi.Counts, typeof checkpointsSchema.CountsSchema>,
  Reads<volApi.SignupForm, typeof vol.SignupFormSchema>,
  Reads<volApi.VolunteerRules, typeof vol.VolunteerRulesSchema>,
  Reads<volApi.Volunteer, typeof vol.VolunteerSchema>,
  Reads<volApi.VetResult, typeof vol.VetResult>,
  Reads<volApi.Need, typeof vol.NeedSchema>,
  Reads<volApi.Booking, typeof vol.BookingSchema>,
  Reads<volApi.Proposal, typeof vol.ProposalSchema>,
  Reads<volApi.MyPage, typeof vol.MyPageSchema>,
  Reads<transferApi.TransferOptions, typeof qtransfer.TransferOptionsSchema>,
  Reads<transferApi.HospitalTransfer, typeof qtransfer.HospitalTransferSchema>,
  Reads<transferApi.HospitalReturn, typeof qtransfer.HospitalReturnSchema>,
  Reads<web.MeResponse, typeof access.MeResult>,
  Reads<auditTypes.AuditVerify, typeof audit.AuditVerifyResult>,
  Reads<accessTypes.LoginResponse, typeof access.LoginResult>,
  Reads<accessTypes.UserView, typeof access.UserViewSchema>,
  Reads<accessTypes.CreatedUser, typeof access.UserCreateResult>,
  Reads<web.Area, typeof registry.AreaSchema>,
  Reads<registryTypes.AreaDetail, typeof registry.AreaDetailSchema>,
  Reads<registryTypes.BuildingRow, typeof registry.BuildingRowSchema>,
  Reads<registryTypes.HouseholdSummary, typeof registry.HouseholdSummarySchema>,
  Reads<registryTypes.BuildingDetail, typeof registry.BuildingDetailSchema>,
  Reads<registryTypes.PersonView, typeof registry.PersonViewSchema>,
  Reads<registryTypes.HouseholdDetail, typeof registry.HouseholdDetailSchema>,
  Reads<registryTypes.Revealed, typeof registry.RevealResult>,
  Reads<testingApi.PoolAdvice, typeof pooling.PoolAdvisorResult>,
  Reads<venueTypes.Venue, typeof venues.VenueSchema>,
  Reads<venueTypes.VenueCategory, typeof venues.CategorySchema>,
  Reads<venueTypes.VenueCategories, typeof venues.CategoryListSchema>,
  Reads<venueTypes.VenueCode, typeof venues.VenueCodeSchema>,
  Reads<venueTypes.ScreenCode, typeof venues.ScreenCodeSchema>,
  Reads<venueTypes.Occupancy, typeof venues.OccupancySchema>,
  Reads<residentTypes.MyScan, typeof residents.MyScanSchema>,
  Reads<commandApi.CommandSummary, typeof command.CommandSummarySchema>,
  Reads<commandApi.WallFigures, typeof command.WallFiguresSchema>,
  Reads<alertsApi.AlertList, typeof cmdAlerts.AlertList>,
  Reads<alertsApi.Alert, typeof cmdAlerts.AlertView>,
  Reads<venueTypes.Verification, typeof venues.VerificationSchema>,
  Reads<venueTypes.QueueKey, typeof venues.QueueKeySchema>,
  Reads<residentTypes.MyPerson, typeof residents.MyPersonSchema>,
  Reads<residentTypes.Challenge, typeof residents.ChallengeSchema>,
  Reads<residentTypes.DoorAccount, typeof residents.DoorAccountResult>,
  Reads<residentTypes.PersonalCode, typeof residents.PersonalCodeSchema>,
  Reads<testingApi.RoundView, typeof testing.RoundView>,
  Reads<testingApi.RoundSummary, typeof testing.RoundSummary>,
  Reads<testingApi.Site, typeof testing.SiteView>,
  Reads<testingApi.Staff, typeof testing.StaffView>,
  Reads<testingApi.RoundPooling, typeof testing.RoundPoolingView>,
  Reads<testingApi.StaffCandidate, typeof testing.StaffCandidateView>,
  Reads<testingApi.Assignment, typeof testing.AssignmentView>,
  Reads<testingApi.Tube, typeof testing.TubeView>,
  Reads<testingApi.Box, typeof testing.BoxView>,
  Reads<testingApi.Pool, typeof testing.PoolView>,
  Reads<testingApi.PoolDetail, typeof testing.PoolDetail>,
  Reads<testingApi.Task, typeof testing.TaskView>,
  Reads<testingApi.Coverage, typeof testing.CoverageView>,
  Reads<testingApi.Visit, typeof testing.VisitView>,
  Reads<testingApi.DoorKnockList, typeof testing.DoorKnockView>,
  Reads<testingApi.OpResult, typeof testing.OpResult>,
  Reads<testingApi.PlanRow, typeof testing.PlanRow>,
  Reads<testingApi.Plan, typeof testing.PlanView>,
  Reads<testingApi.Table, typeof testing.TableView>,
  Reads<testingApi.Member, typeof testing.MemberView>,
  Reads<testingApi.LabOutcome, typeof testing.LabOutcome>,
  Reads<testingApi.LabUpload, typeof testing.LabUploadView>,
  Reads<healthApi.HealthView, typeof health.HealthViewSchema>,
  Reads<healthApi.Appeal, typeof health.AppealSchema>,
  Reads<healthApi.Override, typeof health.OverrideSchema>,
  Reads<healthApi.Approval, typeof health.ApprovalSchema>,
  Reads<riskApi.RiskArea, typeof riskareas.RiskAreaSchema>,
  Reads<riskApi.RiskOutcome, typeof riskareas.OutcomeSchema>,
  Reads<riskApi.RiskTree, typeof riskareas.TreeSchema>,
  Reads<riskApi.PublicRiskList, typeof riskareas.PublicListSchema>,
  Reads<riskApi.DowngradeRun, typeof riskareas.DowngradeRunSchema>,
  Reads<tracingApi.CaseView, typeof tracing.CaseSchema>,
  Reads<tracingApi.CaseDetail, typeof tracing.CaseDetailSchema>,
  Reads<tracingApi.ContactView, typeof tracing.ContactSchema>,
  Reads<tracingApi.ChainGraph, typeof chains.ChainGraphSchema>,
  Reads<tracingApi.ChainCluster, typeof chains.ChainClusterSchema>,
  Reads<tracingApi.CallTask, typeof notify.CallTaskSchema>,
  Reads<tracingApi.CallFacets, typeof notify.FacetsSchema>,
  Reads<tracingApi.CallAttempt, typeof notify.AttemptSchema>,
  Reads<tracingApi.CallTaskDetail, typeof notify.TaskDetailSchema>,
];
