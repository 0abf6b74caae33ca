import { authHeaders } from '../auth'
// The mailing editor's view of the API (api/mailings.ts, api/mailing-compose.ts). Content types are the
// server's own (type-only imports: nothing of the server code reaches the bundle).

import type { MailingBlock, MailingContent, MailingSchedule, MailingStatus } from '../../../mailings/model'
import type { ChecklistItem } from '../../../mailings/checklist'
import type { MailingProgress } from '../../../db/mailings'

export type { MailingBlock, MailingContent, MailingSchedule, MailingStatus, ChecklistItem, MailingProgress }

export interface Mailing {
  id: string
  name: string
  subsidiary: string
  content: MailingContent
  segmentId: string | null
  schedule: MailingSchedule | null
  status: MailingStatus
  approvalRequired: boolean
  refusedBy?: string | null
  refusalReason?: string | null
  sendAt: string | null
  progress?: MailingProgress
}

export interface Checklist {
  ready: boolean
  items: ChecklistItem[]
  recipients: { total: number; noConsent: number; undeliverable: number; sendable: number }
}

export interface MailingPreview {
  subject: string
  html: string
  text: string
  locale: string
  preheader: string
}

export class MailingApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message)
  }
}

export const isMailingsView = (search: string) => new URLSearchParams(search).get('view') === 'mailings'

/** The signed-in session (cookie, CSRF token on writes), or the API key the designer was opened with. */
export function createMailingsApi(token: string | null) {
  const call = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const method = init.method ?? (init.body === undefined ? 'GET' : 'POST')
    const response = await fetch(`/api${path}`, {
      method,
      headers: { ...authHeaders(token, method), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const body = await response.json().catch(() => ({}))
    if (!response.ok) throw new MailingApiError(body?.error?.message ?? `HTTP ${response.status}`, response.status, body?.error?.field)
    return body as T
  }
  return {
    list: () => call<{ mailings: Mailing[] }>('/mailings').then((body) => body.mailings),
    get: (id: string) => call<Mailing>(`/mailings/${id}`),
    create: (input: { name: string; subsidiary: string }) => call<Mailing>('/mailings', { body: input }),
    save: (id: string, change: { name?: string; content?: MailingContent }) => call<Mailing>(`/mailings/${id}`, { method: 'PUT', body: change }),
    preview: (id: string, input: { locale?: string; contact?: { email: string } }) => call<MailingPreview>(`/mailings/${id}/preview`, { body: input }),
    checklist: (id: string) => call<Checklist>(`/mailings/${id}/checklist`),
    testSend: (id: string, input: { to: string; locale?: string }) => call<{ messageId: string; to: string }>(`/mailings/${id}/test-send`, { body: input }),
    translate: (id: string, input: { targetLocale: string; sourceLocale?: string; block?: string }) => call<{ mailing: Mailing }>(`/mailings/${id}/translate`, { body: input }),
    schedule: (id: string, schedule: MailingSchedule) => call<{ status: MailingStatus; sendAt: string; timeZone: string }>(`/mailings/${id}/schedule`, { body: schedule }),
    approve: (id: string) => call<{ status: MailingStatus }>(`/mailings/${id}/approve`, { method: 'POST' }),
    refuse: (id: string, reason: string) => call<{ status: MailingStatus; refusedBy: string; reason: string }>(`/mailings/${id}/refuse`, { body: { reason } }),
    control: (id: string, action: 'pause' | 'resume' | 'cancel') => call<{ status: MailingStatus; affected: number; progress: MailingProgress }>(`/mailings/${id}/${action}`, { method: 'POST' }),
    progress: (id: string) => call<MailingProgress & { status: MailingStatus; sendAt: string | null }>(`/mailings/${id}/progress`),
    blocks: () => call<{ blocks: { key: string; name: string; locales: string[] }[] }>('/templates/overview').then((body) => body.blocks),
    me: () => call<{ subsidiaries: string[] | '*'; permissions?: string[] }>('/me'),
  }
}
export type MailingsApi = ReturnType<typeof createMailingsApi>
