import { ReactFlowProvider } from '@xyflow/react'
import { useEffect, useMemo, type ReactNode } from 'react'
import { createApi } from './api'
import { CampaignList, StatusBadge } from './components/CampaignList'
import { Canvas } from './components/Canvas'
import { DraftActions } from './components/DraftActions'
import { PublishIssues } from './components/PublishIssues'
import { DesignerContext, useDesigner } from './designer-context'
import { createDesignerStore, hasUnsavedChanges } from './store'

export function App({ token }: { token: string | null }) {
  const store = useMemo(() => (token ? createDesignerStore(createApi(token)) : null), [token])
  if (!store) {
    return (
      <Notice title="No access token">
        Open the designer through the link printed by <code>npm start</code> (it carries your access token).
      </Notice>
    )
  }
  return (
    <DesignerContext.Provider value={store}>
      <Shell />
    </DesignerContext.Provider>
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

  useEffect(() => {
    void loadCampaigns()
  }, [loadCampaigns])

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
        <DraftActions />
      </header>
      <aside className="app__sidebar">
        <CampaignList />
      </aside>
      <main className="app__main">
        <Workspace />
      </main>
    </div>
  )
}

function CampaignTitle() {
  const campaign = useDesigner((state) => state.campaign)
  // The list carries the current status (it is refreshed after publishing).
  const status = useDesigner((state) => state.campaigns?.find((entry) => entry.id === state.campaign?.id)?.status ?? state.campaign?.status)
  if (!campaign) return <span className="app__title" />
  return (
    <span className="app__title">
      <span className="app__campaign-name">{campaign.name}</span>
      {status && <StatusBadge status={status} />}
    </span>
  )
}

function Workspace() {
  const selectedId = useDesigner((state) => state.selectedId)
  const loading = useDesigner((state) => state.loading)
  const loadError = useDesigner((state) => state.loadError)

  if (!selectedId) return <div className="placeholder">Choose a campaign on the left to open its draft.</div>
  if (loading) return <div className="placeholder">Loading the draft…</div>
  if (loadError) return <div className="placeholder message--error">{loadError}</div>
  // A provider per campaign: each opened draft gets a fresh viewport, fitted to its steps.
  return (
    <ReactFlowProvider key={selectedId}>
      <Canvas />
      <PublishIssues />
    </ReactFlowProvider>
  )
}
