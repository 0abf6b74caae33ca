import { z } from 'zod'
import type { Permission } from '../permissions'

// How an API route is declared once: method, path, parameters, body, responses per status and the error
// codes it may answer, with the permission it needs. The server mounts it (./mount.ts), the OpenAPI
// document is generated from it (./openapi.ts) and the designer's client takes its types from it, so this
// file and the contract modules import nothing but zod and pure schemas: they run in the browser too.

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 423 | 429 | 502 | 503

export interface RouteContract {
  method: HttpMethod
  /** Express-style, below /api: '/campaigns/:id/publish'. */
  path: string
  summary: string
  description?: string
  /** A row of api/permissions.ts, or 'public' for a route outside the token check. */
  permission: Permission | 'public'
  params?: z.ZodObject
  /** What the path's id names: a malformed id then answers 404 "<notFound> not found", like an unknown one. */
  notFound?: string
  query?: z.ZodObject
  /** The JSON body; validated before the handler runs unless `bodyCheckedBy: 'handler'`. */
  body?: z.ZodType
  /** The handler validates the body itself (a batch answered item by item); the schema documents it. */
  bodyCheckedBy?: 'handler'
  /** Request bodies other than JSON, by content type (a CSV upload): documented, handed to the handler as sent. */
  otherBodies?: Record<string, z.ZodType>
  /** Request headers the route reads (Idempotency-Key). */
  headers?: Record<string, { description: string; schema: z.ZodType }>
  /** Success answers by status; null for no body (204). */
  responses: Record<number, z.ZodType | null>
  /** Content type of a success answer that is not JSON (text/csv). */
  responseTypes?: Record<number, string>
  /** Further content types a success answer may come as, by status (the same table as CSV with ?format=csv). */
  alsoAs?: Record<number, Record<string, z.ZodType>>
  /** The error codes each status may carry, beyond the ones every route has (see ./openapi.ts). */
  errors?: Partial<Record<ErrorStatus, readonly string[]>>
  /** The route answers without the database, so never 503 "unavailable" (health, this document). */
  withoutDatabase?: true
}

/** Declares a route; `const` keeps its literal statuses and schemas for the handler's and the client's types. */
export const defineRoute = <const C extends RouteContract>(contract: C): C => contract

/** A moment as JSON carries it (Date#toJSON): "2026-03-01T09:30:00.000Z". */
export const timestamp = z.iso.datetime({ offset: true })
export const uuid = z.uuid()
/** A positive whole number from a path or query (a version), within Postgres' int: larger ones are refused, not a 500. */
export const positiveInt = z.coerce.number().int().min(1).max(2_147_483_647)
/** The `{ id }` of a path such as /campaigns/:id. */
export const idParams = z.strictObject({ id: z.uuid() })

/** Every non-2xx answer: what went wrong, and the field or campaign step at fault when there is one. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    nodeId: z.string().optional(),
    /** The permission a refused caller lacks (403). */
    permission: z.string().optional(),
    /** When a locked or throttled sign-in may be tried again (423, 429). */
    retryAt: timestamp.optional(),
    issues: z.array(z.looseObject({ message: z.string(), field: z.string().optional(), nodeId: z.string().optional(), edgeId: z.string().optional() })).optional(),
  }),
})

type Body<S> = S extends z.ZodType ? z.output<S> : undefined

/** The body a route answers with a status, as the client receives it (JSON). */
export type ResponseBody<C extends RouteContract, S extends keyof C['responses']> = Body<C['responses'][S]>
/** The JSON body a route takes, after its defaults are applied. */
export type RequestBody<C extends RouteContract> = C['body'] extends z.ZodType ? z.input<C['body']> : undefined
