import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { DesignerState, DesignerStore } from './store'

// The store is created per access token (App), so it is handed down through context, not imported.
export const DesignerContext = createContext<DesignerStore | null>(null)

export function useDesigner<T>(selector: (state: DesignerState) => T): T {
  const store = useContext(DesignerContext)
  if (!store) throw new Error('useDesigner must be used inside <DesignerContext.Provider>')
  return useStore(store, selector)
}
