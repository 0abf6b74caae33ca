import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hashPassword } from '../../people/secrets'
import { linearCampaign } from './graphs'
import type { TestSystem } from './system'

// The states that reach an operation's particular error codes, one request each (the mechanism codes
// are probed for every operation in test/helpers/error-reach.ts; schemathesis reaches most of the rest).
// Scenarios run in order against the seeded demo account, after schemathesis.

export interface Scenario {
  method: string
  path: string
  body?: unknown
  contentType?: string
  /** The caller's API token; null sends none (a session's cookies in `headers` instead, or a public route). */
  token?: string | null
  headers?: Record<string, string>
}

/**
 * "<operationId> <status> <code>" → why no request of this test can reach it. Only what needs a state
 * the test cannot make on purpose belongs here; each entry names the test that reaches it otherwise.
 */
export const REACHED_ELSEWHERE: Record<string, string> = {
  'scoring.saveModel 409 conflict': 'two saves of the model in the same instant (a race on the version number); not reachable by one caller in sequence',
  'templates.testSend 409 conflict': 'answered only by a process without an SMTP transport; every test system has one',
  'mailings.testSend 409 conflict': 'as templates.testSend: answered only by a process without an SMTP transport',
  'templates.prefill 409 conflict': 'a save racing the DeepL call (the test’s DeepL stand-in answers at once)',
  'mailings.translate 409 conflict': 'as templates.prefill: the mailing changed while DeepL translated it (a race)',
  'templates.prefill 422 template_invalid': 'a translation that breaks the template (the test’s DeepL stand-in hands the texts back unchanged)',
  'enrolmentRequests.enrol 409 unknown_contact': 'the contact is erased between the lookup and the enrolment (a race); a missing contact answers 404 first',
}

const tiny = (name: string) => linearCampaign({ kind: 'event', eventType: 'purchase' }, [{ id: 'mail', type: 'send_email', config: { template: name } }])

export async function scenarios(system: TestSystem): Promise<Scenario[]> {
  const frMarketer = await system.token({ sub: 'reach-fr', role: 'subsidiary_marketer', subs: ['FR'] })
  const draft = await system.api('/api/campaigns', { body: { name: `Reach draft ${randomUUID()}`, graph: tiny('no-such-template') } })
  const draftId = draft.body.id as string
  // A live campaign of its own, taking manual enrolments (nothing runs its steps: no worker here).
  const created = await system.api('/api/campaigns', { body: { name: `Reach live ${randomUUID()}`, graph: tiny('onboarding-welcome') } })
  const published = await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })
  if (published.status !== 201) throw new Error(`publishing the reach campaign answered ${published.status}: ${JSON.stringify(published.body)}`)
  const live = { id: created.body.id as string }
  const other = await system.api('/api/segments', { body: { name: `Reach other ${randomUUID()}`, filter: { match: 'all', rules: [{ kind: 'tag', tag: 'reach' }] } } })
  const eventId = randomUUID()
  const segmentName = `Reach ${randomUUID()}`
  const personaSlug = `reach-${Date.now()}`
  const formKey = `reach-${Date.now()}`
  const jonas = 'jonas.becker@becker-maschinenbau.example'
  const badMjml = { subject: { de: 'x' }, body: { de: '<mj-text>Hallo</mj-text>\n<mj-button colour="red">x</mj-button>' } }
  const more = await stateScenarios(system, jonas)
  return [
    // events: one id for two different events; a contact of another subsidiary.
    { method: 'POST', path: '/api/events', body: { id: eventId, type: 'page_view', contact: { email: 'reach.one@reach.example' } } },
    { method: 'POST', path: '/api/events', body: { id: eventId, type: 'purchase', contact: { email: 'reach.one@reach.example' } } },
    { method: 'POST', path: '/api/events', body: { type: 'page_view', contact: { email: jonas } }, token: frMarketer },
    { method: 'POST', path: '/api/events', body: { type: 'page_view', contact: { email: jonas, subsidiary: 'FR' } } },
    { method: 'POST', path: '/api/segment/v1/track', body: { type: 'track', event: 'Viewed', messageId: eventId, userId: 'reach.one@reach.example' } },
    { method: 'POST', path: '/api/segment/v1/track', body: { type: 'track', event: 'Viewed', userId: jonas }, token: frMarketer },
    { method: 'POST', path: '/api/segment/v1/identify', body: { type: 'identify', messageId: eventId, userId: 'reach.one@reach.example', traits: { email: 'reach.one@reach.example' } } },
    { method: 'POST', path: '/api/segment/v1/identify', body: { type: 'identify', userId: jonas, traits: { email: jonas } }, token: frMarketer },
    { method: 'POST', path: '/api/segment/v1/batch', body: { batch: [{ type: 'track', event: 'Viewed', messageId: eventId, userId: 'reach.one@reach.example' }] } },
    { method: 'POST', path: '/api/segment/v1/batch', body: { batch: [{ type: 'track', event: 'Viewed', userId: jonas }] }, token: frMarketer },
    // campaigns: a graph naming a template that does not exist; controls of a campaign that is not live.
    { method: 'POST', path: `/api/campaigns/${draftId}/publish`, body: {} },
    { method: 'POST', path: `/api/campaigns/${draftId}/simulate`, body: { source: 'draft', contact: { email: jonas } } },
    { method: 'POST', path: `/api/campaigns/${draftId}/simulate`, body: { source: 'live', contact: { email: jonas } } },
    { method: 'POST', path: `/api/campaigns/${live.id}/simulate`, body: { source: 'live', contact: { email: 'reach.one@reach.example' } } },
    { method: 'POST', path: `/api/campaigns/${draftId}/pause`, body: {} },
    { method: 'POST', path: `/api/campaigns/${draftId}/resume`, body: {} },
    { method: 'POST', path: `/api/campaigns/${draftId}/stop`, body: {} },
    // enrolments: CSV without an e-mail column, an open quote, nothing, too many rows; a draft campaign; twice.
    { method: 'POST', path: `/api/campaigns/${live.id}/enrolments`, body: 'name\nAnna\n', contentType: 'text/csv' },
    { method: 'POST', path: `/api/campaigns/${live.id}/enrolments`, body: 'email\n"anna@reach.example\n', contentType: 'text/csv' },
    { method: 'POST', path: `/api/campaigns/${live.id}/enrolments`, body: '\n', contentType: 'text/csv' },
    { method: 'POST', path: `/api/campaigns/${live.id}/enrolments`, body: `email\n${'a@b.example\n'.repeat(100_001)}`, contentType: 'text/csv' },
    { method: 'POST', path: `/api/campaigns/${draftId}/enrolments`, body: { email: jonas } },
    { method: 'POST', path: `/api/campaigns/${live.id}/enrolments`, body: { email: 'nobody@reach.example' } },
    // Two requests (two Idempotency-Keys) for one contact: the second finds the first enrolment running.
    { method: 'POST', path: `/api/campaigns/${live.id}/enrolments`, body: { email: jonas }, headers: { 'idempotency-key': 'reach-first' } },
    { method: 'POST', path: `/api/campaigns/${live.id}/enrolments`, body: { email: jonas }, headers: { 'idempotency-key': 'reach-second' } },
    // segments, personas, forms: a name or key taken.
    { method: 'POST', path: '/api/segments', body: { name: segmentName, filter: { match: 'all', rules: [{ kind: 'tag', tag: 'reach' }] } } },
    { method: 'POST', path: '/api/segments', body: { name: segmentName, filter: { match: 'all', rules: [{ kind: 'tag', tag: 'reach' }] } } },
    { method: 'PUT', path: `/api/segments/${other.body.id ?? other.body.segment?.id}`, body: { name: segmentName, filter: { match: 'all', rules: [{ kind: 'tag', tag: 'reach' }] } } },
    { method: 'PUT', path: '/api/personas/no-such-persona', body: { name: 'Reach', criteria: [{ kind: 'range', attribute: 'employees', min: 1, max: 10, weight: 5 }], threshold: 50 } },
    { method: 'POST', path: '/api/personas', body: { slug: personaSlug, name: 'Reach', criteria: [{ kind: 'range', attribute: 'employees', min: 1, max: 10, weight: 5 }], threshold: 50 } },
    { method: 'POST', path: '/api/personas', body: { slug: personaSlug, name: 'Reach', criteria: [{ kind: 'range', attribute: 'employees', min: 1, max: 10, weight: 5 }], threshold: 50 } },
    { method: 'POST', path: '/api/forms', body: { key: formKey, name: 'Reach', subsidiary: 'DE', consentVersion: 1 } },
    { method: 'POST', path: '/api/forms', body: { key: formKey, name: 'Reach', subsidiary: 'DE', consentVersion: 1 } },
    // leads: a well-formed id no contact has (schemathesis' random ids reach it only in some runs).
    { method: 'GET', path: `/api/leads/${randomUUID()}` },
    // templates: unknown subsidiary or template, a design that does not render, a stale base version.
    { method: 'GET', path: '/api/templates/translations/missing?subsidiary=DE', token: frMarketer },
    { method: 'POST', path: '/api/templates/subsidiaries/zz/prefill', body: {} },
    { method: 'POST', path: '/api/templates/preview', body: { template: 'no-such-mail', subsidiary: 'DE' } },
    { method: 'POST', path: '/api/templates/preview', body: { template: 'reach-broken', subsidiary: 'DE', drafts: [{ kind: 'mail', key: 'reach-broken', content: badMjml }] } },
    { method: 'POST', path: '/api/templates/test-send', body: { template: 'no-such-mail', subsidiary: 'DE', to: 'reach@reach.example' } },
    { method: 'POST', path: '/api/templates/test-send', body: { template: 'reach-broken', subsidiary: 'DE', to: 'reach@reach.example', drafts: [{ kind: 'mail', key: 'reach-broken', content: badMjml }] } },
    { method: 'POST', path: '/api/templates/import', body: { files: [{ name: 'x.mjml', mjml: '<mjml><mj-body></mj-body></mjml>' }], subsidiary: 'ZZ' } },
    { method: 'GET', path: '/api/templates/mails/no-such-mail' },
    { method: 'GET', path: '/api/templates/mails/onboarding-welcome/versions/9999' },
    { method: 'PUT', path: '/api/templates/mails/onboarding-welcome', body: { content: badMjml } },
    { method: 'PUT', path: '/api/templates/mails/onboarding-welcome', body: { content: { subject: { de: 'x' }, body: { de: '<mj-text>Hallo</mj-text>' } }, baseVersion: 0 } },
    ...more,
  ]
}

/** A user of the demo account with a password, made through the admin routes (the invitation link is not followed). */
async function person(system: TestSystem, role: string, subsidiaries: '*' | string[], status: 'active' | 'invited' | 'disabled', password: string) {
  const email = `reach.${role}.${status}.${randomUUID().slice(0, 8)}@reach.example`
  const invited = await system.api('/api/admin/users', { body: { email, name: `Reach ${role}`, role, subsidiaries, locale: null }, token: await system.token({ sub: 'reach-admin', role: 'admin' }) })
  if (invited.status !== 201) throw new Error(`inviting ${email} answered ${invited.status}: ${JSON.stringify(invited.body)}`)
  await system.sql`update users set password_hash = ${await hashPassword(password)}, status = ${status} where id = ${invited.body.user.id}`
  return { id: invited.body.user.id as string, email }
}

/** Signs a user in from a client address of its own; the cookies and CSRF header a session's writes carry. */
async function session(system: TestSystem, email: string, password: string, client: string): Promise<Record<string, string>> {
  const response = await fetch(`${system.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify({ email, password }) })
  if (response.status !== 200) throw new Error(`signing in ${email} answered ${response.status}: ${await response.text()}`)
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ')
  return { cookie: cookies, 'x-csrf-token': ((await response.json()) as { csrfToken: string }).csrfToken, 'x-forwarded-for': client }
}

const graphWith = (trigger: Record<string, unknown>) => linearCampaign({ kind: 'event', eventType: 'purchase', ...trigger }, [{ id: 'mail', type: 'send_email', config: { template: 'onboarding-welcome' } }])

async function publishedCampaign(system: TestSystem, name: string, graph: unknown): Promise<string> {
  const created = await system.api('/api/campaigns', { body: { name: `${name} ${randomUUID()}`, graph } })
  const published = await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })
  if (published.status !== 201) throw new Error(`publishing ${name} answered ${published.status}: ${JSON.stringify(published.body)}`)
  return created.body.id as string
}

/**
 * The states the remaining codes need, made on purpose: finished enrolments, an audience filter, a
 * segment a live campaign starts from, decided handovers, a scheduled mailing, a CRM that refuses the
 * token and one with a sync under way, a contact outside a caller's subsidiaries, and signed-in people
 * (disabled, invited, locked, throttled, outside their subsidiaries).
 */
async function stateScenarios(system: TestSystem, seeded: string): Promise<Scenario[]> {
  const account = system.demoAccountId!
  // A DE contact of its own: schemathesis' stateful phase may have erased or moved the seeded ones.
  const jonas = `reach.de.${randomUUID().slice(0, 8)}@reach.example`
  const fresh = await system.api('/api/events', { body: { type: 'page_view', contact: { email: jonas, subsidiary: 'DE' } } })
  if (fresh.status !== 202) throw new Error(`making ${jonas} (instead of ${seeded}) answered ${fresh.status}: ${JSON.stringify(fresh.body)}`)
  // Subsidiary marketer of two subsidiaries: no single workspace, so a DE contact is visible but not theirs.
  const twoSubsidiaries = await system.token({ sub: 'reach-fr-it', role: 'subsidiary_marketer', subs: ['FR', 'IT'] })
  // Enrolments that finished: re-entry "never" and "after" a cool-down.
  const never = await publishedCampaign(system, 'Reach once', graphWith({ reEntry: 'never' }))
  const after = await publishedCampaign(system, 'Reach cool-down', graphWith({ reEntry: 'after', coolDown: '30d' }))
  for (const campaign of [never, after]) {
    const first = await system.api(`/api/campaigns/${campaign}/enrolments`, { body: { email: jonas } })
    if (first.status >= 300) throw new Error(`enrolling into ${campaign} answered ${first.status}: ${JSON.stringify(first.body)}`)
    await system.sql`update enrolments set status = 'completed', finished_at = now() where campaign_id = ${campaign}`
  }
  const audience = await publishedCampaign(system, 'Reach audience', graphWith({ audience: [{ kind: 'tag', tag: 'reach-nobody-has-this' }] }))
  // A segment a live campaign starts from.
  const watched = await system.api('/api/segments', { body: { name: `Reach watched ${randomUUID()}`, filter: { match: 'all', rules: [{ kind: 'tag', tag: 'reach-watched' }] } } })
  const watchedId = (watched.body.id ?? watched.body.segment?.id) as string
  await publishedCampaign(system, 'Reach segment', linearCampaign({ kind: 'segment', segmentId: watchedId }, [{ id: 'mail', type: 'send_email', config: { template: 'onboarding-welcome' } }]))
  // Handovers decided already.
  const [contact] = await system.sql<{ id: string }[]>`select id from contacts where lower(email) = ${jonas}`
  const [accepted] = await system.sql<{ id: string }[]>`
    insert into handovers (account_id, contact_id, qualification, cell, source, status, decided_by, decided_at)
    values (${account}, ${contact!.id}, 900, 'A1', 'score', 'accepted', 'reach', now()) returning id`
  const [other] = await system.sql<{ id: string; email: string }[]>`select id, email from contacts where account_id = ${account} and lower(email) <> ${jonas} and consent_status <> 'revoked' order by email limit 1`
  const made = await system.api('/api/events', { body: { type: 'page_view', contact: { email: `reach.revoked.${randomUUID().slice(0, 8)}@reach.example` } } })
  const [revoked] = await system.sql<{ id: string }[]>`update contacts set consent_status = 'revoked' where id = ${made.body.contactId} returning id`
  // A new contact has given no consent yet: a double opt-in for it names the form it would use.
  const unconsented = await system.api('/api/events', { body: { type: 'page_view', contact: { email: `reach.none.${randomUUID().slice(0, 8)}@reach.example` } } })
  // Mailings: one to schedule (twice, then change), one whose block does not render.
  const mailingBody = (name: string, body: string) => ({ name, subsidiary: 'FR', content: { subject: { fr: 'Bonjour' }, blocks: [{ kind: 'local', id: 'intro', body: { fr: body } }] } })
  const scheduled = await system.api('/api/mailings', { body: mailingBody(`Reach scheduled ${randomUUID()}`, '<mj-text>Bonjour</mj-text>') })
  const broken = await system.api('/api/mailings', { body: mailingBody(`Reach broken ${randomUUID()}`, '<mj-text>Bonjour</mj-text>\n<mj-button colour="red">x</mj-button>') })
  // A CRM that answers but refuses every token; and a sync run under way for the demo account.
  const refusing = createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid token"}'))
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
  refusing.unref()
  const refusingUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`
  // People: a disabled and an invited user who know their password, an admin and a FR marketer who sign in.
  const password = 'reach-the-codes-2026'
  const disabled = await person(system, 'viewer', ['DE'], 'disabled', password)
  const invited = await person(system, 'viewer', ['DE'], 'invited', password)
  const lockable = await person(system, 'viewer', ['DE'], 'active', password)
  const admin = await person(system, 'admin', '*', 'active', password)
  const frMarketer = await person(system, 'subsidiary_marketer', ['FR'], 'active', password)
  const adminSession = await session(system, admin.email, password, '10.13.0.1')
  const frSession = await session(system, frMarketer.email, password, '10.13.0.2')
  const signIn = (email: string, secret: string, client: string): Scenario => ({ method: 'POST', path: '/api/session', body: { email, password: secret }, token: null, headers: { 'x-forwarded-for': client } })
  const crmScenarios: Scenario[] = []
  crmScenarios.push({ method: 'PUT', path: '/api/crm/connection', body: { kind: 'bottlecrm', url: refusingUrl, token: 'bcrm_pat_refused', syncEvery: 'off' } })
  await system.sql`
    insert into crm_connections (account_id, kind, base_url, credentials_encrypted, field_mappings, sync_every, created_by)
    values (${account}, 'bottlecrm', ${refusingUrl}, 'sealed-by-nobody', '{}', 'off', 'reach') on conflict (account_id) do nothing`
  await system.sql`insert into crm_sync_runs (account_id, trigger, status) values (${account}, 'manual', 'running')`
  crmScenarios.push({ method: 'POST', path: '/api/crm/sync', body: {} })
  return [
    // events: a contact of DE, seen by a caller of FR and IT (no single workspace hides it).
    { method: 'POST', path: '/api/events', body: { type: 'page_view', contact: { email: jonas } }, token: twoSubsidiaries },
    { method: 'POST', path: '/api/segment/v1/track', body: { type: 'track', event: 'Viewed', userId: jonas }, token: twoSubsidiaries },
    { method: 'POST', path: '/api/segment/v1/identify', body: { type: 'identify', userId: jonas, traits: { email: jonas } }, token: twoSubsidiaries },
    // enrolments: once only, cooling down, outside the audience (and its simulation).
    // A request of its own (another Idempotency-Key), so it is not answered as the first one repeated.
    { method: 'POST', path: `/api/campaigns/${never}/enrolments`, body: { email: jonas }, headers: { 'idempotency-key': `reach-again-${randomUUID()}` } },
    { method: 'POST', path: `/api/campaigns/${after}/enrolments`, body: { email: jonas }, headers: { 'idempotency-key': `reach-again-${randomUUID()}` } },
    { method: 'POST', path: `/api/campaigns/${audience}/enrolments`, body: { email: jonas } },
    { method: 'POST', path: `/api/campaigns/${audience}/simulate`, body: { source: 'live', contact: { email: jonas } } },
    { method: 'DELETE', path: `/api/segments/${watchedId}` },
    { method: 'POST', path: `/api/handovers/${accepted!.id}/accept`, body: {} },
    { method: 'POST', path: `/api/handovers/${accepted!.id}/reject`, body: { reason: 'decided already' } },
    // imports whose rows fail their checks: nothing is imported, every row is named.
    { method: 'POST', path: '/api/costs/import', body: 'campaign;category;amount;date;subsidiary\nNo such campaign;agency;1,00;31.03.2026;DE\n', contentType: 'text/csv' },
    { method: 'POST', path: '/api/opportunities/import', body: 'name,amount,stage,company,subsidiary\nReach deal,not a number,won,Reach AG,DE\n', contentType: 'text/csv' },
    ...crmScenarios,
    // mailings: scheduled, scheduled again, changed after scheduling; a block that does not render; one that does not exist.
    { method: 'POST', path: `/api/mailings/${scheduled.body.id}/schedule`, body: { mode: 'at', localTime: '2030-01-07T09:00' } },
    { method: 'POST', path: `/api/mailings/${scheduled.body.id}/schedule`, body: { mode: 'at', localTime: '2030-01-07T09:00' } },
    { method: 'PUT', path: `/api/mailings/${scheduled.body.id}`, body: { name: 'Reach changed' } },
    { method: 'POST', path: `/api/mailings/${broken.body.id}/preview`, body: { locale: 'fr' } },
    { method: 'POST', path: `/api/mailings/${broken.body.id}/test-send`, body: { to: 'reach@reach.example', locale: 'fr' } },
    { method: 'POST', path: `/api/mailings/${randomUUID()}/translate`, body: { targetLocale: 'de', sourceLocale: 'fr' } },
    // people: sign-in refused for a disabled user, an invitation not accepted, a wrong password (five times locks), a network that failed too often.
    signIn(disabled.email, password, '10.13.1.1'),
    signIn(invited.email, password, '10.13.1.2'),
    ...Array.from({ length: 5 }, () => signIn(lockable.email, 'wrong-password', '10.13.1.3')),
    ...Array.from({ length: 21 }, (_, i) => signIn(`reach.nobody.${i}@reach.example`, 'wrong-password', '10.13.1.4')),
    { method: 'GET', path: '/api/invitations/not-a-link', token: null },
    { method: 'POST', path: '/api/invitations/not-a-link', body: { password: 'a-long-enough-password' }, token: null },
    { method: 'GET', path: '/api/password-reset/not-a-link', token: null },
    { method: 'POST', path: '/api/password-reset/not-a-link', body: { password: 'a-long-enough-password' }, token: null },
    { method: 'POST', path: '/api/password-reset/not-a-link', body: { password: 'x' }, token: null },
    // An API key has no language and no session to end or move.
    { method: 'PATCH', path: '/api/me', body: { locale: 'fr' } },
    { method: 'POST', path: '/api/session/sign-out' },
    { method: 'POST', path: '/api/session/sign-out-everywhere' },
    { method: 'POST', path: '/api/session/workspace', body: { subsidiary: 'FR' } },
    // Sessions: a FR marketer outside FR; HQ into a workspace that does not exist; an admin demoting herself.
    { method: 'POST', path: '/api/session/workspace', body: { subsidiary: 'DE' }, token: null, headers: frSession },
    { method: 'POST', path: '/api/session/workspace', body: { subsidiary: 'ZZ' }, token: null, headers: adminSession },
    { method: 'PATCH', path: `/api/admin/users/${admin.id}`, body: { status: 'disabled' }, token: null, headers: adminSession },
    // Admin: an address with an account already, an invitation already accepted, unknown ids and codes.
    { method: 'POST', path: '/api/admin/users', body: { email: admin.email, name: 'Again', role: 'viewer', subsidiaries: ['DE'] } },
    { method: 'POST', path: `/api/admin/users/${admin.id}/invitation` },
    { method: 'POST', path: `/api/admin/users/${randomUUID()}/invitation` },
    { method: 'PATCH', path: `/api/admin/users/${randomUUID()}`, body: { role: 'viewer' } },
    { method: 'DELETE', path: `/api/admin/api-keys/${randomUUID()}` },
    { method: 'GET', path: '/api/admin/audit?limit=0' },
    { method: 'PUT', path: '/api/admin/workspaces/DE', body: { name: 'No alias given' } },
    { method: 'GET', path: `/api/password-reset/${'x'.repeat(501)}`, token: null },
    { method: 'GET', path: `/api/invitations/${'x'.repeat(501)}`, token: null },
    // Consent texts: a stored version never changes; a purpose that is not one.
    ...(['PUT', 'PATCH', 'DELETE'] as const).flatMap((method): Scenario[] => [
      { method, path: '/api/consent-texts/marketing/1' },
      { method, path: '/api/consent-texts/Not%20a%20purpose/1' },
    ]),
    // Contacts: an address another contact has; double opt-in for nobody, for a revoked contact, without a form.
    { method: 'PATCH', path: `/api/contacts/${contact!.id}`, body: { email: other!.email } },
    { method: 'POST', path: `/api/contacts/${randomUUID()}/double-opt-in`, body: {} },
    { method: 'POST', path: `/api/contacts/${revoked!.id}/double-opt-in`, body: {} },
    { method: 'POST', path: `/api/contacts/${unconsented.body.contactId}/double-opt-in`, body: { formKey: 'no-such-form' } },
    { method: 'POST', path: `/api/fairs/${randomUUID()}/campaigns`, body: { campaignId: randomUUID() } },
    { method: 'PUT', path: '/api/admin/workspaces/ZZ', body: { name: 'Nowhere', poolAlias: { anyOf: [{ match: 'all', rules: [{ kind: 'subsidiary', operator: 'is', codes: ['FR'] }] }] } } },
  ]
}
