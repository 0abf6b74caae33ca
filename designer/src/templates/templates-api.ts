import { authHeaders } from '../auth'
// The template editor's view of the API: the overview, one template's newest version, saving a version,
// preview (with unsaved drafts), test send and the missing-translations report.

import type { MissingTranslation } from '../../../templates/translations'

export type TemplateKind = 'master' | 'subsidiary' | 'mail' | 'block' | 'locale'
export const SEGMENT: Record<TemplateKind, string> = { master: 'masters', subsidiary: 'subsidiaries', mail: 'mails', block: 'blocks', locale: 'locales' }

export interface Overview {
  masters: { key: string; version: number; locale: string; name: string; regions: string[] }[]
  subsidiaries: { key: string; code: string; version: number; master: string; locale: string; overrides: { regions: string[]; strings: Record<string, string[]> }; needsReview: Record<string, string[]> }[]
  mails: { key: string; version: number; name: string; locales: string[]; blocks: string[] }[]
  blocks: { key: string; version: number; kind: string; name: string; locales: string[]; usedBy: string[] }[]
  locales: { key: string; version: number }[]
}

export interface TemplateDoc {
  kind: TemplateKind
  key: string
  version: number
  content: unknown
  versions: { version: number; createdBy: string; createdAt: string; note: string | null }[]
}

/** A problem positioned in the author's own source: the server's (templates/template-errors.ts), or one the editor finds before sending (no origin). */
export interface TemplateIssue {
  region: string | null
  origin?: string
  line: number
  column: number
  message: string
  field?: string
  locale?: string
  subsidiary?: string
}

// The server's own shape (a type-only import: nothing of the template code reaches the bundle).
export type { MissingTranslation }

/** Sample fields, or a stored contact by e-mail. */
export type SampleContact = { email: string } | { firstName: string | null; lastName: string | null; salutation: 'mr' | 'ms' | 'none' | null; company: string | null }

export interface PreviewRequest {
  template: string
  subsidiary: string
  locale?: string
  contact?: SampleContact
  drafts?: { kind: TemplateKind; key: string; content: unknown }[]
}

export interface Preview {
  subject: string
  html: string
  text: string
  locale: string
  /** Unknown variables and fonts that will not load, with positions: the mail still renders. */
  warnings?: TemplateIssue[]
}

export interface TestSendResult {
  messageId: string
  to: string
  subject: string
  locale: string
}

/** A merge tag of another tool found in an imported design (templates/merge-tags.ts). */
export interface ImportedTag {
  raw: string
  tool: 'mailchimp' | 'mailjet' | 'hubspot' | 'mautic'
  name: string
  fallback?: string
  line: number
  column: number
  count: number
  suggestion?: string
}

export interface ImportedDesign {
  file: string
  key: string
  subject: string
  locale: string
  tags: ImportedTag[]
  mapping: Record<string, string>
  mjml: string
  issues: TemplateIssue[]
  warnings: TemplateIssue[]
  preview: { subject: string; html: string; text: string } | null
}

export interface ImportRequest {
  files: { name: string; mjml?: string; zip?: string }[]
  mapping?: Record<string, string>
  subsidiary?: string
}

export interface HostedFont {
  family: string
  cssUrl: string
  faces: { weight: number; style: string; format: string }[]
}

export class TemplateApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | undefined,
    readonly issues: TemplateIssue[],
  ) {
    super(message)
    this.name = 'TemplateApiError'
  }
}

export function createTemplatesApi(token: string | null) {
  const call = async <T,>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const response = await fetch(path, {
      method: init.method ?? 'GET',
      headers: { ...authHeaders(token, init.method ?? 'GET'), ...(init.body !== undefined && { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
    const json = (await response.json().catch(() => null)) as { error?: { message?: string; field?: string; issues?: TemplateIssue[] } } | null
    if (!response.ok) {
      const error = json?.error
      // 422 carries positioned template issues; a 400 carries {field, message} issues without positions.
      const issues = (error?.issues ?? []).filter((issue) => typeof issue.line === 'number')
      throw new TemplateApiError(response.status, error?.message ?? `${response.status} ${response.statusText}`, error?.field, issues)
    }
    return json as T
  }
  return {
    overview: () => call<Overview>('/api/templates/overview'),
    get: (kind: TemplateKind, key: string) => call<TemplateDoc>(`/api/templates/${SEGMENT[kind]}/${encodeURIComponent(key)}`),
    save: (kind: TemplateKind, key: string, content: unknown, baseVersion: number) =>
      call<{ version: number }>(`/api/templates/${SEGMENT[kind]}/${encodeURIComponent(key)}`, { method: 'PUT', body: { content, baseVersion } }),
    preview: (request: PreviewRequest) => call<Preview>('/api/templates/preview', { method: 'POST', body: request }),
    testSend: (request: PreviewRequest & { to: string }) => call<TestSendResult>('/api/templates/test-send', { method: 'POST', body: request }),
    importDesigns: (request: ImportRequest) => call<{ variables: string[]; designs: ImportedDesign[] }>('/api/templates/import', { method: 'POST', body: request }),
    fonts: () => call<{ fonts: HostedFont[] }>('/api/templates/fonts'),
    uploadFont: (family: string, weight: number, data: string) => call<HostedFont>(`/api/templates/fonts/${encodeURIComponent(family)}`, { method: 'PUT', body: { faces: [{ weight, data }] } }),
    missing: (subsidiary: string, locale: string) =>
      call<{ missing: MissingTranslation[] }>(`/api/templates/translations/missing?subsidiary=${encodeURIComponent(subsidiary)}&locale=${encodeURIComponent(locale)}`),
  }
}

export type TemplatesApi = ReturnType<typeof createTemplatesApi>

export const isTemplatesView = (search: string) => new URLSearchParams(search).get('view') === 'templates'
