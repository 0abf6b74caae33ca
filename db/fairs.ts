import type { Sql, TransactionSql } from 'postgres'

/**
 * Owner of fairs, fair_reps, fair_slots and fair_meetings (migration 020) and fair_campaigns (027): the
 * fair, its reps on duty, their bookable slots, the booked meetings with their confirmation mail's state,
 * and the campaigns that invite to it. Captures at the stand are db/fair-captures.ts, the fair's figures
 * db/fair-figures.ts.
 */
type Tx = Sql | TransactionSql

export interface FairRow {
  id: string
  account_id: string
  subsidiary_id: string
  subsidiary: string
  campaign_id: string
  name: string
  place: string
  stand: string
  starts_on: string
  ends_on: string
  time_zone: string
  web_form_id: string | null
}

export interface NewFair {
  accountId: string
  subsidiaryId: string
  campaignId: string
  name: string
  place: string
  stand: string
  startsOn: string
  endsOn: string
  timeZone?: string
  webFormId?: string | null
}

const FAIR_COLUMNS = (sql: Tx) => sql`f.id, f.account_id, f.subsidiary_id, s.code as subsidiary, f.campaign_id, f.name, f.place, f.stand,
  to_char(f.starts_on, 'YYYY-MM-DD') as starts_on, to_char(f.ends_on, 'YYYY-MM-DD') as ends_on, f.time_zone, f.web_form_id`

export async function insertFair(sql: Tx, fair: NewFair): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into fairs (account_id, subsidiary_id, campaign_id, name, place, stand, starts_on, ends_on, time_zone, web_form_id)
    values (${fair.accountId}, ${fair.subsidiaryId}, ${fair.campaignId}, ${fair.name}, ${fair.place}, ${fair.stand}, ${fair.startsOn}, ${fair.endsOn}, ${fair.timeZone ?? 'Europe/Berlin'}, ${fair.webFormId ?? null})
    returning id`
  return row!.id
}

export async function addFairRep(sql: Tx, fairId: string, userId: string): Promise<void> {
  await sql`insert into fair_reps (fair_id, user_id) values (${fairId}, ${userId}) on conflict do nothing`
}

export async function addFairSlot(sql: Tx, slot: { fairId: string; userId: string; startsAt: Date; endsAt: Date }): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into fair_slots (fair_id, user_id, starts_at, ends_at) values (${slot.fairId}, ${slot.userId}, ${slot.startsAt}, ${slot.endsAt})
    on conflict (fair_id, user_id, starts_at) do update set ends_at = excluded.ends_at returning id`
  return row!.id
}

/** Half-hour slots from 10:00 to 17:00 local time on each of these days (the demo's stand hours). */
export async function addDailySlots(sql: Tx, slots: { fairId: string; userId: string; days: string[]; timeZone: string }): Promise<void> {
  await sql`insert into fair_slots (fair_id, user_id, starts_at, ends_at)
    select ${slots.fairId}, ${slots.userId}, (d + t) at time zone ${slots.timeZone}, (d + t + interval '30 minutes') at time zone ${slots.timeZone}
    from unnest(${slots.days}::date[]) days(d), (select time '10:00' + n * interval '30 minutes' as t from generate_series(0, 13) n) slots
    on conflict do nothing`
}

/**
 * Links a campaign to the fair it invites to: its mails' {{ fair.* }} and booking links name this fair
 * (activities/send-campaign-email.ts). A campaign invites to one fair; linking it again moves it. False: no such
 * campaign in the account.
 */
export async function linkFairCampaign(sql: Tx, link: { accountId: string; fairId: string; campaignId: string; by: string }): Promise<boolean> {
  const rows = await sql`insert into fair_campaigns (campaign_id, fair_id, account_id, linked_by)
    select id, ${link.fairId}, account_id, ${link.by} from campaigns where id = ${link.campaignId} and account_id = ${link.accountId}
    on conflict (campaign_id) do update set fair_id = excluded.fair_id, linked_by = excluded.linked_by, linked_at = now() returning campaign_id`
  return rows.length === 1
}

/**
 * The fair a campaign's mails name, as a lateral subquery `f` for the send's one round trip: the fair the
 * campaign invites to (fair_campaigns), else the fair whose own campaign it is. Columns: id, name, place,
 * stand, starts_on, ends_on (dates as text). `campaignColumn` is the query's column holding the campaign id.
 */
export const campaignFairJoin = (sql: Tx, campaignColumn: string) => sql`left join lateral (
    select fa.id, fa.name, fa.place, fa.stand, fa.starts_on::text as starts_on, fa.ends_on::text as ends_on
    from fairs fa left join fair_campaigns fc on fc.fair_id = fa.id and fc.campaign_id = ${sql(campaignColumn)}
    where fc.campaign_id is not null or fa.campaign_id = ${sql(campaignColumn)}
    order by (fc.campaign_id is not null) desc, fa.starts_on limit 1
  ) f on true`

export async function findFair(sql: Tx, accountId: string, fairId: string, subs: string[] | '*'): Promise<FairRow | null> {
  const [row] = await sql<FairRow[]>`
    select ${FAIR_COLUMNS(sql)} from fairs f join subsidiaries s on s.id = f.subsidiary_id
    where f.id = ${fairId} and f.account_id = ${accountId} ${subs === '*' ? sql`` : sql`and s.code = any(${subs}::text[])`}`
  return row ?? null
}

/** Whether the signed-in user (by e-mail) is one of the fair's reps on duty. */
export async function isOnDuty(sql: Tx, fairId: string, email: string): Promise<boolean> {
  const [row] = await sql`select 1 from fair_reps r join users u on u.id = r.user_id where r.fair_id = ${fairId} and lower(u.email) = lower(${email})`
  return !!row
}

/** The web form consent collected at the fair's stand runs through (its double opt-in), in the form's language. */
export async function fairConsentForm(sql: Tx, webFormId: string) {
  const [row] = await sql<
    { id: string; account_id: string; public_key: string; name: string; asset_url: string | null; consent_purpose: string; consent_version: number | null; double_opt_in: boolean; subsidiary_id: string; locale: string }[]
  >`
    select f.id, f.account_id, f.public_key, f.name, f.asset_url, f.consent_purpose, f.consent_version, f.double_opt_in, f.subsidiary_id, coalesce(s.locale, 'de') as locale
    from web_forms f join subsidiaries s on s.id = f.subsidiary_id where f.id = ${webFormId}`
  return row ?? null
}

/** A fair by id alone: the public booking page, whose signed token names account and fair. */
export async function fairById(sql: Tx, fairId: string): Promise<FairRow | null> {
  const [row] = await sql<FairRow[]>`select ${FAIR_COLUMNS(sql)} from fairs f join subsidiaries s on s.id = f.subsidiary_id where f.id = ${fairId}`
  return row ?? null
}

/** The fairs of the caller's subsidiaries, newest first; `repUserId` narrows to those the rep is on duty at. */
export async function listFairs(sql: Tx, accountId: string, subs: string[] | '*', repUserId?: string | null): Promise<(FairRow & { reps: number; meetings: number })[]> {
  return sql<(FairRow & { reps: number; meetings: number })[]>`
    select ${FAIR_COLUMNS(sql)},
      (select count(*)::int from fair_reps r where r.fair_id = f.id) as reps,
      (select count(*)::int from fair_meetings m where m.fair_id = f.id) as meetings
    from fairs f join subsidiaries s on s.id = f.subsidiary_id
    where f.account_id = ${accountId} ${subs === '*' ? sql`` : sql`and s.code = any(${subs}::text[])`}
      ${repUserId ? sql`and exists (select 1 from fair_reps r where r.fair_id = f.id and r.user_id = ${repUserId})` : sql``}
    order by f.starts_on desc, f.name limit 200`
}

export interface SlotRow {
  id: string
  user_id: string
  rep_name: string
  rep_email: string
  starts_at: Date
  ends_at: Date
  booked: boolean
}

export async function fairSlots(sql: Tx, fairId: string): Promise<SlotRow[]> {
  return sql<SlotRow[]>`
    select sl.id, sl.user_id, u.name as rep_name, u.email as rep_email, sl.starts_at, sl.ends_at, (m.id is not null) as booked
    from fair_slots sl join users u on u.id = sl.user_id left join fair_meetings m on m.slot_id = sl.id
    where sl.fair_id = ${fairId} order by sl.starts_at, u.name`
}

export type BookingOutcome = { ok: true; meetingId: string; replayed: boolean } | { ok: false; reason: 'slot_taken' | 'no_slot' }

/**
 * Books a slot for a contact. A contact has one meeting per fair: booking again moves it to the new
 * slot (and its confirmation is mailed again); the same slot again is a replay that changes nothing.
 */
export async function bookSlot(sql: Sql, booking: { accountId: string; fairId: string; slotId: string; contactId: string }): Promise<BookingOutcome> {
  return sql.begin(async (sql) => {
    const [slot] = await sql<{ id: string }[]>`select id from fair_slots where id = ${booking.slotId} and fair_id = ${booking.fairId} for update`
    if (!slot) return { ok: false, reason: 'no_slot' } as const
    const [taken] = await sql<{ contact_id: string; id: string }[]>`select id, contact_id from fair_meetings where slot_id = ${booking.slotId}`
    if (taken) return taken.contact_id === booking.contactId ? ({ ok: true, meetingId: taken.id, replayed: true } as const) : ({ ok: false, reason: 'slot_taken' } as const)
    const [row] = await sql<{ id: string }[]>`
      insert into fair_meetings (account_id, fair_id, slot_id, contact_id) values (${booking.accountId}, ${booking.fairId}, ${booking.slotId}, ${booking.contactId})
      on conflict (fair_id, contact_id) do update set slot_id = excluded.slot_id, booked_at = now(), confirmation_status = 'pending',
        confirmation_message_id = null, confirmation_sent_at = null
      returning id`
    return { ok: true, meetingId: row!.id, replayed: false } as const
  })
}

export interface MeetingMailRow {
  id: string
  fair_id: string
  contact_id: string
  confirmation_status: string
  email: string
  first_name: string | null
  last_name: string | null
  locale: string
  sender_name: string
  sender_email: string
  rep_name: string
  rep_email: string
  starts_at: Date
  ends_at: Date
}

export async function meetingForMail(sql: Tx, meetingId: string): Promise<MeetingMailRow | null> {
  const [row] = await sql<MeetingMailRow[]>`
    select m.id, m.fair_id, m.contact_id, m.confirmation_status, c.email, c.first_name, c.last_name, coalesce(s.locale, 'de') as locale,
           s.sender_name, s.sender_email, u.name as rep_name, u.email as rep_email, sl.starts_at, sl.ends_at
    from fair_meetings m join contacts c on c.id = m.contact_id join subsidiaries s on s.id = c.subsidiary_id
      join fair_slots sl on sl.id = m.slot_id join users u on u.id = sl.user_id
    where m.id = ${meetingId}`
  return row ?? null
}

/** Claims the confirmation mail for sending; false when it was sent, is being sent or its fate is unknown. */
export async function claimMeetingMail(sql: Tx, meetingId: string, messageId: string): Promise<boolean> {
  const rows = await sql`
    update fair_meetings set confirmation_status = 'sending', confirmation_message_id = ${messageId}
    where id = ${meetingId} and confirmation_status in ('pending', 'failed') returning id`
  return rows.length === 1
}

export async function settleMeetingMail(sql: Tx, meetingId: string, status: 'sent' | 'failed' | 'unknown'): Promise<void> {
  await sql`update fair_meetings set confirmation_status = ${status}, confirmation_sent_at = case when ${status} = 'sent' then now() else confirmation_sent_at end where id = ${meetingId}`
}

export interface AppointmentRow {
  meeting_id: string
  contact_id: string
  rep_name: string
  rep_email: string
  starts_at: Date
  ends_at: Date
  held_at: Date | null
}

/** The meetings at the stand on one local day (YYYY-MM-DD in the fair's time zone), every rep's. */
export async function appointmentsOn(sql: Tx, fair: FairRow, day: string): Promise<AppointmentRow[]> {
  return sql<AppointmentRow[]>`
    select m.id as meeting_id, m.contact_id, u.name as rep_name, u.email as rep_email, sl.starts_at, sl.ends_at, m.held_at
    from fair_meetings m join fair_slots sl on sl.id = m.slot_id join users u on u.id = sl.user_id
    where m.fair_id = ${fair.id} and (sl.starts_at at time zone ${fair.time_zone})::date = ${day}::date
    order by sl.starts_at`
}

/** The meeting counts as held once the visitor's QR code is scanned at the stand. */
export async function markMeetingHeld(sql: Tx, fairId: string, contactId: string, at: Date): Promise<void> {
  await sql`update fair_meetings set held_at = coalesce(held_at, ${at}) where fair_id = ${fairId} and contact_id = ${contactId}`
}
