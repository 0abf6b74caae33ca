import { z } from 'zod'
import { defineNodeType } from './node-type'

/**
 * Hands the contact to sales here, whatever their score: the same handover as a score reaching a
 * handover cell (MQL, routing, dossier mails, CRM push, SLA reminders), once while one is open. The
 * contact leaves the campaign with "handed_over" (and every other nurture campaign with them).
 */
export const handover = defineNodeType({
  type: 'handover',
  label: 'Sales handover',
  description: 'Hands the lead to the sales rep of their territory (MQL, dossier mail, CRM push) and ends the campaign for them.',
  category: 'flow',
  configSchema: z.strictObject({}),
  defaults: {},
  hasInput: true,
  waits: false,
  outputs: () => [],
  summary: () => 'to the sales rep of the territory',
  step: async (_c, context) => {
    const { accountId, contactId, campaignId, enrolmentId } = context.enrolment
    // Simulations record instead of acting and have no handover: they just show where the lead leaves.
    if (context.activities.requestHandover) await context.activities.requestHandover({ accountId, contactId, campaignId, enrolmentId })
    return { exit: 'handed_over' }
  },
})
