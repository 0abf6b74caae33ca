import { campaignGraphSchema, type CampaignGraph, type GraphIssue } from '../../engine/campaign/graph'
import { NO_TOKEN_MESSAGE } from './auth'

// The designer's view of the HTTP API: typed calls, and every non-2xx answer as an ApiError carrying the
// API's { code, message, field?, nodeId?, issues? } so the UI can name the field or step at fault.

export type CampaignStatus = 'draft' | 'live' | 'paused' | 'stopped'

export interface CampaignSummary {
  id: string
  name: string
  kind: string
  status: CampaignStatus
  liveVersion: number | null
  draftUpdatedAt: string
}

export interface PublishedVersion {
  id: string
  version: number
  publishedAt: string
}

export interface CampaignDetail {
  id: string
  name: string
  kind: string
  status: CampaignStatus
  draft: CampaignGraph
  draftUpdatedAt: string
  liveVersion: PublishedVersion | null
  versions: (PublishedVersion & { publishedBy: string | null })[]
}

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

export function createApi(token: string) {
  async function call<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
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
    listCampaigns: async () => (await call<{ campaigns: CampaignSummary[] }>('GET', '/api/campaigns')).campaigns,

    async getCampaign(id: string): Promise<CampaignDetail> {
      const detail = await call<CampaignDetail>('GET', campaignPath(id))
      // The draft is the one thing the canvas edits: check its shape before React Flow sees it.
      const draft = campaignGraphSchema.safeParse(detail.draft)
      if (!draft.success) {
        throw new ApiError(500, { code: 'draft_unreadable', message: `The stored draft is not a campaign graph: ${draft.error.issues[0]?.message}` })
      }
      return { ...detail, draft: draft.data }
    },

    saveDraft: (id: string, graph: CampaignGraph) => call<{ draftUpdatedAt: string }>('PUT', `${campaignPath(id)}/draft`, { graph }),

    publish: (id: string) => call<{ version: PublishedVersion }>('POST', `${campaignPath(id)}/publish`),
  }
}

export type DesignerApi = ReturnType<typeof createApi>
