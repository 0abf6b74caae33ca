import { RULE_FIELDS } from './contact-rules-ui'
import { COMMON_FIELDS, DATE_ATTRIBUTE_FIELD, words, type NodeUi } from './ui'

// The trigger's words in the designer (trigger.ts holds its schema and behaviour).

const DURATION_HELP = words(
  'A number and a unit: 30m, 12h, 3d or 2w.',
  'Eine Zahl und eine Einheit: 30m, 12h, 3d oder 2w.',
  'Un nombre et une unité : 30m, 12h, 3d ou 2w.',
  'Un numero e un’unità: 30m, 12h, 3d o 2w.',
  'Un número y una unidad: 30m, 12h, 3d o 2w.',
)

export const triggerUi: NodeUi = {
  label: words('Trigger', 'Auslöser', 'Déclencheur', 'Trigger', 'Disparador'),
  description: words(
    'Enrols a contact when an event happens, a date comes near (maintenance due), they go quiet, or they enter a segment.',
    'Nimmt einen Kontakt auf, wenn ein Ereignis eintritt, ein Datum näher rückt (Wartung fällig), er inaktiv wird oder in ein Segment kommt.',
    'Inscrit un contact quand un événement survient, qu’une date approche (entretien dû), qu’il devient inactif ou entre dans un segment.',
    'Iscrive un contatto quando accade un evento, si avvicina una data (manutenzione), diventa inattivo o entra in un segmento.',
    'Inscribe a un contacto cuando ocurre un evento, se acerca una fecha (mantenimiento), deja de estar activo o entra en un segmento.',
  ),
  summary: words('{detail}', '{detail}', '{detail}', '{detail}', '{detail}'),
  fields: {
    ...RULE_FIELDS,
    ...COMMON_FIELDS,
    kind: {
      label: words('starts when', 'startet, wenn', 'démarre quand', 'parte quando', 'empieza cuando'),
      help: words(
        'What brings a contact into the campaign.',
        'Was einen Kontakt in die Kampagne bringt.',
        'Ce qui fait entrer un contact dans la campagne.',
        'Cosa porta un contatto nella campagna.',
        'Lo que hace entrar a un contacto en la campaña.',
      ),
      widget: 'variant',
      choices: {
        event: words('an event happens', 'ein Ereignis eintritt', 'un événement survient', 'accade un evento', 'ocurre un evento'),
        date: words('a date comes near', 'ein Datum näher rückt', 'une date approche', 'si avvicina una data', 'se acerca una fecha'),
        inactivity: words('a contact goes quiet', 'ein Kontakt inaktiv wird', 'un contact devient inactif', 'un contatto diventa inattivo', 'un contacto deja de estar activo'),
        segment: words('a contact enters a segment', 'ein Kontakt in ein Segment kommt', 'un contact entre dans un segment', 'un contatto entra in un segmento', 'un contacto entra en un segmento'),
      },
    },
    'audience.kind': RULE_FIELDS.kind,
    'audience.attribute': RULE_FIELDS.attribute,
    reEntry: {
      label: words('may a contact enter again?', 'Darf ein Kontakt erneut eintreten?', 'un contact peut-il entrer à nouveau ?', 'un contatto può rientrare?', '¿puede un contacto volver a entrar?'),
      help: words(
        'Once per contact, again after each run, or after a cool-down.',
        'Einmal pro Kontakt, nach jedem Durchlauf erneut oder nach einer Sperrfrist.',
        'Une fois par contact, à nouveau après chaque parcours, ou après un délai.',
        'Una volta per contatto, di nuovo dopo ogni percorso, o dopo un’attesa.',
        'Una vez por contacto, de nuevo tras cada recorrido, o tras una espera.',
      ),
      widget: 'choice',
      choices: {
        never: words('never: once per contact', 'nie: einmal pro Kontakt', 'jamais : une fois par contact', 'mai: una volta per contatto', 'nunca: una vez por contacto'),
        always: words(
          'yes, once the previous run has ended',
          'ja, wenn der vorige Durchlauf beendet ist',
          'oui, une fois le parcours précédent terminé',
          'sì, quando il percorso precedente è finito',
          'sí, cuando haya terminado el recorrido anterior',
        ),
        after: words('yes, after a cool-down', 'ja, nach einer Sperrfrist', 'oui, après un délai de carence', 'sì, dopo un periodo di attesa', 'sí, tras un periodo de espera'),
      },
    },
    coolDown: {
      label: words('not before this long after entering', 'frühestens so lange nach dem Eintritt', 'pas avant ce délai après l’entrée', 'non prima di questo tempo dall’ingresso', 'no antes de este tiempo tras entrar'),
      help: DURATION_HELP,
      widget: 'duration',
    },
    audience: {
      label: words(
        'who may enter (all must hold; empty: everyone)',
        'Wer darf eintreten (alles muss zutreffen; leer: alle)',
        'qui peut entrer (tout doit être vrai ; vide : tout le monde)',
        'chi può entrare (tutto deve valere; vuoto: tutti)',
        'quién puede entrar (todo debe cumplirse; vacío: todos)',
      ),
      help: words(
        'Rules checked when the trigger fires, e.g. a persona.',
        'Regeln, geprüft wenn der Auslöser feuert, z. B. eine Persona.',
        'Règles vérifiées au déclenchement, p. ex. un persona.',
        'Regole verificate quando scatta il trigger, ad es. una persona.',
        'Reglas comprobadas al dispararse, p. ej. un buyer persona.',
      ),
      widget: 'list',
    },
    attribute: DATE_ATTRIBUTE_FIELD,
    offset: {
      label: words('when, relative to that date', 'wann, bezogen auf dieses Datum', 'quand, par rapport à cette date', 'quando, rispetto a quella data', 'cuándo, respecto a esa fecha'),
      help: words('E.g. -60d, +2w or +1y.', 'Z. B. -60d, +2w oder +1y.', 'P. ex. -60d, +2w ou +1y.', 'Ad es. -60d, +2w o +1y.', 'P. ej. -60d, +2w o +1y.'),
      widget: 'duration',
    },
    catchUp: {
      label: words('catch up on missed days for', 'verpasste Tage nachholen für', 'rattraper les jours manqués sur', 'recupera i giorni persi per', 'recuperar los días perdidos durante'),
      help: words(
        'A day missed (downtime, a date entered late) still counts this long after.',
        'Ein verpasster Tag (Ausfall, spät erfasstes Datum) zählt so lange danach noch.',
        'Un jour manqué (panne, date saisie tard) compte encore ce délai après.',
        'Un giorno perso (fermo, data inserita tardi) conta ancora per questo tempo.',
        'Un día perdido (caída, fecha tardía) sigue contando este tiempo después.',
      ),
      widget: 'duration',
    },
    eventTypes: {
      label: words('events that count as activity', 'Ereignisse, die als Aktivität zählen', 'événements qui comptent comme activité', 'eventi che contano come attività', 'eventos que cuentan como actividad'),
      help: words(
        'Only purchase makes it "no purchase for …".',
        'Nur purchase macht daraus „kein Kauf seit …“.',
        'Seulement purchase en fait « aucun achat depuis … ».',
        'Solo purchase lo rende «nessun acquisto da …».',
        'Solo purchase lo convierte en «sin compras desde …».',
      ),
      widget: 'list',
      item: 'event-type',
    },
    period: {
      label: words('quiet for', 'inaktiv seit', 'inactif depuis', 'inattivo da', 'inactivo durante'),
      help: DURATION_HELP,
      widget: 'duration',
    },
    segmentId: {
      label: words('saved segment', 'gespeichertes Segment', 'segment enregistré', 'segmento salvato', 'segmento guardado'),
      help: words(
        'Contacts enter when they start matching it.',
        'Kontakte treten ein, sobald sie darauf passen.',
        'Les contacts entrent quand ils commencent à y correspondre.',
        'I contatti entrano quando iniziano a corrispondervi.',
        'Los contactos entran cuando empiezan a coincidir.',
      ),
      widget: 'segment',
    },
  },
}
