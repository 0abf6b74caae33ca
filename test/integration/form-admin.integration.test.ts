import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EBOOK_FORM_KEY, MARKETING_CONSENT_V1 } from '../../tracking/seed-forms'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Marketers manage web forms and consent texts through the API; the public form endpoint then follows
// what they set (required fields, double opt-in on or off, the pinned consent text version).
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36'

async function submit(form: string, body: Record<string, unknown>) {
  const response = await fetch(`${system.baseUrl}/f/${form}`, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': BROWSER }, body: JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as any }
}

async function submissionTextVersion(submissionId: string): Promise<number | null> {
  const [row] = await system.sql<{ version: number | null }[]>`select t.version from form_submissions s left join consent_texts t on t.id = s.consent_text_id where s.id = ${submissionId}`
  return row!.version
}

const V2 = {
  de: 'Ja, ich möchte Fachinformationen, Einladungen zu Webinaren und Angebote der Kessler Hydraulik GmbH per E-Mail erhalten. Widerruf jederzeit über den Abmeldelink.',
  en: 'Yes, I would like to receive technical information, webinar invitations and offers from Kessler Hydraulik GmbH by e-mail. I can withdraw at any time.',
}

describe('consent texts', () => {
  it('adds a new version without changing the proof of a consent given to the old one', async () => {
    const email = 'katrin.vogel@vogel-antriebe.example'
    const before = await submit(EBOOK_FORM_KEY, { email, consent: true })
    expect(before.status).toBe(201)
    const confirm = await fetch(`${system.baseUrl}/f/confirm/${system.tokens.sign('confirm', { s: before.body.submissionId, x: 4_000_000_000 })}`, { headers: { 'user-agent': BROWSER } })
    expect(confirm.status).toBe(200)

    const created = await system.api('/api/consent-texts', { body: { purpose: 'marketing', texts: V2 } })
    expect(created).toMatchObject({ status: 201, body: { purpose: 'marketing', version: 2, texts: V2 } })
    const listed = await system.api('/api/consent-texts?purpose=marketing')
    expect(listed.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1])
    expect(listed.body.versions[1].texts.de).toBe(MARKETING_CONSENT_V1.de)

    const [contact] = await system.sql<{ id: string }[]>`select id from contacts where email = ${email}`
    const proof = await system.api(`/api/contacts/${contact!.id}/consent`)
    expect(proof.body.proofs[0].consentText).toMatchObject({ version: 1, text: MARKETING_CONSENT_V1.de })
    const after = await submit(EBOOK_FORM_KEY, { email: 'ralf.krause@krause-pumpen.example', consent: true })
    expect(await submissionTextVersion(after.body.submissionId)).toBe(2)
  })

  it('never changes a version, lets only HQ add one, and names the field of bad input', async () => {
    expect((await system.api('/api/consent-texts/marketing/1', { method: 'PUT', body: { text: 'x' } })).body.error).toMatchObject({ code: 'immutable', field: 'version' })
    expect((await system.api('/api/consent-texts', { body: { texts: V2 }, token: system.token({ subs: ['FR'] }) })).status).toBe(403)
    const empty = await system.api('/api/consent-texts', { body: { purpose: 'marketing', texts: {} } })
    expect(empty).toMatchObject({ status: 400, body: { error: { field: 'texts' } } })
    const short = await system.api('/api/consent-texts', { body: { texts: { fr: 'Oui.' } } })
    expect(short).toMatchObject({ status: 400, body: { error: { field: 'texts.fr' } } })
    const stored = await system.sql`select count(*)::int as n from consent_texts where purpose = 'marketing' and version > 2`
    expect(stored[0]!.n).toBe(0)
  })
})

describe('forms', () => {
  const fair = {
    key: 'messe-hannover-fr',
    name: 'Salon Hannover Messe',
    subsidiary: 'FR',
    fields: [
      { name: 'email', label: 'E-mail', required: true },
      { name: 'firstName', label: 'Prénom', required: true },
      { name: 'interest', label: 'Intérêt' },
    ],
    assetUrl: 'https://www.kessler-hydraulik.example/downloads/catalogue.pdf',
    doubleOptIn: false,
  }

  it('creates a form that the public endpoint follows: required fields, double opt-in off and on, pinned text', async () => {
    const created = await system.api('/api/forms', { body: fair })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ key: 'messe-hannover-fr', url: '/f/messe-hannover-fr', subsidiary: 'FR', consentPurpose: 'marketing', consentVersion: null, doubleOptIn: false })
    expect(created.body.fields[2]).toEqual({ name: 'interest', label: 'Intérêt', required: false })

    const missing = await submit(fair.key, { email: 'paul.girard@girard-industrie.example' })
    expect(missing).toMatchObject({ status: 400, body: { error: { field: 'firstName' } } })
    const noOptIn = await submit(fair.key, { email: 'paul.girard@girard-industrie.example', first_name: 'Paul', interest: 'pompes', consent: true })
    expect(noOptIn).toMatchObject({ status: 201, body: { doubleOptIn: 'not_requested', downloadUrl: fair.assetUrl } })
    expect((await system.sql`select consent_status from contacts where email = 'paul.girard@girard-industrie.example'`)[0]!.consent_status).toBe('none')

    const changed = await system.api(`/api/forms/${created.body.id}`, { method: 'PATCH', body: { doubleOptIn: true, consentVersion: 1 } })
    expect(changed).toMatchObject({ status: 200, body: { doubleOptIn: true, consentVersion: 1, name: fair.name } })
    const withOptIn = await submit(fair.key, { email: 'lea.moreau@moreau-mecanique.example', first_name: 'Léa', consent: true })
    expect(withOptIn.body.doubleOptIn).toBe('confirmation_sent')
    expect(await submissionTextVersion(withOptIn.body.submissionId)).toBe(1)
  })

  it('shows a subsidiary marketer only their subsidiary’s forms and keeps them there', async () => {
    const fr = system.token({ subs: ['FR'] })
    const listed = await system.api('/api/forms', { token: fr })
    expect(listed.status).toBe(200)
    expect(listed.body.forms.map((f: { subsidiary: string }) => f.subsidiary)).toEqual(expect.arrayContaining(['FR']))
    expect(listed.body.forms.every((f: { subsidiary: string }) => f.subsidiary === 'FR')).toBe(true)
    const form = listed.body.forms.find((f: { key: string }) => f.key === `${EBOOK_FORM_KEY}-fr`)
    expect((await system.api(`/api/forms/${form.id}`, { token: system.token({ subs: ['IT'] }) })).status).toBe(404)
    const moved = await system.api(`/api/forms/${form.id}`, { method: 'PATCH', body: { subsidiary: 'DE' }, token: fr })
    expect(moved).toMatchObject({ status: 403, body: { error: { field: 'subsidiary' } } })
    expect((await system.api('/api/forms', { body: { ...fair, key: 'salon-it', subsidiary: 'IT' }, token: fr })).body.error.field).toBe('subsidiary')
    expect((await system.api('/api/forms', { token: system.token({ role: 'sales' }) })).status).toBe(403)
    expect((await system.api('/api/forms', { token: null })).status).toBe(401)
    expect((await system.sql`select s.code from web_forms f join subsidiaries s on s.id = f.subsidiary_id where f.id = ${form.id}`)[0]!.code).toBe('FR')
  })

  it('names the field of bad form settings and keeps the key fixed', async () => {
    const bad = async (body: unknown, field: string, method = 'POST', path = '/api/forms') => {
      const response = await system.api(path, { method, body })
      expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
      expect(response.body.error.field).toBe(field)
    }
    await bad({ ...fair, key: 'Messe!' }, 'key')
    await bad({ ...fair, key: EBOOK_FORM_KEY }, 'key')
    await bad({ ...fair, key: 'no-email', fields: [{ name: 'firstName', label: 'Vorname' }] }, 'fields')
    await bad({ ...fair, key: 'reserved', fields: [{ name: 'email', label: 'E-Mail' }, { name: 'consent', label: 'Ja' }] }, 'fields.1.name')
    await bad({ ...fair, key: 'old-text', consentVersion: 99 }, 'consentVersion')
    await bad({ ...fair, key: 'no-text', consentPurpose: 'events', doubleOptIn: true }, 'consentPurpose')
    await bad({ ...fair, key: 'ftp', assetUrl: 'ftp://x.example/a.pdf' }, 'assetUrl')
    const [form] = (await system.api('/api/forms')).body.forms
    await bad({ key: 'renamed' }, 'key', 'PATCH', `/api/forms/${form.id}`)
    await bad({ doubleOptIn: 'yes' }, 'doubleOptIn', 'PATCH', `/api/forms/${form.id}`)
    const count = await system.sql`select count(*)::int as n from web_forms where public_key in ('no-email', 'reserved', 'old-text', 'no-text', 'ftp', 'renamed')`
    expect(count[0]!.n).toBe(0)
  })
})
