import type { z } from 'zod'
import type { RequestBody, ResponseBody } from '../../../api/contract/route'
import type { importedDesignSchema, missingTranslationSchema, templateIssueSchema, templates } from '../../../api/contract/templates'
import { authHeaders } from '../auth'

// The template editor's view of the API: the overview, one template's newest version, saving a version,
// preview (with unsaved drafts), test send and the missing-translations report.

export type TemplateKind = 'master' | 'subsidiary' | 'mail' | 'block' | 'locale'
export const SEGMENT: Record<TemplateKind, string> = { master: 'masters', subsidiary: 'subsidiaries', mail: 'mails', block: 'blocks', locale: 'locales' }

// Shapes come from the API's contract (api/contract/templates.ts, type-only): a change on the server breaks these types.
export type Overview = ResponseBody<typeof templates.overview, 200>
export type TemplateDoc = ResponseBody<typeof templates.get, 200>

/** A problem positioned in the author's own source: the server's (templates/template-errors.ts), or one the editor finds before sending (no origin). */
export type TemplateIssue = Omit<z.output<typeof templateIssueSchema>, 'origin'> & { origin?: string }

export type MissingTranslation = z.output<typeof missingTranslationSchema>

export type PreviewRequest = RequestBody<typeof templates.preview>
/** Sample fields, or a stored contact by e-mail. */
export type SampleContact = NonNullable<PreviewRequest['contact']>
/** Unknown variables and fonts that will not load, with positions (`warnings`): the mail still renders. */
export type Preview = ResponseBody<typeof templates.preview, 200>
export type TestSendResult = ResponseBody<typeof templates.testSend, 202>

/** A design of another tool, read, mapped and previewed (POST /api/templates/import). */
export type ImportedDesign = z.output<typeof importedDesignSchema>
/** A merge tag of another tool found in an imported design (templates/merge-tags.ts). */
export type ImportedTag = ImportedDesign['tags'][number]
export type ImportRequest = RequestBody<typeof templates.importDesigns>
export type ImportResult = ResponseBody<typeof templates.importDesigns, 200>

export type HostedFont = ResponseBody<typeof templates.uploadFont, 201>

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
      call<ResponseBody<typeof templates.save, 201>>(`/api/templates/${SEGMENT[kind]}/${encodeURIComponent(key)}`, { method: 'PUT', body: { content, baseVersion } }),
    preview: (request: PreviewRequest) => call<Preview>('/api/templates/preview', { method: 'POST', body: request }),
    testSend: (request: PreviewRequest & { to: string }) => call<TestSendResult>('/api/templates/test-send', { method: 'POST', body: request }),
    importDesigns: (request: ImportRequest) => call<ImportResult>('/api/templates/import', { method: 'POST', body: request }),
    fonts: () => call<ResponseBody<typeof templates.fonts, 200>>('/api/templates/fonts'),
    uploadFont: (family: string, weight: number, data: string) => call<HostedFont>(`/api/templates/fonts/${encodeURIComponent(family)}`, { method: 'PUT', body: { faces: [{ weight, data }] } }),
    missing: (subsidiary: string, locale: string) =>
      call<ResponseBody<typeof templates.missingTranslations, 200>>(`/api/templates/translations/missing?subsidiary=${encodeURIComponent(subsidiary)}&locale=${encodeURIComponent(locale)}`),
  }
}

export type TemplatesApi = ReturnType<typeof createTemplatesApi>

export const isTemplatesView = (search: string) => new URLSearchParams(search).get('view') === 'templates'
