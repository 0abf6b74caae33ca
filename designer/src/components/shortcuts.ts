import { useReactFlow } from '@xyflow/react'
import { useEffect } from 'react'
import { useDesigner } from '../designer-context'

// Keyboard shortcuts of the canvas. The help popover (CanvasToolbar) lists this same table, so what is
// shown is what works. Keys typed into a field of a panel are left alone.

export interface Shortcut {
  keys: string
  en: string
  de: string
  fr: string
  it: string
  es: string
}

export const SHORTCUTS: Shortcut[] = [
  { keys: 'Ctrl + Z', en: 'Undo', de: 'Rückgängig', fr: 'Annuler', it: 'Annulla', es: 'Deshacer' },
  { keys: 'Ctrl + Shift + Z / Ctrl + Y', en: 'Redo', de: 'Wiederholen', fr: 'Rétablir', it: 'Ripeti', es: 'Rehacer' },
  { keys: 'Ctrl + C', en: 'Copy the selected steps', de: 'Ausgewählte Schritte kopieren', fr: 'Copier les étapes sélectionnées', it: 'Copia i passi selezionati', es: 'Copiar los pasos seleccionados' },
  { keys: 'Ctrl + V', en: 'Paste', de: 'Einfügen', fr: 'Coller', it: 'Incolla', es: 'Pegar' },
  { keys: 'Delete / Backspace', en: 'Delete the selection', de: 'Auswahl löschen', fr: 'Supprimer la sélection', it: 'Elimina la selezione', es: 'Eliminar la selección' },
  { keys: 'Shift + click / drag', en: 'Select several steps', de: 'Mehrere Schritte auswählen', fr: 'Sélectionner plusieurs étapes', it: 'Seleziona più passi', es: 'Seleccionar varios pasos' },
  { keys: 'Ctrl + S', en: 'Save the draft now', de: 'Entwurf jetzt speichern', fr: 'Enregistrer le brouillon maintenant', it: 'Salva subito la bozza', es: 'Guardar el borrador ahora' },
  { keys: 'L', en: 'Tidy up (auto-layout)', de: 'Aufräumen (automatisches Layout)', fr: 'Ranger (mise en page automatique)', it: 'Riordina (layout automatico)', es: 'Ordenar (diseño automático)' },
  { keys: 'F', en: 'Zoom to fit', de: 'Alles einpassen', fr: 'Tout ajuster à l’écran', it: 'Adatta tutto', es: 'Ajustar todo' },
  { keys: '?', en: 'Show these shortcuts', de: 'Diese Kürzel zeigen', fr: 'Afficher ces raccourcis', it: 'Mostra queste scorciatoie', es: 'Mostrar estos atajos' },
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
