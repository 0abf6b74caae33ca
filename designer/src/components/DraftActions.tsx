import { useEffect } from 'react'
import { useDesigner } from '../designer-context'
import { hasUnsavedChanges } from '../store'

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' })

function formatTime(iso: string): string {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : clock.format(date)
}

/** Save state, "Save draft" and "Publish" for the open campaign (header, right). */
export function DraftActions() {
  const open = useDesigner((state) => state.campaign !== null)
  const saving = useDesigner((state) => state.saving)
  const savedAt = useDesigner((state) => state.savedAt)
  const saveError = useDesigner((state) => state.saveError)
  const unsaved = useDesigner(hasUnsavedChanges)
  const publish = useDesigner((state) => state.publish)
  const saveDraft = useDesigner((state) => state.saveDraft)
  const publishDraft = useDesigner((state) => state.publishDraft)

  // Ctrl/Cmd+S saves the draft instead of saving the web page.
  useEffect(() => {
    if (!open) return
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
        event.preventDefault()
        void saveDraft()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [open, saveDraft])

  if (!open) return null

  const [state, status] = saving
    ? ['saving', 'Saving…']
    : saveError
      ? ['error', `Not saved: ${saveError}`]
      : unsaved
        ? ['unsaved', 'Unsaved changes']
        : ['saved', savedAt ? `Saved ${formatTime(savedAt)}` : 'Saved']

  return (
    <div className="draft-actions">
      {publish.kind === 'published' && (
        <span className="publish-result publish-result--ok" data-testid="publish-result" role="status">
          Version {publish.version} is live
        </span>
      )}
      {publish.kind === 'failed' && (
        <span className="publish-result publish-result--error" data-testid="publish-result" role="alert">
          {publish.message}
        </span>
      )}
      <span className={`save-status save-status--${state}`} data-testid="save-status" data-state={state} role="status" title={status}>
        {status}
      </span>
      <button type="button" className="button" data-testid="save-draft" disabled={saving || (!unsaved && !saveError)} onClick={() => void saveDraft()}>
        Save draft
      </button>
      <button
        type="button"
        className="button button--primary"
        data-testid="publish"
        disabled={saving || publish.kind === 'publishing'}
        onClick={() => void publishDraft()}
      >
        {publish.kind === 'publishing' ? 'Publishing…' : 'Publish'}
      </button>
    </div>
  )
}
