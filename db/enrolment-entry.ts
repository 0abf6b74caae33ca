import type { Sql } from 'postgres'

// The entry of one contact into one campaign (enrolments and trigger_occasions), decided and written by
// the enrol_entry function of migration 036 in one round trip; engine/enrol.ts holds the rules' meaning.

export interface EntryRow {
  enrolment_id: string | null
  version_id: string | null
  active: boolean
  repeated: boolean
  entered_before: boolean
  /** Why the contact was not enrolled (engine/enrol.ts SkipReason), or null. */
  skipped: string | null
}

export async function enterCampaign(
  sql: Sql,
  input: { accountId: string; campaignId: string; versionId: string; contactId: string; workflowId: string; triggerEventId: string | null; occasion: string; reEntry: string; coolDownMs: number },
): Promise<EntryRow> {
  const [row] = await sql<EntryRow[]>`
    select * from enrol_entry(${input.accountId}, ${input.campaignId}, ${input.versionId}, ${input.contactId}, ${input.workflowId},
                              ${input.triggerEventId}, ${input.occasion}, ${input.reEntry}, ${input.coolDownMs})`
  if (!row) throw new Error('enrol_entry returned no row')
  return row
}
