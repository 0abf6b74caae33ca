import { useEffect, useId, useRef, type ReactNode } from 'react'

interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  /** Red confirm button: for what cannot be undone. */
  danger?: boolean
  /** The confirm button waits (e.g. for the count of contacts affected). */
  ready: boolean
  busy: boolean
  error: string | null
  onConfirm(): void
  onCancel(): void
}

/**
 * A small modal question (the browser's <dialog>: focus stays inside, Escape cancels). Cancel has the
 * focus first, so Enter on a stray key press does not stop a campaign.
 */
export function ConfirmDialog({ title, children, confirmLabel, danger = false, ready, busy, error, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null)
  const titleId = useId()

  useEffect(() => {
    const element = dialog.current
    if (element && !element.open) element.showModal()
    return () => element?.close()
  }, [])

  return (
    <dialog
      ref={dialog}
      className="confirm"
      data-testid="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault()
        if (!busy) onCancel()
      }}
    >
      <h2 id={titleId} className="confirm__title">
        {title}
      </h2>
      <div className="confirm__body">{children}</div>
      {error && (
        <p className="confirm__error" role="alert" data-testid="confirm-error">
          {error}
        </p>
      )}
      <div className="confirm__actions">
        <button type="button" className="button" autoFocus disabled={busy} onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${danger ? 'button--danger' : 'button--primary'}`}
          data-testid="confirm-ok"
          disabled={!ready || busy}
          onClick={onConfirm}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
