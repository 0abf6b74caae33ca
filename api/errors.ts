import type { ErrorRequestHandler, Response } from 'express'
import type { z } from 'zod'
import type { GraphIssue } from '../engine/campaign/graph'

/** An expected failure, as a value. `send` is the one place that turns it into an HTTP response. */
export interface ApiError {
  status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 429 | 502 | 503
  code: string
  message: string
  field?: string
  nodeId?: string
  /** The permission (api/permissions.ts) a refused caller lacked. */
  permission?: string
  /** When a locked or throttled sign-in may be tried again. */
  retryAt?: string
  issues?: GraphIssue[]
}

export function send(res: Response, error: ApiError): void {
  const { status, ...body } = error
  res.status(status).json({ error: body })
}

/** The first problem of a zod error, phrased with the field it concerns ("contact.phone: unknown field"). */
export function invalidInput(error: z.ZodError, prefix?: string): ApiError {
  const issues = error.issues.flatMap((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean)
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }))
    }
    return [{ field: path.join('.') || 'body', message: issue.message }]
  })
  const first = issues[0] ?? { field: 'body', message: 'invalid' }
  return {
    status: 400,
    code: 'invalid_input',
    field: first.field,
    message: issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
    issues: issues.map((issue) => ({ field: issue.field, message: `${issue.field}: ${issue.message}` })),
  }
}

export const notFound = (what: string): ApiError => ({ status: 404, code: 'not_found', message: `${what} not found` })

/** Body-parser failures (malformed JSON, too large) become 4xx with a message; anything else is a 500 and logged. */
export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  const e = error as { type?: string; status?: number; message?: string }
  if (e.type === 'entity.parse.failed') return send(res, { status: 400, code: 'invalid_json', field: 'body', message: `body: not valid JSON (${e.message})` })
  if (e.type === 'entity.too.large') return send(res, { status: 413, code: 'too_large', field: 'body', message: 'body: larger than the 1 MB limit' })
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') return send(res, { status: 415, code: 'unsupported_encoding', field: 'body', message: `body: ${e.message}` })
  console.error(error)
  res.status(500).json({ error: { code: 'internal', message: 'internal error; it has been logged' } })
}
