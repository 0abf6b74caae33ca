import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { permissionsMarkdown } from '../../api/permissions-doc'
import { roleMay } from '../../api/permissions'
import { permissionFor } from '../../api/route-permissions'

describe('the permission table', () => {
  it('is what docs/permissions.md documents (regenerate with `npx tsx api/permissions-doc.ts > docs/permissions.md`)', () => {
    expect(readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8')).toBe(permissionsMarkdown())
  })

  it('matches literal routes before parameter routes, and nothing it does not list', () => {
    expect(permissionFor('GET', '/leads/matrix')).toBe('reports.read')
    expect(permissionFor('GET', '/leads/export.csv')).toBe('leads.export')
    expect(permissionFor('GET', '/leads/0f9e')).toBe('leads.read')
    expect(permissionFor('HEAD', '/campaigns')).toBe('campaigns.read')
    expect(permissionFor('DELETE', '/campaigns')).toBeNull()
    expect(permissionFor('GET', '/campaigns/x/y/z')).toBeNull()
  })

  it('gives the viewer reports only, and admin functions to admins only', () => {
    expect(roleMay('viewer', 'reports.read')).toBe(true)
    expect(roleMay('viewer', 'contacts.read')).toBe(false)
    expect(roleMay('hq_marketer', 'admin.api_keys')).toBe(false)
    expect(roleMay('subsidiary_marketer', 'campaigns.author')).toBe(false)
    expect(roleMay('sales_rep', 'handovers.decide')).toBe(true)
  })
})
