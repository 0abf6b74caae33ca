// What the designer shows of a node type, declared beside its schema as plain data (issue 13: node
// modules are the single source of their UI). Plain objects only: workflows import the node modules, so
// nothing here may reach for the DOM, React or the designer. designer/src/node-ui.ts reads it.

/** The designer's languages; a node module gives every word in each of them (test/unit/node-ui.test.ts). */
export const UI_LANGUAGES = ['en', 'de', 'fr', 'it', 'es'] as const
export type UiLanguage = (typeof UI_LANGUAGES)[number]

/** One text in every UI language. `{name}` placeholders are filled by the designer. */
export type Words = Record<UiLanguage, string>

/**
 * How the panel edits a field. Structural kinds follow the schema (group, variant, list, pairs); the
 * others say what the value means, so the panel offers the right list (templates, segments, personas,
 * event types from engine/events/catalogue.ts) instead of guessing from field names.
 */
export const WIDGETS = [
  'text',
  'number',
  'checkbox',
  'choice',
  'choices', // a set of fixed options (weekdays), as checkboxes
  'duration',
  'time',
  'value', // text, number or yes/no, typed as text
  'group',
  'variant',
  'list',
  'pairs',
  'template',
  'segment',
  'persona',
  'event-type',
  'event-filter', // event properties: names from the event catalogue, link tags for a click's "tag"
] as const
export type Widget = (typeof WIDGETS)[number]

export interface FieldUi {
  label: Words
  help: Words
  widget: Widget
  /** Words for the options of a choice or for the variants a discriminator picks. */
  choices?: Record<string, Words>
  /** A list's items: how each is edited (event types, tags); items are numbered, not labelled. */
  item?: Widget
}

/**
 * Fields by name. A field inside a list or group may be given for its path without indexes
 * ("audience.attribute"), which wins over the plain name: a rule's attribute is any attribute, a date
 * trigger's is a date.
 */
export type FieldsUi = Record<string, FieldUi>

export interface NodeUi {
  label: Words
  /** What the step does: the palette's hint and the panel's description. */
  description: Words
  /** The canvas summary's frame; `{detail}` is the node's own summary of its settings. */
  summary: Words
  /** Labels of fixed outputs by output id (`{event}`, `{timeout}` come from the output's values). */
  outputs?: Record<string, Words>
  fields: FieldsUi
}

export const words = (en: string, de: string, fr: string, it: string, es: string): Words => ({ en, de, fr, it, es })

/** A placeholder's value: the same in every language (an event type, a name) or its own words per language. */
export type UiValue = string | Words

/** `{name}` placeholders filled from values in the language; unknown ones stay as written. */
export function fill(text: string, values: Record<string, UiValue> = {}, language: UiLanguage = 'en'): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(values, name)) return whole
    const value = values[name]!
    return typeof value === 'string' ? value : value[language] || value.en
  })
}

const UNITS: Record<'s' | 'm' | 'h' | 'd' | 'w', Record<UiLanguage, [string, string]>> = {
  s: { en: ['second', 'seconds'], de: ['Sekunde', 'Sekunden'], fr: ['seconde', 'secondes'], it: ['secondo', 'secondi'], es: ['segundo', 'segundos'] },
  m: { en: ['minute', 'minutes'], de: ['Minute', 'Minuten'], fr: ['minute', 'minutes'], it: ['minuto', 'minuti'], es: ['minuto', 'minutos'] },
  h: { en: ['hour', 'hours'], de: ['Stunde', 'Stunden'], fr: ['heure', 'heures'], it: ['ora', 'ore'], es: ['hora', 'horas'] },
  d: { en: ['day', 'days'], de: ['Tag', 'Tage'], fr: ['jour', 'jours'], it: ['giorno', 'giorni'], es: ['día', 'días'] },
  w: { en: ['week', 'weeks'], de: ['Woche', 'Wochen'], fr: ['semaine', 'semaines'], it: ['settimana', 'settimane'], es: ['semana', 'semanas'] },
}

/** "3d" → "3 days" / "3 Tage" / "3 jours" …; text that is no duration stays as written. */
export function durationWords(text: string): Words {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/.exec(text.trim())
  if (!match) return words(text, text, text, text, text)
  const n = Number(match[1])
  const unit = UNITS[match[2] as keyof typeof UNITS]
  const say = (language: UiLanguage) => `${n} ${unit[language][n === 1 ? 0 : 1]}`
  return words(say('en'), say('de'), say('fr'), say('it'), say('es'))
}

/** Words made per language, e.g. from a template and values that have words of their own. */
export function perLanguage(make: (language: UiLanguage) => string): Words {
  return words(make('en'), make('de'), make('fr'), make('it'), make('es'))
}

const AND = words('and', 'und', 'et', 'e', 'y')
const WHERE = words('where', 'mit', 'où', 'dove', 'donde')

/** An event or attribute filter for a summary: " where product = HydroStat 2000" / " mit product = …". */
export function filterWords(filter: Record<string, unknown>): Words {
  const parts = Object.entries(filter).map(([key, value]) => `${key} = ${String(value)}`)
  return perLanguage((language) => (parts.length ? ` ${WHERE[language]} ${parts.join(` ${AND[language]} `)}` : ''))
}

/** The palette's groups, in every language. */
export const CATEGORY_WORDS: Record<'entry' | 'message' | 'timing' | 'flow' | 'goal', Words> = {
  entry: words('Entry', 'Einstieg', 'Entrée', 'Ingresso', 'Entrada'),
  message: words('Messages', 'Nachrichten', 'Messages', 'Messaggi', 'Mensajes'),
  timing: words('Timing', 'Zeit', 'Temps', 'Tempo', 'Tiempo'),
  flow: words('Flow', 'Ablauf', 'Déroulement', 'Flusso', 'Flujo'),
  goal: words('Goals', 'Ziele', 'Objectifs', 'Obiettivi', 'Objetivos'),
}

/** Fields several node types share (event type and filter, durations, entry rules). */
/** The contact's date a date trigger and a date wait both count from (one grammar: engine/campaign/date-offset.ts). */
export const DATE_ATTRIBUTE_FIELD: FieldUi = {
  label: words('date attribute', 'Datumsattribut', 'attribut de date', 'attributo data', 'atributo de fecha'),
  help: words(
    'A date of the contact, e.g. maintenance_due.',
    'Ein Datum des Kontakts, z. B. maintenance_due.',
    'Une date du contact, p. ex. maintenance_due.',
    'Una data del contatto, ad es. maintenance_due.',
    'Una fecha del contacto, p. ej. maintenance_due.',
  ),
  widget: 'text',
}

export const COMMON_FIELDS = {
  eventType: {
    label: words('event', 'Ereignis', 'événement', 'evento', 'evento'),
    help: words(
      'The type of tracked event, e.g. click or purchase.',
      'Die Art des erfassten Ereignisses, z. B. click oder purchase.',
      'Le type d’événement suivi, p. ex. click ou purchase.',
      'Il tipo di evento tracciato, ad es. click o purchase.',
      'El tipo de evento registrado, p. ej. click o purchase.',
    ),
    widget: 'event-type',
  },
  filter: {
    label: words('only when it has', 'nur wenn es hat', 'seulement s’il a', 'solo se ha', 'solo si tiene'),
    help: words(
      'Properties the event must carry, e.g. product = HydroStat 2000. Empty: any.',
      'Eigenschaften, die das Ereignis tragen muss, z. B. product = HydroStat 2000. Leer: jedes.',
      'Propriétés que l’événement doit porter, p. ex. product = HydroStat 2000. Vide : tous.',
      'Proprietà che l’evento deve avere, ad es. product = HydroStat 2000. Vuoto: qualsiasi.',
      'Propiedades que debe llevar el evento, p. ej. product = HydroStat 2000. Vacío: cualquiera.',
    ),
    widget: 'event-filter',
  },
} satisfies FieldsUi
