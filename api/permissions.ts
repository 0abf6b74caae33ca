import { HQ_ROLES, ROLES, type Role } from '../people/roles'

// The one permission table. Every API route names a permission in its contract (api/contract/*.ts),
// where each route is declared once. Before any handler runs, the gate
// (api/route-permissions.ts requirePermission) asks the table for the caller's role; the contract's route
// helper asks `may` again with the scope rule. The finer rules that depend on the data (which subsidiary a
// contact or template belongs to, a sales rep's own leads) are the functions at the end and the handlers.
// docs/permissions.md is this table in words (generated: api/permissions-doc.ts); a test walks every
// role × route pair of the app against it.

export { HQ_ROLES, ROLES, type Role }

/** What the table asks of a caller (api/auth.ts Caller has both): the role, and the subsidiaries seen or '*'. */
interface Caller {
  role: Role
  subs: readonly string[] | '*'
}

interface Rule {
  /** The roles that may, or '*' for every signed-in caller. */
  roles: readonly Role[] | '*'
  /** 'hq': only callers who see every subsidiary (HQ outside a workspace). */
  scope?: 'hq'
  /** What the permission allows, in words (docs and refusals). */
  what: string
}

const MARKETING = ['admin', 'hq_marketer', 'subsidiary_marketer'] as const
const HQ_MARKETING = ['admin', 'hq_marketer'] as const
const SALES = ['admin', 'sales_manager', 'sales_rep'] as const
const WORKS_WITH_CONTACTS = ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep'] as const

export const PERMISSIONS = {
  'me.read': { roles: '*', what: 'see who you are, choose your language, sign out, switch workspace (within your subsidiaries)' },
  'workspaces.read': { roles: '*', what: 'list the workspaces you may work in' },
  'campaigns.read': { roles: MARKETING, what: 'list campaigns and their versions' },
  'campaigns.author': { roles: HQ_MARKETING, scope: 'hq', what: 'create, edit, publish, pause, resume and stop campaigns' },
  'campaigns.simulate': { roles: MARKETING, what: 'simulate a campaign for a contact of your pool' },
  'enrolments.read': { roles: MARKETING, what: 'see who is where in a campaign' },
  'enrolments.enrol': { roles: MARKETING, what: 'enrol contacts of your pool into a live campaign' },
  'events.send': { roles: MARKETING, what: 'post events (website, ERP, forms)' },
  'contacts.read': { roles: WORKS_WITH_CONTACTS, what: 'search and open contacts of your pool' },
  'contacts.write': { roles: MARKETING, what: 'edit contacts of your pool (the one global record)' },
  'contacts.export': { roles: ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager'], what: 'export a contact\'s personal data (GDPR)' },
  'contacts.erase': { roles: MARKETING, what: 'erase a contact (GDPR)' },
  'consent.read': { roles: ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager'], what: 'read a contact\'s consent proof' },
  'segments.read': { roles: MARKETING, what: 'list segments and count their members in your pool' },
  'segments.author': { roles: HQ_MARKETING, scope: 'hq', what: 'create, change and delete segments' },
  'personas.read': { roles: [...MARKETING, 'sales_manager'], what: 'list personas' },
  'personas.author': { roles: HQ_MARKETING, scope: 'hq', what: 'create and change personas' },
  'scoring.read': { roles: [...MARKETING, 'sales_manager'], what: 'read the scoring model and rescore jobs' },
  'scoring.author': { roles: HQ_MARKETING, scope: 'hq', what: 'change the scoring model' },
  'reports.read': { roles: ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'viewer'], what: 'the scoring matrix and other reports' },
  'leads.read': { roles: WORKS_WITH_CONTACTS, what: 'list leads and a lead\'s scores (sales reps: their own)' },
  'leads.export': { roles: [...MARKETING, 'sales_manager'], what: 'export a cell\'s leads as CSV' },
  'leads.stage': { roles: SALES, what: 'record later sales stages (sales reps: their own leads)' },
  'handovers.read': { roles: [...SALES, 'hq_marketer'], what: 'list handovers (sales reps: their own)' },
  'handovers.decide': { roles: SALES, what: 'accept or reject a handover' },
  // Managers and viewers too: the reports' click map shows the mail as rendered.
  'templates.read': { roles: [...MARKETING, 'sales_manager', 'viewer'], what: 'read templates, previews and missing translations' },
  // Which templates: every one for HQ, a subsidiary's own derived template for its marketers (mayEditTemplate).
  'templates.edit': { roles: MARKETING, what: 'edit templates (subsidiary marketers: their derived template)' },
  'templates.test-send': { roles: MARKETING, what: 'send a template test mail' },
  'forms.manage': { roles: MARKETING, what: 'list, create and change forms of your subsidiaries' },
  'consent-texts.read': { roles: MARKETING, what: 'read consent texts' },
  // Texts are shared by every subsidiary's forms, so only someone who sees them all writes a new version.
  'consent-texts.write': { roles: HQ_MARKETING, scope: 'hq', what: 'add consent text versions (every subsidiary\'s forms show them)' },
  'admin.users': { roles: ['admin'], what: 'invite users, change their role, subsidiaries and status' },
  'admin.api_keys': { roles: ['admin'], what: 'create and revoke API keys' },
  'admin.workspaces': { roles: ['admin'], what: 'change a workspace\'s pool alias' },
  'admin.audit': { roles: ['admin'], what: 'read the audit log' },
  // The CRM connection holds credentials to the customer base: HQ admins only (issue 12).
  'crm.connection': { roles: ['admin'], scope: 'hq', what: 'configure the CRM connection' },
  'crm.sync': { roles: MARKETING, what: 'start a CRM sync or resolve its conflicts' },
  'crm.read': { roles: [...MARKETING, 'sales_manager'], what: 'read CRM sync runs and conflicts' },
  'contacts.import': { roles: MARKETING, what: 'import contacts' },
  'contacts.merge': { roles: MARKETING, what: 'merge or dismiss duplicate contacts' },
  // Mailings (api/mailings.ts): which ones is the data's rule, the caller must see the mailing's subsidiary
  // (HQ every one, a subsidiary's marketer their workspace's). Sales and viewers have no mailing rights.
  'mailings.read': { roles: MARKETING, what: 'read mailings of your subsidiaries, preview them and follow their progress' },
  'mailings.write': { roles: MARKETING, what: 'compose, translate and test-send mailings of your subsidiaries' },
  'mailings.send': { roles: MARKETING, what: 'schedule, pause, resume and cancel mailings of your subsidiaries' },
  // HQ may require its approval before a subsidiary's mailing goes out (accounts.mailing_approval_required).
  'mailings.approve': { roles: HQ_MARKETING, scope: 'hq', what: 'approve a subsidiary\'s mailing' },
  // Reporting (api/reports.ts, api/costs.ts, api/opportunities.ts): figures are narrowed to the caller's subsidiaries.
  'reports.pipeline': { roles: ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer'], what: 'read the sales pipeline (sales reps: their own)' },
  'costs.write': { roles: ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager'], what: 'enter and import campaign costs' },
  'budgets.write': { roles: ['admin', 'hq_marketer', 'sales_manager'], scope: 'hq', what: 'set budgets' },
  'opportunities.write': { roles: SALES, what: 'record and import deals' },
  // A change re-attributes every won deal of the account, so only someone who sees every subsidiary.
  'attribution.configure': { roles: ['admin', 'hq_marketer', 'sales_manager'], scope: 'hq', what: 'change attribution settings and production costs' },
  // Trade fairs (issue 17): reps at the stand read the day's visitors and sync what they capture.
  'fairs.read': { roles: WORKS_WITH_CONTACTS, what: 'list fairs and a day at the stand with its visitors (sales reps: fairs they are on duty at)' },
  'fairs.capture': { roles: WORKS_WITH_CONTACTS, what: 'sync visitors captured at the stand (notes, rating, consent)' },
  'fairs.invite': { roles: MARKETING, what: 'make signed booking links for fair invitations and link campaigns to the fair they invite to' },
} as const satisfies Record<string, Rule>

export type Permission = keyof typeof PERMISSIONS

/** Whether the role holds the permission at all (the gate in front of every route asks this). */
export function roleMay(role: Role, permission: Permission): boolean {
  const rule: Rule = PERMISSIONS[permission]
  return rule.roles === '*' || rule.roles.includes(role)
}

/** Whether the caller's role and scope allow the permission; the data-dependent rules are below. */
export function may(who: Pick<Caller, 'role' | 'subs'>, permission: Permission): boolean {
  const rule: Rule = PERMISSIONS[permission]
  return roleMay(who.role, permission) && (rule.scope !== 'hq' || who.subs === '*')
}

export const refusal = (permission: Permission): string => {
  const rule: Rule = PERMISSIONS[permission]
  return `you may not ${rule.what}${rule.scope === 'hq' ? ' (HQ, outside a workspace, only)' : ''}`
}

/** A subsidiary's data (contacts, forms, enrolments) is visible to HQ and to callers of that subsidiary. */
export const seesSubsidiary = (who: Pick<Caller, 'subs'>, code: string) => who.subs === '*' || who.subs.includes(code)

/** HQ-wide work (authoring and publishing campaigns) needs an HQ marketer or admin who sees every subsidiary. */
export const authorsCampaigns = (who: Pick<Caller, 'role' | 'subs'>) => may(who, 'campaigns.author')

/**
 * Saving a template version: HQ marketers everything; a subsidiary's marketer only that subsidiary's
 * derived template (its overrides), never the master, mails, blocks or locale strings shared by all.
 */
export function mayEditTemplate(who: Pick<Caller, 'role' | 'subs'>, kind: string, key: string): boolean {
  if (!may(who, 'templates.edit')) return false
  if (who.subs === '*') return true
  return kind === 'subsidiary' && seesSubsidiary(who, key.toUpperCase())
}
