import { useEffect } from 'react'
import { useDesigner } from '../designer-context'
import { useT } from '../i18n'
import { hasUnsavedChanges } from '../store'

// Drafts save themselves this long after the last edit (a drag, a keystroke in the side panel).
const AUTOSAVE_AFTER_MS = 1200

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
  const revision = useDesigner((state) => state.revision)
  const readOnly = useDesigner((state) => state.readOnly !== null)
  const blocking = useDesigner((state) => state.check.issues.length)
  const t = useT()

  // Autosave: each edit restarts the timer; a failed save is not retried until the next edit (its error shows).
  useEffect(() => {
    if (!open || readOnly || !unsaved || saving) return
    const timer = setTimeout(() => void saveDraft(), AUTOSAVE_AFTER_MS)
    return () => clearTimeout(timer)
  }, [open, readOnly, unsaved, saving, revision, saveDraft])

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
    ? ['saving', t('save.saving')]
    : saveError
      ? ['error', t('save.failed', { message: saveError })]
      : unsaved
        ? ['unsaved', t('save.unsaved')]
        : ['saved', savedAt ? t('save.savedAt', { time: formatTime(savedAt) }) : t('save.saved')]

  return (
    <div className="draft-actions">
      {publish.kind === 'published' && (
        <span className="publish-result publish-result--ok" data-testid="publish-result" role="status">
          {t('publish.live', { version: publish.version })}
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
      <button type="button" className="button" data-testid="save-draft" disabled={readOnly || saving || (!unsaved && !saveError)} onClick={() => void saveDraft()}>
        {t('save.button')}
      </button>
      <button
        type="button"
        className="button button--primary"
        data-testid="publish"
        data-blocking={blocking}
        disabled={readOnly || saving || publish.kind === 'publishing'}
        title={blocking ? t('publish.blocked', { count: blocking }) : undefined}
        onClick={() => void publishDraft()}
      >
        {publish.kind === 'publishing' ? t('publish.publishing') : t('publish.button')}
        {blocking > 0 && publish.kind !== 'publishing' && (
          <span className="publish__blocking" data-testid="publish-blocking">
            {blocking}
          </span>
        )}
      </button>
    </div>
  )
}
