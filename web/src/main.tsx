// The Cordon web app: routes, the signed-in frame, and the pages each role may use.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import './shared/i18n.ts';
import './shared/styles.css';
import { AuthProvider } from './shared/auth.tsx';
import { Layout } from './shared/Layout.tsx';
import { RequireAuth, RequirePermission } from './shared/Guards.tsx';
import { LoginPage } from './access/LoginPage.tsx';
import { HomePage } from './shared/HomePage.tsx';
import { RegistryPage } from './registry/RegistryPage.tsx';
import { BuildingPage } from './registry/BuildingPage.tsx';
import { HouseholdPage } from './registry/HouseholdPage.tsx';
import { SearchPage } from './registry/SearchPage.tsx';
import { ImportPage } from './registry/ImportPage.tsx';
import { AuditPage } from './audit/AuditPage.tsx';
import { UsersPage } from './access/UsersPage.tsx';
import { PoolAdvisorPage } from './testing/PoolAdvisorPage.tsx';
import { NotFoundPage } from './shared/NotFoundPage.tsx';
import { CheckinPage } from './venues/CheckinPage.tsx';
import { GuardPage } from './venues/GuardPage.tsx';
import { LivePage } from './venues/LivePage.tsx';
import { MyCodePage, ScanHintPage } from './residents/MyCodePage.tsx';
import { VenueDetailPage } from './venues/VenueDetailPage.tsx';
import { VenuesPage } from './venues/VenuesPage.tsx';
import { CasesPage } from './tracing/CasesPage.tsx';
import { CasePage } from './tracing/CasePage.tsx';
import { ReviewQueuePage } from './tracing/ReviewQueuePage.tsx';
import { ChainsPage } from './tracing/ChainsPage.tsx';
import { CallListPage } from './tracing/CallListPage.tsx';
import { CallPrintPage } from './tracing/CallPrintPage.tsx';
import { TestingRoundsPage } from './testing/TestingRoundsPage.tsx';
import { TestingRoundPage } from './testing/TestingRoundPage.tsx';
import { SamplerPage } from './testing/SamplerPage.tsx';
import { LabPage } from './testing/LabPage.tsx';
import { DoorKnockPage } from './testing/DoorKnockPage.tsx';
import { RiskAreasPublicPage } from './riskareas/RiskAreasPublicPage.tsx';
import { RiskAreasPage } from './riskareas/RiskAreasPage.tsx';
import { PersonHealthPage } from './health/PersonHealthPage.tsx';
import { OrdersPage } from './quarantine/OrdersPage.tsx';
import { OrderPage } from './quarantine/OrderPage.tsx';
import { HomeQuarantinePage } from './quarantine/HomeQuarantinePage.tsx';
import { MyQuarantinePage } from './quarantine/MyQuarantinePage.tsx';
import { AppealsPage, HealthChangesPage, RecolourApprovalsPage } from './health/HealthQueuesPage.tsx';
import { SitesPage } from './quarantine/SitesPage.tsx';
import { SiteBoardPage } from './quarantine/SiteBoardPage.tsx';
import { HospitalsPage, HospitalsPublicPage } from './quarantine/HospitalsPage.tsx';
import { CapacityPage } from './quarantine/CapacityPage.tsx';
import { EnterprisePortalPage } from './logistics/EnterprisePortalPage.tsx';
import { PassReviewPage } from './logistics/PassReviewPage.tsx';
import { PassPage } from './logistics/PassPage.tsx';
import { WarehousePage, WarehousesPage } from './logistics/WarehousesPage.tsx';
import { ReservesPage } from './logistics/ReservesPage.tsx';
import { DecisionPage } from './decision/DecisionPage.tsx';
import { TripsPage } from './logistics/TripsPage.tsx';
import { CheckpointPage } from './logistics/CheckpointPage.tsx';
import { StationBoardPage } from './logistics/StationBoardPage.tsx';
import { AllocationPage } from './quarantine/AllocationPage.tsx';
import { RoundsPage } from './quarantine/RoundsPage.tsx';
import { SiteOpsPage } from './quarantine/SiteOpsPage.tsx';
import { SignupPage } from './volunteers/SignupPage.tsx';
import { BoardPage } from './volunteers/BoardPage.tsx';
import { VettingPage } from './volunteers/VettingPage.tsx';
import { NeedsPage } from './volunteers/NeedsPage.tsx';
import { MyVolunteerPage } from './volunteers/MyVolunteerPage.tsx';
import { WallPage } from './command/WallPage.tsx';
import { AlertsPage } from './command/AlertsPage.tsx';

function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/v/:code" element={<CheckinPage kind="v" />} />
          <Route path="/s/:code" element={<CheckinPage kind="s" />} />
          <Route path="/live" element={<LivePage />} />
          <Route path="/risk-areas/public" element={<RiskAreasPublicPage />} />
          <Route path="/hospitals" element={<HospitalsPublicPage />} />
          <Route path="/volunteer/signup" element={<SignupPage />} />
          <Route
            path="/command/screen"
            element={
              <RequireAuth>
                <RequirePermission anyOf={['command.view']}>
                  <WallPage screen />
                </RequirePermission>
              </RequireAuth>
            }
          />
          <Route
            element={
              <RequireAuth>
                <Layout />
              </RequireAuth>
            }
          >
            <Route index element={<HomePage />} />
            <Route
              path="command/wall"
              element={
                <RequirePermission anyOf={['command.view']}>
                  <WallPage />
                </RequirePermission>
              }
            />
            <Route
              path="command/alerts"
              element={
                <RequirePermission anyOf={['command.view']}>
                  <AlertsPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/sites"
              element={
                <RequirePermission anyOf={['quarantine.read']}>
                  <SitesPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/sites/:id"
              element={
                <RequirePermission anyOf={['quarantine.read']}>
                  <SiteBoardPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/allocation"
              element={
                <RequirePermission anyOf={['quarantine.allocate']}>
                  <AllocationPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/rounds"
              element={
                <RequirePermission anyOf={['quarantine.site']}>
                  <RoundsPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/site-ops"
              element={
                <RequirePermission anyOf={['quarantine.site']}>
                  <SiteOpsPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/hospitals"
              element={
                <RequirePermission anyOf={['quarantine.read']}>
                  <HospitalsPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/capacity"
              element={
                <RequirePermission anyOf={['quarantine.read']}>
                  <CapacityPage />
                </RequirePermission>
              }
            />
            <Route
              path="registry/:areaId?"
              element={
                <RequirePermission anyOf={['registry.read']}>
                  <RegistryPage />
                </RequirePermission>
              }
            />
            <Route
              path="buildings/:id"
              element={
                <RequirePermission anyOf={['registry.read']}>
                  <BuildingPage />
                </RequirePermission>
              }
            />
            <Route
              path="households/:id"
              element={
                <RequirePermission anyOf={['registry.read']}>
                  <HouseholdPage />
                </RequirePermission>
              }
            />
            <Route
              path="search"
              element={
                <RequirePermission anyOf={['registry.read']}>
                  <SearchPage />
                </RequirePermission>
              }
            />
            <Route
              path="import"
              element={
                <RequirePermission anyOf={['registry.import', 'registry.export']}>
                  <ImportPage />
                </RequirePermission>
              }
            />
            <Route
              path="audit"
              element={
                <RequirePermission anyOf={['audit.read']}>
                  <AuditPage />
                </RequirePermission>
              }
            />
            <Route
              path="users"
              element={
                <RequirePermission anyOf={['user.manage']}>
                  <UsersPage />
                </RequirePermission>
              }
            />
            <Route
              path="pool-advisor"
              element={
                <RequirePermission anyOf={['testing.plan']}>
                  <PoolAdvisorPage />
                </RequirePermission>
              }
            />
            <Route
              path="venues"
              element={
                <RequirePermission anyOf={['venue.manage']}>
                  <VenuesPage />
                </RequirePermission>
              }
            />
            <Route
              path="venues/:id"
              element={
                <RequirePermission anyOf={['venue.manage']}>
                  <VenueDetailPage />
                </RequirePermission>
              }
            />
            <Route
              path="guard"
              element={
                <RequirePermission anyOf={['checkin.create']}>
                  <GuardPage />
                </RequirePermission>
              }
            />
            <Route
              path="cases"
              element={
                <RequirePermission anyOf={['case.read']}>
                  <CasesPage />
                </RequirePermission>
              }
            />
            <Route
              path="cases/:id"
              element={
                <RequirePermission anyOf={['case.read']}>
                  <CasePage />
                </RequirePermission>
              }
            />
            <Route
              path="review"
              element={
                <RequirePermission anyOf={['case.manage']}>
                  <ReviewQueuePage />
                </RequirePermission>
              }
            />
            <Route
              path="chains"
              element={
                <RequirePermission anyOf={['case.read']}>
                  <ChainsPage />
                </RequirePermission>
              }
            />
            <Route
              path="calls"
              element={
                <RequirePermission anyOf={['contact.call']}>
                  <CallListPage />
                </RequirePermission>
              }
            />
            <Route
              path="calls/print"
              element={
                <RequirePermission anyOf={['contact.call']}>
                  <CallPrintPage />
                </RequirePermission>
              }
            />
            <Route
              path="risk-areas"
              element={
                <RequirePermission anyOf={['riskarea.manage']}>
                  <RiskAreasPage />
                </RequirePermission>
              }
            />
            <Route
              path="volunteers/board"
              element={
                <RequirePermission anyOf={['volunteer.manage']}>
                  <BoardPage />
                </RequirePermission>
              }
            />
            <Route
              path="volunteers/vetting"
              element={
                <RequirePermission anyOf={['volunteer.manage']}>
                  <VettingPage />
                </RequirePermission>
              }
            />
            <Route
              path="volunteers/needs"
              element={
                <RequirePermission anyOf={['volunteer.post']}>
                  <NeedsPage />
                </RequirePermission>
              }
            />
            <Route
              path="volunteers/me"
              element={
                <RequirePermission anyOf={['volunteer.self']}>
                  <MyVolunteerPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/portal"
              element={
                <RequirePermission anyOf={['logistics.enterprise']}>
                  <EnterprisePortalPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/review"
              element={
                <RequirePermission anyOf={['logistics.review']}>
                  <PassReviewPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/warehouses"
              element={
                <RequirePermission anyOf={['logistics.reserves']}>
                  <WarehousesPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/warehouses/:id"
              element={
                <RequirePermission anyOf={['logistics.reserves']}>
                  <WarehousePage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/reserves"
              element={
                <RequirePermission anyOf={['logistics.reserves']}>
                  <ReservesPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/passes/:id"
              element={
                <RequirePermission anyOf={['logistics.read']}>
                  <PassPage />
                </RequirePermission>
              }
            />
            <Route
              path="decision"
              element={
                <RequirePermission anyOf={['command.view']}>
                  <DecisionPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/trips"
              element={
                <RequirePermission anyOf={['logistics.read']}>
                  <TripsPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/checkpoint"
              element={
                <RequirePermission anyOf={['checkpoint.check']}>
                  <CheckpointPage />
                </RequirePermission>
              }
            />
            <Route
              path="logistics/stations"
              element={
                <RequirePermission anyOf={['checkpoint.check']}>
                  <StationBoardPage />
                </RequirePermission>
              }
            />
            <Route path="testing" element={<Navigate to="/testing/rounds" replace />} />
            <Route
              path="testing/rounds"
              element={
                <RequirePermission anyOf={['testing.view']}>
                  <TestingRoundsPage />
                </RequirePermission>
              }
            />
            <Route
              path="testing/rounds/:id"
              element={
                <RequirePermission anyOf={['testing.view']}>
                  <TestingRoundPage />
                </RequirePermission>
              }
            />
            <Route
              path="testing/sample"
              element={
                <RequirePermission anyOf={['testing.sample']}>
                  <SamplerPage />
                </RequirePermission>
              }
            />
            <Route
              path="testing/lab"
              element={
                <RequirePermission anyOf={['testing.lab', 'testing.report']}>
                  <LabPage />
                </RequirePermission>
              }
            />
            <Route
              path="testing/door-knock"
              element={
                <RequirePermission anyOf={['testing.doorknock']}>
                  <DoorKnockPage />
                </RequirePermission>
              }
            />
            <Route
              path="persons/:id/health"
              element={
                <RequirePermission anyOf={['health.read']}>
                  <PersonHealthPage />
                </RequirePermission>
              }
            />
            <Route
              path="health/changes"
              element={
                <RequirePermission anyOf={['health.override', 'health.approve']}>
                  <HealthChangesPage />
                </RequirePermission>
              }
            />
            <Route
              path="health/appeals"
              element={
                <RequirePermission anyOf={['appeal.review']}>
                  <AppealsPage />
                </RequirePermission>
              }
            />
            <Route
              path="health/approvals"
              element={
                <RequirePermission anyOf={['recolour.approve']}>
                  <RecolourApprovalsPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/orders"
              element={
                <RequirePermission anyOf={['quarantine.read']}>
                  <OrdersPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/orders/:id"
              element={
                <RequirePermission anyOf={['quarantine.read']}>
                  <OrderPage />
                </RequirePermission>
              }
            />
            <Route
              path="quarantine/home"
              element={
                <RequirePermission anyOf={['quarantine.home']}>
                  <HomeQuarantinePage />
                </RequirePermission>
              }
            />
            <Route path="me/quarantine" element={<MyQuarantinePage />} />
            <Route path="me/code" element={<MyCodePage />} />
            <Route path="me/scan" element={<ScanHintPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
