import { create } from 'zustand'
import { es, esSteps } from './locales/es'
import { fr, frSteps } from './locales/fr'
import { it, itSteps } from './locales/it'
import { PEOPLE_MESSAGES, type PeopleMessageKey } from './locales/people'
import { MAILING_MESSAGES, type MailingMessageKey } from './locales/mailings'
import { FAIR_MESSAGES, type FairMessageKey } from './locales/fair'

// A tiny dictionary: English and German for the designer's own words. Step labels come from the engine's
// node modules (English); German names for them live here, keyed by step type, so the registry stays the
// one list of step types and an untranslated new type simply shows its English label.

// English, German, French, Italian and Spanish (issue 14): French, Italian and Spanish and the words of
// signing in and administration live in ./locales; test/unit/i18n.test.ts fails on any missing key.
export type Language = 'en' | 'de' | 'fr' | 'it' | 'es'
export const LANGUAGES: Language[] = ['en', 'de', 'fr', 'it', 'es']

const en = {
  'app.newCampaign': 'New campaign',
  'app.newCampaignName': 'Name of the new campaign',
  'app.create': 'Create',
  'app.cancel': 'Cancel',
  'app.choose': 'Choose a campaign on the left to open its draft, or create a new one.',
  'app.loading': 'Loading the draft…',
  'app.language': 'Language',
  'palette.title': 'Add step',
  'palette.hint': 'Drag onto the canvas, or click',
  'canvas.empty': 'An empty campaign. Drag a “Trigger” from the palette: it is where contacts enter.',
  'canvas.readOnly': 'Version {version} (read-only)',
  'canvas.live': 'live',
  'canvas.backToDraft': 'Back to the draft',
  'canvas.draftFrom': 'Start a new draft from this version',
  'toolbar.undo': 'Undo',
  'toolbar.redo': 'Redo',
  'toolbar.layout': 'Tidy up',
  'toolbar.fit': 'Fit',
  'toolbar.shortcuts': 'Shortcuts',
  'save.saving': 'Saving…',
  'save.unsaved': 'Unsaved changes',
  'save.saved': 'Saved',
  'save.savedAt': 'Saved {time}',
  'save.failed': 'Not saved: {message}',
  'save.button': 'Save draft',
  'publish.button': 'Publish',
  'publish.publishing': 'Publishing…',
  'publish.blocked': '{count} to fix',
  'publish.live': 'Version {version} is live',
  'tabs.step': 'Step',
  'tabs.versions': 'Versions',
  'tabs.contacts': 'Contacts',
  'tabs.simulate': 'Simulate',
  'config.none': 'Select a step on the canvas to change its settings.',
  'config.issues': 'Before publishing',
  'config.add': 'Add',
  'config.remove': 'Remove',
  'config.key': 'name',
  'config.value': 'value',
  'config.yes': 'yes',
  'config.noTemplates': 'No templates yet',
  'config.chooseTemplate': 'Choose a template…',
  'config.readOnly': 'This version is read-only.',
  'config.linkTag': 'link',
  'config.chooseLinkTag': 'Choose a link…',
  'config.linkIn': 'in {mails}',
  'versions.empty': 'Not published yet: publish the draft to create version 1.',
  'versions.live': 'live',
  'versions.open': 'Open',
  'versions.published': 'published {date}',
  'contacts.empty': 'No contacts in this campaign yet.',
  'contacts.step': 'At step',
  'contacts.anyStep': 'any step',
  'contacts.status': 'Status',
  'contacts.anyStatus': 'any status',
  'contacts.path': 'Path of {email}',
  'contacts.clear': 'Clear highlight',
  'contacts.notPublished': 'Publish the campaign to see who is in it.',
  'sim.contact': 'Sample contact (e-mail)',
  'sim.contactSearch': 'Type a name, company or e-mail, then pick a contact',
  'sim.noContacts': 'No contact matches.',
  'sim.source': 'Simulate',
  'sim.draft': 'the draft',
  'sim.liveVersion': 'the live version',
  'sim.script': 'Behaviour',
  'sim.scriptEmpty': 'No behaviour: the contact does nothing.',
  'sim.at': 'after',
  'sim.event': 'event',
  'sim.mail': 'mail',
  'sim.anyMail': 'any mail',
  'sim.addEvent': 'Add behaviour',
  'sim.trigger': 'Trigger properties (name=value, one per line)',
  'sim.horizon': 'Run for at most',
  'sim.run': 'Run simulation',
  'sim.running': 'Simulating…',
  'sim.outcome': 'Outcome: {status}',
  'sim.took': 'took {ms} ms',
  'live.waiting': '{n} waiting',
  'live.passed': '{n} passed',
  'help.title': 'Keyboard shortcuts',
  'tpl.title': 'Templates',
  'tpl.campaigns': 'Campaigns',
  'tpl.choose': 'Choose a template on the left: a mail, the master, a subsidiary’s derived template or a content block.',
  'tpl.loading': 'Loading…',
  'tpl.none': 'None yet.',
  'tpl.masters': 'Master templates',
  'tpl.subsidiaries': 'Subsidiaries (derived templates)',
  'tpl.mails': 'Mails',
  'tpl.blocks': 'Content blocks',
  'tpl.version': 'Version {version}',
  'tpl.regions': 'regions: {regions}',
  'tpl.overrides': 'overrides {what}',
  'tpl.overridesNothing': 'takes everything from the master',
  'tpl.usedBy': 'used by {count} mails',
  'tpl.kind.master': 'Master template',
  'tpl.kind.subsidiary': 'Derived template',
  'tpl.kind.mail': 'Mail',
  'tpl.kind.block': 'Content block',
  'tpl.kind.locale': 'Locale strings',
  'tpl.save': 'Save version',
  'tpl.savedVersion': 'Saved as version {version}',
  'tpl.refused': 'Not saved: {message}',
  'tpl.notSaved': 'Not saved: fix these first',
  'tpl.problems': 'Problems in the draft',
  'tpl.lineColumn': 'line {line}:{column}',
  'tpl.inRegion': 'region {region}',
  'tpl.subsidiary': 'Subsidiary',
  'tpl.locale': 'Language',
  'tpl.ownLocale': 'the subsidiary’s ({locale})',
  'tpl.previewMail': 'Show in mail',
  'tpl.contact': 'Sample contact',
  'tpl.sampleContact': 'sample fields',
  'tpl.storedContact': 'a stored contact',
  'tpl.contactEmail': 'Contact’s e-mail',
  'tpl.salutation': 'Salutation',
  'tpl.ms': 'Ms',
  'tpl.mr': 'Mr',
  'tpl.noSalutation': 'none',
  'tpl.firstName': 'First name',
  'tpl.lastName': 'Last name',
  'tpl.company': 'Company',
  'tpl.subject': 'Subject ({locale})',
  'tpl.source': 'Source',
  'tpl.sourceBody': 'MJML body ({locale})',
  'tpl.sourceMjml': 'MJML',
  'tpl.sourceJson': 'Document (JSON)',
  'tpl.noBody': 'No {locale} body yet: the preview shows the master language’s. Type here to write one.',
  'tpl.preview': 'Preview',
  'tpl.rendering': 'rendering…',
  'tpl.previewStale': 'showing the last version that rendered',
  'tpl.previewFailed': 'The draft does not render yet; see the problems below.',
  'tpl.overridesTitle': 'Overrides',
  'tpl.overridesOf': 'What this template overrides from the master “{master}”',
  'tpl.part': 'Part',
  'tpl.own': 'This subsidiary',
  'tpl.inherited': 'Master / locale',
  'tpl.region': 'region',
  'tpl.regionNamed': 'region {name}',
  'tpl.string': 'string',
  'tpl.fromMaster': 'from the master',
  'tpl.derivedTitle': '{code} derived template (master {master})',
  'tpl.openDerived': 'Open the {code} template',
  'tpl.missingTitle': 'Missing translations ({subsidiary}, {locale})',
  'tpl.missingNone': 'Nothing missing in {locale}.',
  'tpl.missingParts': 'lacks {parts}: shown in {fallback}',
  'tpl.needsReview': 'machine-translated, needs review: {keys}',
  'tpl.testSend': 'Test send',
  'tpl.testSendTo': 'Send to (e-mail)',
  'tpl.send': 'Send test',
  'tpl.sending': 'Sending…',
  'tpl.sent': 'Sent “{subject}” to {to} ({locale}).',
  'tpl.leaveUnsaved': 'This template has unsaved changes. Leave them?',
} as const

export type CoreMessageKey = keyof typeof en
export type MessageKey = CoreMessageKey | PeopleMessageKey | MailingMessageKey | FairMessageKey

const de: Record<CoreMessageKey, string> = {
  'app.newCampaign': 'Neue Kampagne',
  'app.newCampaignName': 'Name der neuen Kampagne',
  'app.create': 'Anlegen',
  'app.cancel': 'Abbrechen',
  'app.choose': 'Wählen Sie links eine Kampagne, um ihren Entwurf zu öffnen, oder legen Sie eine neue an.',
  'app.loading': 'Entwurf wird geladen…',
  'app.language': 'Sprache',
  'palette.title': 'Schritt hinzufügen',
  'palette.hint': 'Auf die Fläche ziehen oder klicken',
  'canvas.empty': 'Eine leere Kampagne. Ziehen Sie einen „Auslöser“ aus der Palette: dort treten Kontakte ein.',
  'canvas.readOnly': 'Version {version} (schreibgeschützt)',
  'canvas.live': 'live',
  'canvas.backToDraft': 'Zurück zum Entwurf',
  'canvas.draftFrom': 'Neuen Entwurf aus dieser Version beginnen',
  'toolbar.undo': 'Rückgängig',
  'toolbar.redo': 'Wiederholen',
  'toolbar.layout': 'Aufräumen',
  'toolbar.fit': 'Einpassen',
  'toolbar.shortcuts': 'Tastenkürzel',
  'save.saving': 'Speichert…',
  'save.unsaved': 'Ungespeicherte Änderungen',
  'save.saved': 'Gespeichert',
  'save.savedAt': 'Gespeichert {time}',
  'save.failed': 'Nicht gespeichert: {message}',
  'save.button': 'Entwurf speichern',
  'publish.button': 'Veröffentlichen',
  'publish.publishing': 'Veröffentlicht…',
  'publish.blocked': '{count} zu beheben',
  'publish.live': 'Version {version} ist live',
  'tabs.step': 'Schritt',
  'tabs.versions': 'Versionen',
  'tabs.contacts': 'Kontakte',
  'tabs.simulate': 'Simulieren',
  'config.none': 'Wählen Sie einen Schritt auf der Fläche, um seine Einstellungen zu ändern.',
  'config.issues': 'Vor dem Veröffentlichen',
  'config.add': 'Hinzufügen',
  'config.remove': 'Entfernen',
  'config.key': 'Name',
  'config.value': 'Wert',
  'config.yes': 'ja',
  'config.noTemplates': 'Noch keine Vorlagen',
  'config.chooseTemplate': 'Vorlage wählen…',
  'config.readOnly': 'Diese Version ist schreibgeschützt.',
  'config.linkTag': 'Link',
  'config.chooseLinkTag': 'Link wählen…',
  'config.linkIn': 'in {mails}',
  'versions.empty': 'Noch nicht veröffentlicht: Veröffentlichen Sie den Entwurf, um Version 1 anzulegen.',
  'versions.live': 'live',
  'versions.open': 'Öffnen',
  'versions.published': 'veröffentlicht {date}',
  'contacts.empty': 'Noch keine Kontakte in dieser Kampagne.',
  'contacts.step': 'Bei Schritt',
  'contacts.anyStep': 'alle Schritte',
  'contacts.status': 'Status',
  'contacts.anyStatus': 'alle',
  'contacts.path': 'Weg von {email}',
  'contacts.clear': 'Markierung aufheben',
  'contacts.notPublished': 'Veröffentlichen Sie die Kampagne, um zu sehen, wer darin ist.',
  'sim.contact': 'Beispielkontakt (E-Mail)',
  'sim.contactSearch': 'Name, Firma oder E-Mail eingeben, dann einen Kontakt wählen',
  'sim.noContacts': 'Kein Kontakt passt.',
  'sim.source': 'Simulieren',
  'sim.draft': 'den Entwurf',
  'sim.liveVersion': 'die Live-Version',
  'sim.script': 'Verhalten',
  'sim.scriptEmpty': 'Kein Verhalten: der Kontakt tut nichts.',
  'sim.at': 'nach',
  'sim.event': 'Ereignis',
  'sim.mail': 'Mail',
  'sim.anyMail': 'jede Mail',
  'sim.addEvent': 'Verhalten hinzufügen',
  'sim.trigger': 'Eigenschaften des Auslösers (name=wert, eine pro Zeile)',
  'sim.horizon': 'Höchstens simulieren',
  'sim.run': 'Simulation starten',
  'sim.running': 'Simuliert…',
  'sim.outcome': 'Ergebnis: {status}',
  'sim.took': 'dauerte {ms} ms',
  'live.waiting': '{n} warten',
  'live.passed': '{n} durchlaufen',
  'help.title': 'Tastenkürzel',
  'tpl.title': 'Vorlagen',
  'tpl.campaigns': 'Kampagnen',
  'tpl.choose': 'Wählen Sie links eine Vorlage: eine Mail, die Master-Vorlage, die abgeleitete Vorlage einer Niederlassung oder einen Inhaltsblock.',
  'tpl.loading': 'Wird geladen…',
  'tpl.none': 'Noch keine.',
  'tpl.masters': 'Master-Vorlagen',
  'tpl.subsidiaries': 'Niederlassungen (abgeleitete Vorlagen)',
  'tpl.mails': 'Mails',
  'tpl.blocks': 'Inhaltsblöcke',
  'tpl.version': 'Version {version}',
  'tpl.regions': 'Bereiche: {regions}',
  'tpl.overrides': 'überschreibt {what}',
  'tpl.overridesNothing': 'übernimmt alles vom Master',
  'tpl.usedBy': 'in {count} Mails verwendet',
  'tpl.kind.master': 'Master-Vorlage',
  'tpl.kind.subsidiary': 'Abgeleitete Vorlage',
  'tpl.kind.mail': 'Mail',
  'tpl.kind.block': 'Inhaltsblock',
  'tpl.kind.locale': 'Sprachtexte',
  'tpl.save': 'Version speichern',
  'tpl.savedVersion': 'Als Version {version} gespeichert',
  'tpl.refused': 'Nicht gespeichert: {message}',
  'tpl.notSaved': 'Nicht gespeichert: bitte zuerst beheben',
  'tpl.problems': 'Probleme im Entwurf',
  'tpl.lineColumn': 'Zeile {line}:{column}',
  'tpl.inRegion': 'Bereich {region}',
  'tpl.subsidiary': 'Niederlassung',
  'tpl.locale': 'Sprache',
  'tpl.ownLocale': 'die der Niederlassung ({locale})',
  'tpl.previewMail': 'In Mail zeigen',
  'tpl.contact': 'Beispielkontakt',
  'tpl.sampleContact': 'Beispielangaben',
  'tpl.storedContact': 'ein gespeicherter Kontakt',
  'tpl.contactEmail': 'E-Mail des Kontakts',
  'tpl.salutation': 'Anrede',
  'tpl.ms': 'Frau',
  'tpl.mr': 'Herr',
  'tpl.noSalutation': 'keine',
  'tpl.firstName': 'Vorname',
  'tpl.lastName': 'Nachname',
  'tpl.company': 'Firma',
  'tpl.subject': 'Betreff ({locale})',
  'tpl.source': 'Quelltext',
  'tpl.sourceBody': 'MJML-Inhalt ({locale})',
  'tpl.sourceMjml': 'MJML',
  'tpl.sourceJson': 'Dokument (JSON)',
  'tpl.noBody': 'Noch kein Inhalt auf {locale}: die Vorschau zeigt den der Master-Sprache. Hier tippen, um einen zu schreiben.',
  'tpl.preview': 'Vorschau',
  'tpl.rendering': 'wird erstellt…',
  'tpl.previewStale': 'zeigt den letzten Stand, der sich erstellen ließ',
  'tpl.previewFailed': 'Der Entwurf lässt sich noch nicht erstellen; siehe die Probleme unten.',
  'tpl.overridesTitle': 'Überschreibungen',
  'tpl.overridesOf': 'Was diese Vorlage vom Master „{master}“ überschreibt',
  'tpl.part': 'Teil',
  'tpl.own': 'Diese Niederlassung',
  'tpl.inherited': 'Master / Sprache',
  'tpl.region': 'Bereich',
  'tpl.regionNamed': 'Bereich {name}',
  'tpl.string': 'Text',
  'tpl.fromMaster': 'vom Master',
  'tpl.derivedTitle': 'Abgeleitete Vorlage {code} (Master {master})',
  'tpl.openDerived': 'Vorlage {code} öffnen',
  'tpl.missingTitle': 'Fehlende Übersetzungen ({subsidiary}, {locale})',
  'tpl.missingNone': 'Auf {locale} fehlt nichts.',
  'tpl.missingParts': 'fehlt {parts}: erscheint auf {fallback}',
  'tpl.needsReview': 'maschinell übersetzt, zu prüfen: {keys}',
  'tpl.testSend': 'Testversand',
  'tpl.testSendTo': 'Senden an (E-Mail)',
  'tpl.send': 'Test senden',
  'tpl.sending': 'Wird gesendet…',
  'tpl.sent': '„{subject}“ an {to} gesendet ({locale}).',
  'tpl.leaveUnsaved': 'Diese Vorlage hat ungespeicherte Änderungen. Verwerfen?',
}

/** German names of the engine's step types and categories; anything missing falls back to English. */
const deSteps: Record<string, string> = {
  trigger: 'Auslöser',
  send_email: 'E-Mail senden',
  wait: 'Warten',
  wait_for_event: 'Auf Verhalten warten',
  wait_until: 'Warten bis',
  condition: 'Bedingung',
  ab_split: 'A/B-Test',
  update_contact: 'Kontakt ändern',
  webhook: 'Webhook',
  handover: 'An den Vertrieb übergeben',
  end: 'Ende',
  goal: 'Ziel',
  'category.entry': 'Einstieg',
  'category.message': 'Nachrichten',
  'category.timing': 'Zeit',
  'category.flow': 'Ablauf',
  'category.goal': 'Ziele',
}

/** Every language's messages: the designer's own and those of signing in and administration. */
export const dictionaries: Record<Language, Record<MessageKey, string>> = {
  en: { ...en, ...PEOPLE_MESSAGES.en, ...MAILING_MESSAGES.en, ...FAIR_MESSAGES.en },
  de: { ...de, ...PEOPLE_MESSAGES.de, ...MAILING_MESSAGES.de, ...FAIR_MESSAGES.de },
  fr: { ...fr, ...PEOPLE_MESSAGES.fr, ...MAILING_MESSAGES.fr, ...FAIR_MESSAGES.fr },
  it: { ...it, ...PEOPLE_MESSAGES.it, ...MAILING_MESSAGES.it, ...FAIR_MESSAGES.it },
  es: { ...es, ...PEOPLE_MESSAGES.es, ...MAILING_MESSAGES.es, ...FAIR_MESSAGES.es },
}

/** Step type and category names per language beyond English (which the node modules give). */
export const stepNames: Record<Exclude<Language, 'en'>, Record<string, string>> = { de: deSteps, fr: frSteps, it: itSteps, es: esSteps }

/** The browser's preferred language if we speak it, else English. */
export function preferredLanguage(languages: readonly string[] | undefined): Language {
  for (const tag of languages ?? []) {
    const base = tag.toLowerCase().split('-')[0] as Language
    if (LANGUAGES.includes(base)) return base
  }
  return 'en'
}

export function translate(language: Language, key: MessageKey, values: Record<string, string | number> = {}): string {
  const text = dictionaries[language][key] ?? dictionaries.en[key]
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
}

/** A step type's (or "category.x") name in the language, or the English fallback given. */
export function stepName(language: Language, key: string, english: string): string {
  return language === 'en' ? english : (stepNames[language][key] ?? english)
}

const STORAGE_KEY = 'kessler.designer.language'

function initialLanguage(): Language {
  if (typeof window === 'undefined') return 'en'
  const stored = window.localStorage?.getItem(STORAGE_KEY)
  if (LANGUAGES.includes(stored as Language)) return stored as Language
  return preferredLanguage(window.navigator?.languages ?? [window.navigator?.language])
}

export const useLanguage = create<{ language: Language; setLanguage(language: Language): void }>()((set) => ({
  language: initialLanguage(),
  setLanguage(language) {
    window.localStorage?.setItem(STORAGE_KEY, language)
    document.documentElement.lang = language
    set({ language })
  },
}))

/** t('save.savedAt', { time }) in the chosen language; components re-render when it changes. */
export function useT() {
  const language = useLanguage((state) => state.language)
  return (key: MessageKey, values?: Record<string, string | number>) => translate(language, key, values)
}

/** A moment as the language writes it (dates and times per locale). */
export function formatDateTime(language: Language, date: string | Date): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(date))
}

/** A number as the language writes it (1,234.5 / 1.234,5 / 1 234,5). */
export function formatNumber(language: Language, value: number): string {
  return new Intl.NumberFormat(language).format(value)
}
