import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { DesignerApi } from './api'
import type { DesignerState, DesignerStore } from './store'

// The store is created per access token (App), so it is handed down through context, not imported.
export const DesignerContext = createContext<DesignerStore | null>(null)

export function useDesigner<T>(selector: (state: DesignerState) => T): T {
  const store = useContext(DesignerContext)
  if (!store) throw new Error('useDesigner must be used inside <DesignerContext.Provider>')
  return useStore(store, selector)
}

// The API itself, for panels whose state stays out of the designer store (campaign controls, enrolment).
export const ApiContext = createContext<DesignerApi | null>(null)

export function useApi(): DesignerApi {
  const api = useContext(ApiContext)
  if (!api) throw new Error('useApi must be used inside <ApiContext.Provider>')
  return api
}
