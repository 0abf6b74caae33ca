import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common'

// Enrolments are findable in the Temporal Web UI by campaign, contact and current step
// (e.g. `CampaignId = "…" AND EnrolmentStep = "guide-clicked"`). Keys are shared by the client that
// starts enrolments, the workflow that updates its step, and the start-up code that registers them.
export const CAMPAIGN_ID = defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD)
export const CONTACT_ID = defineSearchAttributeKey('ContactId', SearchAttributeType.KEYWORD)
export const ENROLMENT_STEP = defineSearchAttributeKey('EnrolmentStep', SearchAttributeType.KEYWORD)

export const ENROLMENT_SEARCH_ATTRIBUTES = [CAMPAIGN_ID, CONTACT_ID, ENROLMENT_STEP]
