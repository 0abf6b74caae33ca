import type { Sql } from 'postgres'
import { publishCampaignDraft } from '../db/campaigns'
import type { CampaignGraph } from '../engine/campaign/graph'
import { onboardingGraph } from '../engine/examples/onboarding'

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

export interface SeedResult {
  accountId: string
  created: boolean
}

/**
 * The demo scenario: the hydraulics manufacturer, its four subsidiaries, a dozen contacts and a live
 * onboarding campaign. Runs once: an account that exists is left as it is, whatever was changed since.
 */
export async function seedDemo(sql: Sql, options: { templateIds: ReadonlySet<string>; onboarding?: CampaignGraph }): Promise<SeedResult> {
  const [existing] = await sql<{ id: string }[]>`select id from accounts where slug = ${DEMO_ACCOUNT_SLUG}`
  if (existing) return { accountId: existing.id, created: false }
  const { accountId, campaignId } = await sql.begin(async (sql) => {
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
    const [campaign] = await sql<{ id: string }[]>`
      insert into campaigns (account_id, name, kind, draft_graph)
      values (${accountId}, 'Onboarding after purchase', 'onboarding', ${sql.json((options.onboarding ?? onboardingGraph()) as never)})
      returning id`
    return { accountId, campaignId: campaign!.id }
  })
  const published = await publishCampaignDraft(sql, { accountId, campaignId, publishedBy: 'demo seed', templateIds: options.templateIds })
  if (!published.ok) throw new Error(`the demo onboarding campaign does not publish: ${JSON.stringify(published)}`)
  return { accountId, created: true }
}
