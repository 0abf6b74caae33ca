import { z } from 'zod'
import { parseDuration } from '../campaign/duration'
import { eventHappened } from '../events/catalogue'
import { defineNodeType } from './node-type'
import { COMMON_FIELDS, durationWords, filterWords, words } from './ui'
import { eventTypeSchema, matchesPropertyFilter, propertyFilterSchema } from './property-filter'
import { durationSchema } from './wait'

const config = z.strictObject({
  eventType: eventTypeSchema,
  filter: propertyFilterSchema,
  timeout: durationSchema,
  // Opens and clicks carry the campaign they came from. By default only this campaign's mails count, so
  // a click in another campaign's mail does not move this one along.
  anyCampaign: z.boolean().default(false),
})


/** Branches on tracked behaviour: "event" as soon as a matching event arrives, "timeout" if none does in time. */
export const waitForEvent = defineNodeType({
  type: 'wait_for_event',
  ui: {
    label: words('Wait for behaviour', 'Auf Verhalten warten', 'Attendre un comportement', 'Attendi un comportamento', 'Esperar un comportamiento'),
    description: words(
      'Waits until the contact clicks, opens, buys … or the time runs out, and branches on which came first.',
      'Wartet, bis der Kontakt klickt, öffnet, kauft … oder die Zeit abläuft, und verzweigt nach dem, was zuerst kam.',
      'Attend que le contact clique, ouvre, achète … ou que le temps s’écoule, et bifurque selon ce qui arrive en premier.',
      'Attende che il contatto clicchi, apra, acquisti … o che scada il tempo, e si dirama su ciò che arriva prima.',
      'Espera a que el contacto haga clic, abra, compre … o se acabe el tiempo, y se bifurca según lo que llegue antes.',
    ),
    summary: words(
      '{event}{filter}, up to {timeout}',
      '{event}{filter}, höchstens {timeout}',
      '{event}{filter}, au plus {timeout}',
      '{event}{filter}, al massimo {timeout}',
      '{event}{filter}, como máximo {timeout}',
    ),
    outputs: {
      event: words('{happened}', '{happened}', '{happened}', '{happened}', '{happened}'),
      timeout: words(
        'not {happened} within {timeout}',
        '{timeout} lang nicht {happened}',
        'pas {happened} en {timeout}',
        'non {happened} entro {timeout}',
        'no {happened} en {timeout}',
      ),
    },
    fields: {
      ...COMMON_FIELDS,
      timeout: {
        label: words('wait at most', 'höchstens warten', 'attendre au plus', 'attendi al massimo', 'esperar como máximo'),
        help: words(
          'A number and a unit: 30m, 12h, 3d or 2w.',
          'Eine Zahl und eine Einheit: 30m, 12h, 3d oder 2w.',
          'Un nombre et une unité : 30m, 12h, 3d ou 2w.',
          'Un numero e un’unità: 30m, 12h, 3d o 2w.',
          'Un número y una unidad: 30m, 12h, 3d o 2w.',
        ),
        widget: 'duration',
      },
      anyCampaign: {
        label: words(
          'also count clicks and opens in other campaigns’ mails',
          'auch Klicks und Öffnungen in Mails anderer Kampagnen zählen',
          'compter aussi les clics et ouvertures des e-mails d’autres campagnes',
          'conta anche clic e aperture nelle e-mail di altre campagne',
          'contar también clics y aperturas en correos de otras campañas',
        ),
        help: words(
          'Off: only this campaign’s mails move the contact along.',
          'Aus: nur Mails dieser Kampagne bringen den Kontakt weiter.',
          'Désactivé : seuls les e-mails de cette campagne font avancer le contact.',
          'Disattivato: solo le e-mail di questa campagna fanno avanzare il contatto.',
          'Desactivado: solo los correos de esta campaña hacen avanzar al contacto.',
        ),
        widget: 'checkbox',
      },
    },
  },
  category: 'timing',
  configSchema: config,
  defaults: { eventType: 'click', filter: {}, timeout: '3d', anyCampaign: false },
  hasInput: true,
  waits: true,
  // The branch labels say what happened in the catalogue's words ("clicked" / "geklickt").
  outputs: (c) => {
    const values = { happened: eventHappened(c.eventType), timeout: durationWords(c.timeout) }
    return [
      { id: 'event', values },
      { id: 'timeout', values },
    ]
  },
  summaryValues: (c) => ({ event: c.eventType, filter: filterWords(c.filter), timeout: durationWords(c.timeout) }),
  step: async (c, context) => {
    const event = await context.waitForEvent(
      (e) =>
        e.type === c.eventType &&
        matchesPropertyFilter(c.filter, e.properties) &&
        (c.anyCampaign || e.properties.campaignId === undefined || e.properties.campaignId === context.enrolment.campaignId),
      parseDuration(c.timeout)!,
    )
    return { next: event ? 'event' : 'timeout' }
  },
})
