import type { Transporter } from 'nodemailer'
import type { Sql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import { publishCampaignDraft } from '../db/campaigns'
import { addDailySlots, addFairRep, bookSlot, insertFair, linkFairCampaign } from '../db/fairs'
import { insertUser } from '../db/users'
import { FAIR_FOLLOW_UP_CAMPAIGN, fairFollowUpGraph, type FairFollowUpOptions } from '../engine/examples/fair-follow-up'
import { LOYALTY_CAMPAIGN } from '../engine/examples/loyalty'
import { sendMeetingConfirmation } from '../fairs/meeting-mail'
import { hashPassword } from '../people/secrets'
import { localDate } from '../engine/nodes/zoned-time'
import { DEMO_PASSWORD } from './seed-people'

// The demo's trade fair (issue 17): the company's stand at "maintenance" in Dortmund, today and tomorrow,
// two reps on duty with half-hour slots, the fair's campaign (stand and ticket costs, the follow-up), its
// consent form, and one booked meeting whose confirmation mail (QR code, .ics) goes out through the same
// path the booking page uses. Runs once per account: a fair that exists is left as it is.

export const DEMO_FAIR_NAME = 'maintenance Dortmund'
export const DEMO_FAIR_FORM_KEY = 'fair-maintenance-dortmund'
export const DEMO_BOOKED_VISITOR = 'jonas.becker@becker-maschinenbau.example'
export const DEMO_FAIR_REPS = [
  { email: 'sabine.vogel@kessler-hydraulik.example', name: 'Sabine Vogel' },
  { email: 'tobias.krueger@kessler-hydraulik.example', name: 'Tobias Krüger' },
]

/** Messe Dortmund's zone: the demo fair's days, slots and "today". */
const FAIR_TIME_ZONE = 'Europe/Berlin'

export interface FairSeedDeps {
  tokens: TokenSigner
  mailer: Transporter
  publicUrl: string
  mailDomain: string
  templateIds: ReadonlySet<string>
  followUp?: FairFollowUpOptions
  today?: Date
}

export async function seedFair(sql: Sql, accountId: string, deps: FairSeedDeps): Promise<{ fairId: string; created: boolean }> {
  const [existing] = await sql<{ id: string }[]>`select id from fairs where account_id = ${accountId} and name = ${DEMO_FAIR_NAME}`
  if (existing) return { fairId: existing.id, created: false }
  const [de] = await sql<{ id: string }[]>`select id from subsidiaries where account_id = ${accountId} and code = 'DE'`
  if (!de) throw new Error('the demo account has no DE subsidiary')

  // The follow-up tells customers (the example data's customer tiers) by their tag.
  await sql`update contacts set tags = array_append(tags, 'customer') where account_id = ${accountId} and attributes ? 'customer_tier' and not 'customer' = any(tags)`
  const [campaign] = await sql<{ id: string }[]>`
    insert into campaigns (account_id, name, kind, draft_graph) values (${accountId}, ${FAIR_FOLLOW_UP_CAMPAIGN}, 'custom', ${sql.json(fairFollowUpGraph(deps.followUp) as never)})
    returning id`
  const published = await publishCampaignDraft(sql, { accountId, campaignId: campaign!.id, publishedBy: 'demo seed', templateIds: deps.templateIds })
  if (!published.ok) throw new Error(`the fair's campaign does not publish: ${JSON.stringify(published)}`)
  // The stand and the tickets: the fair's costs, in reporting as the campaign's cost items.
  await sql`insert into campaign_costs (account_id, campaign_id, subsidiary_id, category, amount, incurred_on, note, source, created_by)
    values (${accountId}, ${campaign!.id}, ${de.id}, 'fair', 18500, current_date - 30, 'Stand 42 m², hall 4', 'seed', 'demo seed'),
           (${accountId}, ${campaign!.id}, ${de.id}, 'fair', 2400, current_date - 14, 'Visitor tickets for customers', 'seed', 'demo seed')`
  const [form] = await sql<{ id: string }[]>`
    insert into web_forms (account_id, subsidiary_id, public_key, name, consent_purpose, double_opt_in)
    values (${accountId}, ${de.id}, ${DEMO_FAIR_FORM_KEY}, 'Messestand maintenance Dortmund', 'marketing', true)
    on conflict (public_key) do update set name = excluded.name returning id`

  // Dortmund's today, not UTC's: from 22:00/23:00 UTC on, UTC's date is already yesterday at the stand, and
  // the booked meeting fell on a day the fair's "today" no longer shows.
  const today = localDate((deps.today ?? new Date()).getTime(), FAIR_TIME_ZONE)
  const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10)
  const fairId = await insertFair(sql, {
    accountId, subsidiaryId: de.id, campaignId: campaign!.id, name: DEMO_FAIR_NAME, place: 'Messe Dortmund, Halle 4', stand: '4.C12',
    startsOn: today, endsOn: tomorrow, timeZone: FAIR_TIME_ZONE, webFormId: form!.id,
  })

  // The loyalty campaign's fair invitation (with the example campaigns) offers a meeting at this stand: its booking links name this fair.
  const [loyalty] = await sql<{ id: string }[]>`select id from campaigns where account_id = ${accountId} and name = ${LOYALTY_CAMPAIGN}`
  if (loyalty) await linkFairCampaign(sql, { accountId, fairId, campaignId: loyalty.id, by: 'demo seed' })

  const passwordHash = await hashPassword(DEMO_PASSWORD)
  for (const rep of DEMO_FAIR_REPS) {
    await insertUser(sql, { accountId, email: rep.email, name: rep.name, role: 'sales_rep', allSubsidiaries: false, subsidiaryCodes: ['DE'], locale: 'de', passwordHash })
    const [user] = await sql<{ id: string }[]>`select id from users where account_id = ${accountId} and lower(email) = ${rep.email}`
    await addFairRep(sql, fairId, user!.id)
    // Half-hour slots from 10:00 to 17:00 Dortmund time on both days.
    await addDailySlots(sql, { fairId, userId: user!.id, days: [today, tomorrow], timeZone: FAIR_TIME_ZONE })
  }

  const [visitor] = await sql<{ id: string }[]>`select id from contacts where account_id = ${accountId} and email = ${DEMO_BOOKED_VISITOR}`
  const [slot] = await sql<{ id: string }[]>`
    select sl.id from fair_slots sl join users u on u.id = sl.user_id
    where sl.fair_id = ${fairId} and u.email = ${DEMO_FAIR_REPS[0]!.email} and (sl.starts_at at time zone ${FAIR_TIME_ZONE})::date = ${today}::date
    order by sl.starts_at offset 8 limit 1`
  if (visitor && slot) {
    const booked = await bookSlot(sql, { accountId, fairId, slotId: slot.id, contactId: visitor.id })
    if (booked.ok) await sendMeetingConfirmation({ sql, mailer: deps.mailer, tokens: deps.tokens, publicUrl: deps.publicUrl, mailDomain: deps.mailDomain }, booked.meetingId)
  }
  return { fairId, created: true }
}
