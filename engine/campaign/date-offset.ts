import { parseDuration } from './duration'

// One grammar for "when, relative to a contact's date", shared by date triggers and wait-until steps: a
// signed amount and a unit. Days, weeks and years move the calendar date, so "-60d" keeps the time of day
// across a DST change and "+1y" from 29 February lands on 28 February; hours, minutes and seconds move the
// clock. Date triggers fire once a day, so they take calendar units only.

export interface DateOffset {
  years: number
  days: number
  ms: number
}

const OFFSET = /^([+-]?)\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w|y)$/
const UNIT_WORDS = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', y: 'year' } as const

/** "-60d", "+2w", "+1y", "12h", "0d" → calendar years and days plus exact milliseconds; null when it is not an offset. */
export function parseDateOffset(text: string): DateOffset | null {
  const match = OFFSET.exec(text.trim())
  if (!match) return null
  const sign = match[1] === '-' ? -1 : 1
  const count = Number(match[2])
  const unit = match[3] as keyof typeof UNIT_WORDS
  if (count === 0) return { years: 0, days: 0, ms: 0 }
  if (unit === 'y') return Number.isInteger(count) ? { years: sign * count, days: 0, ms: 0 } : null
  if ((unit === 'd' || unit === 'w') && Number.isInteger(count)) return { years: 0, days: sign * count * (unit === 'w' ? 7 : 1), ms: 0 }
  const ms = parseDuration(`${match[2]}${unit}`)
  return ms === null ? null : { years: 0, days: 0, ms: sign * ms }
}

/** Whole days, weeks or years: an offset a once-a-day date trigger can honour. */
export const isCalendarOffset = (offset: DateOffset) => offset.ms === 0

type Language = 'en' | 'de' | 'fr' | 'it' | 'es'
const UNIT_NAMES: Record<keyof typeof UNIT_WORDS, Record<Language, [string, string]>> = {
  s: { en: ['second', 'seconds'], de: ['Sekunde', 'Sekunden'], fr: ['seconde', 'secondes'], it: ['secondo', 'secondi'], es: ['segundo', 'segundos'] },
  m: { en: ['minute', 'minutes'], de: ['Minute', 'Minuten'], fr: ['minute', 'minutes'], it: ['minuto', 'minuti'], es: ['minuto', 'minutos'] },
  h: { en: ['hour', 'hours'], de: ['Stunde', 'Stunden'], fr: ['heure', 'heures'], it: ['ora', 'ore'], es: ['hora', 'horas'] },
  d: { en: ['day', 'days'], de: ['Tag', 'Tage'], fr: ['jour', 'jours'], it: ['giorno', 'giorni'], es: ['día', 'días'] },
  w: { en: ['week', 'weeks'], de: ['Woche', 'Wochen'], fr: ['semaine', 'semaines'], it: ['settimana', 'settimane'], es: ['semana', 'semanas'] },
  y: { en: ['year', 'years'], de: ['Jahr', 'Jahre'], fr: ['an', 'ans'], it: ['anno', 'anni'], es: ['año', 'años'] },
}
const RELATION: Record<'before' | 'after' | 'on', Record<Language, string>> = {
  before: { en: '{amount} before {what}', de: '{amount} vor {what}', fr: '{amount} avant {what}', it: '{amount} prima di {what}', es: '{amount} antes de {what}' },
  after: { en: '{amount} after {what}', de: '{amount} nach {what}', fr: '{amount} après {what}', it: '{amount} dopo {what}', es: '{amount} después de {what}' },
  on: { en: 'on {what}', de: 'am {what}', fr: 'le {what}', it: 'il {what}', es: 'el {what}' },
}

/** "60 days before maintenance_due", "1 year after purchased_at", "on maintenance_due"; or "60 Tage vor maintenance_due" … */
export function describeDateOffset(text: string, what: string, language: Language = 'en'): string {
  const offset = parseDateOffset(text)
  const match = OFFSET.exec(text.trim())
  const say = (relation: keyof typeof RELATION, amount = '') => RELATION[relation][language].replace('{amount}', amount).replace('{what}', what)
  if (!offset || !match || (!offset.years && !offset.days && !offset.ms)) return say('on')
  const count = Number(match[2])
  const amount = `${count} ${UNIT_NAMES[match[3] as keyof typeof UNIT_WORDS][language][count === 1 ? 0 : 1]}`
  const before = offset.years < 0 || offset.days < 0 || offset.ms < 0
  return say(before ? 'before' : 'after', amount)
}
