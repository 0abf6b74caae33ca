import { useLanguage } from '../i18n'

// The contact pages' words in the five languages the product speaks. The page language follows the
// designer's language switch; ?lang= overrides it (fr, it and es are not in the switch yet).
export const CONTACT_LANGUAGES = ['en', 'de', 'fr', 'it', 'es'] as const
export type ContactLanguage = (typeof CONTACT_LANGUAGES)[number]

const en = {
  'nav.contacts': 'Contacts',
  'nav.duplicates': 'Duplicates',
  'nav.crm': 'CRM',
  'nav.campaigns': 'Campaigns',
  'contacts.title': 'Contacts',
  'contacts.search': 'Search by e-mail, name or company',
  'contacts.none': 'No contacts match.',
  'contacts.export': 'Export CSV',
  'profile.title': 'Contact profile',
  'profile.attributes': 'Attributes and where they came from',
  'profile.consent': 'Consent proofs',
  'profile.offerDoi': 'Consent was obtained outside the product: offer double opt-in',
  'profile.scores': 'Score history',
  'profile.timeline': 'Activity',
  'profile.campaigns': 'Campaigns and paths',
  'profile.handovers': 'Handovers',
  'profile.opportunities': 'Opportunities',
  'profile.duplicates': 'Possible duplicates',
  'profile.merges': 'Merged into this contact',
  'profile.crm': 'CRM records',
  'profile.none': 'None',
  'profile.lifecycle': 'Lifecycle stage',
  'profile.score': 'Score',
  'profile.scoreProfile': 'Profile points',
  'profile.scoreActivity': 'Activity points',
  'dup.title': 'Duplicate suggestions',
  'dup.none': 'No open suggestions.',
  'dup.rule.crm_id': 'same CRM record',
  'dup.rule.email': 'same e-mail',
  'dup.rule.fuzzy': 'same name, company and postal code',
  'dup.keep': 'Keep this one',
  'dup.dismiss': 'Not the same person',
  'dup.evidence': 'Evidence',
  'dup.merged': 'Merged: everything moved to {email}.',
  'crm.title': 'CRM connection',
  'crm.url': 'CRM address',
  'crm.token': 'API token',
  'crm.tokenStored': 'A token is stored (encrypted); enter a new one to replace it.',
  'crm.every': 'Sync every',
  'crm.save': 'Save and check',
  'crm.syncNow': 'Sync now',
  'crm.runs': 'Sync runs',
  'crm.in': 'in',
  'crm.out': 'out',
  'crm.conflicts': 'conflicts',
  'crm.errors': 'errors',
  'crm.status.running': 'running',
  'crm.status.retrying': 'retrying (CRM unavailable)',
  'crm.status.done': 'done',
  'crm.status.failed': 'failed',
  'crm.conflictQueue': 'Conflicts to decide',
  'crm.keepProduct': 'Keep ours',
  'crm.keepCrm': 'Take the CRM’s',
  'crm.noConflicts': 'Nothing to decide.',
  'crm.notConnected': 'No CRM is connected yet.',
}
type Key = keyof typeof en

const de: Record<Key, string> = {
  'nav.contacts': 'Kontakte', 'nav.duplicates': 'Dubletten', 'nav.crm': 'CRM', 'nav.campaigns': 'Kampagnen',
  'contacts.title': 'Kontakte', 'contacts.search': 'Suche nach E-Mail, Name oder Firma', 'contacts.none': 'Keine passenden Kontakte.', 'contacts.export': 'CSV exportieren',
  'profile.title': 'Kontaktprofil', 'profile.attributes': 'Attribute und ihre Herkunft', 'profile.consent': 'Einwilligungsnachweise',
  'profile.offerDoi': 'Die Einwilligung wurde außerhalb des Produkts eingeholt: Double-Opt-in anbieten', 'profile.scores': 'Scoring-Verlauf',
  'profile.timeline': 'Aktivitäten', 'profile.campaigns': 'Kampagnen und Pfade', 'profile.handovers': 'Übergaben', 'profile.opportunities': 'Verkaufschancen',
  'profile.duplicates': 'Mögliche Dubletten', 'profile.merges': 'In diesen Kontakt zusammengeführt', 'profile.crm': 'CRM-Datensätze', 'profile.none': 'Keine',
  'profile.lifecycle': 'Lebenszyklus', 'profile.score': 'Score', 'profile.scoreProfile': 'Profilpunkte', 'profile.scoreActivity': 'Aktivitätspunkte',
  'dup.title': 'Dubletten-Vorschläge', 'dup.none': 'Keine offenen Vorschläge.', 'dup.rule.crm_id': 'gleicher CRM-Datensatz', 'dup.rule.email': 'gleiche E-Mail',
  'dup.rule.fuzzy': 'gleicher Name, Firma und PLZ', 'dup.keep': 'Diesen behalten', 'dup.dismiss': 'Nicht dieselbe Person', 'dup.evidence': 'Belege',
  'dup.merged': 'Zusammengeführt: alles liegt jetzt bei {email}.',
  'crm.title': 'CRM-Anbindung', 'crm.url': 'CRM-Adresse', 'crm.token': 'API-Token', 'crm.tokenStored': 'Ein Token ist (verschlüsselt) gespeichert; ein neues ersetzt es.',
  'crm.every': 'Abgleich alle', 'crm.save': 'Speichern und prüfen', 'crm.syncNow': 'Jetzt abgleichen', 'crm.runs': 'Abgleiche', 'crm.in': 'rein', 'crm.out': 'raus',
  'crm.conflicts': 'Konflikte', 'crm.errors': 'Fehler', 'crm.status.running': 'läuft', 'crm.status.retrying': 'wiederholt (CRM nicht erreichbar)', 'crm.status.done': 'fertig',
  'crm.status.failed': 'fehlgeschlagen', 'crm.conflictQueue': 'Zu entscheidende Konflikte', 'crm.keepProduct': 'Unseren behalten', 'crm.keepCrm': 'Den des CRM übernehmen',
  'crm.noConflicts': 'Nichts zu entscheiden.', 'crm.notConnected': 'Noch kein CRM angebunden.',
}
const fr: Record<Key, string> = {
  'nav.contacts': 'Contacts', 'nav.duplicates': 'Doublons', 'nav.crm': 'CRM', 'nav.campaigns': 'Campagnes',
  'contacts.title': 'Contacts', 'contacts.search': 'Rechercher par e-mail, nom ou société', 'contacts.none': 'Aucun contact ne correspond.', 'contacts.export': 'Exporter en CSV',
  'profile.title': 'Profil du contact', 'profile.attributes': 'Attributs et leur origine', 'profile.consent': 'Preuves de consentement',
  'profile.offerDoi': 'Consentement obtenu hors du produit : proposer un double opt-in', 'profile.scores': 'Historique du score',
  'profile.timeline': 'Activité', 'profile.campaigns': 'Campagnes et parcours', 'profile.handovers': 'Transmissions', 'profile.opportunities': 'Opportunités',
  'profile.duplicates': 'Doublons possibles', 'profile.merges': 'Fusionnés dans ce contact', 'profile.crm': 'Fiches CRM', 'profile.none': 'Aucun',
  'profile.lifecycle': 'Étape du cycle de vie', 'profile.score': 'Score', 'profile.scoreProfile': 'Points de profil', 'profile.scoreActivity': 'Points d’activité',
  'dup.title': 'Suggestions de doublons', 'dup.none': 'Aucune suggestion ouverte.', 'dup.rule.crm_id': 'même fiche CRM', 'dup.rule.email': 'même e-mail',
  'dup.rule.fuzzy': 'même nom, société et code postal', 'dup.keep': 'Garder celui-ci', 'dup.dismiss': 'Pas la même personne', 'dup.evidence': 'Éléments',
  'dup.merged': 'Fusionné : tout est maintenant chez {email}.',
  'crm.title': 'Connexion CRM', 'crm.url': 'Adresse du CRM', 'crm.token': 'Jeton API', 'crm.tokenStored': 'Un jeton est enregistré (chiffré) ; un nouveau le remplace.',
  'crm.every': 'Synchroniser toutes les', 'crm.save': 'Enregistrer et vérifier', 'crm.syncNow': 'Synchroniser maintenant', 'crm.runs': 'Synchronisations', 'crm.in': 'entrées',
  'crm.out': 'sorties', 'crm.conflicts': 'conflits', 'crm.errors': 'erreurs', 'crm.status.running': 'en cours', 'crm.status.retrying': 'nouvel essai (CRM indisponible)',
  'crm.status.done': 'terminée', 'crm.status.failed': 'échouée', 'crm.conflictQueue': 'Conflits à trancher', 'crm.keepProduct': 'Garder la nôtre',
  'crm.keepCrm': 'Prendre celle du CRM', 'crm.noConflicts': 'Rien à trancher.', 'crm.notConnected': 'Aucun CRM connecté.',
}
const it: Record<Key, string> = {
  'nav.contacts': 'Contatti', 'nav.duplicates': 'Duplicati', 'nav.crm': 'CRM', 'nav.campaigns': 'Campagne',
  'contacts.title': 'Contatti', 'contacts.search': 'Cerca per e-mail, nome o azienda', 'contacts.none': 'Nessun contatto corrisponde.', 'contacts.export': 'Esporta CSV',
  'profile.title': 'Profilo del contatto', 'profile.attributes': 'Attributi e loro provenienza', 'profile.consent': 'Prove del consenso',
  'profile.offerDoi': 'Consenso ottenuto fuori dal prodotto: offri il double opt-in', 'profile.scores': 'Storico del punteggio',
  'profile.timeline': 'Attività', 'profile.campaigns': 'Campagne e percorsi', 'profile.handovers': 'Passaggi alle vendite', 'profile.opportunities': 'Opportunità',
  'profile.duplicates': 'Possibili duplicati', 'profile.merges': 'Uniti in questo contatto', 'profile.crm': 'Record CRM', 'profile.none': 'Nessuno',
  'profile.lifecycle': 'Fase del ciclo di vita', 'profile.score': 'Punteggio', 'profile.scoreProfile': 'Punti profilo', 'profile.scoreActivity': 'Punti attività',
  'dup.title': 'Suggerimenti di duplicati', 'dup.none': 'Nessun suggerimento aperto.', 'dup.rule.crm_id': 'stesso record CRM', 'dup.rule.email': 'stessa e-mail',
  'dup.rule.fuzzy': 'stesso nome, azienda e CAP', 'dup.keep': 'Tieni questo', 'dup.dismiss': 'Non è la stessa persona', 'dup.evidence': 'Prove',
  'dup.merged': 'Uniti: tutto ora è presso {email}.',
  'crm.title': 'Connessione CRM', 'crm.url': 'Indirizzo del CRM', 'crm.token': 'Token API', 'crm.tokenStored': 'Un token è memorizzato (cifrato); uno nuovo lo sostituisce.',
  'crm.every': 'Sincronizza ogni', 'crm.save': 'Salva e verifica', 'crm.syncNow': 'Sincronizza ora', 'crm.runs': 'Sincronizzazioni', 'crm.in': 'in entrata',
  'crm.out': 'in uscita', 'crm.conflicts': 'conflitti', 'crm.errors': 'errori', 'crm.status.running': 'in corso', 'crm.status.retrying': 'nuovo tentativo (CRM non raggiungibile)',
  'crm.status.done': 'completata', 'crm.status.failed': 'fallita', 'crm.conflictQueue': 'Conflitti da decidere', 'crm.keepProduct': 'Tieni il nostro',
  'crm.keepCrm': 'Prendi quello del CRM', 'crm.noConflicts': 'Niente da decidere.', 'crm.notConnected': 'Nessun CRM collegato.',
}
const es: Record<Key, string> = {
  'nav.contacts': 'Contactos', 'nav.duplicates': 'Duplicados', 'nav.crm': 'CRM', 'nav.campaigns': 'Campañas',
  'contacts.title': 'Contactos', 'contacts.search': 'Buscar por e-mail, nombre o empresa', 'contacts.none': 'Ningún contacto coincide.', 'contacts.export': 'Exportar CSV',
  'profile.title': 'Perfil del contacto', 'profile.attributes': 'Atributos y su origen', 'profile.consent': 'Pruebas de consentimiento',
  'profile.offerDoi': 'El consentimiento se obtuvo fuera del producto: ofrecer doble opt-in', 'profile.scores': 'Historial de puntuación',
  'profile.timeline': 'Actividad', 'profile.campaigns': 'Campañas y recorridos', 'profile.handovers': 'Traspasos a ventas', 'profile.opportunities': 'Oportunidades',
  'profile.duplicates': 'Posibles duplicados', 'profile.merges': 'Fusionados en este contacto', 'profile.crm': 'Registros del CRM', 'profile.none': 'Ninguno',
  'profile.lifecycle': 'Etapa del ciclo de vida', 'profile.score': 'Puntuación', 'profile.scoreProfile': 'Puntos de perfil', 'profile.scoreActivity': 'Puntos de actividad',
  'dup.title': 'Sugerencias de duplicados', 'dup.none': 'No hay sugerencias abiertas.', 'dup.rule.crm_id': 'mismo registro del CRM', 'dup.rule.email': 'mismo e-mail',
  'dup.rule.fuzzy': 'mismo nombre, empresa y código postal', 'dup.keep': 'Conservar este', 'dup.dismiss': 'No es la misma persona', 'dup.evidence': 'Pruebas',
  'dup.merged': 'Fusionado: todo está ahora en {email}.',
  'crm.title': 'Conexión con el CRM', 'crm.url': 'Dirección del CRM', 'crm.token': 'Token de API', 'crm.tokenStored': 'Hay un token guardado (cifrado); uno nuevo lo sustituye.',
  'crm.every': 'Sincronizar cada', 'crm.save': 'Guardar y comprobar', 'crm.syncNow': 'Sincronizar ahora', 'crm.runs': 'Sincronizaciones', 'crm.in': 'entrada',
  'crm.out': 'salida', 'crm.conflicts': 'conflictos', 'crm.errors': 'errores', 'crm.status.running': 'en curso', 'crm.status.retrying': 'reintentando (CRM no disponible)',
  'crm.status.done': 'terminada', 'crm.status.failed': 'fallida', 'crm.conflictQueue': 'Conflictos por decidir', 'crm.keepProduct': 'Conservar el nuestro',
  'crm.keepCrm': 'Tomar el del CRM', 'crm.noConflicts': 'Nada que decidir.', 'crm.notConnected': 'Aún no hay CRM conectado.',
}

export const CONTACT_TEXTS: Record<ContactLanguage, Record<Key, string>> = { en, de, fr, it, es }
export type ContactTextKey = Key

export function contactLanguage(search: string, designerLanguage: string): ContactLanguage {
  const asked = new URLSearchParams(search).get('lang')
  const pick = (CONTACT_LANGUAGES as readonly string[]).includes(asked ?? '') ? asked : designerLanguage
  return (CONTACT_LANGUAGES as readonly string[]).includes(pick ?? '') ? (pick as ContactLanguage) : 'en'
}

export function useContactT() {
  const designer = useLanguage((state) => state.language)
  const language = contactLanguage(window.location.search, designer)
  return (key: Key, values: Record<string, string> = {}) => CONTACT_TEXTS[language][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`)
}
