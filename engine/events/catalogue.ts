import { words, type Words } from '../nodes/ui'

// The one list of tracked event types (issue 13): what each means, the properties it carries, whether it
// ends an enrolment, what it is worth in lead scoring and whether reporting counts it. Read by the
// wait-for-event node, the enrolment workflow, the events API's contract, scoring's default weights and
// the designer's pickers; reporting's Postgres triggers are held to it by test/unit/event-catalogue.test.ts.
// Plain data, so the workflow bundle may import it. Event types not listed here are still accepted from
// your own sources (any name matching EVENT_TYPE, e.g. Segment's "Order Completed" → order_completed).

export interface EventProperty {
  name: string
  /** The value names a link tag of the mail (the designer offers the mails' tags). */
  linkTag?: true
}

export interface EventKind {
  /** Short name, e.g. "Click". */
  label: Words
  /** The branch label of "wait for behaviour": "clicked". */
  happened: Words
  meaning: Words
  properties: readonly EventProperty[]
  /** The enrolment's exit reason when the event ends every enrolment of the contact. */
  endsEnrolment?: 'unsubscribed' | 'bounced' | 'complained'
  /** Default activity points in lead scoring (engine/scoring/model.ts); absent: no points unless a model gives some. */
  scoringPoints?: number
  /** A touch that attribution credits to the campaign that caused it (reporting's touches). */
  attribution?: true
  /** Counted in the mail statistics of the mail it came from (opens, clicks, unsubscribes …). */
  mailStatistics?: true
  /** Counts as activity for an inactivity trigger unless it names its own events. */
  activity?: true
}

const campaignMail = [{ name: 'messageId' }, { name: 'nodeId' }, { name: 'campaignId' }] as const

export const EVENT_CATALOGUE = {
  click: {
    label: words('Click', 'Klick', 'Clic', 'Clic', 'Clic'),
    happened: words('clicked', 'geklickt', 'cliqué', 'cliccato', 'pulsado'),
    meaning: words(
      'A link in a mail was clicked.',
      'Ein Link in einer Mail wurde geklickt.',
      'Un lien d’un e-mail a été cliqué.',
      'È stato cliccato un link in un’e-mail.',
      'Se hizo clic en un enlace de un correo.',
    ),
    properties: [{ name: 'tag', linkTag: true }, { name: 'url' }, ...campaignMail],
    scoringPoints: 3,
    attribution: true,
    mailStatistics: true,
    activity: true,
  },
  open: {
    label: words('Open', 'Öffnung', 'Ouverture', 'Apertura', 'Apertura'),
    happened: words('opened', 'geöffnet', 'ouvert', 'aperto', 'abierto'),
    meaning: words('A mail was opened.', 'Eine Mail wurde geöffnet.', 'Un e-mail a été ouvert.', 'È stata aperta un’e-mail.', 'Se abrió un correo.'),
    properties: campaignMail,
    scoringPoints: 1,
    attribution: true,
    mailStatistics: true,
    activity: true,
  },
  visit: {
    label: words('Visit', 'Besuch', 'Visite', 'Visita', 'Visita'),
    happened: words('visited', 'besucht', 'visité', 'visitato', 'visitado'),
    meaning: words(
      'A page of the website was visited (a pricing page scores more).',
      'Eine Seite der Website wurde besucht (eine Preisseite zählt mehr).',
      'Une page du site a été visitée (une page de prix compte plus).',
      'È stata visitata una pagina del sito (una pagina prezzi conta di più).',
      'Se visitó una página del sitio (una página de precios puntúa más).',
    ),
    properties: [{ name: 'url' }, { name: 'path' }],
    scoringPoints: 2,
    attribution: true,
    activity: true,
  },
  download: {
    label: words('Download', 'Download', 'Téléchargement', 'Download', 'Descarga'),
    happened: words('downloaded', 'heruntergeladen', 'téléchargé', 'scaricato', 'descargado'),
    meaning: words(
      'A file (brochure, e-book) was downloaded.',
      'Eine Datei (Broschüre, E-Book) wurde heruntergeladen.',
      'Un fichier (brochure, e-book) a été téléchargé.',
      'È stato scaricato un file (brochure, e-book).',
      'Se descargó un archivo (folleto, e-book).',
    ),
    properties: [{ name: 'file' }, { name: 'asset' }, { name: 'url' }],
    scoringPoints: 8,
    attribution: true,
    activity: true,
  },
  form: {
    label: words('Form', 'Formular', 'Formulaire', 'Modulo', 'Formulario'),
    happened: words('submitted', 'abgeschickt', 'envoyé', 'inviato', 'enviado'),
    meaning: words(
      'One of our forms was submitted.',
      'Eines unserer Formulare wurde abgeschickt.',
      'Un de nos formulaires a été envoyé.',
      'È stato inviato uno dei nostri moduli.',
      'Se envió uno de nuestros formularios.',
    ),
    properties: [{ name: 'form' }],
    scoringPoints: 10,
    attribution: true,
    activity: true,
  },
  form_submitted: {
    label: words('Form (own site)', 'Formular (eigene Website)', 'Formulaire (site propre)', 'Modulo (sito proprio)', 'Formulario (sitio propio)'),
    happened: words('submitted', 'abgeschickt', 'envoyé', 'inviato', 'enviado'),
    meaning: words(
      'A form on your own site was submitted (sent through the events API).',
      'Ein Formular Ihrer eigenen Website wurde abgeschickt (über die Events-API).',
      'Un formulaire de votre site a été envoyé (via l’API d’événements).',
      'È stato inviato un modulo del vostro sito (tramite l’API eventi).',
      'Se envió un formulario de su propio sitio (por la API de eventos).',
    ),
    properties: [{ name: 'form' }],
    scoringPoints: 10,
  },
  purchase: {
    label: words('Purchase', 'Kauf', 'Achat', 'Acquisto', 'Compra'),
    happened: words('purchased', 'gekauft', 'acheté', 'acquistato', 'comprado'),
    meaning: words(
      'The contact bought a product (sent by the shop or ERP).',
      'Der Kontakt hat ein Produkt gekauft (vom Shop oder ERP gemeldet).',
      'Le contact a acheté un produit (envoyé par la boutique ou l’ERP).',
      'Il contatto ha acquistato un prodotto (inviato dal negozio o dall’ERP).',
      'El contacto compró un producto (enviado por la tienda o el ERP).',
    ),
    properties: [{ name: 'product' }],
    scoringPoints: 15,
  },
  onboarding_completed: {
    label: words('Onboarding completed', 'Onboarding abgeschlossen', 'Onboarding terminé', 'Onboarding completato', 'Onboarding completado'),
    happened: words('completed onboarding', 'Onboarding abgeschlossen', 'onboarding terminé', 'onboarding completato', 'completó el onboarding'),
    meaning: words(
      'Commissioning of a product was signed off.',
      'Die Inbetriebnahme eines Produkts wurde abgenommen.',
      'La mise en service d’un produit a été validée.',
      'La messa in servizio di un prodotto è stata approvata.',
      'Se aprobó la puesta en marcha de un producto.',
    ),
    properties: [{ name: 'product' }],
  },
  double_opt_in_confirmed: {
    label: words('Consent confirmed', 'Einwilligung bestätigt', 'Consentement confirmé', 'Consenso confermato', 'Consentimiento confirmado'),
    happened: words('confirmed', 'bestätigt', 'confirmé', 'confermato', 'confirmó'),
    meaning: words(
      'The contact confirmed their consent (double opt-in).',
      'Der Kontakt hat seine Einwilligung bestätigt (Double-Opt-in).',
      'Le contact a confirmé son consentement (double opt-in).',
      'Il contatto ha confermato il consenso (double opt-in).',
      'El contacto confirmó su consentimiento (doble opt-in).',
    ),
    properties: [{ name: 'formKey' }, { name: 'formId' }, { name: 'submissionId' }, { name: 'consentTextVersion' }],
    scoringPoints: 5,
  },
  unsubscribe: {
    label: words('Unsubscribe', 'Abmeldung', 'Désinscription', 'Disiscrizione', 'Baja'),
    happened: words('unsubscribed', 'abgemeldet', 'désinscrit', 'disiscritto', 'se dio de baja'),
    meaning: words(
      'The contact unsubscribed; every campaign lets them go.',
      'Der Kontakt hat sich abgemeldet; jede Kampagne lässt ihn gehen.',
      'Le contact s’est désinscrit ; chaque campagne le laisse partir.',
      'Il contatto si è disiscritto; ogni campagna lo lascia andare.',
      'El contacto se dio de baja; todas las campañas lo dejan ir.',
    ),
    properties: [{ name: 'messageId' }],
    endsEnrolment: 'unsubscribed',
    mailStatistics: true,
  },
  bounce: {
    label: words('Bounce', 'Unzustellbar', 'Rebond', 'Mancato recapito', 'Rebote'),
    happened: words('bounced', 'unzustellbar', 'rejeté', 'non recapitato', 'rebotó'),
    meaning: words(
      'A mail could not be delivered for good; every campaign lets the contact go.',
      'Eine Mail war dauerhaft unzustellbar; jede Kampagne lässt den Kontakt gehen.',
      'Un e-mail n’a définitivement pas pu être remis ; chaque campagne laisse partir le contact.',
      'Un’e-mail non è recapitabile in modo definitivo; ogni campagna lascia andare il contatto.',
      'Un correo no pudo entregarse definitivamente; todas las campañas dejan ir al contacto.',
    ),
    properties: [{ name: 'messageId' }],
    endsEnrolment: 'bounced',
    mailStatistics: true,
  },
  complaint: {
    label: words('Complaint', 'Beschwerde', 'Plainte', 'Reclamo', 'Queja'),
    happened: words('complained', 'beschwert', 'plainte déposée', 'reclamato', 'se quejó'),
    meaning: words(
      'The contact marked a mail as spam; every campaign lets them go.',
      'Der Kontakt hat eine Mail als Spam markiert; jede Kampagne lässt ihn gehen.',
      'Le contact a signalé un e-mail comme spam ; chaque campagne le laisse partir.',
      'Il contatto ha segnalato un’e-mail come spam; ogni campagna lo lascia andare.',
      'El contacto marcó un correo como spam; todas las campañas lo dejan ir.',
    ),
    properties: [{ name: 'messageId' }],
    endsEnrolment: 'complained',
    mailStatistics: true,
  },
  handover_rejected: {
    label: words('Handover rejected', 'Übergabe abgelehnt', 'Transmission refusée', 'Passaggio rifiutato', 'Traspaso rechazado'),
    happened: words('rejected by sales', 'vom Vertrieb abgelehnt', 'refusé par les ventes', 'rifiutato dalle vendite', 'rechazado por ventas'),
    meaning: words(
      'Sales sent the lead back to nurturing.',
      'Der Vertrieb hat den Lead zurück in die Pflege gegeben.',
      'Les ventes ont renvoyé le lead en nurturing.',
      'Le vendite hanno rimandato il lead al nurturing.',
      'Ventas devolvió el lead a nurturing.',
    ),
    properties: [{ name: 'handoverId' }, { name: 'reason' }],
  },
  fair_visit: {
    label: words('Fair visit', 'Messebesuch', 'Visite au salon', 'Visita in fiera', 'Visita a la feria'),
    happened: words('visited the stand', 'Stand besucht', 'stand visité', 'stand visitato', 'visitó el stand'),
    meaning: words(
      'The contact was met at a fair stand.',
      'Der Kontakt wurde an einem Messestand getroffen.',
      'Le contact a été rencontré sur un stand de salon.',
      'Il contatto è stato incontrato a uno stand in fiera.',
      'El contacto fue atendido en un stand de feria.',
    ),
    properties: [{ name: 'fairId' }],
  },
  fair_scan: {
    label: words('Fair badge scan', 'Messe-Badge-Scan', 'Badge scanné au salon', 'Badge scansionato in fiera', 'Escaneo de acreditación'),
    happened: words('scanned', 'gescannt', 'scanné', 'scansionato', 'escaneado'),
    meaning: words(
      'The contact’s badge was scanned at a fair (a touch of the fair’s campaign).',
      'Das Badge des Kontakts wurde auf einer Messe gescannt (ein Kontaktpunkt der Messekampagne).',
      'Le badge du contact a été scanné au salon (un point de contact de la campagne du salon).',
      'Il badge del contatto è stato scansionato in fiera (un contatto della campagna fiera).',
      'Se escaneó la acreditación del contacto en una feria (un contacto de la campaña de feria).',
    ),
    properties: [{ name: 'fairId' }],
    attribution: true,
  },
  fair_capture: {
    label: words('Fair form', 'Messeformular', 'Formulaire du salon', 'Modulo fiera', 'Formulario de feria'),
    happened: words('filled in at the fair', 'auf der Messe ausgefüllt', 'rempli au salon', 'compilato in fiera', 'rellenado en la feria'),
    meaning: words(
      'The contact filled in the fair form at the stand.',
      'Der Kontakt hat am Stand das Messeformular ausgefüllt.',
      'Le contact a rempli le formulaire du salon sur le stand.',
      'Il contatto ha compilato il modulo della fiera allo stand.',
      'El contacto rellenó el formulario de la feria en el stand.',
    ),
    properties: [{ name: 'fairId' }],
  },
  'crm.lead_created': {
    label: words('New CRM lead', 'Neuer CRM-Lead', 'Nouveau lead CRM', 'Nuovo lead CRM', 'Nuevo lead del CRM'),
    happened: words('new in the CRM', 'neu im CRM', 'nouveau dans le CRM', 'nuovo nel CRM', 'nuevo en el CRM'),
    meaning: words(
      'A lead was created in the CRM.',
      'Im CRM wurde ein Lead angelegt.',
      'Un lead a été créé dans le CRM.',
      'È stato creato un lead nel CRM.',
      'Se creó un lead en el CRM.',
    ),
    properties: [{ name: 'crmId' }, { name: 'company' }],
  },
  'crm.contact_created': {
    label: words('New CRM contact', 'Neuer CRM-Kontakt', 'Nouveau contact CRM', 'Nuovo contatto CRM', 'Nuevo contacto del CRM'),
    happened: words('new in the CRM', 'neu im CRM', 'nouveau dans le CRM', 'nuovo nel CRM', 'nuevo en el CRM'),
    meaning: words(
      'A contact was created in the CRM.',
      'Im CRM wurde ein Kontakt angelegt.',
      'Un contact a été créé dans le CRM.',
      'È stato creato un contatto nel CRM.',
      'Se creó un contacto en el CRM.',
    ),
    properties: [{ name: 'crmId' }, { name: 'company' }],
  },
  identify: {
    label: words('Identify', 'Identifizierung', 'Identification', 'Identificazione', 'Identificación'),
    happened: words('identified', 'identifiziert', 'identifié', 'identificato', 'identificado'),
    meaning: words(
      'A Segment or RudderStack source updated the contact’s traits.',
      'Eine Segment- oder RudderStack-Quelle hat die Merkmale des Kontakts aktualisiert.',
      'Une source Segment ou RudderStack a mis à jour les traits du contact.',
      'Una sorgente Segment o RudderStack ha aggiornato i tratti del contatto.',
      'Una fuente de Segment o RudderStack actualizó los rasgos del contacto.',
    ),
    properties: [],
  },
} as const satisfies Record<string, EventKind>

export type CataloguedEventType = keyof typeof EVENT_CATALOGUE
export const CATALOGUED_EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as CataloguedEventType[]

export function eventKind(type: string): EventKind | undefined {
  return Object.hasOwn(EVENT_CATALOGUE, type) ? (EVENT_CATALOGUE as Record<string, EventKind>)[type] : undefined
}

const typesWhere = (test: (kind: EventKind) => boolean) => CATALOGUED_EVENT_TYPES.filter((type) => test(EVENT_CATALOGUE[type]))

/** Event type → the exit reason of every enrolment it ends (the enrolment workflow). */
export const ENDING_EVENTS: Record<string, string> = Object.fromEntries(
  CATALOGUED_EVENT_TYPES.flatMap((type) => {
    const ends = (EVENT_CATALOGUE[type] as EventKind).endsEnrolment
    return ends ? [[type, ends]] : []
  }),
)

/** Default scoring weights per event type (a model may give any type points). */
export const DEFAULT_EVENT_POINTS: Record<string, number> = Object.fromEntries(
  CATALOGUED_EVENT_TYPES.flatMap((type) => {
    const points = (EVENT_CATALOGUE[type] as EventKind).scoringPoints
    return points === undefined ? [] : [[type, points]]
  }),
)

export const ATTRIBUTION_EVENT_TYPES = typesWhere((kind) => kind.attribution === true)
export const MAIL_STATISTIC_EVENT_TYPES = typesWhere((kind) => kind.mailStatistics === true)
export const ACTIVITY_EVENT_TYPES = typesWhere((kind) => kind.activity === true)

/** "clicked", "gekauft": how a branch names the event having happened; unknown types read as themselves. */
export function eventHappened(type: string): Words {
  const kind = eventKind(type)
  return kind ? kind.happened : words(`${type} happened`, `${type} eingetreten`, `${type} survenu`, `${type} avvenuto`, `${type} ocurrido`)
}
