import { z } from 'zod'
import { describeDateOffset, parseDateOffset } from '../campaign/date-offset'
import { attributeNameSchema } from './contact-rules'
import { defineNodeType, NEXT, type DeclaredOutput } from './node-type'
import { DATE_ATTRIBUTE_FIELD, perLanguage, words, type UiLanguage } from './ui'
import { dateAttributeTarget, minutesOfDay, nextSendWindowStart, TIME_OF_DAY, WEEKDAYS } from './zoned-time'

const timeOfDay = z.string().regex(TIME_OF_DAY, 'a time of day such as 08:00')

const config = z.discriminatedUnion('mode', [
  // Until a date the contact carries, e.g. 60 days before `maintenance_due`.
  z.strictObject({
    mode: z.literal('date'),
    attribute: attributeNameSchema,
    offset: z
      .string()
      .refine((text) => parseDateOffset(text) !== null, 'an offset is a signed amount: -60d, +2w, +1y, 12h or 0d')
      .default('0d'),
  }),
  // Until the contact's next business hours, on their own clock.
  z.strictObject({
    mode: z.literal('send_window'),
    days: z.array(z.enum(WEEKDAYS)).min(1, 'allow at least one weekday').default(['mon', 'tue', 'wed', 'thu', 'fri']),
    from: timeOfDay.default('08:00'),
    until: timeOfDay.default('17:00'),
  }),
])

export type WaitUntilConfig = z.output<typeof config>

const DAYS = {
  mon: words('Mon', 'Mo', 'lun', 'lun', 'lun'),
  tue: words('Tue', 'Di', 'mar', 'mar', 'mar'),
  wed: words('Wed', 'Mi', 'mer', 'mer', 'mié'),
  thu: words('Thu', 'Do', 'jeu', 'gio', 'jue'),
  fri: words('Fri', 'Fr', 'ven', 'ven', 'vie'),
  sat: words('Sat', 'Sa', 'sam', 'sab', 'sáb'),
  sun: words('Sun', 'So', 'dim', 'dom', 'dom'),
}
const MISSING = (attribute: string): DeclaredOutput => ({ id: 'missing', values: { attribute } })
const CONTACTS_TIME = words('contact’s time', 'Zeit des Kontakts', 'heure du contact', 'ora del contatto', 'hora del contacto')

function describeDays(days: readonly (typeof WEEKDAYS)[number][], language: UiLanguage): string {
  const week = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
  const name = (day: (typeof week)[number]) => DAYS[day][language]
  const chosen = week.filter((day) => days.includes(day))
  const first = week.indexOf(chosen[0]!)
  const consecutive = chosen.length > 2 && chosen.every((day, i) => week.indexOf(day) === first + i)
  return consecutive ? `${name(chosen[0]!)}–${name(chosen.at(-1)!)}` : chosen.map(name).join(', ')
}

// If the date moves while the contact waits (a service was rescheduled), the step waits on; this bounds
// how often, so a date that keeps moving cannot keep a contact here forever.
const MAX_DATE_CHECKS = 20

/**
 * Waits until a moment that depends on the contact: a date they carry (± an offset), or the next time
 * their business hours allow. Both are read on the contact's clock (their time zone, else their
 * subsidiary's); a durable Temporal timer does the waiting.
 */
export const waitUntil = defineNodeType({
  type: 'wait_until',
  ui: {
    label: words('Wait until', 'Warten bis', 'Attendre jusqu’à', 'Attendi fino a', 'Esperar hasta'),
    description: words(
      'Waits until a date of the contact (e.g. 60 days before maintenance is due) or their next business hours.',
      'Wartet bis zu einem Datum des Kontakts (z. B. 60 Tage vor der fälligen Wartung) oder bis zu seinen nächsten Geschäftszeiten.',
      'Attend une date du contact (p. ex. 60 jours avant l’entretien prévu) ou ses prochaines heures ouvrées.',
      'Attende una data del contatto (ad es. 60 giorni prima della manutenzione) o il suo prossimo orario lavorativo.',
      'Espera hasta una fecha del contacto (p. ej. 60 días antes del mantenimiento) o su próximo horario laboral.',
    ),
    summary: words('until {until}', 'bis {until}', 'jusqu’à {until}', 'fino a {until}', 'hasta {until}'),
    outputs: {
      // Only a date wait labels its way on ("60 days before maintenance_due"); a send-window wait leaves it unlabelled.
      next: words('{when}', '{when}', '{when}', '{when}', '{when}'),
      missing: words('no {attribute}', 'kein {attribute}', 'pas de {attribute}', 'nessun {attribute}', 'sin {attribute}'),
    },
    fields: {
      mode: {
        label: words('wait until', 'warten bis', 'attendre jusqu’à', 'attendi fino a', 'esperar hasta'),
        help: words(
          'A date the contact carries, or their next business hours.',
          'Ein Datum des Kontakts oder seine nächsten Geschäftszeiten.',
          'Une date du contact, ou ses prochaines heures ouvrées.',
          'Una data del contatto, o il suo prossimo orario lavorativo.',
          'Una fecha del contacto, o su próximo horario laboral.',
        ),
        widget: 'variant',
        choices: {
          date: words('a date of the contact', 'ein Datum des Kontakts', 'une date du contact', 'una data del contatto', 'una fecha del contacto'),
          send_window: words('business hours', 'Geschäftszeiten', 'heures ouvrées', 'orario lavorativo', 'horario laboral'),
        },
      },
      attribute: DATE_ATTRIBUTE_FIELD,
      offset: {
        label: words('when, relative to that date', 'wann, bezogen auf dieses Datum', 'quand, par rapport à cette date', 'quando, rispetto a quella data', 'cuándo, respecto a esa fecha'),
        help: words('E.g. -60d, +2w or 0d.', 'Z. B. -60d, +2w oder 0d.', 'P. ex. -60d, +2w ou 0d.', 'Ad es. -60d, +2w o 0d.', 'P. ej. -60d, +2w o 0d.'),
        widget: 'duration',
      },
      days: {
        label: words('weekdays', 'Wochentage', 'jours de semaine', 'giorni', 'días'),
        help: words('Days on which the contact may go on.', 'Tage, an denen es weitergehen darf.', 'Jours où le contact peut continuer.', 'Giorni in cui il contatto può proseguire.', 'Días en que el contacto puede seguir.'),
        widget: 'choices',
        choices: DAYS,
      },
      from: {
        label: words('from', 'von', 'de', 'dalle', 'desde'),
        help: words('On the contact’s clock, e.g. 08:00.', 'Nach der Uhr des Kontakts, z. B. 08:00.', 'À l’heure du contact, p. ex. 08:00.', 'Secondo l’ora del contatto, ad es. 08:00.', 'Según la hora del contacto, p. ej. 08:00.'),
        widget: 'time',
      },
      until: {
        label: words('until', 'bis', 'à', 'alle', 'hasta'),
        help: words('On the contact’s clock, e.g. 17:00.', 'Nach der Uhr des Kontakts, z. B. 17:00.', 'À l’heure du contact, p. ex. 17:00.', 'Secondo l’ora del contatto, ad es. 17:00.', 'Según la hora del contacto, p. ej. 17:00.'),
        widget: 'time',
      },
    },
  },
  category: 'timing',
  configSchema: config,
  defaults: { mode: 'send_window', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', until: '17:00' },
  hasInput: true,
  waits: true,
  readsAttributes: (c) => (c.mode === 'date' ? [c.attribute] : []),
  outputs: (c) => (c.mode === 'date' ? [{ id: NEXT.id, values: { when: perLanguage((language) => describeDateOffset(c.offset, c.attribute, language)) } }, MISSING(c.attribute)] : [NEXT]),
  summaryValues: (c) => ({
    until: perLanguage((language) =>
      c.mode === 'date'
        ? describeDateOffset(c.offset, c.attribute, language)
        : `${describeDays(c.days, language)} ${c.from}–${c.until}, ${CONTACTS_TIME[language]}`,
    ),
  }),
  validate: (c) =>
    c.mode === 'send_window' && minutesOfDay(c.from) >= minutesOfDay(c.until)
      ? [{ field: 'until', message: `the window ends (${c.until}) before it starts (${c.from})` }]
      : [],
  step: async (c, context) => {
    const { accountId, contactId } = context.enrolment
    const loadFacts = () => context.activities.loadContactFacts({ accountId, contactId })
    let facts = await loadFacts()
    if (c.mode === 'send_window') {
      const wait = nextSendWindowStart(context.now(), facts.timeZone, c) - context.now()
      if (wait > 0) await context.sleep(wait)
      return { next: NEXT.id }
    }
    const offset = parseDateOffset(c.offset)!
    for (let check = 0; check < MAX_DATE_CHECKS; check++) {
      const target = dateAttributeTarget(facts.attributes[c.attribute], offset, facts.timeZone)
      if (target === null) return { next: 'missing' }
      // A date already past lets the contact through at once.
      if (target <= context.now()) return { next: NEXT.id }
      await context.sleep(target - context.now())
      facts = await loadFacts()
    }
    return { next: NEXT.id }
  },
})
