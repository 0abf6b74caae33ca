import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Issue 10.3, one regression test per defect: each was a 500 (or a half-stored request) and must be a 4xx
// naming the field or parameter, with nothing stored. The fuzz pass (api-fuzz) covers every route.
let system: TestSystem
let token: string
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  token = await system.token()
})
afterAll(() => system?.stop())

const counts = async () =>
  (await system.sql`select (select count(*)::int from contacts) as contacts, (select count(*)::int from events) as events, (select count(*)::int from web_forms) as forms, (select count(*)::int from form_submissions) as submissions`)[0]

async function call(path: string, init: { method?: string; body?: string | Buffer; headers?: Record<string, string>; auth?: boolean } = {}) {
  const response = await fetch(system.baseUrl + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.auth === false ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json', ...init.headers },
    body: init.body as BodyInit | undefined,
  })
  const text = await response.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: response.status, body }
}

describe('bad input is a 4xx naming what is wrong, never a 500', () => {
  it('refuses a body whose Content-Encoding does not decode (gzip, deflate, br), on API and public routes', async () => {
    const before = await counts()
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const path of ['/api/events', '/f/ebook-antriebslosigkeit']) {
        const response = await call(path, { body: Buffer.from('{"type":"purchase"} but not compressed'), headers: { 'content-encoding': encoding } })
        expect(response.status, `${encoding} ${path}`).toBe(400)
        expect(response.body.error).toMatchObject({ field: 'body' })
      }
    }
    // A truncated gzip stream, too.
    const truncated = await call('/api/events', { body: gzipSync('{"type":"purchase","contact":{"email":"x@example.com"}}').subarray(0, 20), headers: { 'content-encoding': 'gzip' } })
    expect(truncated.status).toBe(400)
    expect(await counts()).toEqual(before)
  })

  it('refuses a malformed %-escape in a path parameter, on API and public routes', async () => {
    for (const bad of ['%zz', '%', '%E0%A4']) {
      for (const path of [`/api/campaigns/${bad}`, `/api/templates/mails/${bad}`, `/u/${bad}`, `/t/c/${bad}`, `/f/${bad}`]) {
        const response = await call(path, { method: path.startsWith('/f/') ? 'POST' : 'GET', body: path.startsWith('/f/') ? '{}' : undefined })
        expect(response.status, path).toBe(400)
        expect(response.body.error).toMatchObject({ code: 'invalid_input', field: 'path' })
        expect(response.body.error.message).toContain(bad)
      }
    }
  })

  it('refuses NUL characters in body fields, query and path, and unpaired surrogates in stored JSON', async () => {
    const before = await counts()
    const nulInName = await call('/api/events', { body: JSON.stringify({ type: 'purchase', contact: { email: 'nul@example.com', firstName: 'A\u0000B' } }) })
    expect(nulInName.status).toBe(400)
    expect(nulInName.body.error).toMatchObject({ field: 'contact.firstName' })
    const surrogate = await call('/api/events', { body: JSON.stringify({ type: 'purchase', contact: { email: 'surrogate@example.com' }, properties: { product: 'Hydro\ud800Stat' } }) })
    expect(surrogate.status).toBe(400)
    expect(surrogate.body.error).toMatchObject({ field: 'properties.product' })
    const nulKey = await call('/api/events', { body: JSON.stringify({ type: 'purchase', contact: { email: 'key@example.com', attributes: { 'a\u0000': 1 } } }) })
    expect(nulKey.status).toBe(400)
    expect(nulKey.body.error.field).toBe('contact.attributes.a\u0000')
    const form = await call('/f/ebook-antriebslosigkeit', { body: JSON.stringify({ email: 'form.nul@example.com', company: 'X\u0000' }) })
    expect(form.status).toBe(400)
    expect(form.body.error).toMatchObject({ field: 'company' })
    const query = await call('/api/contacts?q=%00')
    expect(query.status).toBe(400)
    expect(query.body.error).toMatchObject({ field: 'query.q' })
    const path = await call('/api/personas/a%00b', { method: 'PUT', body: '{}' })
    expect(path.status).toBe(400)
    expect(path.body.error).toMatchObject({ field: 'path' })
    // A body without "\u" escapes is not walked: only in another charset can raw bytes decode to a lone
    // surrogate (UTF-16 here), and such a body is walked and refused as before.
    const utf16 = await call('/api/events', {
      body: Buffer.concat([Buffer.from('{"type":"purchase","contact":{"email":"utf16@example.com"},"properties":{"product":"Hydro', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('Stat"}}', 'utf16le')]),
      headers: { 'content-type': 'application/json; charset=utf-16le' },
    })
    expect(utf16.status).toBe(400)
    expect(utf16.body.error).toMatchObject({ field: 'properties.product' })
    expect(await counts()).toEqual(before)
    // An encoded surrogate in UTF-8 (ED A0 80) is malformed: decoded to U+FFFD, stored.
    const encoded = await call('/api/events', {
      body: Buffer.concat([Buffer.from('{"type":"purchase","contact":{"email":"utf8.surrogate@example.com"},"properties":{"product":"Hydro'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('Stat"}}')]),
    })
    expect(encoded.status).toBe(202)
    const [stored] = await system.sql<{ product: string }[]>`select properties->>'product' as product from events where id = ${encoded.body.eventId}`
    expect(stored!.product).toBe('Hydro\ufffd\ufffd\ufffdStat')
  })

  it('refuses integers beyond Postgres int4 where the API takes an integer, naming the field', async () => {
    const [campaign] = await system.sql`select id from campaigns where name = 'Onboarding after purchase'`
    // The contract answers a path parameter that cannot name anything as "not found" (api/contract/mount.ts).
    const version = await call(`/api/campaigns/${campaign!.id}/versions/2147483648`)
    expect(version.status).toBe(404)
    const template = await call('/api/templates/mails/onboarding-welcome/versions/99999999999')
    expect(template.status).toBe(400)
    const steps = await call(`/api/campaigns/${campaign!.id}/steps?version=2147483648`)
    expect(steps.status).toBe(400)
    const save = await call('/api/templates/mails/onboarding-welcome', { method: 'PUT', body: JSON.stringify({ content: {}, baseVersion: 2147483648 }) })
    expect(save.status).toBe(400)
    expect(save.body.error.field).toBe('baseVersion')
    const before = await counts()
    const form = await call('/api/forms', { body: JSON.stringify({ key: 'int-overflow', name: 'X', subsidiary: 'DE', consentVersion: 2147483648 }) })
    expect(form.status).toBe(400)
    expect(form.body.error.field).toBe('consentVersion')
    const submission = await call('/f/ebook-antriebslosigkeit', { body: JSON.stringify({ email: 'int@example.com', consent: true, consentVersion: '99999999999' }) })
    expect(submission.status).toBe(400)
    expect(submission.body.error.field).toBe('consentVersion')
    const preview = await call('/api/templates/preview', { body: JSON.stringify({ template: 'onboarding-welcome', subsidiary: 'DE', versions: { 'mail:onboarding-welcome': 2147483648 } }) })
    expect(preview.status).toBe(400)
    expect(preview.body.error.field).toBe('versions.mail:onboarding-welcome')
    expect(await counts()).toEqual(before)
  })

  it('refuses an e-mail address beyond RFC 5321 limits (local part over 64), for a test send and an event', async () => {
    const long = `${'a'.repeat(250)}@example.com`
    const testSend = await call('/api/templates/test-send', { body: JSON.stringify({ template: 'onboarding-welcome', subsidiary: 'DE', to: long }) })
    expect(testSend.status).toBe(400)
    expect(testSend.body.error).toMatchObject({ field: 'to' })
    expect(testSend.body.error.message).toContain('64')
    const event = await call('/api/events', { body: JSON.stringify({ type: 'purchase', contact: { email: `${'b'.repeat(65)}@example.com` } }) })
    expect(event.status).toBe(400)
    expect(event.body.error).toMatchObject({ field: 'contact.email' })
    const fits = await call('/api/templates/test-send', { body: JSON.stringify({ template: 'onboarding-welcome', subsidiary: 'DE', to: `${'c'.repeat(64)}@example.com` }) })
    expect(fits.status).toBeLessThan(300)
  })

  it('refuses a form asset URL that cannot be served, so the public form keeps working', async () => {
    const before = await counts()
    const created = await call('/api/forms', { body: JSON.stringify({ key: 'bad-asset', name: 'X', subsidiary: 'DE', assetUrl: 'https://www.kessler-hydraulik.example/downloads/%zz.pdf' }) })
    expect(created.status).toBe(400)
    expect(created.body.error.field).toBe('assetUrl')
    const [form] = await system.sql`select id from web_forms where public_key = 'ebook-antriebslosigkeit'`
    const patched = await call(`/api/forms/${form!.id}`, { method: 'PATCH', body: JSON.stringify({ assetUrl: 'https://www.kessler-hydraulik.example/%E0%A4.pdf' }) })
    expect(patched.status).toBe(400)
    expect(patched.body.error.field).toBe('assetUrl')
    expect(await counts()).toEqual(before)
    const submission = await call('/f/ebook-antriebslosigkeit', { body: JSON.stringify({ email: 'still.works@example.com' }), auth: false })
    expect(submission.status).toBe(201)
  })
})

describe('concurrent first events for one new address', () => {
  it('creates the contact once and accepts every event, single and batched', async () => {
    for (let round = 0; round < 5; round++) {
      const email = `race.${round}@example.com`
      const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => call('/api/events', { body: JSON.stringify({ type: 'page_view', contact: { email }, properties: { n: i } }) })))
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202])
      expect(new Set(answers.map((answer) => answer.body.contactId)).size).toBe(1)
      expect(answers.filter((answer) => answer.body.contactCreated)).toHaveLength(1)
      const [stored] = await system.sql`select count(*)::int as contacts, (select count(*)::int from events e join contacts c on c.id = e.contact_id where c.email = ${email}) as events from contacts where email = ${email}`
      expect(stored).toEqual({ contacts: 1, events: 4 })
    }
    // Batches race each other on the same new addresses (within a batch they are stored in order).
    const emails = Array.from({ length: 5 }, (_, i) => `batch.race.${i}@example.com`)
    const batch = () => call('/api/events', { body: JSON.stringify({ events: emails.map((email) => ({ type: 'page_view', contact: { email } })) }) })
    const batches = await Promise.all([batch(), batch(), batch()])
    for (const answer of batches) {
      expect(answer.status).toBe(202)
      expect(answer.body.rejected).toEqual([])
    }
    const [stored] = await system.sql`select count(*)::int as contacts from contacts where email like 'batch.race.%'`
    expect(stored!.contacts).toBe(5)
  })
})
