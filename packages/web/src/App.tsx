import { lazy, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth/session';
import { CallsPage } from './call/CallsPage';
import { AppLayout } from './components/AppLayout';
import { OnFirstOpen } from './components/OnFirstOpen';
import { Loading } from './components/ui';
import { useT } from './i18n/I18nProvider';
import { SecurityPage } from './pages/account/SecurityPage';
import { AdminPage } from './pages/admin/AdminPage';
import { GroupsPage } from './pages/GroupsPage';
import { DelegationPage } from './pages/group/DelegationPage';
import { GroupPage } from './pages/group/GroupPage';
import { InvitePage } from './pages/InvitePage';
import { GroupMeetingsView } from './pages/meetings/GroupMeetingsView';
import { MeetingForm } from './pages/meetings/MeetingForm';
import { MeetingPage } from './pages/meetings/MeetingPage';
import { MyMeetingsPage } from './pages/meetings/MyMeetingsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OutcomesView } from './pages/outcomes/OutcomesView';
import { SignInPage } from './pages/SignInPage';
import { AllStatementsPage } from './pages/statements/AllStatementsPage';
import { StatementPage } from './pages/statements/StatementPage';
import { StatementsView } from './pages/statements/StatementsView';
import { GroupOverview } from './pages/tracks/GroupOverview';

// The pages that hold MLS groups (the call room, the back channel, the caucus) load when first opened, not with the
// app: they carry the MLS and HPKE libraries and the call room, about as much script as the rest of the app, which
// most visits never use.
const CallPage = lazy(() => import('./call/CallPage').then((m) => ({ default: m.CallPage })));
const BackChannelPage = lazy(() => import('./backchannel/ThreadPages').then((m) => ({ default: m.BackChannelPage })));
const CaucusPage = lazy(() => import('./backchannel/ThreadPages').then((m) => ({ default: m.CaucusPage })));

function RequireUser({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  const t = useT();
  if (state.status === 'loading') return <Loading label={t('lifecycle-ui.checkingSession')} />;
  if (state.status === 'anonymous' && state.signedOut) return <Navigate to="/sign-in" replace />;
  if (state.status !== 'signed_in') {
    const next = location.pathname + location.search;
    return (
      <Navigate
        to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}
        state={state.status === 'anonymous' && state.ended ? { sessionEnded: true } : undefined}
        replace
      />
    );
  }
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/invite/:token" element={<InvitePage />} />
      {/* The call room takes the whole window (no navigation column): it has to fit a laptop screen. */}
      <Route
        path="/meetings/:meetingId/call"
        element={
          <RequireUser>
            <OnFirstOpen>
              <CallPage />
            </OnFirstOpen>
          </RequireUser>
        }
      />
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
          <Route index element={<GroupOverview />} />
          <Route path="delegation/:sideId" element={<DelegationPage />} />
          <Route path="meetings" element={<GroupMeetingsView />} />
          <Route path="meetings/new" element={<MeetingForm />} />
          <Route path="outcomes" element={<OutcomesView />} />
          <Route path="statements" element={<StatementsView />} />
          <Route
            path="backchannel/:otherSideId?"
            element={
              <OnFirstOpen>
                <BackChannelPage />
              </OnFirstOpen>
            }
          />
          <Route
            path="caucus"
            element={
              <OnFirstOpen>
                <CaucusPage />
              </OnFirstOpen>
            }
          />
        </Route>
        <Route path="/groups/:groupId/statements/:statementId" element={<StatementPage />} />
        <Route path="/meetings" element={<MyMeetingsPage />} />
        <Route path="/meetings/:meetingId" element={<MeetingPage />} />
        <Route path="/calls" element={<CallsPage />} />
        {/* /statements itself is the server's public page, so the signed-in list lives elsewhere. */}
        <Route path="/joint-statements" element={<AllStatementsPage />} />
        <Route path="/account" element={<SecurityPage />} />
        <Route path="/admin" element={<AdminPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
