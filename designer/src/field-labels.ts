import type { Language } from './i18n'
import { fieldLabel } from './schema-form'

// Labels for config fields in the marketer's words, in English and German. The panel is generated from
// the node schemas (schema-form.ts), whose field names are the engine's ("reEntry", "anyCampaign"); a
// field or choice missing here falls back to its name made readable, so a new field still shows.

type Labels = Record<string, string>

const en: Labels = {
  kind: 'starts when',
  eventType: 'event',
  eventTypes: 'events that count as activity',
  filter: 'only when it has',
  timeout: 'wait at most',
  anyCampaign: 'also count clicks and opens in other campaigns’ mails',
  template: 'mail template',
  addTags: 'add tags',
  removeTags: 'remove tags',
  setAttributes: 'set attributes',
  reEntry: 'may a contact enter again?',
  coolDown: 'not before this long after entering',
  audience: 'who may enter (all must hold; empty: everyone)',
  duration: 'wait for',
  period: 'quiet for',
  attribute: 'date attribute',
  '*.attribute': 'attribute',
  offset: 'when, relative to that date',
  catchUp: 'catch up on missed days for',
  segmentId: 'saved segment',
  'kind.event': 'an event happens',
  'kind.date': 'a date comes near',
  'kind.inactivity': 'a contact goes quiet',
  'kind.segment': 'a contact enters a segment',
  'reEntry.never': 'never: once per contact',
  'reEntry.always': 'yes, once the previous run has ended',
  'reEntry.after': 'yes, after a cool-down',
}

const de: Labels = {
  kind: 'startet, wenn',
  eventType: 'Ereignis',
  eventTypes: 'Ereignisse, die als Aktivität zählen',
  filter: 'nur wenn es hat',
  timeout: 'höchstens warten',
  anyCampaign: 'auch Klicks und Öffnungen in Mails anderer Kampagnen zählen',
  template: 'Mail-Vorlage',
  addTags: 'Tags hinzufügen',
  removeTags: 'Tags entfernen',
  setAttributes: 'Attribute setzen',
  reEntry: 'Darf ein Kontakt erneut eintreten?',
  coolDown: 'frühestens so lange nach dem Eintritt',
  audience: 'Wer darf eintreten (alles muss zutreffen; leer: alle)',
  duration: 'warten für',
  period: 'inaktiv seit',
  attribute: 'Datumsattribut',
  '*.attribute': 'Attribut',
  offset: 'wann, bezogen auf dieses Datum',
  catchUp: 'verpasste Tage nachholen für',
  segmentId: 'gespeichertes Segment',
  'kind.event': 'ein Ereignis eintritt',
  'kind.date': 'ein Datum näher rückt',
  'kind.inactivity': 'ein Kontakt inaktiv wird',
  'kind.segment': 'ein Kontakt in ein Segment kommt',
  'reEntry.never': 'nie: einmal pro Kontakt',
  'reEntry.always': 'ja, wenn der vorige Durchlauf beendet ist',
  'reEntry.after': 'ja, nach einer Sperrfrist',
}

const dictionaries: Record<Language, Labels> = { en, de }

/**
 * A config field's label: "timeout" → "wait at most" / "höchstens warten". A field inside a list or group
 * (path "audience.0.attribute") may have its own label under "*.name": a rule's attribute is any
 * attribute, a date trigger's is a date.
 */
export function configFieldLabel(language: Language, name: string, path: string = name): string {
  const nested = path.includes('.') ? `*.${name}` : null
  return (nested && (dictionaries[language][nested] ?? en[nested])) || (dictionaries[language][name] ?? en[name] ?? fieldLabel(name))
}

/** One choice of a field: ("reEntry", "never") → "never: once per contact". */
export function configChoiceLabel(language: Language, field: string, option: string): string {
  const key = `${field}.${option}`
  return dictionaries[language][key] ?? en[key] ?? fieldLabel(option)
}

/** Event properties a filter on that event type usually names (what the tracking and the shop send). */
export const EVENT_PROPERTIES: Record<string, string[]> = {
  click: ['tag', 'url', 'nodeId'],
  open: ['nodeId'],
  purchase: ['product'],
  onboarding_completed: ['product'],
  download: ['file'],
  form: ['form'],
  visit: ['url'],
}
