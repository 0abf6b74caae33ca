import type { z } from 'zod'
import type { campaignDetailSchema, campaigns, campaignStatusSchema, campaignSummarySchema, publishedVersionSchema } from '../../api/contract/campaigns'
import type { RequestBody, ResponseBody } from '../../api/contract/route'
import type { simulation } from '../../api/contract/simulation'
import type { enrolmentJobSchema, enrolmentRequests, singleEnrolmentSchema } from '../../api/contract/enrolment-requests'
import type { system } from '../../api/contract/system'
import type { templates } from '../../api/contract/templates'
import type { contacts, contactSummarySchema } from '../../api/contract/contacts'
import type { enrolmentDetailSchema, enrolments, enrolmentSummarySchema } from '../../api/contract/enrolments'
import { campaignGraphSchema, type CampaignGraph, type GraphIssue } from '../../engine/campaign/graph'
import { authHeaders, NO_TOKEN_MESSAGE } from './auth'

// The designer's view of the HTTP API: typed calls, and every non-2xx answer as an ApiError carrying the
// API's { code, message, field?, nodeId?, issues? } so the UI can name the field or step at fault.

// Shapes come from the API's contract (api/contract/*.ts): a change on the server breaks this file's types.
export type CampaignStatus = z.infer<typeof campaignStatusSchema>
export type CampaignSummary = z.infer<typeof campaignSummarySchema>
export type PublishedVersion = z.infer<typeof publishedVersionSchema>
export type CampaignDetail = z.infer<typeof campaignDetailSchema>
export type CampaignVersion = ResponseBody<typeof campaigns.version, 200>

export type CampaignAction = 'pause' | 'resume' | 'stop'

/** What POST /api/campaigns/:id/pause|resume|stop answers: the new status and the contacts it concerned. */
export type CampaignControlResult = ResponseBody<typeof enrolments.pause, 200>

/** GET /api/link-tags: the tracking tags of each mail template's links. */
export type LinkTags = ResponseBody<typeof enrolmentRequests.linkTags, 200>['templates']

/** GET /api/contacts: one contact as pickers show it. */
export type ContactSummary = z.infer<typeof contactSummarySchema>

export interface Segment {
  id: string
  name: string
}

/** A persona as rules name it (by slug). */
export interface PersonaOption {
  slug: string
  name: string
}

/** The answer to enrolling one contact (201; 200 when the same request was sent before). */
export type SingleEnrolment = z.infer<typeof singleEnrolmentSchema>

/** GET /api/enrolment-jobs/:id: a CSV upload or a segment being enrolled, row by row. */
export type EnrolmentJob = z.infer<typeof enrolmentJobSchema>
/** pending (stored) → running (its workflow prepared the rows) → done. */
export type EnrolmentJobStatus = EnrolmentJob['status']
export type SkippedRow = EnrolmentJob['skippedRows'][number]

/** GET /api/templates: a mail template a send step may use. */
export type TemplateSummary = ResponseBody<typeof templates.list, 200>['templates'][number]

export type EnrolmentSummary = z.infer<typeof enrolmentSummarySchema>
export type EnrolmentDetail = z.infer<typeof enrolmentDetailSchema>

/** What the simulation panel sends; the server fills in defaults (draft, no script, 90 days). */
export type SimulationRequest = RequestBody<typeof simulation.simulate>
export type SimulationResult = ResponseBody<typeof simulation.simulate, 200>

export interface ApiErrorBody {
  code: string
  message: string
  field?: string
  nodeId?: string
  issues?: GraphIssue[]
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message)
    this.name = 'ApiError'
  }
}

/** One line for the UI: the API's message plus the step and field it names, if any. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 403) return `Your access was refused (${error.body.message}). ${NO_TOKEN_MESSAGE}`
    const where = [error.body.nodeId && `step ${error.body.nodeId}`, error.body.field && `field ${error.body.field}`].filter(Boolean)
    return where.length ? `${error.body.message} (${where.join(', ')})` : error.body.message
  }
  if (error instanceof TypeError) return 'The server cannot be reached. Is `npm start` still running?'
  return error instanceof Error ? error.message : String(error)
}

/**
 * A fresh Idempotency-Key: one per deliberate request (a click on "Enrol"), so the API treats a second
 * click as a new request (its entry rules then say why nobody is enrolled twice). crypto.randomUUID needs
 * a secure context; the designer may be served over plain http on a host other than localhost.
 */
export function newRequestKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

interface CallOptions {
  /** Sent as it is instead of a JSON body, with this content type (a CSV upload). */
  raw?: { text: string; contentType: string }
  idempotencyKey?: string
}

export function createApi(token: string | null) {
  async function call<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
    const headers: Record<string, string> = { ...authHeaders(token, method), Accept: 'application/json' }
    if (options.raw) headers['Content-Type'] = options.raw.contentType
    else if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
    const response = await fetch(path, {
      method,
      headers,
      body: options.raw ? options.raw.text : body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    let json: unknown = undefined
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      // fall through: a non-JSON answer (proxy error page, ...) becomes a generic error below
    }
    if (!response.ok) {
      const error = (json as { error?: Partial<ApiErrorBody> } | undefined)?.error
      throw new ApiError(response.status, {
        code: error?.code ?? `http_${response.status}`,
        message: error?.message ?? `${method} ${path} failed with HTTP ${response.status}`,
        ...(error?.field ? { field: error.field } : {}),
        ...(error?.nodeId ? { nodeId: error.nodeId } : {}),
        ...(error?.issues ? { issues: error.issues } : {}),
      })
    }
    return json as T
  }

  const campaignPath = (id: string) => `/api/campaigns/${encodeURIComponent(id)}`

  return {
    me: () => call<ResponseBody<typeof system.me, 200>>('GET', '/api/me'),
    listCampaigns: async () => (await call<ResponseBody<typeof campaigns.list, 200>>('GET', '/api/campaigns')).campaigns,

    async getCampaign(id: string): Promise<CampaignDetail> {
      const detail = await call<CampaignDetail>('GET', campaignPath(id))
      // The draft is the one thing the canvas edits: check its shape before React Flow sees it.
      const draft = campaignGraphSchema.safeParse(detail.draft)
      if (!draft.success) {
        throw new ApiError(500, { code: 'draft_unreadable', message: `The stored draft is not a campaign graph: ${draft.error.issues[0]?.message}` })
      }
      return { ...detail, draft: draft.data }
    },

    /** Status and contacts in the campaign now, without the draft (for confirming pause, resume, stop). */
    async getCampaignActivity(id: string): Promise<Pick<CampaignDetail, 'status' | 'activeEnrolments'>> {
      const { status, activeEnrolments } = await call<CampaignDetail>('GET', campaignPath(id))
      return { status, activeEnrolments }
    },

    saveDraft: (id: string, graph: CampaignGraph) => call<ResponseBody<typeof campaigns.saveDraft, 200>>('PUT', `${campaignPath(id)}/draft`, { graph }),

    publish: (id: string) => call<ResponseBody<typeof campaigns.publish, 201>>('POST', `${campaignPath(id)}/publish`),

    /** Pause, resume or stop the campaign; 409 (ApiError) when its status does not allow it. */
    controlCampaign: (id: string, action: CampaignAction) => call<CampaignControlResult>('POST', `${campaignPath(id)}/${action}`),

    enrolContact: (id: string, email: string, idempotencyKey: string) =>
      call<SingleEnrolment>('POST', `${campaignPath(id)}/enrolments`, { email }, { idempotencyKey }),

    /** The file's text as it is: the API finds the "email" column, the separator and the bad lines. */
    enrolCsv: (id: string, csv: string, idempotencyKey: string) =>
      call<EnrolmentJob>('POST', `${campaignPath(id)}/enrolments`, undefined, { raw: { text: csv, contentType: 'text/csv' }, idempotencyKey }),

    enrolSegment: (id: string, segmentId: string, idempotencyKey: string) =>
      call<EnrolmentJob>('POST', `${campaignPath(id)}/enrolments`, { segmentId }, { idempotencyKey }),

    getEnrolmentJob: (jobId: string) => call<EnrolmentJob>('GET', `/api/enrolment-jobs/${encodeURIComponent(jobId)}`),

    listSegments: async (): Promise<Segment[]> =>
      (await call<{ segments: Segment[] }>('GET', '/api/segments')).segments.map(({ id, name }) => ({ id, name })),

    listPersonas: async (): Promise<PersonaOption[]> =>
      (await call<{ personas: PersonaOption[] }>('GET', '/api/personas')).personas.map(({ slug, name }) => ({ slug, name })),

    createCampaign: (name: string) => call<ResponseBody<typeof campaigns.create, 201>>('POST', '/api/campaigns', { name } satisfies RequestBody<typeof campaigns.create>),

    /** One published version's graph (read-only). */
    getVersion: (id: string, version: number) =>
      call<CampaignVersion>('GET', `${campaignPath(id)}/versions/${version}`),

    listTemplates: async () => (await call<{ templates: TemplateSummary[] }>('GET', '/api/templates')).templates,

    /** Per step: entered, waiting now, outputs taken (the live view). */
    stepCounts: (id: string) => call<ResponseBody<typeof enrolments.steps, 200>>('GET', `${campaignPath(id)}/steps`),

    listEnrolments: async (id: string, filter: { step?: string; status?: string }) => {
      const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1])))
      return (await call<ResponseBody<typeof enrolments.list, 200>>('GET', `${campaignPath(id)}/enrolments?${query}`)).enrolments
    },

    getEnrolment: (enrolmentId: string) => call<EnrolmentDetail>('GET', `/api/enrolments/${encodeURIComponent(enrolmentId)}`),

    simulate: (id: string, request: SimulationRequest) => call<SimulationResult>('POST', `${campaignPath(id)}/simulate`, request),

    listLinkTags: async (): Promise<LinkTags> => (await call<{ templates: LinkTags }>('GET', '/api/link-tags')).templates,

    /** Contacts whose e-mail, name or company contains `search`, within the caller's subsidiaries. */
    searchContacts: async (search: string, limit = 8) =>
      (await call<ResponseBody<typeof contacts.search, 200>>('GET', `/api/contacts?${new URLSearchParams({ search: search.trim(), limit: String(limit) })}`)).contacts,

    /** Contacts the segment matches now, within the caller's subsidiaries. */
    countSegment: async (segmentId: string) => (await call<{ count: number }>('GET', `/api/segments/${encodeURIComponent(segmentId)}/count`)).count,
  }
}

export type DesignerApi = ReturnType<typeof createApi>
