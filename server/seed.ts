import type { Sql, TransactionSql } from 'postgres'
import { publishCampaignDraft } from '../db/campaigns'
import { refreshSegmentMembers } from '../db/segments'
import type { CampaignGraph } from '../engine/campaign/graph'
import { A_CUSTOMERS_SEGMENT, exampleCampaigns } from '../engine/examples'
import { onboardingGraph } from '../engine/examples/onboarding'
import { seedFormsAndConsentTexts } from '../tracking/seed-forms'
import { seedLeadManagement } from './seed-leads'
import { seedReportingHistory } from './seed-reporting'

export const DEMO_ACCOUNT_SLUG = 'kessler'

const SUBSIDIARIES = [
  { code: 'DE', name: 'Kessler Hydraulik GmbH', locale: 'de', zone: 'Europe/Berlin', hq: true, sender: 'Kessler Hydraulik', email: 'news@kessler-hydraulik.example' },
  { code: 'FR', name: 'Kessler Hydraulique France SAS', locale: 'fr', zone: 'Europe/Paris', hq: false, sender: 'Kessler Hydraulique', email: 'news@fr.kessler-hydraulik.example' },
  { code: 'IT', name: 'Kessler Idraulica Italia S.r.l.', locale: 'it', zone: 'Europe/Rome', hq: false, sender: 'Kessler Idraulica', email: 'news@it.kessler-hydraulik.example' },
  { code: 'ES', name: 'Kessler Hidráulica España S.L.', locale: 'es', zone: 'Europe/Madrid', hq: false, sender: 'Kessler Hidráulica', email: 'news@es.kessler-hydraulik.example' },
]

// A dozen contacts across the four subsidiaries. Pablo Ruiz never gave consent: the demo shows his
// mail being suppressed (and recorded) rather than sent.
const CONTACTS = [
  ['DE', 'jonas.becker@becker-maschinenbau.example', 'Jonas', 'Becker', 'mr', 'Becker Maschinenbau GmbH', 'granted'],
  ['DE', 'anna.schmidt@schmidt-pressen.example', 'Anna', 'Schmidt', 'ms', 'Schmidt Pressen AG', 'granted'],
  ['DE', 'lukas.weber@weber-kunststoff.example', 'Lukas', 'Weber', 'mr', 'Weber Kunststofftechnik', 'granted'],
  ['DE', 'miriam.hoffmann@hoffmann-werkzeug.example', 'Miriam', 'Hoffmann', 'ms', 'Hoffmann Werkzeugbau', 'granted'],
  ['FR', 'claire.dupont@dupont-industrie.example', 'Claire', 'Dupont', 'ms', 'Dupont Industrie SA', 'granted'],
  ['FR', 'julien.martin@martin-mecanique.example', 'Julien', 'Martin', 'mr', 'Martin Mécanique', 'granted'],
  ['FR', 'elodie.bernard@bernard-plasturgie.example', 'Élodie', 'Bernard', 'ms', 'Bernard Plasturgie', 'granted'],
  ['IT', 'marco.rossi@rossi-macchine.example', 'Marco', 'Rossi', 'mr', 'Rossi Macchine Utensili', 'granted'],
  ['IT', 'giulia.bianchi@bianchi-stampi.example', 'Giulia', 'Bianchi', 'ms', 'Bianchi Stampi S.p.A.', 'granted'],
  ['ES', 'javier.garcia@garcia-prensas.example', 'Javier', 'García', 'mr', 'García Prensas S.A.', 'granted'],
  ['ES', 'lucia.fernandez@fernandez-metal.example', 'Lucía', 'Fernández', 'ms', 'Fernández Metalurgia', 'granted'],
  ['ES', 'pablo.ruiz@ruiz-hidraulica.example', 'Pablo', 'Ruiz', 'mr', 'Ruiz Hidráulica', 'none'],
] as const

// What the example campaigns need to find someone, per contact: the unit they run, when it was bought and
// when its maintenance is due (days from the day of seeding, so the upsell's date trigger always has
// candidates), their customer tier, and for two of them a contact record from long ago without any
// activity since (the reactivation trigger's inactive contacts). Only seeded with the examples: tests of
// the base demo rely on its contacts having no attributes.
const EXAMPLE_CONTACT_DATA: Record<string, { tier: 'A' | 'B' | 'C'; model?: string; boughtDaysAgo?: number; maintenanceInDays?: number; quietSinceDays?: number }> = {
  'jonas.becker@becker-maschinenbau.example': { tier: 'A', model: 'HydroStat 3000', boughtDaysAgo: 200, maintenanceInDays: 165 },
  // HydroStat 2000 bought over three years ago, maintenance due within the year: the upsell takes them.
  'anna.schmidt@schmidt-pressen.example': { tier: 'B', model: 'HydroStat 2000', boughtDaysAgo: 1500, maintenanceInDays: 150 },
  'julien.martin@martin-mecanique.example': { tier: 'B', model: 'HydroStat 2000', boughtDaysAgo: 1600, maintenanceInDays: 200 },
  'marco.rossi@rossi-macchine.example': { tier: 'A', model: 'HydroStat 2000', boughtDaysAgo: 2600, maintenanceInDays: 75 },
  'javier.garcia@garcia-prensas.example': { tier: 'A', model: 'HydroStat 2000', boughtDaysAgo: 1300, maintenanceInDays: 240 },
  'pablo.ruiz@ruiz-hidraulica.example': { tier: 'C', model: 'HydroStat 2000', boughtDaysAgo: 2000, maintenanceInDays: 20 },
  // Younger than three years: the upsell holds her until the unit's third year.
  'miriam.hoffmann@hoffmann-werkzeug.example': { tier: 'C', model: 'HydroStat 2000', boughtDaysAgo: 700, maintenanceInDays: 100 },
  // Maintenance more than a year away: not (yet) in the upsell.
  'lukas.weber@weber-kunststoff.example': { tier: 'B', model: 'HydroStat 2000', boughtDaysAgo: 1900, maintenanceInDays: 500 },
  'claire.dupont@dupont-industrie.example': { tier: 'A', model: 'HydroStat 2000', boughtDaysAgo: 2300, maintenanceInDays: 400 },
  'giulia.bianchi@bianchi-stampi.example': { tier: 'B', model: 'HydroStat 3000', boughtDaysAgo: 400, maintenanceInDays: 330 },
  // Quiet for longer than the reactivation's half year.
  'elodie.bernard@bernard-plasturgie.example': { tier: 'C', quietSinceDays: 400 },
  'lucia.fernandez@fernandez-metal.example': { tier: 'C', quietSinceDays: 300 },
}

const DAY_MS = 86_400_000
const isoDay = (today: Date, days: number) => new Date(today.getTime() + days * DAY_MS).toISOString().slice(0, 10)

export interface SeedOptions {
  templateIds: ReadonlySet<string>
  onboarding?: CampaignGraph
  /** The example campaigns beside onboarding (nurture, cross-sell, upsell, loyalty, reactivation) and the data they need. */
  examples?: boolean
  /** Loads the account's templates before its campaigns are published, so that they pin them. */
  seedTemplates?: (accountId: string) => Promise<unknown>
  /** The day the demo's relative dates count from (maintenance due in n days). */
  today?: Date
}

export interface SeedResult {
  accountId: string
  created: boolean
}

/**
 * The demo scenario: the hydraulics manufacturer, its four subsidiaries, a dozen contacts and a live
 * onboarding campaign; with `examples` (the default) also the example campaigns, live, with the contact
 * attributes, the "A customers" segment and the quiet contacts their triggers need. Runs once: an
 * account that exists is left as it is, whatever was changed since.
 */
export async function seedDemo(sql: Sql, options: SeedOptions): Promise<SeedResult> {
  const [existing] = await sql<{ id: string }[]>`select id from accounts where slug = ${DEMO_ACCOUNT_SLUG}`
  if (existing) {
    await seedFormsAndConsentTexts(sql, existing.id)
    return { accountId: existing.id, created: false }
  }
  const { accountId, campaignId, examples } = await sql.begin(async (sql) => {
    const [account] = await sql<{ id: string }[]>`insert into accounts (slug, name) values (${DEMO_ACCOUNT_SLUG}, 'Kessler Hydraulik GmbH') returning id`
    const accountId = account!.id
    const subsidiaryIds = new Map<string, string>()
    for (const s of SUBSIDIARIES) {
      const [row] = await sql<{ id: string }[]>`
        insert into subsidiaries (account_id, code, name, locale, time_zone, is_headquarters, sender_name, sender_email)
        values (${accountId}, ${s.code}, ${s.name}, ${s.locale}, ${s.zone}, ${s.hq}, ${s.sender}, ${s.email}) returning id`
      subsidiaryIds.set(s.code, row!.id)
    }
    await sql`insert into contacts ${sql(
      CONTACTS.map(([code, email, firstName, lastName, salutation, company, consent]) => ({
        account_id: accountId,
        subsidiary_id: subsidiaryIds.get(code)!,
        email,
        first_name: firstName,
        last_name: lastName,
        salutation,
        company,
        locale: SUBSIDIARIES.find((s) => s.code === code)!.locale,
        consent_status: consent,
        consent_source: consent === 'granted' ? 'double opt-in (demo data)' : null,
        consent_at: consent === 'granted' ? new Date('2026-01-15T09:00:00Z') : null,
      })),
    )}`
    await seedFormsAndConsentTexts(sql, accountId)
    const [campaign] = await sql<{ id: string }[]>`
      insert into campaigns (account_id, name, kind, draft_graph)
      values (${accountId}, 'Onboarding after purchase', 'onboarding', ${sql.json((options.onboarding ?? onboardingGraph()) as never)})
      returning id`
    const examples = options.examples === false ? null : await insertExamples(sql, accountId, options.today ?? new Date())
    await seedLeadManagement(sql, accountId, subsidiaryIds, options.examples !== false)
    return { accountId, campaignId: campaign!.id, examples }
  })
  if (examples) await refreshSegmentMembers(sql, examples.segmentId) // the segment's first snapshot, as the API takes it
  await options.seedTemplates?.(accountId)
  // Published through the same validation as the designer's publish; the contacts' attributes are in by now.
  for (const [name, id] of [['onboarding', campaignId], ...(examples?.campaigns ?? [])] as const) {
    const published = await publishCampaignDraft(sql, { accountId, campaignId: id, publishedBy: 'demo seed', templateIds: options.templateIds })
    if (!published.ok) throw new Error(`the demo campaign "${name}" does not publish: ${JSON.stringify(published)}`)
  }
  // Months of costs, leads, handovers, deals and mail history for the Reports view (with the examples: tests count seeded contacts).
  if (examples) await seedReportingHistory(sql, accountId)
  return { accountId, created: true }
}

/** The example campaigns as drafts, with the contact data and the segment they need. */
async function insertExamples(sql: TransactionSql, accountId: string, today: Date): Promise<{ segmentId: string; campaigns: [string, string][] }> {
  for (const [email, data] of Object.entries(EXAMPLE_CONTACT_DATA)) {
    const attributes = {
      customer_tier: data.tier,
      ...(data.model && { model: data.model }),
      ...(data.boughtDaysAgo !== undefined && { purchased_at: isoDay(today, -data.boughtDaysAgo) }),
      ...(data.maintenanceInDays !== undefined && { maintenance_due: isoDay(today, data.maintenanceInDays) }),
    }
    const createdAt = data.quietSinceDays === undefined ? null : new Date(today.getTime() - data.quietSinceDays * DAY_MS)
    await sql`
      update contacts set attributes = attributes || ${sql.json(attributes)}, created_at = coalesce(${createdAt}, created_at)
      where account_id = ${accountId} and email = ${email}`
  }
  const [segment] = await sql<{ id: string }[]>`
    insert into segments (account_id, name, filter, created_by)
    values (${accountId}, ${A_CUSTOMERS_SEGMENT.name}, ${sql.json(A_CUSTOMERS_SEGMENT.filter as never)}, 'demo seed')
    returning id`
  const campaigns: [string, string][] = []
  for (const example of exampleCampaigns({ aCustomersSegmentId: segment!.id })) {
    const [row] = await sql<{ id: string }[]>`
      insert into campaigns (account_id, name, kind, draft_graph)
      values (${accountId}, ${example.name}, ${example.kind}, ${sql.json(example.graph as never)})
      returning id`
    campaigns.push([example.name, row!.id])
  }
  return { segmentId: segment!.id, campaigns }
}
