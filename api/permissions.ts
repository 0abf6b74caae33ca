import type { NextFunction, Request, Response } from 'express'
import { send } from './errors'

// The one permission table: which role may do what, and which permission each API route asks. Every
// /api route goes through `requirePermission` (api/app.ts) before its handler; handlers then narrow to
// the caller's subsidiaries or workspace (a subsidiary marketer may ask for a campaign list, but sees only
// what concerns her). docs/permissions.md is this table in words; test/integration/permissions walks
// every role × route pair against it, and fails on a route without a row.

export const ROLES = ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** Roles that work for every subsidiary unless told otherwise (HQ people). */
export const HQ_ROLES: readonly Role[] = ['admin', 'hq_marketer']

const ALL: readonly Role[] = ROLES
const MARKETING: readonly Role[] = ['admin', 'hq_marketer', 'subsidiary_marketer']
const HQ_MARKETING: readonly Role[] = ['admin', 'hq_marketer']
const SALES: readonly Role[] = ['admin', 'sales_manager', 'sales_rep']
const LEADS: readonly Role[] = ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep']
const PERSONAL_DATA: readonly Role[] = ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager']
const ADMIN: readonly Role[] = ['admin']

/** What each permission is, and who holds it. */
export const PERMISSIONS = {
  signed_in: { roles: ALL, what: 'see who you are, your language, sign out, switch workspace (within your subsidiaries)' },
  'campaigns.read': { roles: MARKETING, what: 'list campaigns, their versions, steps and enrolments' },
  'campaigns.author': { roles: HQ_MARKETING, what: 'create, edit, publish, pause, resume and stop campaigns' },
  'campaigns.simulate': { roles: MARKETING, what: 'simulate a campaign for a contact of your pool' },
  'enrolments.write': { roles: MARKETING, what: 'enrol contacts of your pool into a live campaign' },
  'templates.read': { roles: MARKETING, what: 'read templates, previews and missing translations' },
  'templates.write': { roles: MARKETING, what: 'edit templates: HQ all, subsidiary marketers their derived templates' },
  'templates.test_send': { roles: MARKETING, what: 'send a template test mail' },
  'segments.read': { roles: MARKETING, what: 'list segments and count their members in your pool' },
  'segments.write': { roles: HQ_MARKETING, what: 'create, change and delete segments' },
  'personas.read': { roles: [...MARKETING, 'sales_manager'], what: 'list personas' },
  'personas.write': { roles: HQ_MARKETING, what: 'create and change personas' },
  'scoring.read': { roles: [...MARKETING, 'sales_manager'], what: 'read the scoring model and rescore jobs' },
  'scoring.write': { roles: HQ_MARKETING, what: 'change the scoring model' },
  'reports.read': { roles: [...HQ_MARKETING, 'subsidiary_marketer', 'sales_manager', 'viewer'], what: 'the scoring matrix and other reports' },
  'leads.read': { roles: LEADS, what: 'list leads and a lead\'s scores (sales reps: their own)' },
  'leads.export': { roles: [...MARKETING, 'sales_manager'], what: 'export a cell\'s leads as CSV' },
  'leads.stage': { roles: SALES, what: 'move a lead to a later sales stage' },
  'handovers.read': { roles: [...SALES, 'hq_marketer'], what: 'list handovers (sales reps: their own)' },
  'handovers.decide': { roles: SALES, what: 'accept or reject a handover' },
  'contacts.read': { roles: LEADS, what: 'search and open contacts of your pool' },
  'contacts.write': { roles: MARKETING, what: 'edit contacts of your pool (the one global record)' },
  'contacts.personal_data': { roles: PERSONAL_DATA, what: 'consent proof and GDPR export of a contact' },
  'contacts.erase': { roles: MARKETING, what: 'erase a contact (GDPR)' },
  'events.write': { roles: MARKETING, what: 'post events (website, ERP, forms)' },
  'forms.read': { roles: MARKETING, what: 'list and open forms' },
  'forms.write': { roles: MARKETING, what: 'create and change forms of your subsidiaries' },
  'consent_texts.read': { roles: MARKETING, what: 'read consent texts' },
  'consent_texts.write': { roles: HQ_MARKETING, what: 'change consent texts' },
  'workspaces.read': { roles: ALL, what: 'list the workspaces you may work in' },
  'admin.users': { roles: ADMIN, what: 'invite users, change roles, subsidiaries and status' },
  'admin.api_keys': { roles: ADMIN, what: 'create and revoke API keys' },
  'admin.workspaces': { roles: ADMIN, what: 'change a workspace\'s pool alias' },
  'admin.audit': { roles: ADMIN, what: 'read the audit log' },
} as const satisfies Record<string, { roles: readonly Role[]; what: string }>

export type Permission = keyof typeof PERMISSIONS

/** Route (method and path under /api, as registered) → the permission it asks. */
export const ROUTE_PERMISSIONS: Record<string, Permission> = {
  'GET /me': 'signed_in',
  'PATCH /me': 'signed_in',
  'GET /workspaces': 'workspaces.read',
  'POST /session/workspace': 'signed_in',
  'POST /session/sign-out': 'signed_in',
  'POST /session/sign-out-everywhere': 'signed_in',
  'POST /events': 'events.write',
  'GET /campaigns': 'campaigns.read',
  'POST /campaigns': 'campaigns.author',
  'GET /campaigns/:id': 'campaigns.read',
  'PUT /campaigns/:id/draft': 'campaigns.author',
  'POST /campaigns/:id/publish': 'campaigns.author',
  'POST /campaigns/:id/pause': 'campaigns.author',
  'POST /campaigns/:id/resume': 'campaigns.author',
  'POST /campaigns/:id/stop': 'campaigns.author',
  'GET /campaigns/:id/versions/:version': 'campaigns.read',
  'GET /campaigns/:id/steps': 'campaigns.read',
  'GET /campaigns/:id/enrolments': 'campaigns.read',
  'POST /campaigns/:id/enrolments': 'enrolments.write',
  'GET /enrolment-jobs/:id': 'enrolments.write',
  'GET /enrolments/:id': 'campaigns.read',
  'POST /campaigns/:id/simulate': 'campaigns.simulate',
  'GET /templates': 'templates.read',
  'GET /templates/overview': 'templates.read',
  'GET /templates/translations/missing': 'templates.read',
  'GET /templates/:kind/:key': 'templates.read',
  'GET /templates/:kind/:key/versions/:version': 'templates.read',
  'PUT /templates/:kind/:key': 'templates.write',
  'POST /templates/preview': 'templates.read',
  'POST /templates/test-send': 'templates.test_send',
  'POST /templates/subsidiaries/:code/prefill': 'templates.write',
  'GET /link-tags': 'templates.read',
  'GET /segments': 'segments.read',
  'POST /segments': 'segments.write',
  'GET /segments/:id': 'segments.read',
  'PUT /segments/:id': 'segments.write',
  'DELETE /segments/:id': 'segments.write',
  'GET /segments/:id/count': 'segments.read',
  'GET /personas': 'personas.read',
  'POST /personas': 'personas.write',
  'PUT /personas/:slug': 'personas.write',
  'GET /scoring/model': 'scoring.read',
  'PUT /scoring/model': 'scoring.write',
  'GET /scoring/jobs/:id': 'scoring.read',
  'GET /leads/matrix': 'reports.read',
  'GET /leads': 'leads.read',
  'GET /leads/export.csv': 'leads.export',
  'GET /leads/:contactId': 'leads.read',
  'POST /leads/:contactId/stage': 'leads.stage',
  'GET /handovers': 'handovers.read',
  'GET /handovers/:id': 'handovers.read',
  'POST /handovers/:id/accept': 'handovers.decide',
  'POST /handovers/:id/reject': 'handovers.decide',
  'GET /contacts': 'contacts.read',
  'GET /contacts/:id': 'contacts.read',
  'PATCH /contacts/:id': 'contacts.write',
  'GET /contacts/:id/consent': 'contacts.personal_data',
  'GET /contacts/:id/export': 'contacts.personal_data',
  'POST /contacts/:id/erase': 'contacts.erase',
  'GET /forms': 'forms.read',
  'POST /forms': 'forms.write',
  'GET /forms/:id': 'forms.read',
  'PATCH /forms/:id': 'forms.write',
  'GET /consent-texts': 'consent_texts.read',
  'POST /consent-texts': 'consent_texts.write',
  'PUT /consent-texts': 'consent_texts.write',
  'PATCH /consent-texts': 'consent_texts.write',
  'DELETE /consent-texts': 'consent_texts.write',
  'GET /admin/users': 'admin.users',
  'POST /admin/users': 'admin.users',
  'PATCH /admin/users/:id': 'admin.users',
  'POST /admin/users/:id/invitation': 'admin.users',
  'GET /admin/api-keys': 'admin.api_keys',
  'POST /admin/api-keys': 'admin.api_keys',
  'DELETE /admin/api-keys/:id': 'admin.api_keys',
  'GET /admin/workspaces': 'admin.workspaces',
  'PUT /admin/workspaces/:code': 'admin.workspaces',
  'GET /admin/audit': 'admin.audit',
}

export function roleMay(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role)
}

export const may = (who: { role: Role }, permission: Permission) => roleMay(who.role, permission)

// Literal segments beat parameters ("/leads/matrix" before "/leads/:contactId"), as express's
// registration order does for these routes.
const compiled = Object.entries(ROUTE_PERMISSIONS)
  .map(([route, permission]) => {
    const [method, path] = route.split(' ') as [string, string]
    const pattern = new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/:[A-Za-z]+/g, '[^/]+')}/?$`)
    return { method, pattern, permission, params: (path.match(/:/g) ?? []).length }
  })
  .sort((a, b) => a.params - b.params)

/** The permission a request under /api asks, or null when no route of the table matches. */
export function permissionFor(method: string, path: string): Permission | null {
  const verb = method === 'HEAD' ? 'GET' : method
  return compiled.find((route) => route.method === verb && route.pattern.test(path))?.permission ?? null
}

/**
 * The gate in front of every API route (after the caller is known). Deny by default: a path the table
 * does not know is answered 404 like a missing route. A refusal names the permission it lacked.
 */
export function requirePermission() {
  return (req: Request, res: Response, next: NextFunction) => {
    const permission = permissionFor(req.method, req.path)
    if (!permission) return send(res, { status: 404, code: 'not_found', message: 'no such API route' })
    const role = req.caller?.role
    if (!role || !roleMay(role, permission)) {
      return send(res, { status: 403, code: 'forbidden', permission, message: `your role (${role}) may not ${PERMISSIONS[permission].what} (${permission})` })
    }
    next()
  }
}
