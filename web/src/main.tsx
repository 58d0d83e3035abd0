// The Cordon web app: routes, the signed-in frame, and the pages each role may use.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import './i18n.ts';
import './styles.css';
import { AuthProvider } from './auth.tsx';
import { Layout } from './components/Layout.tsx';
import { RequireAuth, RequirePermission } from './components/Guards.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { RegistryPage } from './pages/RegistryPage.tsx';
import { BuildingPage } from './pages/BuildingPage.tsx';
import { HouseholdPage } from './pages/HouseholdPage.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import { ImportPage } from './pages/ImportPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';
import { PoolAdvisorPage } from './pages/PoolAdvisorPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { CheckinPage } from './pages/CheckinPage.tsx';
import { GuardPage } from './pages/GuardPage.tsx';
import { LivePage } from './pages/LivePage.tsx';
import { MyCodePage, ScanHintPage } from './pages/MyCodePage.tsx';
import { VenueDetailPage } from './pages/VenueDetailPage.tsx';
import { VenuesPage } from './pages/VenuesPage.tsx';

function App() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/v/:code" element={<CheckinPage kind="v" />} />
          <Route path="/s/:code" element={<CheckinPage kind="s" />} />
          <Route path="/live" element={<LivePage />} />
          <Route element={<RequireAuth><Layout /></RequireAuth>}>
            <Route index element={<HomePage />} />
            <Route path="registry/:areaId?" element={<RequirePermission anyOf={['registry.read']}><RegistryPage /></RequirePermission>} />
            <Route path="buildings/:id" element={<RequirePermission anyOf={['registry.read']}><BuildingPage /></RequirePermission>} />
            <Route path="households/:id" element={<RequirePermission anyOf={['registry.read']}><HouseholdPage /></RequirePermission>} />
            <Route path="search" element={<RequirePermission anyOf={['registry.read']}><SearchPage /></RequirePermission>} />
            <Route path="import" element={<RequirePermission anyOf={['registry.import', 'registry.export']}><ImportPage /></RequirePermission>} />
            <Route path="audit" element={<RequirePermission anyOf={['audit.read']}><AuditPage /></RequirePermission>} />
            <Route path="users" element={<RequirePermission anyOf={['user.manage']}><UsersPage /></RequirePermission>} />
            <Route path="pool-advisor" element={<RequirePermission anyOf={['testing.plan']}><PoolAdvisorPage /></RequirePermission>} />
            <Route path="venues" element={<RequirePermission anyOf={['venue.manage']}><VenuesPage /></RequirePermission>} />
            <Route path="venues/:id" element={<RequirePermission anyOf={['venue.manage']}><VenueDetailPage /></RequirePermission>} />
            <Route path="guard" element={<RequirePermission anyOf={['checkin.create']}><GuardPage /></RequirePermission>} />
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
