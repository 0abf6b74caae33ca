import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import type { Caller, Role } from '../../api/auth'
import { API_CONTRACT } from '../../api/contract'
import { openApiDocument } from '../../api/contract/openapi'
import { may, mayEditTemplate, PERMISSIONS } from '../../api/permissions'

const generated = openApiDocument(API_CONTRACT, { title: 'test', version: '1' })
const document = () => generated
const who = (role: Role, subs: Caller['subs'] = '*'): Pick<Caller, 'role' | 'subs'> => ({ role, subs })

describe('the API contract as OpenAPI', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(document()) as never)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
  }, 60_000)

  it('names a permission from the table (or says it is public) on every operation, with unique operation ids', () => {
    const operations = Object.values(document().paths).flatMap((methods) => Object.values(methods)) as { operationId: string; security?: unknown[]; 'x-permission'?: string }[]
    expect(operations.length).toBeGreaterThan(5)
    for (const operation of operations) {
      if (operation.security?.length === 0) continue
      expect(Object.keys(PERMISSIONS), operation.operationId).toContain(operation['x-permission'])
    }
    expect(new Set(operations.map((operation) => operation.operationId)).size).toBe(operations.length)
  })

  it('declares every route once: no method and path twice, the people routes and sign-in among them', () => {
    const routes = Object.values(API_CONTRACT).flatMap((area) => Object.values(area).map((route) => `${route.method.toUpperCase()} ${route.path}`))
    expect(routes.filter((route, i) => routes.indexOf(route) !== i)).toEqual([])
    for (const route of ['POST /session', 'GET /invitations/:token', 'PATCH /me', 'GET /workspaces', 'POST /session/workspace', 'PUT /admin/workspaces/:code', 'GET /admin/audit']) expect(routes).toContain(route)
    // Sign-in answers a lock and a throttle with when to try again: part of the declared error body.
    const signIn = document().paths['/api/session']!.post as { responses: Record<string, unknown> }
    expect(Object.keys(signIn.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '423', '429']))
  })

  it('documents the refusals a route can give: 401 always, 403 when the permission is not everyone’s, the field at fault on 400', () => {
    const publish = document().paths['/api/campaigns/{id}/publish']!.post as { responses: Record<string, { content: { 'application/json': { schema: { properties: { error: { properties: { code: { enum: string[] } } } } } } } }> }
    const codes = (status: string) => publish.responses[status]!.content['application/json'].schema.properties.error.properties.code.enum
    expect(codes('401')).toEqual(['unauthenticated'])
    expect(codes('403')).toEqual(['forbidden'])
    expect(codes('404')).toEqual(['not_found'])
    // Its only input is the path's id, and a malformed id answers 404 (notFound), so 400 is only the graph's.
    expect(codes('400')).toEqual(['graph_invalid'])
  })
})

describe('the permission table', () => {
  it('lets HQ marketers author campaigns, and neither subsidiary marketers nor sales', () => {
    expect(may(who('hq_marketer'), 'campaigns.author')).toBe(true)
    expect(may(who('admin'), 'campaigns.author')).toBe(true)
    expect(may(who('subsidiary_marketer', ['FR']), 'campaigns.author')).toBe(false)
    expect(may(who('sales_rep'), 'campaigns.author')).toBe(false)
    expect(may(who('sales_rep', ['FR']), 'campaigns.read')).toBe(false)
    // HQ inside a workspace sees it as the subsidiary does: no HQ-wide authoring there.
    expect(may(who('hq_marketer', ['FR']), 'campaigns.author')).toBe(false)
  })

  it('keeps sales decisions to sales and a subsidiary marketer to their own derived template', () => {
    expect(may(who('sales_manager', ['DE']), 'handovers.decide')).toBe(true)
    expect(may(who('hq_marketer'), 'handovers.decide')).toBe(false)
    expect(mayEditTemplate(who('subsidiary_marketer', ['FR']), 'subsidiary', 'fr')).toBe(true)
    expect(mayEditTemplate(who('subsidiary_marketer', ['FR']), 'subsidiary', 'de')).toBe(false)
    expect(mayEditTemplate(who('subsidiary_marketer', ['FR']), 'mail', 'welcome')).toBe(false)
    expect(mayEditTemplate(who('sales_rep'), 'mail', 'welcome')).toBe(false)
  })
})

describe('the templates contract', () => {
  it('knows the same template kinds and URL segments as the server (kept apart so the contract runs in the browser)', async () => {
    const { TEMPLATE_KINDS, TEMPLATE_SEGMENTS } = await import('../../api/contract/templates')
    const server = await import('../../templates/template-set')
    const { KIND_BY_SEGMENT } = await import('../../api/template-access')
    expect([...TEMPLATE_KINDS]).toEqual([...server.TEMPLATE_KINDS])
    expect(Object.keys(KIND_BY_SEGMENT).sort()).toEqual([...TEMPLATE_SEGMENTS].sort())
  })
})
