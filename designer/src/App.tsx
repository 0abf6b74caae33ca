import { ReactFlowProvider } from '@xyflow/react'
import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react'
import { createApi } from './api'
import { CampaignControls } from './components/CampaignControls'
import { CampaignList, StatusBadge } from './components/CampaignList'
import { Canvas } from './components/Canvas'
import { DraftActions } from './components/DraftActions'
import { EnrolPanel } from './components/EnrolPanel'
import { PublishIssues } from './components/PublishIssues'
import { ApiContext, DesignerContext, useDesigner } from './designer-context'
import { useT } from './i18n'
import { SidePanel } from './panels/SidePanel'
import { createDesignerStore, hasUnsavedChanges, openCampaignStatus } from './store'
import { LeadsLink, LeadsPage } from './leads/LeadsPage'
import { isLeadsView } from './leads/leads-api'
import { TemplatesLink, TemplatesPage } from './templates/TemplatesPage'
import { isTemplatesView } from './templates/templates-api'
import { LanguageSwitch } from './components/LanguageSwitch'
import { AdminPage } from './people/AdminPage'
import { ContactsPage } from './people/ContactsPage'
import { LinkPage } from './people/LinkPage'
import { viewOf } from './people/people-api'
import { useSession } from './people/session'
import { SignInPage } from './people/SignInPage'
import { UserMenu } from './people/UserMenu'
import { ContactPages, contactViewOf } from './contacts/ContactPages'
import { MailingsLink, MailingsPage } from './mailings/MailingsPage'
import { isMailingsView } from './mailings/mailings-api'
import { ReportsLink, useManagerLanding } from './reports/ReportsLink'
import { isReportsView } from './reports/reports-api'

// The Reports view and its chart library load only when opened (their own chunk).
const ReportsPage = lazy(() => import('./reports/ReportsPage').then((m) => ({ default: m.ReportsPage })))

// The live view asks for fresh counts this often while a published campaign is open.
const LIVE_POLL_MS = 2000

/** The mailed-link pages need no session; everything else signs in first (session cookie, or an API key in #token=). */
export function App({ token }: { token: string | null }) {
  const view = viewOf(window.location.search)
  if (view === 'reset' || view === 'invitation') return <LinkPage kind={view} onSignedIn={() => window.location.assign('/')} />
  return <SignedIn token={token} />
}

function SignedIn({ token }: { token: string | null }) {
  const status = useSession((state) => state.status)
  useEffect(() => void useSession.getState().load(token), [token])
  if (status === 'loading') return null
  if (status === 'signed-out') return <SignInPage onSignedIn={(me) => useSession.getState().signedIn(me)} />
  const view = viewOf(window.location.search)
  if (view === 'pool') return <ContactsPage />
  if (view === 'admin') return <AdminPage />
  // Sales and viewers do not work on campaigns: they land on their contacts and leads, or the reports.
  const me = useSession.getState().me
  if (me && !me.permissions.includes('campaigns.read') && !view) {
    if (!me.permissions.includes('reports.read')) return <ContactsPage />
    window.location.replace('./?view=reports')
    return null
  }
  return <Designer token={token} />
}

function Designer({ token }: { token: string | null }) {
  const api = useMemo(() => createApi(token), [token])
  const store = useMemo(() => createDesignerStore(api), [api])
  if (isLeadsView(window.location.search)) return <LeadsPage token={token} />
  if (isTemplatesView(window.location.search)) return <TemplatesPage token={token} />
  if (isMailingsView(window.location.search)) return <MailingsPage token={token} />
  const contactView = contactViewOf(window.location.search)
  if (contactView) return <ContactPages token={token} view={contactView} />
  if (isReportsView(window.location.search)) return <Suspense fallback={null}><ReportsPage token={token} /></Suspense>
  return (
    <ApiContext.Provider value={api}>
      <DesignerContext.Provider value={store}>
        <Shell />
      </DesignerContext.Provider>
    </ApiContext.Provider>
  )
}

function Notice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="notice" role="alert">
      <div className="notice__card">
        <div className="brand">Kessler Campaigns</div>
        <h1 className="notice__title">{title}</h1>
        <p>{children}</p>
      </div>
    </div>
  )
}

function Shell() {
  const loadCampaigns = useDesigner((state) => state.loadCampaigns)
  const accessRefused = useDesigner((state) => state.accessRefused)
  const unsaved = useDesigner(hasUnsavedChanges)
  const openId = useDesigner((state) => state.campaign?.id ?? null)
  // The campaign the enrolment panel is open for: opening another campaign closes it.
  const [enrolFor, setEnrolFor] = useState<string | null>(null)

  const loadTemplates = useDesigner((state) => state.loadTemplates)
  useEffect(() => {
    void loadCampaigns()
    void loadTemplates()
  }, [loadCampaigns, loadTemplates])
  useLiveCounts()
  useManagerLanding()

  // The browser's own "leave site?" prompt, only while there is something to lose.
  useEffect(() => {
    if (!unsaved) return
    const warn = (event: BeforeUnloadEvent) => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [unsaved])

  if (accessRefused) return <Notice title="Access refused">{accessRefused}</Notice>

  return (
    <div className="app">
      <header className="app__header">
        <span className="brand">Kessler Campaigns</span>
        <CampaignTitle />
        <CampaignControls />
        <EnrolButton open={enrolFor !== null && enrolFor === openId} onToggle={() => setEnrolFor((current) => (current === openId ? null : openId))} />
        <DraftActions />
        <LeadsLink />
        <TemplatesLink />
        <MailingsLink />
        <ReportsLink />
        <UserMenu />
        <LanguageSwitch />
      </header>
      <aside className="app__sidebar">
        <CampaignList />
      </aside>
      <main className="app__main">
        <Workspace />
        {/* Keyed by campaign: each campaign starts with an empty panel; hidden, not unmounted, when closed. */}
        {openId && <EnrolPanel key={openId} open={enrolFor === openId} onClose={() => setEnrolFor(null)} />}
      </main>
    </div>
  )
}

/** Polls the per-step counts while a campaign with a published version is open (no reload needed). */
function useLiveCounts() {
  const campaignId = useDesigner((state) => (state.campaign && state.campaign.versions.length > 0 ? state.campaign.id : null))
  const loadCounts = useDesigner((state) => state.loadCounts)
  useEffect(() => {
    if (!campaignId) return
    void loadCounts()
    const timer = setInterval(() => void loadCounts(), LIVE_POLL_MS)
    return () => clearInterval(timer)
  }, [campaignId, loadCounts])
}

function CampaignTitle() {
  const campaign = useDesigner((state) => state.campaign)
  const status = useDesigner(openCampaignStatus)
  if (!campaign) return <span className="app__title" />
  return (
    <span className="app__title">
      <span className="app__campaign-name">{campaign.name}</span>
      {status && <StatusBadge status={status} testId="campaign-status" />}
    </span>
  )
}

function EnrolButton({ open, onToggle }: { open: boolean; onToggle(): void }) {
  const status = useDesigner(openCampaignStatus)
  if (!status) return null
  const takesEntries = status === 'live' || status === 'paused'
  return (
    <button
      type="button"
      className="button"
      data-testid="enrol-open"
      aria-expanded={open}
      disabled={!takesEntries}
      title={takesEntries ? 'Enrol contacts by e-mail, from a CSV file or from a segment' : 'Only live or paused campaigns take contacts'}
      onClick={onToggle}
    >
      Enrol contacts
    </button>
  )
}

function Workspace() {
  const selectedId = useDesigner((state) => state.selectedId)
  const loading = useDesigner((state) => state.loading)
  const loadError = useDesigner((state) => state.loadError)
  const t = useT()

  if (!selectedId) return <div className="placeholder">{t('app.choose')}</div>
  if (loading) return <div className="placeholder">{t('app.loading')}</div>
  if (loadError) return <div className="placeholder message--error">{loadError}</div>
  // A provider per campaign: each opened draft gets a fresh viewport, fitted to its steps.
  return (
    <ReactFlowProvider key={selectedId}>
      <div className="workspace">
        <div className="workspace__canvas">
          <Canvas />
          <PublishIssues />
        </div>
        <SidePanel />
      </div>
    </ReactFlowProvider>
  )
}
