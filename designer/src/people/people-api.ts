import type { ResponseBody } from '../../../api/contract/route'
import type { contacts } from '../../../api/contract/contacts'
import type { system } from '../../../api/contract/system'
import { authHeaders } from '../auth'

// Signing in, the mailed links, workspaces, contacts and the admin pages: the designer's calls.

export type Me = ResponseBody<typeof system.me, 200>
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
  setLocale: (locale: string | null) => request<Me>(token, 'PATCH', '/api/me', { locale }),
  signIn: (email: string, password: string) => request<Me>(null, 'POST', '/api/session', { email, password }),
  signOut: (everywhere = false) => request(token, 'POST', everywhere ? '/api/session/sign-out-everywhere' : '/api/session/sign-out'),
  requestReset: (email: string) => request(null, 'POST', '/api/password-reset', { email }),
  link: (kind: 'reset' | 'invitation', link: string) =>
    request<{ email: string; name: string; locale: string | null; expiresAt: string }>(null, 'GET', `/api/${kind === 'reset' ? 'password-reset' : 'invitations'}/${encodeURIComponent(link)}`),
  useLink: (kind: 'reset' | 'invitation', link: string, password: string, name?: string) =>
    request<Me>(null, 'POST', `/api/${kind === 'reset' ? 'password-reset' : 'invitations'}/${encodeURIComponent(link)}`, { password, ...(name && { name }) }),
  workspaces: () => request<{ current: string | null; mayLeave: boolean; workspaces: { subsidiary: string; name: string }[] }>(token, 'GET', '/api/workspaces'),
  switchWorkspace: (subsidiary: string | null) => request(token, 'POST', '/api/session/workspace', { subsidiary }),
  contacts: (search: string) => request<{ contacts: ContactSummary[] }>(token, 'GET', `/api/contacts?limit=100&search=${encodeURIComponent(search)}`),
  contact: (id: string) => request<ContactDetail>(token, 'GET', `/api/contacts/${id}`),
  editContact: (id: string, change: Record<string, unknown>) => request<{ contact: ContactDetail['contact'] }>(token, 'PATCH', `/api/contacts/${id}`, change),
  users: () => request<{ users: AdminUser[] }>(token, 'GET', '/api/admin/users'),
  invite: (user: { email: string; name: string; role: string; subsidiaries: '*' | string[]; locale: string | null }) => request(token, 'POST', '/api/admin/users', user),
  changeUser: (id: string, change: Record<string, unknown>) => request(token, 'PATCH', `/api/admin/users/${id}`, change),
  keys: () => request<{ keys: AdminKey[] }>(token, 'GET', '/api/admin/api-keys'),
  createKey: (key: { name: string; role: string; subsidiaries: '*' | string[] }) => request<{ key: string }>(token, 'POST', '/api/admin/api-keys', key),
  revokeKey: (id: string) => request(token, 'DELETE', `/api/admin/api-keys/${id}`),
  adminWorkspaces: () => request<{ workspaces: { subsidiary: string; name: string; poolAlias: unknown; updatedBy: string }[] }>(token, 'GET', '/api/admin/workspaces'),
  saveWorkspace: (code: string, name: string, poolAlias: unknown) => request(token, 'PUT', `/api/admin/workspaces/${code}`, { name, poolAlias }),
  audit: () => request<{ entries: AuditEntry[] }>(token, 'GET', '/api/admin/audit?limit=200'),
})

export type PeopleApi = ReturnType<typeof peopleApi>

export interface AdminUser {
  id: string
  email: string
  name: string
  role: string
  subsidiaries: '*' | string[]
  locale: string | null
  status: string
  lockedUntil: string | null
}

export interface AdminKey {
  id: string
  name: string
  prefix: string
  role: string
  subsidiaries: '*' | string[]
  createdBy: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export interface AuditEntry {
  id: string
  at: string
  actor: string
  actorName: string | null
  workspace: string | null
  action: string
  target: string | null
}

export const ROLES = ['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer'] as const

/** Which page the address asks for (?view=…). */
export const viewOf = (search: string) => new URLSearchParams(search).get('view')

/** "FR, IT" or "*" as typed in the admin forms. */
export const parseSubsidiaries = (text: string): '*' | string[] =>
  text.trim() === '*' ? '*' : text.split(/[\s,]+/).map((code) => code.trim().toUpperCase()).filter(Boolean)
