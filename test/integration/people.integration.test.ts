import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PASSWORD } from '../../server/seed-people'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Users, sessions and API keys against the real app, Postgres and the SMTP sink: sign-in, lockout,
// CSRF, expiry, sign-out everywhere, the mailed reset and invitation links, and key revocation.

let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false, env: { SIGN_IN_MAX_FAILURES: '3', SIGN_IN_LOCK: '10m' } })
}, 120_000)
afterAll(() => system?.stop())

const ADMIN = 'admin@kessler-hydraulik.example'
const SOPHIE = 'sophie.marchand@fr.kessler-hydraulik.example'

async function call(path: string, init: { method?: string; body?: unknown; cookie?: string; csrf?: string; origin?: string; bearer?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (init.cookie) headers.cookie = init.cookie
  if (init.csrf) headers['x-csrf-token'] = init.csrf
  if (init.origin) headers.origin = init.origin
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`
  const response = await fetch(system.url + path, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) })
  const text = await response.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: response.status, body, headers: response.headers }
}

const linkIn = (text: string) => /#link=([\w.-]+)/.exec(text)![1]!

describe('signing in', () => {
  it('sets an HttpOnly SameSite session cookie, never stores the password or the token in clear, and /me names the user', async () => {
    const response = await call('/api/session', { body: { email: 'Katrin.Weiss@kessler-hydraulik.example', password: DEMO_PASSWORD } })
    expect(response.status).toBe(200)
    const cookies = response.headers.getSetCookie()
    const session = cookies.find((c) => c.startsWith('kessler_session='))!
    expect(session).toMatch(/HttpOnly/)
    expect(session).toMatch(/SameSite=Lax/)
    // Plain http on localhost: the one place Secure is left off (browsers would drop the cookie).
    expect(session).not.toMatch(/Secure/)
    const token = session.split(';')[0]!.split('=')[1]!
    const [stored] = await system.sql`select token_hash from sessions order by created_at desc limit 1`
    expect(stored!.token_hash).not.toBe(token)
    const [user] = await system.sql`select password_hash from users where email = 'katrin.weiss@kessler-hydraulik.example'`
    expect(user!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/)
    const me = await call('/api/me', { cookie: cookies.map((c) => c.split(';')[0]).join('; ') })
    expect(me.body).toMatchObject({ user: 'katrin.weiss@kessler-hydraulik.example', name: 'Katrin Weiß', role: 'hq_marketer', subsidiaries: '*', via: 'session' })
  })

  it('answers a wrong password without saying whether the address exists, and locks the address after 3 failures with a clear message', async () => {
    const unknown = await call('/api/session', { body: { email: 'nobody@example.com', password: 'whatever-123' } })
    const wrong = await call('/api/session', { body: { email: 'viktor.brandt@kessler-hydraulik.example', password: 'whatever-123' } })
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'wrong_credentials' } } })
    expect(wrong.body).toEqual(unknown.body)
    await call('/api/session', { body: { email: 'viktor.brandt@kessler-hydraulik.example', password: 'whatever-124' } })
    const third = await call('/api/session', { body: { email: 'viktor.brandt@kessler-hydraulik.example', password: 'whatever-125' } })
    expect(third.status).toBe(423)
    expect(third.body.error.message).toMatch(/too many failed sign-ins: this address is locked until \d\d:\d\d UTC; try again then, or reset your password/)
    // Locked means locked: even the right password waits.
    const right = await call('/api/session', { body: { email: 'viktor.brandt@kessler-hydraulik.example', password: DEMO_PASSWORD } })
    expect(right.status).toBe(423)
    const audit = await system.sql`select action from audit_log where actor = 'viktor.brandt@kessler-hydraulik.example' order by id`
    expect(audit.map((r) => r.action)).toEqual(['session.sign_in_failed', 'session.sign_in_failed', 'session.locked', 'session.refused_locked'])
  })

  it('refuses cookie-authenticated writes without the CSRF token or from another origin; API keys need none', async () => {
    const { cookie, csrf } = await system.signIn(SOPHIE)
    const body = { locale: 'fr' }
    expect((await call('/api/me', { method: 'PATCH', body, cookie })).body.error).toMatchObject({ code: 'csrf', field: 'X-CSRF-Token' })
    expect((await call('/api/me', { method: 'PATCH', body, cookie, csrf: 'forged' })).status).toBe(403)
    expect((await call('/api/me', { method: 'PATCH', body, cookie, csrf, origin: 'https://evil.example' })).body.error).toMatchObject({ code: 'csrf', field: 'Origin' })
    expect((await call('/api/me', { method: 'PATCH', body, cookie, csrf, origin: system.url })).status).toBe(200)
    // Reads need no token.
    expect((await call('/api/contacts', { cookie })).status).toBe(200)
  })

  it('ends a session after the idle limit and at its absolute expiry, and signs out everywhere', async () => {
    const first = await system.signIn(SOPHIE)
    const second = await system.signIn(SOPHIE)
    expect((await call('/api/me', { cookie: first.cookie })).status).toBe(200)
    await system.sql`update sessions set last_seen_at = now() - interval '3 hours' where user_id = (select id from users where email = ${SOPHIE}) and revoked_at is null and created_at = (select max(created_at) from sessions)`
    expect((await call('/api/me', { cookie: second.cookie })).body.error.code).toBe('session_expired')
    const third = await system.signIn(SOPHIE)
    await system.sql`update sessions set expires_at = now() - interval '1 second' where created_at = (select max(created_at) from sessions)`
    expect((await call('/api/me', { cookie: third.cookie })).status).toBe(401)

    const fourth = await system.signIn(SOPHIE)
    const out = await call('/api/session/sign-out-everywhere', { method: 'POST', cookie: fourth.cookie, csrf: fourth.csrf })
    expect(out.status).toBe(200)
    expect(out.headers.getSetCookie().join('\n')).toMatch(/kessler_session=; Path=\/; Max-Age=0/)
    expect((await call('/api/me', { cookie: first.cookie })).status).toBe(401)
    expect((await call('/api/me', { cookie: fourth.cookie })).status).toBe(401)
  })
})

describe('mailed links', () => {
  it('resets a password through the signed link in the mail: once, and the old password and sessions stop working', async () => {
    const email = 'giorgia.ferri@it.kessler-hydraulik.example'
    const before = await system.signIn(email)
    expect((await call('/api/password-reset', { body: { email: 'nobody@example.com' } })).status).toBe(202)
    expect((await call('/api/password-reset', { body: { email } })).status).toBe(202)
    const [mail] = await system.sink!.waitFor((m) => m.to.includes(email), 1, 10_000)
    // In Giorgia's language.
    expect(mail!.subject).toBe('Kessler Campaigns: reimpostare la password')
    const token = linkIn(mail!.text)
    expect((await call(`/api/password-reset/${token.slice(0, -2)}xx`, { body: { password: 'nuova-password-42' } })).status).toBe(410)
    expect((await call(`/api/password-reset/${token}`, { body: { password: 'short' } })).body.error).toMatchObject({ field: 'password', message: 'password: at least 10 characters' })
    const reset = await call(`/api/password-reset/${token}`, { body: { password: 'nuova-password-42' } })
    expect(reset.status).toBe(200)
    expect((await call(`/api/password-reset/${token}`, { body: { password: 'again-password-43' } })).status).toBe(410)
    expect((await call('/api/me', { cookie: before.cookie })).status).toBe(401)
    expect((await call('/api/session', { body: { email, password: DEMO_PASSWORD } })).status).toBe(401)
    expect((await call('/api/session', { body: { email, password: 'nuova-password-42' } })).status).toBe(200)
  })

  it('an admin invites a user; the mail link sets the password and signs her in with the role and subsidiaries given', async () => {
    const admin = await system.signIn(ADMIN)
    const invited = await call('/api/admin/users', {
      cookie: admin.cookie,
      csrf: admin.csrf,
      body: { email: 'ines.roux@fr.kessler-hydraulik.example', name: 'Inès Roux', role: 'sales_rep', subsidiaries: ['FR'], locale: 'fr' },
    })
    expect(invited.status).toBe(201)
    expect((await call('/api/admin/users', { cookie: admin.cookie, csrf: admin.csrf, body: { email: 'x@example.com', name: 'X', role: 'sales_rep', subsidiaries: '*' } })).body.error.field).toBe('subsidiaries')
    const [mail] = await system.sink!.waitFor((m) => m.to.includes('ines.roux@fr.kessler-hydraulik.example'), 1, 10_000)
    expect(mail!.subject).toBe('Invitation à Kessler Campaigns')
    expect(mail!.text).toContain('Andrea Albrecht vous invite')
    // Not before accepting.
    expect((await call('/api/session', { body: { email: 'ines.roux@fr.kessler-hydraulik.example', password: 'anything-at-all' } })).status).toBe(401)
    const token = linkIn(mail!.text)
    expect((await call(`/api/invitations/${token}`)).body).toMatchObject({ email: 'ines.roux@fr.kessler-hydraulik.example', name: 'Inès Roux' })
    const accepted = await call(`/api/invitations/${token}`, { body: { password: 'mot-de-passe-solide' } })
    expect(accepted.body).toMatchObject({ role: 'sales_rep', subsidiaries: ['FR'] })
    expect((await call(`/api/invitations/${token}`, { body: { password: 'mot-de-passe-solide' } })).status).toBe(410)
    const audit = await call('/api/admin/audit?action=user.', { cookie: admin.cookie })
    expect(audit.body.entries[0]).toMatchObject({ actor: ADMIN, action: 'user.invited', target: 'ines.roux@fr.kessler-hydraulik.example' })
  })
})

describe('API keys', () => {
  it('shows a key once, stores its hash, records its last use, and refuses it as soon as an admin revokes it', async () => {
    const admin = await system.signIn(ADMIN)
    const created = await call('/api/admin/api-keys', { cookie: admin.cookie, csrf: admin.csrf, body: { name: 'ERP import', role: 'hq_marketer', subsidiaries: '*' } })
    expect(created.status).toBe(201)
    const key: string = created.body.key
    expect(key).toMatch(/^kc_/)
    const [row] = await system.sql`select key_hash from api_keys where id = ${created.body.apiKey.id}`
    expect(row!.key_hash).not.toContain(key.slice(3))
    const listed = await call('/api/admin/api-keys', { cookie: admin.cookie })
    expect(JSON.stringify(listed.body)).not.toContain(key)

    expect((await call('/api/campaigns', { bearer: key })).status).toBe(200)
    const used = (await call('/api/admin/api-keys', { cookie: admin.cookie })).body.keys.find((k: any) => k.id === created.body.apiKey.id)
    expect(used.lastUsedAt).not.toBeNull()

    expect((await call(`/api/admin/api-keys/${created.body.apiKey.id}`, { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf })).status).toBe(200)
    const refused = await call('/api/campaigns', { bearer: key })
    expect(refused.status).toBe(401)
    expect(refused.body.error.message).toBe('Authorization: the API key is unknown or has been revoked')
    const audit = (await call('/api/admin/audit?action=api_key.', { cookie: admin.cookie })).body.entries.map((e: any) => e.action)
    expect(audit).toEqual(['api_key.revoked', 'api_key.created'])
  })

  it('refuses a revoked key on the events API at once, though the events API keeps the keys it saw recently', async () => {
    const admin = await system.signIn(ADMIN)
    const created = await call('/api/admin/api-keys', { cookie: admin.cookie, csrf: admin.csrf, body: { name: 'Web shop', role: 'hq_marketer', subsidiaries: '*' } })
    const key: string = created.body.key
    const event = (n: number) => ({ id: `revoked-key-${n}`, type: 'visit', contact: { email: 'revoked.key@example.com', subsidiary: 'DE' }, properties: { n } })
    // The first request looks the key up; the ones after it take the key from the cache.
    expect((await call('/api/events', { bearer: key, body: { events: [event(1)] } })).status).toBe(202)
    expect((await call('/api/events', { bearer: key, body: { events: [event(2)] } })).status).toBe(202)
    expect((await call('/api/events', { bearer: key, body: event(3) })).status).toBe(202)

    expect((await call(`/api/admin/api-keys/${created.body.apiKey.id}`, { method: 'DELETE', cookie: admin.cookie, csrf: admin.csrf })).status).toBe(200)
    const refusedBatch = await call('/api/events', { bearer: key, body: { events: [event(4), event(5)] } })
    expect(refusedBatch.status).toBe(401)
    expect(refusedBatch.body.error.message).toBe('Authorization: the API key is unknown or has been revoked')
    expect((await call('/api/events', { bearer: key, body: event(6) })).status).toBe(401)
    // Answers that would store nothing say so too, not what is wrong with the events.
    expect((await call('/api/events', { bearer: key, body: { events: [{ type: 'visit' }] } })).status).toBe(401)
    expect((await call('/api/events', { bearer: key, body: { events: [] } })).status).toBe(401)
    expect((await call('/api/segment/v1/batch', { bearer: key, body: { batch: [{ type: 'track', event: 'Visit', userId: 'revoked.key@example.com' }] } })).status).toBe(401)
    const stored = await system.sql<{ client_id: string }[]>`select client_id from events where client_id like 'revoked-key-%' order by client_id`
    expect(stored.map((row) => row.client_id)).toEqual(['revoked-key-1', 'revoked-key-2', 'revoked-key-3'])
  })

  it('scopes a key to its role and subsidiaries', async () => {
    const admin = await system.signIn(ADMIN)
    const created = await call('/api/admin/api-keys', { cookie: admin.cookie, csrf: admin.csrf, body: { name: 'FR web forms', role: 'subsidiary_marketer', subsidiaries: ['FR'] } })
    const key = created.body.key
    const contacts = (await call('/api/contacts?limit=100', { bearer: key })).body.contacts.map((c: any) => c.subsidiary)
    expect(new Set(contacts)).toEqual(new Set(['FR']))
    expect((await call('/api/admin/users', { bearer: key })).body.error).toMatchObject({ code: 'forbidden', permission: 'admin.users' })
  })
})
