import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/session';
import { AppLayout } from './components/AppLayout';
import { Loading } from './components/ui';
import { SecurityPage } from './pages/account/SecurityPage';
import { AdminPage } from './pages/admin/AdminPage';
import { GroupsPage } from './pages/GroupsPage';
import { DelegationPage } from './pages/group/DelegationPage';
import { GroupPage } from './pages/group/GroupPage';
import { RosterView } from './pages/group/RosterView';
import { InvitePage } from './pages/InvitePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SignInPage } from './pages/SignInPage';

function RequireUser({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <Loading label="Checking your session…" />;
  if (state.status === 'anonymous' && state.signedOut) return <Navigate to="/sign-in" replace />;
  if (state.status !== 'signed_in') {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/invite/:token" element={<InvitePage />} />
      <Route
        element={
          <RequireUser>
            <AppLayout />
          </RequireUser>
        }
      >
        <Route index element={<Navigate to="/groups" replace />} />
        <Route path="/groups" element={<GroupsPage />} />
        <Route path="/groups/:groupId" element={<GroupPage />}>
          <Route index element={<RosterView />} />
          <Route path="delegation/:sideId" element={<DelegationPage />} />
        </Route>
        <Route path="/account" element={<SecurityPage />} />
        <Route path="/admin" element={<AdminPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
