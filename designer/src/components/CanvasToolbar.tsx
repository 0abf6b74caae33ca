import { useReactFlow } from '@xyflow/react'
import { useEffect, useState } from 'react'
import { useDesigner } from '../designer-context'
import { useLanguage, useT } from '../i18n'
import { SHORTCUTS } from './shortcuts'

const FIT = { padding: 0.2, maxZoom: 1, duration: 300 }

/** Undo, redo, tidy up, fit, the shortcut help; and, for a published version on screen, the way back to the draft. */
export function CanvasToolbar() {
  const t = useT()
  const language = useLanguage((state) => state.language)
  const canUndo = useDesigner((state) => state.history.past.length > 0 && !state.readOnly)
  const canRedo = useDesigner((state) => state.history.future.length > 0 && !state.readOnly)
  const readOnly = useDesigner((state) => state.readOnly)
  const undo = useDesigner((state) => state.undo)
  const redo = useDesigner((state) => state.redo)
  const tidyUp = useDesigner((state) => state.tidyUp)
  const closeVersion = useDesigner((state) => state.closeVersion)
  const draftFromVersion = useDesigner((state) => state.draftFromVersion)
  const { fitView } = useReactFlow()
  const [help, setHelp] = useState(false)

  // "?" opens the help from anywhere on the canvas.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (event.key === '?' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(target?.tagName ?? '')) setHelp((open) => !open)
      if (event.key === 'Escape') setHelp(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  if (readOnly) {
    return (
      <div className="toolbar toolbar--read-only" data-testid="read-only-banner">
        <strong>{t('canvas.readOnly', { version: readOnly.version })}</strong>
        {readOnly.live && <span className="badge badge--live">{t('canvas.live')}</span>}
        <button type="button" className="button" data-testid="back-to-draft" onClick={closeVersion}>
          {t('canvas.backToDraft')}
        </button>
        <button type="button" className="button button--primary" data-testid="draft-from-version" onClick={draftFromVersion}>
          {t('canvas.draftFrom')}
        </button>
      </div>
    )
  }

  return (
    <div className="toolbar">
      <button type="button" className="button" data-testid="undo" disabled={!canUndo} onClick={undo} title="Ctrl+Z">
        {t('toolbar.undo')}
      </button>
      <button type="button" className="button" data-testid="redo" disabled={!canRedo} onClick={redo} title="Ctrl+Shift+Z">
        {t('toolbar.redo')}
      </button>
      <button
        type="button"
        className="button"
        data-testid="auto-layout"
        title="L"
        onClick={() => {
          tidyUp()
          requestAnimationFrame(() => void fitView(FIT))
        }}
      >
        {t('toolbar.layout')}
      </button>
      <button type="button" className="button" data-testid="zoom-fit" title="F" onClick={() => void fitView(FIT)}>
        {t('toolbar.fit')}
      </button>
      <span className="toolbar__help">
        <button type="button" className="button" data-testid="shortcuts" aria-expanded={help} onClick={() => setHelp((open) => !open)} title="?">
          ?
        </button>
        {help && (
          <div className="shortcuts" role="dialog" aria-label={t('help.title')} data-testid="shortcuts-help">
            <div className="shortcuts__title">{t('help.title')}</div>
            <table>
              <tbody>
                {SHORTCUTS.map((shortcut) => (
                  <tr key={shortcut.keys}>
                    <td>
                      <kbd>{shortcut.keys}</kbd>
                    </td>
                    <td>{shortcut[language]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </span>
    </div>
  )
}
