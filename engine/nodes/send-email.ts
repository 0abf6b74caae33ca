import { z } from 'zod'
import { defineNodeType, NEXT } from './node-type'

const config = z.strictObject({
  template: z.string().min(1, 'choose a mail template'),
})

/** Sends one mail from a template, localised for the contact's subsidiary; at most once per enrolment, step and pass. */
export const sendEmail = defineNodeType({
  type: 'send_email',
  label: 'Send email',
  description: 'Sends a mail from a template, in the language of the contact’s subsidiary.',
  category: 'message',
  configSchema: config,
  defaults: { template: '' },
  hasInput: true,
  waits: false,
  outputs: () => [NEXT],
  summary: (c) => c.template || 'no template chosen',
  validate: (c, context) =>
    context.templateIds.has(c.template) ? [] : [{ field: 'template', message: `template "${c.template}" does not exist` }],
  step: async (c, context) => {
    const { enrolment, nodeId, visit } = context
    for (;;) {
      const resumesBefore = context.resumeCount()
      context.startMailAttribution()
      const result = await context.activities.sendCampaignEmail({ ...enrolment, nodeId, visit, template: c.template })
      switch (result.outcome) {
        case 'paused': // the campaign is paused: the mail waits here until it is resumed
          await context.waitForResume(resumesBefore)
          continue
        case 'deferred': // frequency cap or quiet hours: the mail waits for the contact's next free slot
          await context.sleep(Date.parse(result.until) - context.now())
          continue
        case 'suppressed': // no consent, or the campaign was stopped
        case 'rejected': // the recipient's server refuses our mail for good
          return { exit: result.reason }
        default:
          return { next: NEXT.id }
      }
    }
  },
})
