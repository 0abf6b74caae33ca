import { create } from 'zustand'
import { useLanguage } from '../i18n'

// The Reports view's words in the five languages of the subsidiaries. The rest of the designer speaks EN/DE
// today (issue 14 brings all five to i18n.ts); until then this page keeps its own choice, starting from the
// designer's, and offers all five.

export const REPORT_LANGUAGES = ['en', 'de', 'fr', 'it', 'es'] as const
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number]

const en = {
  title: 'Reports',
  campaigns: 'Campaigns',
  leads: 'Leads',
  subsidiary: 'Subsidiary',
  allSubsidiaries: 'All subsidiaries',
  campaign: 'Campaign',
  allCampaigns: 'All campaigns',
  from: 'From',
  to: 'To',
  model: 'Attribution model',
  language: 'Language',
  loading: 'Loading…',
  cost: 'Cost',
  budget: 'Budget',
  mql: 'MQL',
  sal: 'SAL',
  rejected: 'Rejected',
  sql: 'SQL',
  opportunity: 'Opportunities',
  won: 'Won',
  revenue: 'Net revenue',
  production: 'Production cost',
  cpl: 'Cost per lead (cost / MQL)',
  cpo: 'Cost per order (cost / won)',
  cpsql: 'Cost per SQL',
  roi: 'ROI',
  unattributed: 'Unattributed revenue',
  unattributedHint: 'won deals without a campaign touch in the lookback window',
  funnel: 'Funnel',
  conversion: '{rate} onward',
  perCampaign: 'ROI and cost per lead / order per campaign',
  byModel: 'Revenue by attribution model',
  trends: 'Trends',
  salesCycle: 'Sales cycle',
  cycleMqlWon: 'MQL → won',
  cycleTouchWon: 'first touch → won',
  average: 'average',
  median: 'median',
  days: '{n} days',
  deals: 'Deals',
  weeks: 'weeks from MQL to won',
  exportCsv: 'Export CSV',
  drill: 'Contacts and deals behind the figure',
  close: 'Close',
  mail: 'Mail statistics',
  sent: 'Sent',
  delivered: 'Delivered',
  bounces: 'Bounces (hard / soft)',
  opens: 'Human opens (unique)',
  machineOpens: 'Machine opens',
  clicks: 'Clicks (unique)',
  machineClicks: 'Scanner clicks',
  unsubscribes: 'Unsubscribes',
  complaints: 'Complaints',
  conversions: 'Conversions',
  clickMap: 'Click map',
  overTime: 'Over time (hourly for the first three days, then daily)',
  settings: 'Attribution settings',
  lookback: 'Lookback window (days)',
  halfLife: 'Time-decay half-life (days)',
  recompute: 'Recompute',
  recomputing: 'Recomputing: {done} of {total} deals',
  pending: '{n} deals waiting to be attributed',
  none: 'Nothing in this period yet.', moreMails: 'More mails',
  email: 'E-mail',
  name: 'Name',
  company: 'Company',
  stage: 'Stage',
  at: 'When',
  amount: 'Amount',
  credited: 'Credited',
  'model.first': 'First touch',
  'model.last': 'Last touch',
  'model.linear': 'Linear',
  'model.u_shaped': 'U-shaped',
  'model.w_shaped': 'W-shaped',
  'model.time_decay': 'Time decay',
  'step.delivered': '{rate} delivered',
  'step.opened': '{rate} opened',
  'step.clicked': '{rate} clicked',
  fairs: 'Trade fairs', fair: 'Fair', fairLeads: 'Leads captured', fairMeetings: 'Meetings held', fairCosts: 'Costs', fairPipeline: 'Open pipeline',
}
export type ReportKey = keyof typeof en

const de: Record<ReportKey, string> = {
  title: 'Berichte', campaigns: 'Kampagnen', leads: 'Leads', subsidiary: 'Landesgesellschaft', allSubsidiaries: 'Alle Landesgesellschaften', campaign: 'Kampagne',
  allCampaigns: 'Alle Kampagnen', from: 'Von', to: 'Bis', model: 'Attributionsmodell', language: 'Sprache', loading: 'Wird geladen…', cost: 'Kosten', budget: 'Budget',
  mql: 'MQL', sal: 'SAL', rejected: 'Abgelehnt', sql: 'SQL', opportunity: 'Verkaufschancen', won: 'Gewonnen', revenue: 'Nettoumsatz', production: 'Herstellkosten',
  cpl: 'Kosten pro Lead (Kosten / MQL)', cpo: 'Kosten pro Auftrag (Kosten / gewonnen)', cpsql: 'Kosten pro SQL', roi: 'ROI', unattributed: 'Nicht zugeordneter Umsatz',
  unattributedHint: 'gewonnene Aufträge ohne Kampagnenkontakt im Rückblickzeitraum', funnel: 'Trichter', conversion: '{rate} weiter',
  perCampaign: 'ROI und Kosten pro Lead / Auftrag je Kampagne', byModel: 'Umsatz nach Attributionsmodell', trends: 'Verlauf', salesCycle: 'Verkaufszyklus',
  cycleMqlWon: 'MQL → gewonnen', cycleTouchWon: 'erster Kontakt → gewonnen', average: 'Durchschnitt', median: 'Median', days: '{n} Tage', deals: 'Aufträge',
  weeks: 'Wochen von MQL bis gewonnen', exportCsv: 'CSV exportieren', drill: 'Kontakte und Aufträge hinter der Zahl', close: 'Schließen', mail: 'Mail-Statistik',
  sent: 'Gesendet', delivered: 'Zugestellt', bounces: 'Bounces (hart / weich)', opens: 'Öffnungen durch Menschen (eindeutig)', machineOpens: 'Maschinelle Öffnungen',
  clicks: 'Klicks (eindeutig)', machineClicks: 'Scanner-Klicks', unsubscribes: 'Abmeldungen', complaints: 'Beschwerden', conversions: 'Konversionen', clickMap: 'Klickkarte',
  overTime: 'Zeitverlauf (in den ersten drei Tagen stündlich, dann täglich)', settings: 'Attributionseinstellungen', lookback: 'Rückblickzeitraum (Tage)',
  halfLife: 'Halbwertszeit Time-Decay (Tage)', recompute: 'Neu berechnen', recomputing: 'Wird neu berechnet: {done} von {total} Aufträgen',
  pending: '{n} Aufträge warten auf die Zuordnung', none: 'In diesem Zeitraum noch nichts.', moreMails: 'Weitere Mails', email: 'E-Mail', name: 'Name', company: 'Firma', stage: 'Phase', at: 'Wann',
  amount: 'Betrag', credited: 'Zugeordnet', 'model.first': 'Erster Kontakt', 'model.last': 'Letzter Kontakt', 'model.linear': 'Linear', 'model.u_shaped': 'U-förmig',
  'model.w_shaped': 'W-förmig', 'model.time_decay': 'Zeitverfall', 'step.delivered': '{rate} zugestellt', 'step.opened': '{rate} geöffnet', 'step.clicked': '{rate} geklickt',
  fairs: 'Messen', fair: 'Messe', fairLeads: 'Erfasste Leads', fairMeetings: 'Geführte Termine', fairCosts: 'Kosten', fairPipeline: 'Offene Pipeline',
}

const fr: Record<ReportKey, string> = {
  title: 'Rapports', campaigns: 'Campagnes', leads: 'Leads', subsidiary: 'Filiale', allSubsidiaries: 'Toutes les filiales', campaign: 'Campagne',
  allCampaigns: 'Toutes les campagnes', from: 'Du', to: 'Au', model: "Modèle d'attribution", language: 'Langue', loading: 'Chargement…', cost: 'Coûts', budget: 'Budget',
  mql: 'MQL', sal: 'SAL', rejected: 'Refusés', sql: 'SQL', opportunity: 'Opportunités', won: 'Gagnés', revenue: "Chiffre d'affaires net", production: 'Coût de production',
  cpl: 'Coût par lead (coûts / MQL)', cpo: 'Coût par commande (coûts / gagnés)', cpsql: 'Coût par SQL', roi: 'ROI', unattributed: 'Chiffre non attribué',
  unattributedHint: 'affaires gagnées sans contact de campagne dans la période de référence', funnel: 'Entonnoir', conversion: '{rate} passent',
  perCampaign: 'ROI et coût par lead / commande par campagne', byModel: "Chiffre d'affaires par modèle d'attribution", trends: 'Tendances', salesCycle: 'Cycle de vente',
  cycleMqlWon: 'MQL → gagné', cycleTouchWon: 'premier contact → gagné', average: 'moyenne', median: 'médiane', days: '{n} jours', deals: 'Affaires',
  weeks: 'semaines de MQL à gagné', exportCsv: 'Exporter en CSV', drill: 'Contacts et affaires derrière le chiffre', close: 'Fermer', mail: "Statistiques d'e-mails",
  sent: 'Envoyés', delivered: 'Délivrés', bounces: 'Rebonds (durs / doux)', opens: 'Ouvertures humaines (uniques)', machineOpens: 'Ouvertures machine',
  clicks: 'Clics (uniques)', machineClicks: 'Clics de scanners', unsubscribes: 'Désinscriptions', complaints: 'Plaintes', conversions: 'Conversions', clickMap: 'Carte des clics',
  overTime: 'Dans le temps (par heure les trois premiers jours, puis par jour)', settings: "Paramètres d'attribution", lookback: 'Période de référence (jours)',
  halfLife: 'Demi-vie du modèle à décroissance (jours)', recompute: 'Recalculer', recomputing: 'Recalcul : {done} sur {total} affaires',
  pending: '{n} affaires en attente d’attribution', none: 'Rien sur cette période pour l’instant.', moreMails: 'Plus d’e-mails', email: 'E-mail', name: 'Nom', company: 'Entreprise', stage: 'Étape',
  at: 'Quand', amount: 'Montant', credited: 'Attribué', 'model.first': 'Premier contact', 'model.last': 'Dernier contact', 'model.linear': 'Linéaire',
  'model.u_shaped': 'En U', 'model.w_shaped': 'En W', 'model.time_decay': 'Décroissance temporelle', 'step.delivered': '{rate} délivrés', 'step.opened': '{rate} ouverts',
  'step.clicked': '{rate} cliqués',
  fairs: 'Salons', fair: 'Salon', fairLeads: 'Leads saisis', fairMeetings: 'Rendez-vous tenus', fairCosts: 'Coûts', fairPipeline: 'Pipeline ouvert',
}

const it: Record<ReportKey, string> = {
  title: 'Report', campaigns: 'Campagne', leads: 'Lead', subsidiary: 'Filiale', allSubsidiaries: 'Tutte le filiali', campaign: 'Campagna',
  allCampaigns: 'Tutte le campagne', from: 'Dal', to: 'Al', model: 'Modello di attribuzione', language: 'Lingua', loading: 'Caricamento…', cost: 'Costi', budget: 'Budget',
  mql: 'MQL', sal: 'SAL', rejected: 'Rifiutati', sql: 'SQL', opportunity: 'Opportunità', won: 'Vinti', revenue: 'Fatturato netto', production: 'Costo di produzione',
  cpl: 'Costo per lead (costi / MQL)', cpo: 'Costo per ordine (costi / vinti)', cpsql: 'Costo per SQL', roi: 'ROI', unattributed: 'Fatturato non attribuito',
  unattributedHint: 'trattative vinte senza contatto di campagna nel periodo di riferimento', funnel: 'Imbuto', conversion: '{rate} proseguono',
  perCampaign: 'ROI e costo per lead / ordine per campagna', byModel: 'Fatturato per modello di attribuzione', trends: 'Andamento', salesCycle: 'Ciclo di vendita',
  cycleMqlWon: 'MQL → vinto', cycleTouchWon: 'primo contatto → vinto', average: 'media', median: 'mediana', days: '{n} giorni', deals: 'Trattative',
  weeks: 'settimane da MQL a vinto', exportCsv: 'Esporta CSV', drill: 'Contatti e trattative dietro il dato', close: 'Chiudi', mail: 'Statistiche e-mail',
  sent: 'Inviate', delivered: 'Consegnate', bounces: 'Rimbalzi (permanenti / temporanei)', opens: 'Aperture umane (uniche)', machineOpens: 'Aperture automatiche',
  clicks: 'Clic (unici)', machineClicks: 'Clic di scanner', unsubscribes: 'Disiscrizioni', complaints: 'Segnalazioni', conversions: 'Conversioni', clickMap: 'Mappa dei clic',
  overTime: 'Nel tempo (ogni ora nei primi tre giorni, poi ogni giorno)', settings: 'Impostazioni di attribuzione', lookback: 'Periodo di riferimento (giorni)',
  halfLife: 'Emivita del decadimento (giorni)', recompute: 'Ricalcola', recomputing: 'Ricalcolo: {done} di {total} trattative',
  pending: '{n} trattative in attesa di attribuzione', none: 'Ancora nulla in questo periodo.', moreMails: 'Altre e-mail', email: 'E-mail', name: 'Nome', company: 'Azienda', stage: 'Fase',
  at: 'Quando', amount: 'Importo', credited: 'Attribuito', 'model.first': 'Primo contatto', 'model.last': 'Ultimo contatto', 'model.linear': 'Lineare',
  'model.u_shaped': 'A U', 'model.w_shaped': 'A W', 'model.time_decay': 'Decadimento temporale', 'step.delivered': '{rate} consegnate', 'step.opened': '{rate} aperte',
  'step.clicked': '{rate} cliccate',
  fairs: 'Fiere', fair: 'Fiera', fairLeads: 'Lead acquisiti', fairMeetings: 'Incontri svolti', fairCosts: 'Costi', fairPipeline: 'Pipeline aperta',
}

const es: Record<ReportKey, string> = {
  title: 'Informes', campaigns: 'Campañas', leads: 'Leads', subsidiary: 'Filial', allSubsidiaries: 'Todas las filiales', campaign: 'Campaña',
  allCampaigns: 'Todas las campañas', from: 'Desde', to: 'Hasta', model: 'Modelo de atribución', language: 'Idioma', loading: 'Cargando…', cost: 'Costes', budget: 'Presupuesto',
  mql: 'MQL', sal: 'SAL', rejected: 'Rechazados', sql: 'SQL', opportunity: 'Oportunidades', won: 'Ganados', revenue: 'Facturación neta', production: 'Coste de producción',
  cpl: 'Coste por lead (costes / MQL)', cpo: 'Coste por pedido (costes / ganados)', cpsql: 'Coste por SQL', roi: 'ROI', unattributed: 'Facturación no atribuida',
  unattributedHint: 'operaciones ganadas sin contacto de campaña en el periodo de referencia', funnel: 'Embudo', conversion: '{rate} avanzan',
  perCampaign: 'ROI y coste por lead / pedido por campaña', byModel: 'Facturación por modelo de atribución', trends: 'Tendencias', salesCycle: 'Ciclo de venta',
  cycleMqlWon: 'MQL → ganado', cycleTouchWon: 'primer contacto → ganado', average: 'media', median: 'mediana', days: '{n} días', deals: 'Operaciones',
  weeks: 'semanas de MQL a ganado', exportCsv: 'Exportar CSV', drill: 'Contactos y operaciones detrás de la cifra', close: 'Cerrar', mail: 'Estadísticas de correo',
  sent: 'Enviados', delivered: 'Entregados', bounces: 'Rebotes (duros / blandos)', opens: 'Aperturas humanas (únicas)', machineOpens: 'Aperturas automáticas',
  clicks: 'Clics (únicos)', machineClicks: 'Clics de escáneres', unsubscribes: 'Bajas', complaints: 'Quejas', conversions: 'Conversiones', clickMap: 'Mapa de clics',
  overTime: 'En el tiempo (por horas los tres primeros días, luego por días)', settings: 'Ajustes de atribución', lookback: 'Periodo de referencia (días)',
  halfLife: 'Vida media del decaimiento (días)', recompute: 'Recalcular', recomputing: 'Recalculando: {done} de {total} operaciones',
  pending: '{n} operaciones pendientes de atribuir', none: 'Aún nada en este periodo.', moreMails: 'Más correos', email: 'Correo', name: 'Nombre', company: 'Empresa', stage: 'Fase',
  at: 'Cuándo', amount: 'Importe', credited: 'Atribuido', 'model.first': 'Primer contacto', 'model.last': 'Último contacto', 'model.linear': 'Lineal',
  'model.u_shaped': 'En U', 'model.w_shaped': 'En W', 'model.time_decay': 'Decaimiento temporal', 'step.delivered': '{rate} entregados', 'step.opened': '{rate} abiertos',
  'step.clicked': '{rate} con clic',
  fairs: 'Ferias', fair: 'Feria', fairLeads: 'Leads captados', fairMeetings: 'Reuniones celebradas', fairCosts: 'Costes', fairPipeline: 'Pipeline abierto',
}

export const REPORT_DICTIONARIES: Record<ReportLanguage, Record<ReportKey, string>> = { en, de, fr, it, es }

export const useReportLanguage = create<{ language: ReportLanguage | null; setLanguage(language: ReportLanguage): void }>()((set) => ({
  language: null,
  setLanguage: (language) => set({ language }),
}))

/** The Reports view's language: its own choice, else the designer's. */
export function useReportT() {
  const own = useReportLanguage((state) => state.language)
  const designer = useLanguage((state) => state.language)
  const language: ReportLanguage = own ?? designer
  const t = (key: ReportKey, values: Record<string, string | number> = {}) =>
    REPORT_DICTIONARIES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole))
  return { t, language, locale: ({ en: 'en-GB', de: 'de-DE', fr: 'fr-FR', it: 'it-IT', es: 'es-ES' } as const)[language] }
}
