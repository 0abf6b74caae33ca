import { useState, type FormEvent } from 'react'
import type { CampaignStatus } from '../api'
import { useDesigner } from '../designer-context'
import { useT } from '../i18n'
import { hasUnsavedChanges } from '../store'

const STATUS_LABELS: Record<CampaignStatus, string> = { draft: 'Draft', live: 'Live', paused: 'Paused', stopped: 'Stopped' }

export function StatusBadge({ status, testId }: { status: CampaignStatus; testId?: string }) {
  return (
    <span className={`badge badge--${status}`} data-testid={testId} data-status={status}>
      {STATUS_LABELS[status] ?? status}
    </span>
  )
}

/** "New campaign": a name, then an empty canvas to drag steps onto. */
function NewCampaign() {
  const t = useT()
  const createCampaign = useDesigner((state) => state.createCampaign)
  const unsaved = useDesigner(hasUnsavedChanges)
  const [name, setName] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!name?.trim()) return
    if (unsaved && !window.confirm('This campaign has unsaved changes. Leave it and discard them?')) return
    const problem = await createCampaign(name.trim())
    setError(problem)
    if (!problem) setName(null)
  }
  if (name === null) {
    return (
      <button type="button" className="button campaigns__new" data-testid="new-campaign" onClick={() => setName('')}>
        + {t('app.newCampaign')}
      </button>
    )
  }
  return (
    <form className="campaigns__form" onSubmit={(event) => void submit(event)}>
      <input autoFocus aria-label={t('app.newCampaignName')} placeholder={t('app.newCampaignName')} data-testid="new-campaign-name" value={name} onChange={(event) => setName(event.target.value)} />
      <button type="submit" className="button button--primary" data-testid="new-campaign-create" disabled={!name.trim()}>
        {t('app.create')}
      </button>
      <button type="button" className="button" onClick={() => setName(null)}>
        {t('app.cancel')}
      </button>
      {error && <p className="message message--error">{error}</p>}
    </form>
  )
}

export function CampaignList() {
  const campaigns = useDesigner((state) => state.campaigns)
  const listError = useDesigner((state) => state.listError)
  const selectedId = useDesigner((state) => state.selectedId)
  const unsaved = useDesigner(hasUnsavedChanges)
  const openCampaign = useDesigner((state) => state.openCampaign)

  const open = (id: string) => {
    if (id === selectedId) return
    if (unsaved && !window.confirm('This campaign has unsaved changes. Leave it and discard them?')) return
    void openCampaign(id)
  }

  return (
    <nav className="campaigns" aria-label="Campaigns">
      <h2 className="campaigns__title">Campaigns</h2>
      <NewCampaign />
      {listError && <p className="message message--error">{listError}</p>}
      {!campaigns && !listError && <p className="message">Loading campaigns…</p>}
      {campaigns?.length === 0 && <p className="message">No campaigns yet.</p>}
      <ul className="campaigns__list">
        {campaigns?.map((campaign) => (
          <li key={campaign.id}>
            <button
              type="button"
              className="campaign"
              data-testid="campaign-item"
              data-campaign-id={campaign.id}
              aria-current={campaign.id === selectedId ? 'true' : undefined}
              onClick={() => open(campaign.id)}
            >
              <span className="campaign__name">{campaign.name}</span>
              <span className="campaign__meta">
                <StatusBadge status={campaign.status} />
                <span className="campaign__version">{campaign.liveVersion === null ? 'Not published yet' : `Version ${campaign.liveVersion}`}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
