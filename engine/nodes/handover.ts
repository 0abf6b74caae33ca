import { z } from 'zod'
import { defineNodeType } from './node-type'
import { words } from './ui'

/**
 * Hands the contact to sales here, whatever their score: the same handover as a score reaching a
 * handover cell (MQL, routing, dossier mails, CRM push, SLA reminders), once while one is open. The
 * contact leaves the campaign with "handed_over" (and every other nurture campaign with them).
 */
export const handover = defineNodeType({
  type: 'handover',
  ui: {
    label: words('Sales handover', 'An den Vertrieb übergeben', 'Transmettre aux ventes', 'Passa alle vendite', 'Pasar a ventas'),
    description: words(
      'Hands the lead to the sales rep of their territory (MQL, dossier mail, CRM push) and ends the campaign for them.',
      'Übergibt den Lead an den Vertriebsmitarbeiter seines Gebiets (MQL, Dossier-Mail, CRM-Übertragung) und beendet die Kampagne für ihn.',
      'Transmet le lead au commercial de son secteur (MQL, e-mail de dossier, envoi au CRM) et termine la campagne pour lui.',
      'Passa il lead al commerciale della sua zona (MQL, e-mail dossier, invio al CRM) e chiude la campagna per lui.',
      'Pasa el lead al comercial de su zona (MQL, correo con el dosier, envío al CRM) y termina la campaña para él.',
    ),
    summary: words(
      'to the sales rep of the territory',
      'an den Vertrieb des Gebiets',
      'au commercial du secteur',
      'al commerciale della zona',
      'al comercial de la zona',
    ),
    fields: {},
  },
  category: 'flow',
  configSchema: z.strictObject({}),
  defaults: {},
  hasInput: true,
  waits: false,
  outputs: () => [],
  step: async (_c, context) => {
    const { accountId, contactId, campaignId, enrolmentId } = context.enrolment
    // Simulations record instead of acting and have no handover: they just show where the lead leaves.
    if (context.activities.requestHandover) await context.activities.requestHandover({ accountId, contactId, campaignId, enrolmentId })
    return { exit: 'handed_over' }
  },
})
