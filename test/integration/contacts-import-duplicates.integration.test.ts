import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'

// CSV import (dry run, all-or-nothing commit, consent per row), the duplicates view, merging with its log,
// the 360° profile and CSV export, on the real system (no CRM needed).
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

async function post(email: string, type: string, contact: Record<string, unknown> = {}) {
  const response = await system.api('/api/events', { body: { type, contact: { email, subsidiary: 'DE', ...contact }, properties: {} } })
  expect(response.status, JSON.stringify(response.body)).toBe(202)
  return response.body as { contactId: string }
}

const CSV = [
  '\uFEFFE-Mail;Vorname;Nachname;Firma;PLZ;Einwilligung;Quelle',
  'maria.weber@weber-hydraulik.example;Maria;Weber;Weber Hydraulik GmbH;70173;;',
  'neu.kunde@neukunde.example;Nina;Neu;Neukunde AG;10115;ja;Messe Hannover 2026',
  'NEU.KUNDE@neukunde.example;Nina;Neu;Neukunde AG;10115;ja;Messe Hannover 2026',
  'm.weber@weber-hydraulik.example;Maria;Weber;Weber Hydraulik;70173;ja;Visitenkarte',
  'kein-at-zeichen.example;Karl;Kaputt;Kaputt KG;12345;;',
  'unsicher@vielleicht.example;Uwe;Unsicher;Unsicher AG;54321;vielleicht;Telefon',
  'tom.treu@treu-technik.example;Tom;Treu;Treu Technik;80331;nein;',
].join('\r\n')
const MAPPING = { email: 'E-Mail', firstName: 'Vorname', lastName: 'Nachname', company: 'Firma', postalCode: 'PLZ', consent: 'Einwilligung', consentSource: 'Quelle' }

describe('a CSV with duplicates imports cleanly', () => {
  let mariaId: string
  let importId: string

  it('the dry run says per row what will happen, and why, storing no contact', async () => {
    mariaId = (await post('maria.weber@weber-hydraulik.example', 'visit', { firstName: 'Maria', lastName: 'Weber', company: 'Weber Hydraulik GmbH', attributes: { postal_code: '70173' } })).contactId
    const before = (await system.sql`select count(*)::int as n from contacts`)[0]!.n
    const dry = await system.api('/api/contact-imports', { body: { csv: CSV, mapping: MAPPING } })
    expect(dry.status, JSON.stringify(dry.body)).toBe(201)
    importId = dry.body.import.id
    expect(dry.body.import.summary).toEqual({ new: 2, updated: 1, duplicates: 2, rejected: 2 })
    const byLine = Object.fromEntries(dry.body.import.rows.map((r: { line: number; verdict: string; reason: string | null }) => [r.line, r]))
    expect(byLine[2]).toMatchObject({ verdict: 'updated' })
    expect(byLine[4]).toMatchObject({ verdict: 'duplicate', reason: 'same e-mail as line 3 of this file (merged into it)' })
    expect(byLine[5].verdict).toBe('duplicate')
    expect(byLine[5].reason).toContain('maria.weber@weber-hydraulik.example')
    expect(byLine[6]).toMatchObject({ verdict: 'rejected', reason: '"kein-at-zeichen.example" is not an e-mail address' })
    expect(byLine[7]).toMatchObject({ verdict: 'rejected', reason: 'consent "vielleicht" is neither yes nor no' })
    // The code and its values, for the designer to word in the person's language.
    expect(byLine[4]).toMatchObject({ reasonCode: 'same_in_file', reasonValues: { line: '3' } })
    expect(byLine[6]).toMatchObject({ reasonCode: 'not_an_email', reasonValues: { value: 'kein-at-zeichen.example' } })
    expect(byLine[7]).toMatchObject({ reasonCode: 'consent_unclear', reasonValues: { value: 'vielleicht' } })
    expect((await system.sql`select count(*)::int as n from contacts`)[0]!.n).toBe(before)
  })

  it('a broken file or a mapping to a missing column is refused naming the field, storing nothing', async () => {
    const broken = await system.api('/api/contact-imports', { body: { csv: 'E-Mail;Name\n"unclosed@x.example;Anna\n', mapping: { email: 'E-Mail' } } })
    expect(broken.status).toBe(400)
    expect(broken.body.error).toMatchObject({ field: 'csv' })
    const missing = await system.api('/api/contact-imports', { body: { csv: CSV, mapping: { ...MAPPING, company: 'Unternehmen' } } })
    expect(missing.status).toBe(400)
    expect(missing.body.error.field).toBe('mapping.company')
  })

  it('the commit imports exactly what the dry run showed, once, with consent marked as obtained outside', async () => {
    const commit = await system.api(`/api/contact-imports/${importId}/commit`, { method: 'POST' })
    expect(commit.status, JSON.stringify(commit.body)).toBe(200)
    expect(commit.body.imported).toBe(4)
    expect((await system.api(`/api/contact-imports/${importId}/commit`, { method: 'POST' })).status).toBe(409)
    const progress = await system.api(`/api/contact-imports/${importId}`)
    expect(progress.body.import).toMatchObject({ status: 'imported', processed: 4, total: 7 })
    const rows = await system.sql<{ email: string; consent_status: string; consent_source: string | null }[]>`
      select email, consent_status, consent_source from contacts where email = any(${['neu.kunde@neukunde.example', 'tom.treu@treu-technik.example', 'm.weber@weber-hydraulik.example']}) order by email`
    expect(rows).toEqual([
      { email: 'm.weber@weber-hydraulik.example', consent_status: 'granted', consent_source: 'csv import (obtained outside: Visitenkarte)' },
      { email: 'neu.kunde@neukunde.example', consent_status: 'granted', consent_source: 'csv import (obtained outside: Messe Hannover 2026)' },
      { email: 'tom.treu@treu-technik.example', consent_status: 'none', consent_source: null },
    ])
    expect((await system.sql`select count(*)::int as n from contacts where lower(email) = 'neu.kunde@neukunde.example'`)[0]!.n).toBe(1)
    expect((await system.sql`select count(*)::int as n from contacts where email like '%kaputt%' or email like '%vielleicht%'`)[0]!.n).toBe(0)
  })

  it('the look-alike waits in the duplicates view with its evidence; merging keeps everything and is explained', async () => {
    const view = await system.api('/api/duplicates')
    const suggestion = view.body.suggestions.find((s: any) => [s.a.email, s.b.email].includes('m.weber@weber-hydraulik.example'))
    expect(suggestion).toMatchObject({ rule: 'fuzzy', evidence: { company: 'Weber Hydraulik', postalCode: '70173' } })
    const fr = system.token({ sub: 'fr-marketer', role: 'marketer', subs: ['FR'] })
    expect((await system.api('/api/duplicates', { token: fr })).body.suggestions).toEqual([])
    expect((await system.api(`/api/duplicates/${suggestion.id}/merge`, { token: fr, body: { keep: mariaId } })).status).toBe(404)

    const lookAlikeId = [suggestion.a.id, suggestion.b.id].find((id: string) => id !== mariaId)
    await post('m.weber@weber-hydraulik.example', 'click')
    // The look-alike is in a campaign whose handover step handed it to sales: an enrolment and a handover to keep.
    const graph = {
      nodes: [
        { id: 'asked', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'demo_request', filter: {} } },
        { id: 'to-sales', type: 'handover', position: { x: 0, y: 120 }, config: {} },
      ],
      edges: [{ id: 'e0', source: 'asked', sourceHandle: 'next', target: 'to-sales' }],
    }
    const campaign = await system.api('/api/campaigns', { body: { name: 'Demo requests to sales (merge test)', kind: 'custom', graph } })
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201)
    expect((await system.api(`/api/campaigns/${campaign.body.id}/publish`, { body: {} })).status).toBe(201)
    await post('m.weber@weber-hydraulik.example', 'demo_request')
    await expect.poll(async () => (await system.sql`select 1 from handovers where contact_id = ${lookAlikeId}`).length, { timeout: 60_000 }).toBe(1)
    const enrolments = await system.sql<{ id: string }[]>`select id from enrolments where contact_id = ${lookAlikeId}`
    const handovers = await system.sql<{ id: string }[]>`select id from handovers where contact_id = ${lookAlikeId}`
    expect(enrolments).toHaveLength(1)
    // Maria gave her own consent on the phone (a second import): two proofs, one from each contact.
    const phone = await system.api('/api/contact-imports', { body: { csv: `${CSV.split('\r\n')[0]}\r\nmaria.weber@weber-hydraulik.example;Maria;Weber;Weber Hydraulik GmbH;70173;ja;Telefonat`, mapping: MAPPING } })
    expect(phone.status, JSON.stringify(phone.body)).toBe(201)
    expect((await system.api(`/api/contact-imports/${phone.body.import.id}/commit`, { method: 'POST' })).status).toBe(200)
    const proofs = await system.sql<{ id: string }[]>`select id from consent_records where contact_id = any(${[mariaId, lookAlikeId]})`
    expect((await system.sql`select 1 from consent_records where contact_id = ${mariaId}`).length).toBeGreaterThanOrEqual(1)
    expect((await system.sql`select 1 from consent_records where contact_id = ${lookAlikeId}`).length).toBeGreaterThanOrEqual(1)
    const [activityBefore] = await system.sql<{ points: number }[]>`select activity_points::float as points from contact_scores where contact_id = ${mariaId}`
    const events = (await system.sql`select count(*)::int as n from events where contact_id = any(${[mariaId, lookAlikeId]})`)[0]!.n
    const merged = await system.api(`/api/duplicates/${suggestion.id}/merge`, { body: { keep: mariaId } })
    expect(merged.status, JSON.stringify(merged.body)).toBe(200)
    expect(merged.body.merge).toMatchObject({ keptContactId: mariaId, consent: 'granted' })
    expect((await system.sql`select count(*)::int as n from events where contact_id = ${mariaId}`)[0]!.n).toBe(events)
    // Every consent proof, the enrolment and the handover now belong to Maria; none was dropped.
    expect((await system.sql<{ id: string }[]>`select id from consent_records where contact_id = ${mariaId}`).map((r) => r.id).sort()).toEqual(proofs.map((r) => r.id).sort())
    expect((await system.sql<{ id: string }[]>`select id from enrolments where contact_id = ${mariaId}`).map((r) => r.id)).toEqual(expect.arrayContaining(enrolments.map((r) => r.id)))
    expect((await system.sql<{ id: string }[]>`select id from handovers where contact_id = ${mariaId}`).map((r) => r.id)).toEqual(handovers.map((r) => r.id))
    // Rescored with the look-alike's activity (its click and demo request now count for Maria).
    const [activityAfter] = await system.sql<{ points: number }[]>`select activity_points::float as points from contact_scores where contact_id = ${mariaId}`
    expect(activityAfter!.points).toBeGreaterThan(activityBefore?.points ?? 0)
    expect((await system.sql`select 1 from contacts where id = ${lookAlikeId}`).length).toBe(0)
    const profile = await system.api(`/api/contacts/${mariaId}/profile`)
    expect(profile.status).toBe(200)
    expect(profile.body.contact).toMatchObject({ email: 'maria.weber@weber-hydraulik.example', consentStatus: 'granted' })
    expect(profile.body.contact.attributes.alternate_emails).toEqual(['m.weber@weber-hydraulik.example'])
    expect(profile.body.consent.map((c: { source: string }) => c.source)).toContain('csv import (obtained outside: Visitenkarte)')
    expect(profile.body.merges[0]).toMatchObject({ mergedContactId: lookAlikeId, mergedEmail: 'm.weber@weber-hydraulik.example', rule: 'fuzzy', mergedBy: 'test-marketer' })
    expect(profile.body.score).not.toBeNull()
    expect((await system.api('/api/duplicates')).body.suggestions.find((s: any) => s.id === suggestion.id)).toBeUndefined()

    const csv = await fetch(`${system.baseUrl}/api/contacts.csv`, { headers: { authorization: `Bearer ${await system.token()}` } })
    const text = await csv.text()
    expect(text.split('\r\n')[0]).toBe('email,first_name,last_name,company,subsidiary,postal_code,lifecycle_stage,consent_status,consent_source')
    expect(text).toContain('maria.weber@weber-hydraulik.example,Maria,Weber')
    expect(text).not.toContain('m.weber@')

    // Issue 14's audit log: the merge and the CSV export are there for an admin, saying who, what and how much.
    const admin = await system.token({ sub: 'hq-admin', role: 'admin', subs: '*' })
    const merges = (await system.api('/api/admin/audit?action=contact.merged', { token: admin })).body.entries
    expect(merges).toHaveLength(1)
    expect(merges[0]).toMatchObject({ actor: 'test-marketer', target: 'maria.weber@weber-hydraulik.example', details: { keptContactId: mariaId, mergedContactId: lookAlikeId, mergedEmail: 'm.weber@weber-hydraulik.example', rule: 'fuzzy', mergeId: merged.body.merge.mergeId } })
    const exports = (await system.api('/api/admin/audit?action=contacts.exported_csv', { token: admin })).body.entries
    expect(exports).toHaveLength(1)
    const exported = text.trim().split('\r\n').length - 1
    expect(exports[0]).toMatchObject({ actor: 'test-marketer', details: { contacts: exported } })
  })

  it('a scan of the whole pool finds look-alikes that arrived by other ways, once, for a person to decide', async () => {
    // Two form visitors who are one person (initial and full first name) and one address written two ways.
    await post('r.schulz@schulz-pumpen.example', 'visit', { firstName: 'R.', lastName: 'Schulz', company: 'Schulz Pumpen GmbH', attributes: { postal_code: '28195' } })
    await post('rita.schulz@schulz-pumpen.example', 'visit', { firstName: 'Rita', lastName: 'Schulz', company: 'Schulz Pumpen', attributes: { postal_code: '28195' } })
    await post('paul.schulz@schulz-pumpen.example', 'visit', { firstName: 'Paul', lastName: 'Schulz', company: 'Schulz Pumpen GmbH', attributes: { postal_code: '28195' } })
    await post('ada.lovelace@googlemail.com', 'visit', { firstName: 'Ada' })
    await post('ada.lovelace@gmail.com', 'visit', { firstName: 'Ada' })
    const before = (await system.api('/api/duplicates')).body.suggestions.length
    const scan = await system.api('/api/duplicates/scan', { method: 'POST' })
    expect(scan.status, JSON.stringify(scan.body)).toBe(200)
    expect(scan.body.scanned).toBeGreaterThanOrEqual(5)
    expect(scan.body.suggested).toBe(2)
    const suggestions = (await system.api('/api/duplicates')).body.suggestions
    expect(suggestions).toHaveLength(before + 2)
    const pairOf = (s: any) => [s.a.email, s.b.email].sort()
    expect(suggestions.map(pairOf)).toContainEqual(['r.schulz@schulz-pumpen.example', 'rita.schulz@schulz-pumpen.example'])
    expect(suggestions.map(pairOf)).toContainEqual(['ada.lovelace@gmail.com', 'ada.lovelace@googlemail.com'])
    // Paul is another person with the same surname at the same company: not suggested.
    expect(suggestions.flatMap(pairOf)).not.toContain('paul.schulz@schulz-pumpen.example')
    // Nothing new the second time; a dismissed pair stays dismissed.
    const ada = suggestions.find((s: any) => s.a.email.startsWith('ada.'))
    expect((await system.api(`/api/duplicates/${ada.id}/dismiss`, { method: 'POST' })).status).toBe(200)
    expect((await system.api('/api/duplicates/scan', { method: 'POST' })).body.suggested).toBe(0)
    expect((await system.api('/api/duplicates/scan', { method: 'POST', token: system.token({ sub: 'viewer', role: 'viewer', subs: '*' }) })).status).toBe(403)
  })
})
