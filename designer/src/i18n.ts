import { create } from 'zustand'

// A tiny dictionary: English and German for the designer's own words. Step labels come from the engine's
// node modules (English); German names for them live here, keyed by step type, so the registry stays the
// one list of step types and an untranslated new type simply shows its English label.

export type Language = 'en' | 'de'
export const LANGUAGES: Language[] = ['en', 'de']

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
} as const

export type MessageKey = keyof typeof en

const de: Record<MessageKey, string> = {
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
  end: 'Ende',
  goal: 'Ziel',
  'category.entry': 'Einstieg',
  'category.message': 'Nachrichten',
  'category.timing': 'Zeit',
  'category.flow': 'Ablauf',
  'category.goal': 'Ziele',
}

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, de }

/** The browser's preferred language if we speak it, else English. */
export function preferredLanguage(languages: readonly string[] | undefined): Language {
  for (const tag of languages ?? []) {
    const base = tag.toLowerCase().split('-')[0] as Language
    if (LANGUAGES.includes(base)) return base
  }
  return 'en'
}

export function translate(language: Language, key: MessageKey, values: Record<string, string | number> = {}): string {
  const text = dictionaries[language][key] ?? en[key]
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
}

/** A step type's (or "category.x") name in the language, or the English fallback given. */
export function stepName(language: Language, key: string, english: string): string {
  return language === 'de' ? (deSteps[key] ?? english) : english
}

const STORAGE_KEY = 'kessler.designer.language'

function initialLanguage(): Language {
  if (typeof window === 'undefined') return 'en'
  const stored = window.localStorage?.getItem(STORAGE_KEY)
  if (stored === 'en' || stored === 'de') return stored
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
