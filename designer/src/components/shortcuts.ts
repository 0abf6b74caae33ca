import { useReactFlow } from '@xyflow/react'
import { useEffect } from 'react'
import { useDesigner } from '../designer-context'

// Keyboard shortcuts of the canvas. The help popover (CanvasToolbar) lists this same table, so what is
// shown is what works. Keys typed into a field of a panel are left alone.

export interface Shortcut {
  keys: string
  en: string
  de: string
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl + Z', en: 'Undo', de: 'Rückgängig' },
  { keys: 'Ctrl + Shift + Z / Ctrl + Y', en: 'Redo', de: 'Wiederholen' },
  { keys: 'Ctrl + C', en: 'Copy the selected steps', de: 'Ausgewählte Schritte kopieren' },
  { keys: 'Ctrl + V', en: 'Paste', de: 'Einfügen' },
  { keys: 'Delete / Backspace', en: 'Delete the selection', de: 'Auswahl löschen' },
  { keys: 'Shift + click / drag', en: 'Select several steps', de: 'Mehrere Schritte auswählen' },
  { keys: 'Ctrl + S', en: 'Save the draft now', de: 'Entwurf jetzt speichern' },
  { keys: 'L', en: 'Tidy up (auto-layout)', de: 'Aufräumen (automatisches Layout)' },
  { keys: 'F', en: 'Zoom to fit', de: 'Alles einpassen' },
  { keys: '?', en: 'Show these shortcuts', de: 'Diese Kürzel zeigen' },
]

const typingInto = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

export function useShortcuts(onHelp?: () => void) {
  const undo = useDesigner((state) => state.undo)
  const redo = useDesigner((state) => state.redo)
  const copy = useDesigner((state) => state.copy)
  const paste = useDesigner((state) => state.paste)
  const tidyUp = useDesigner((state) => state.tidyUp)
  const { fitView } = useReactFlow()

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingInto(event.target) || event.defaultPrevented) return
      const command = event.ctrlKey || event.metaKey
      const key = event.key.toLowerCase()
      let handled = true
      if (command && key === 'z' && !event.shiftKey) undo()
      else if (command && ((key === 'z' && event.shiftKey) || key === 'y')) redo()
      else if (command && key === 'c') copy()
      else if (command && key === 'v') paste()
      else if (!command && !event.altKey && key === 'l') {
        tidyUp()
        requestAnimationFrame(() => void fitView({ padding: 0.2, maxZoom: 1, duration: 300 }))
      } else if (!command && !event.altKey && key === 'f') void fitView({ padding: 0.2, maxZoom: 1, duration: 300 })
      else if (event.key === '?' && onHelp) onHelp()
      else handled = false
      if (handled) event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [undo, redo, copy, paste, tidyUp, fitView, onHelp])
}
