import type { RequestBody, ResponseBody } from '../../../api/contract/route'
import type { contacts } from '../../../api/contract/contacts'
import type { admin, people } from '../../../api/contract/people'
import type { system } from '../../../api/contract/system'
import { authHeaders } from '../auth'

// Signing in, the mailed links, workspaces, contacts and the admin pages: the designer's calls.

// Shapes come from the API's contract (api/contract/people.ts): a change on the server breaks these types.
export type Me = ResponseBody<typeof system.me, 200>
type LinkInfo = ResponseBody<typeof people.invitation, 200>
export type Workspaces = ResponseBody<typeof people.workspaces, 200>
export type AdminUser = ResponseBody<typeof admin.users, 200>['users'][number]
export type AdminKey = ResponseBody<typeof admin.apiKeys, 200>['keys'][number]
export type AuditEntry = ResponseBody<typeof admin.audit, 200>['entries'][number]
export type Invite = RequestBody<typeof admin.invite>
export type AdminWorkspace = ResponseBody<typeof admin.workspaces, 200>['workspaces'][number]
export type ContactDetail = ResponseBody<typeof contacts.open, 200>
export type ContactSummary = ResponseBody<typeof contacts.search, 200>['contacts'][number]

export class PeopleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

export async function request<T>(token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { ...authHeaders(token, method), ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await response.json().catch(() => null)) as { error?: { message?: string; field?: string } } | null
  if (!response.ok) throw new PeopleApiError(response.status, json?.error?.message ?? `${response.status}`, json?.error?.field)
  return json as T
}

export const peopleApi = (token: string | null) => ({
  me: () => request<Me>(token, 'GET', '/api/me'),
  setLocale: (locale: RequestBody<typeof people.changeMe>['locale']) => request<ResponseBody<typeof people.changeMe, 200>>(token, 'PATCH', '/api/me', { locale }),
  signIn: (email: string, password: string) => request<ResponseBody<typeof people.signIn, 200>>(null, 'POST', '/api/session', { email, password } satisfies RequestBody<typeof people.signIn>),
  signOut: (everywhere = false) => request<ResponseBody<typeof people.signOut, 200>>(token, 'POST', everywhere ? '/api/session/sign-out-everywhere' : '/api/session/sign-out'),
  requestReset: (email: string) => request<ResponseBody<typeof people.requestReset, 202>>(null, 'POST', '/api/password-reset', { email } satisfies RequestBody<typeof people.requestReset>),
  link: (kind: 'reset' | 'invitation', link: string) => request<LinkInfo>(null, 'GET', `/api/${kind === 'reset' ? 'password-reset' : 'invitations'}/${encodeURIComponent(link)}`),
  useLink: (kind: 'reset' | 'invitation', link: string, password: string, name?: string) =>
    request<ResponseBody<typeof people.acceptInvitation, 200>>(null, 'POST', `/api/${kind === 'reset' ? 'password-reset' : 'invitations'}/${encodeURIComponent(link)}`, {
      password,
      ...(name && { name }),
    } satisfies RequestBody<typeof people.acceptInvitation>),
  workspaces: () => request<Workspaces>(token, 'GET', '/api/workspaces'),
  switchWorkspace: (subsidiary: string | null) =>
    request<ResponseBody<typeof people.switchWorkspace, 200>>(token, 'POST', '/api/session/workspace', { subsidiary } satisfies RequestBody<typeof people.switchWorkspace>),
  contacts: (search: string) => request<{ contacts: ContactSummary[] }>(token, 'GET', `/api/contacts?limit=100&search=${encodeURIComponent(search)}`),
  contact: (id: string) => request<ContactDetail>(token, 'GET', `/api/contacts/${id}`),
  editContact: (id: string, change: Record<string, unknown>) => request<{ contact: ContactDetail['contact'] }>(token, 'PATCH', `/api/contacts/${id}`, change),
  users: () => request<ResponseBody<typeof admin.users, 200>>(token, 'GET', '/api/admin/users'),
  invite: (user: RequestBody<typeof admin.invite>) => request<ResponseBody<typeof admin.invite, 201>>(token, 'POST', '/api/admin/users', user),
  changeUser: (id: string, change: RequestBody<typeof admin.changeUser>) => request<ResponseBody<typeof admin.changeUser, 200>>(token, 'PATCH', `/api/admin/users/${id}`, change),
  keys: () => request<ResponseBody<typeof admin.apiKeys, 200>>(token, 'GET', '/api/admin/api-keys'),
  createKey: (key: RequestBody<typeof admin.createApiKey>) => request<ResponseBody<typeof admin.createApiKey, 201>>(token, 'POST', '/api/admin/api-keys', key),
  revokeKey: (id: string) => request<ResponseBody<typeof admin.revokeApiKey, 200>>(token, 'DELETE', `/api/admin/api-keys/${id}`),
  adminWorkspaces: () => request<ResponseBody<typeof admin.workspaces, 200>>(token, 'GET', '/api/admin/workspaces'),
  saveWorkspace: (code: string, name: string, poolAlias: RequestBody<typeof admin.saveWorkspace>['poolAlias']) =>
    request<ResponseBody<typeof admin.saveWorkspace, 200>>(token, 'PUT', `/api/admin/workspaces/${code}`, { name, poolAlias } satisfies RequestBody<typeof admin.saveWorkspace>),
  audit: () => request<ResponseBody<typeof admin.audit, 200>>(token, 'GET', '/api/admin/audit?limit=200'),
})

export type PeopleApi = ReturnType<typeof peopleApi>

export const ROLES = ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer'] as const

/** Which page the address asks for (?view=…). */
export const viewOf = (search: string) => new URLSearchParams(search).get('view')

/** "FR, IT" or "*" as typed in the admin forms. */
export const parseSubsidiaries = (text: string): '*' | string[] =>
  text.trim() === '*' ? '*' : text.split(/[\s,]+/).map((code) => code.trim().toUpperCase()).filter(Boolean)
