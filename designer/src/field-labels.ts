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

const fr: Labels = {
  kind: 'démarre quand',
  eventType: 'événement',
  eventTypes: 'événements qui comptent comme activité',
  filter: 'seulement s’il a',
  timeout: 'attendre au plus',
  anyCampaign: 'compter aussi les clics et ouvertures des e-mails d’autres campagnes',
  template: 'modèle d’e-mail',
  addTags: 'ajouter des tags',
  removeTags: 'retirer des tags',
  setAttributes: 'définir des attributs',
  reEntry: 'un contact peut-il entrer à nouveau ?',
  coolDown: 'pas avant ce délai après l’entrée',
  audience: 'qui peut entrer (tout doit être vrai ; vide : tout le monde)',
  duration: 'attendre',
  period: 'inactif depuis',
  attribute: 'attribut de date',
  '*.attribute': 'attribut',
  offset: 'quand, par rapport à cette date',
  catchUp: 'rattraper les jours manqués sur',
  segmentId: 'segment enregistré',
  'kind.event': 'un événement survient',
  'kind.date': 'une date approche',
  'kind.inactivity': 'un contact devient inactif',
  'kind.segment': 'un contact entre dans un segment',
  'reEntry.never': 'jamais : une fois par contact',
  'reEntry.always': 'oui, une fois le parcours précédent terminé',
  'reEntry.after': 'oui, après un délai de carence',
}

const it: Labels = {
  kind: 'parte quando',
  eventType: 'evento',
  eventTypes: 'eventi che contano come attività',
  filter: 'solo se ha',
  timeout: 'attendi al massimo',
  anyCampaign: 'conta anche clic e aperture nelle e-mail di altre campagne',
  template: 'modello di e-mail',
  addTags: 'aggiungi tag',
  removeTags: 'rimuovi tag',
  setAttributes: 'imposta attributi',
  reEntry: 'un contatto può rientrare?',
  coolDown: 'non prima di questo tempo dall’ingresso',
  audience: 'chi può entrare (tutto deve valere; vuoto: tutti)',
  duration: 'attendi per',
  period: 'inattivo da',
  attribute: 'attributo data',
  '*.attribute': 'attributo',
  offset: 'quando, rispetto a quella data',
  catchUp: 'recupera i giorni persi per',
  segmentId: 'segmento salvato',
  'kind.event': 'accade un evento',
  'kind.date': 'si avvicina una data',
  'kind.inactivity': 'un contatto diventa inattivo',
  'kind.segment': 'un contatto entra in un segmento',
  'reEntry.never': 'mai: una volta per contatto',
  'reEntry.always': 'sì, quando il percorso precedente è finito',
  'reEntry.after': 'sì, dopo un periodo di attesa',
}

const es: Labels = {
  kind: 'empieza cuando',
  eventType: 'evento',
  eventTypes: 'eventos que cuentan como actividad',
  filter: 'solo si tiene',
  timeout: 'esperar como máximo',
  anyCampaign: 'contar también clics y aperturas en correos de otras campañas',
  template: 'plantilla de correo',
  addTags: 'añadir etiquetas',
  removeTags: 'quitar etiquetas',
  setAttributes: 'fijar atributos',
  reEntry: '¿puede un contacto volver a entrar?',
  coolDown: 'no antes de este tiempo tras entrar',
  audience: 'quién puede entrar (todo debe cumplirse; vacío: todos)',
  duration: 'esperar',
  period: 'inactivo durante',
  attribute: 'atributo de fecha',
  '*.attribute': 'atributo',
  offset: 'cuándo, respecto a esa fecha',
  catchUp: 'recuperar los días perdidos durante',
  segmentId: 'segmento guardado',
  'kind.event': 'ocurre un evento',
  'kind.date': 'se acerca una fecha',
  'kind.inactivity': 'un contacto deja de estar activo',
  'kind.segment': 'un contacto entra en un segmento',
  'reEntry.never': 'nunca: una vez por contacto',
  'reEntry.always': 'sí, cuando haya terminado el recorrido anterior',
  'reEntry.after': 'sí, tras un periodo de espera',
}

export const FIELD_LABELS: Record<Language, Labels> = { en, de, fr, it, es }
const dictionaries = FIELD_LABELS

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
