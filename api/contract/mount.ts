import type { Request, RequestHandler, Response, Router } from 'express'
import type { z } from 'zod'
import { caller, type Caller } from '../auth'
import { invalidInput, notFound, send, type ApiError } from '../errors'
import { bodyIsEscapeFree } from '../input-guard'
import { may, refusal } from '../permissions'
import type { RouteContract } from './route'

// Mounts a declared route on an express router: the permission is asked, the path parameters, query and
// body are checked against the contract (a bad one answers 400 naming the field), and the handler gets
// them typed, returning either a success answer the contract declares or an ApiError.

type Out<S> = S extends z.ZodType ? z.output<S> : undefined

/** What a handler may put in a body: the declared JSON, where a timestamp may still be a Date. */
export type Wire<T> = T extends string ? (string extends T ? string | Date : T) : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T

export type Reply<C extends RouteContract> = {
  [S in keyof C['responses'] & number]: { status: S; body: C['responses'][S] extends z.ZodType ? Wire<z.output<C['responses'][S]>> : undefined }
}[keyof C['responses'] & number]

export interface HandlerInput<C extends RouteContract> {
  params: Out<C['params']>
  query: Out<C['query']>
  /** The checked JSON body; the raw body as sent when the route checks it itself or it came as another type. */
  body: C['bodyCheckedBy'] extends 'handler' ? unknown : C['otherBodies'] extends object ? Out<C['body']> | string : Out<C['body']>
  who: Caller
  req: Request
  res: Response
}

/** A reply, an expected failure, or `undefined` when the handler answered through `res` itself (CSV, a 503). */
export type Handler<C extends RouteContract> = (input: HandlerInput<C>) => Promise<Reply<C> | ApiError | undefined>

export interface MountOptions {
  /** Middleware before the checks, e.g. a text/csv body parser. */
  use?: RequestHandler[]
}

export function route<C extends RouteContract>(router: Router, contract: C, handler: Handler<C>, options: MountOptions = {}): void {
  router[contract.method](contract.path, ...(options.use ?? []), async (req: Request, res: Response) => {
    const who = contract.permission === 'public' ? (undefined as unknown as Caller) : caller(req)
    if (contract.permission !== 'public' && !may(who, contract.permission)) {
      return send(res, { status: 403, code: 'forbidden', message: refusal(contract.permission) })
    }
    const checked = check(contract, req)
    if ('status' in checked) return send(res, checked)
    const result = await handler({ ...checked, who, req, res } as HandlerInput<C>)
    if (result === undefined) {
      if (!res.headersSent) throw new Error(`${contract.method.toUpperCase()} ${contract.path}: the handler answered nothing`)
      return
    }
    if (!('body' in result)) return send(res, result)
    if (result.body === undefined) return void res.status(result.status).end()
    res.status(result.status).json(result.body)
  })
}

/** The path to the first string Postgres cannot store in text or JSON: a NUL character, or half a surrogate pair. */
function nulAt(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') || !(value as string & { isWellFormed(): boolean }).isWellFormed() ? path : null
  if (!value || typeof value !== 'object') return null
  for (const [key, inner] of Object.entries(value)) {
    const found = nulAt(key, path) ? [...path, key] : nulAt(inner, [...path, key])
    if (found) return found
  }
  return null
}

function check(contract: RouteContract, req: Request): ApiError | { params: unknown; query: unknown; body: unknown } {
  // A body the JSON parser noted escape-free cannot hold such text (api/input-guard.ts).
  for (const input of bodyIsEscapeFree(req) ? [req.params, req.query] : [req.params, req.query, req.body]) {
    const path = nulAt(input)
    if (path) {
      const field = path.join('.') || 'body'
      return { status: 400, code: 'invalid_input', field, message: `${field}: must be text without the NUL character (\\u0000) and without broken Unicode` }
    }
  }
  let params: unknown = req.params
  if (contract.params) {
    const parsed = contract.params.safeParse(req.params)
    if (!parsed.success) return contract.notFound ? notFound(contract.notFound) : invalidInput(parsed.error)
    params = parsed.data
  }
  let query: unknown = req.query
  if (contract.query) {
    // Repeated parameters (?limit=1&limit=2) arrive as arrays: refused by the schema, named by field.
    const parsed = contract.query.safeParse(req.query)
    if (!parsed.success) return invalidInput(parsed.error)
    query = parsed.data
  }
  let body: unknown = req.body
  const other = contract.otherBodies && Object.keys(contract.otherBodies).some((type) => req.is(type))
  if (contract.body && contract.bodyCheckedBy !== 'handler' && !other) {
    // No body at all is checked as {}: the answer then names the first missing field.
    const parsed = contract.body.safeParse(req.body ?? {})
    if (!parsed.success) return invalidInput(parsed.error)
    body = parsed.data
  }
  return { params, query, body }
}
