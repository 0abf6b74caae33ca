import { z } from 'zod'
import { defineNodeType, NEXT } from './node-type'
import { words } from './ui'

const NO_TEMPLATE = words('no template chosen', 'keine Vorlage gewählt', 'aucun modèle choisi', 'nessun modello scelto', 'ninguna plantilla elegida')

const config = z.strictObject({
  template: z.string().min(1, 'choose a mail template'),
})

/** Sends one mail from a template, localised for the contact's subsidiary; at most once per enrolment, step and pass. */
export const sendEmail = defineNodeType({
  type: 'send_email',
  ui: {
    label: words('Send email', 'E-Mail senden', 'Envoyer un e-mail', 'Invia e-mail', 'Enviar correo'),
    description: words(
      'Sends a mail from a template, in the language of the contact’s subsidiary.',
      'Sendet eine Mail aus einer Vorlage, in der Sprache der Niederlassung des Kontakts.',
      'Envoie un e-mail à partir d’un modèle, dans la langue de la filiale du contact.',
      'Invia un’e-mail da un modello, nella lingua della filiale del contatto.',
      'Envía un correo a partir de una plantilla, en el idioma de la filial del contacto.',
    ),
    summary: words('{template}', '{template}', '{template}', '{template}', '{template}'),
    fields: {
      template: {
        label: words('mail template', 'Mail-Vorlage', 'modèle d’e-mail', 'modello di e-mail', 'plantilla de correo'),
        help: words(
          'The mail to send; each subsidiary gets its own language of it.',
          'Die zu sendende Mail; jede Niederlassung erhält ihre eigene Sprachfassung.',
          'L’e-mail à envoyer ; chaque filiale en reçoit sa propre langue.',
          'L’e-mail da inviare; ogni filiale ne riceve la propria lingua.',
          'El correo que se envía; cada filial recibe su propio idioma.',
        ),
        widget: 'template',
      },
    },
  },
  category: 'message',
  configSchema: config,
  defaults: { template: '' },
  hasInput: true,
  waits: false,
  recordsOwnEntry: true,
  outputs: () => [NEXT],
  summaryValues: (c) => ({ template: c.template || NO_TEMPLATE }),
  validate: (c, context) =>
    context.templateIds.has(c.template) ? [] : [{ field: 'template', message: `template "${c.template}" does not exist` }],
  step: async (c, context) => {
    const { enrolment, nodeId, visit } = context
    // The first send records the step's entry too (one activity task); a send after a pause or deferral only sends.
    let entry = context.entry
    for (;;) {
      const resumesBefore = context.resumeCount()
      context.startMailAttribution()
      const mail = { ...enrolment, nodeId, visit, template: c.template }
      const result = entry ? await context.activities.enterMailStep({ entry, mail }) : await context.activities.sendCampaignEmail(mail)
      entry = null
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
