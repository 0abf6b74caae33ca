import type { ErrorRequestHandler, Response } from 'express'
import type { z } from 'zod'
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/availability'
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

/**
 * Errors that reach express instead of a route's own answer. Parser and router errors carry their 4xx
 * status (malformed JSON, an undecodable Content-Encoding, a malformed %-escape in the path): answered
 * with it, naming body or path. An unreachable database is 503 with Retry-After, so clients come back
 * instead of giving up. Data the database refuses (a value out of range) is the caller's 400. Anything
 * else is a 500 and logged.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const e = error as { type?: string; status?: number; statusCode?: number; message?: string; code?: string }
  if (res.headersSent) return void res.end()
  if (e.type === 'entity.parse.failed') return send(res, { status: 400, code: 'invalid_json', field: 'body', message: `body: not valid JSON (${e.message})` })
  if (e.type === 'entity.too.large') return send(res, { status: 413, code: 'too_large', field: 'body', message: 'body: larger than the 1 MB limit' })
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') return send(res, { status: 415, code: 'unsupported_encoding', field: 'body', message: `body: ${e.message}` })
  const status = e.status ?? e.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const field = error instanceof URIError ? 'path' : 'body'
    const what = error instanceof URIError ? 'not valid percent-encoding (a malformed %-escape)' : `could not be read as sent (${e.message}); check Content-Encoding and Content-Type`
    res.status(status).json({ error: { code: status === 413 ? 'too_large' : 'invalid_input', field, message: `${field}: ${what}` } })
    return
  }
  if (isDatabaseUnavailable(error)) {
    databaseUnavailable(res)
    return
  }
  if (typeof e.code === 'string' && REFUSED_DATA.has(e.code)) {
    console.error(`${req.method} ${req.path}: the database refused a value (${e.code}: ${e.message}); answered 400`)
    return send(res, { status: 400, code: 'invalid_input', field: 'body', message: `body: a value cannot be stored (${e.message})` })
  }
  console.error(error)
  res.status(500).json({ error: { code: 'internal', message: 'internal error; it has been logged' } })
}

// Postgres data exceptions caused by the values sent (out of range, not valid for the column's type).
const REFUSED_DATA = new Set(['22001', '22003', '22007', '22008', '22021', '22P02', '22P05', '54000'])

/** 503 with Retry-After: the database is unreachable (restart, failover); the same request will work again. */
export function databaseUnavailable(res: Response): void {
  res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ error: { code: 'unavailable', message: `the database is unreachable; try again in ${RETRY_AFTER_SECONDS} s` } })
}
