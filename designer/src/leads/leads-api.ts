import { authHeaders } from '../auth'
import type { z } from 'zod'
import type { leadSchema, matrixSchema } from '../../../api/contract/leads'

// The scoring matrix's view of the API: counts per cell, a cell's leads, the CSV export.

export const GRADES = ['A', 'B', 'C', 'D'] as const
export const LEVELS = [1, 2, 3, 4] as const

// Shapes from the API's contract (api/contract/leads.ts).
export type Matrix = z.infer<typeof matrixSchema>
export type Lead = z.infer<typeof leadSchema>

export function createLeadsApi(token: string | null) {
  const get = async (path: string): Promise<Response> => {
    const response = await fetch(path, { headers: authHeaders(token) })
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null
      throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`)
    }
    return response
  }
  return {
    matrix: async (): Promise<Matrix> => (await get('/api/leads/matrix')).json(),
    leads: async (cell: string): Promise<Lead[]> => ((await (await get(`/api/leads?cell=${cell}`)).json()) as { leads: Lead[] }).leads,
    /** The CSV as a file the browser saves (the token travels in a header, so a plain link would not do). */
    downloadCsv: async (cell: string): Promise<void> => {
      const blob = await (await get(`/api/leads/export.csv?cell=${cell}`)).blob()
      const url = URL.createObjectURL(blob)
      const link = Object.assign(document.createElement('a'), { href: url, download: `leads-${cell}.csv` })
      link.click()
      URL.revokeObjectURL(url)
    },
  }
}

/** Heat of a cell: 0 (empty) to 1 (the fullest cell). */
export function heat(count: number, max: number): number {
  return max <= 0 ? 0 : Math.min(1, count / max)
}

export const isLeadsView = (search: string) => new URLSearchParams(search).get('view') === 'leads'
