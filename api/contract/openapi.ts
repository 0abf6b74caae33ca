import { z } from 'zod'
import { PERMISSIONS } from '../permissions'
import { apiErrorSchema, type ErrorStatus, type RouteContract } from './route'

// The OpenAPI 3.1 document, generated from the route contracts: JSON Schema 2020-12 is OpenAPI 3.1's
// schema dialect, so zod's own z.toJSONSchema gives each schema as it is.

type JsonSchema = Record<string, unknown>
export type ContractAreas = Record<string, Record<string, RouteContract>>

const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: 'Bad input; `field` names it',
  401: 'No valid API token',
  403: 'Not allowed for this role or subsidiary',
  404: 'No such thing in your account and subsidiaries',
  409: 'Conflicts with the current state',
  410: 'Gone: the link is invalid, used or expired',
  413: 'Too large',
  415: 'Unsupported content encoding',
  422: 'Understood but not valid (a template that does not render)',
  423: 'Locked for a while after too many failed attempts',
  429: 'Too many attempts from your network for now',
  502: 'A service behind the API failed',
  503: 'A service behind the API is not available',
}

/** The error codes a route may answer without declaring them: they come from the mechanism itself. */
function errorCodes(route: RouteContract): Partial<Record<ErrorStatus, string[]>> {
  const codes: Partial<Record<ErrorStatus, string[]>> = {}
  const add = (status: ErrorStatus, ...more: readonly string[]) => (codes[status] = [...new Set([...(codes[status] ?? []), ...more])])
  if (route.permission !== 'public') add(401, 'unauthenticated')
  if (route.permission !== 'public') {
    const rule: { roles: unknown; scope?: string } = PERMISSIONS[route.permission]
    if (rule.roles !== '*' || rule.scope) add(403, 'forbidden')
  }
  // A malformed path parameter answers 404 where the route says what its id names (mount.ts), so only then not 400.
  if ((route.params && !route.notFound) || route.query || route.body) add(400, 'invalid_input')
  if (route.body || route.otherBodies) {
    add(400, 'invalid_json')
    add(413, 'too_large')
    add(415, 'unsupported_encoding')
  }
  if (route.notFound) add(404, 'not_found')
  // While the database is unreachable every route that reads or writes it answers 503 with Retry-After (api/errors.ts).
  if (!route.withoutDatabase) add(503, 'unavailable')
  for (const [status, more] of Object.entries(route.errors ?? {})) add(Number(status) as ErrorStatus, ...(more ?? []))
  return codes
}

/** Path parameters as OpenAPI writes them: /campaigns/:id → /campaigns/{id}. */
export const openApiPath = (path: string) => `/api${path.replace(/:(\w+)/g, '{$1}')}`

export function openApiDocument(areas: ContractAreas, info: { title: string; version: string; description?: string }) {
  const components: Record<string, JsonSchema> = {}
  let defs = 0
  // Each schema is converted on its own; its $defs (recursive or shared parts) move to components.
  const schema = (type: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(type, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema
    delete json.$schema
    const local = json.$defs as Record<string, JsonSchema> | undefined
    delete json.$defs
    if (!local) return json
    const names = Object.fromEntries(Object.keys(local).map((name) => [name, `S${++defs}`]))
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite)
      if (!value || typeof value !== 'object') return value
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) =>
          key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/') ? [key, `#/components/schemas/${names[inner.slice(8)]}`] : [key, rewrite(inner)],
        ),
      )
    }
    for (const [name, def] of Object.entries(local)) components[names[name]!] = rewrite(def) as JsonSchema
    return rewrite(json) as JsonSchema
  }
  const errorBody = (codes: string[]) => {
    const body = schema(apiErrorSchema, 'output') as { properties: { error: { properties: { code: JsonSchema } } } }
    body.properties.error.properties.code = { type: 'string', enum: codes }
    return body
  }

  const paths: Record<string, Record<string, unknown>> = {}
  for (const [area, routes] of Object.entries(areas)) {
    for (const [name, route] of Object.entries(routes)) {
      const parameters = [
        ...Object.entries(route.params?.shape ?? {}).map(([key, type]) => ({ name: key, in: 'path', required: true, schema: schema(type as z.ZodType, 'input') })),
        ...Object.entries(route.query?.shape ?? {}).map(([key, type]) => ({
          name: key,
          in: 'query',
          required: !(type as z.ZodType).safeParse(undefined).success,
          schema: schema(type as z.ZodType, 'input'),
        })),
        ...Object.entries(route.headers ?? {}).map(([key, header]) => ({ name: key, in: 'header', required: false, description: header.description, schema: schema(header.schema, 'input') })),
      ]
      const requestTypes = { ...(route.body ? { 'application/json': route.body } : {}), ...route.otherBodies }
      const responses: Record<string, unknown> = {}
      for (const [status, body] of Object.entries(route.responses)) {
        const type = route.responseTypes?.[Number(status)] ?? 'application/json'
        const also = Object.fromEntries(Object.entries(route.alsoAs?.[Number(status)] ?? {}).map(([other, otherBody]) => [other, { schema: schema(otherBody, 'output') }]))
        responses[status] = body ? { description: body.description ?? `HTTP ${status}`, content: { [type]: { schema: schema(body, 'output') }, ...also } } : { description: 'No content' }
      }
      for (const [status, codes] of Object.entries(errorCodes(route))) {
        const error = errorBody(codes!)
        const declared = route.responses[Number(status)]
        // A status that answers either a declared body or an error (a batch none of which was stored).
        const body = declared ? { anyOf: [schema(declared, 'output'), error] } : error
        responses[status] = { description: `${ERROR_TEXT[Number(status) as ErrorStatus]}: ${codes!.join(', ')}`, content: { 'application/json': { schema: body } } }
      }
      paths[openApiPath(route.path)] ??= {}
      paths[openApiPath(route.path)]![route.method] = {
        operationId: `${area}.${name}`,
        tags: [area],
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        ...(route.permission === 'public' ? { security: [] } : { 'x-permission': route.permission }),
        ...(parameters.length ? { parameters } : {}),
        ...(Object.keys(requestTypes).length
          ? { requestBody: { required: !route.body?.safeParse({}).success, content: Object.fromEntries(Object.entries(requestTypes).map(([type, body]) => [type, { schema: schema(body, 'input') }])) } }
          : {}),
        responses,
      }
    }
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ apiToken: [] }],
    paths,
    components: {
      securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'The API token `npm start` prints (or one minted with the CLI).' } },
      schemas: components,
    },
  }
}
