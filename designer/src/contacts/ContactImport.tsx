import { useEffect, useState } from 'react'
import { useContactT, type ContactTextKey } from './contacts-text'

// CSV import for people: pick a file, map its columns onto the contact's fields (guessed from the header,
// corrected by hand), see the dry run's verdict per row, then import with a progress bar. The server keeps
// the all-or-nothing rule; this page only shows it.

type Json = any
type Api = (path: string, init?: { method?: string; body?: unknown }) => Promise<Json>

export const IMPORT_FIELDS = ['email', 'firstName', 'lastName', 'company', 'postalCode', 'country', 'subsidiary', 'consent', 'consentSource'] as const
type Field = (typeof IMPORT_FIELDS)[number]

/** Header names a column is taken for at first sight (lower case, without spaces, dashes and dots). */
const GUESSES: Record<Field, string[]> = {
  email: ['email', 'e-mail', 'mail', 'emailaddress', 'courriel', 'correo'],
  firstName: ['firstname', 'vorname', 'prénom', 'prenom', 'nome', 'nombre', 'first_name'],
  lastName: ['lastname', 'nachname', 'nom', 'cognome', 'apellido', 'last_name', 'surname'],
  company: ['company', 'firma', 'unternehmen', 'société', 'societe', 'azienda', 'empresa', 'organization'],
  postalCode: ['postalcode', 'plz', 'zip', 'postcode', 'codepostal', 'cap', 'postal_code'],
  country: ['country', 'land', 'pays', 'paese', 'país', 'pais'],
  subsidiary: ['subsidiary', 'tochter', 'filiale'],
  consent: ['consent', 'einwilligung', 'optin', 'opt-in', 'consentement', 'consenso', 'consentimiento'],
  consentSource: ['consentsource', 'quelle', 'source', 'fonte', 'fuente'],
}
const squash = (text: string) => text.toLowerCase().replace(/[\s\-.]/g, '')

/** The header's columns, split the way the server splits them (the more frequent of ; and ,). */
export function headerColumns(csv: string): string[] {
  const first = csv.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? ''
  const separator = (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ';' : ','
  return first.split(separator).map((column) => column.trim().replace(/^"(.*)"$/, '$1'))
}

export function guessMapping(columns: string[]): Partial<Record<Field, string>> {
  const mapping: Partial<Record<Field, string>> = {}
  for (const field of IMPORT_FIELDS) {
    const found = columns.find((column) => GUESSES[field].map(squash).includes(squash(column)))
    if (found) mapping[field] = found
  }
  return mapping
}

export function ContactImport({ api }: { api: Api }) {
  const t = useContactT()
  const [csv, setCsv] = useState<string | null>(null)
  const [columns, setColumns] = useState<string[]>([])
  const [mapping, setMapping] = useState<Partial<Record<Field, string>>>({})
  const [consentSource, setConsentSource] = useState('')
  const [checked, setChecked] = useState<Json | null>(null)
  const [progress, setProgress] = useState<{ processed: number; total: number; status: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [imported, setImported] = useState<number | null>(null)

  const readFile = async (file: File | undefined) => {
    if (!file) return
    const text = await file.text()
    const header = headerColumns(text)
    setCsv(text)
    setColumns(header)
    setMapping(guessMapping(header))
    setChecked(null)
    setImported(null)
    setProgress(null)
  }
  const dryRun = async () => {
    try {
      setError(null)
      const body = { csv, mapping: Object.fromEntries(Object.entries(mapping).filter(([, column]) => column)), ...(consentSource ? { consentSource } : {}) }
      setChecked((await api('/api/contact-imports', { body })).import)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const commit = async () => {
    const id = checked.id
    const todo = checked.toImport as number
    setProgress({ processed: 0, total: todo, status: 'importing' })
    try {
      const done = await api(`/api/contact-imports/${id}/commit`, { method: 'POST' })
      setImported(done.imported)
      setProgress({ processed: done.imported, total: done.imported, status: 'imported' })
    } catch (e) {
      setError((e as Error).message)
      setProgress((p) => p && { ...p, status: 'failed' })
    }
  }
  // While the commit runs, its progress row says how far it got (written every 200 rows).
  useEffect(() => {
    if (progress?.status !== 'importing' || !checked) return
    const timer = setInterval(() => void api(`/api/contact-imports/${checked.id}`).then((body) => setProgress((p) => (p && p.status === 'importing' ? { ...p, processed: body.import.processed } : p))).catch(() => undefined), 500)
    return () => clearInterval(timer)
  }, [api, checked, progress?.status])

  return (
    <section aria-label={t('import.title')} className="people__import">
      <h1>{t('import.title')}</h1>
      <label>{t('import.file')} <input type="file" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => void readFile(e.target.files?.[0])} /></label>
      {columns.length > 0 && (
        <table className="people__table" data-testid="import-mapping"><tbody>
          {IMPORT_FIELDS.map((field) => (
            <tr key={field}>
              <td>{t(`import.field.${field}` as ContactTextKey)}</td>
              <td><select aria-label={t(`import.field.${field}` as ContactTextKey)} value={mapping[field] ?? ''} onChange={(e) => setMapping({ ...mapping, [field]: e.target.value || undefined })}>
                <option value="">{t('import.notInFile')}</option>
                {columns.map((column) => <option key={column} value={column}>{column}</option>)}
              </select></td>
            </tr>
          ))}
        </tbody></table>
      )}
      {columns.length > 0 && <label>{t('import.consentSource')} <input value={consentSource} onChange={(e) => setConsentSource(e.target.value)} /></label>}
      {columns.length > 0 && <button type="button" className="button" disabled={!mapping.email} onClick={() => void dryRun()}>{t('import.check')}</button>}
      {error && <p role="alert" className="message--error">{error}</p>}
      {checked && (
        <div data-testid="import-dry-run">
          <p>{t('import.summary', { new: String(checked.summary.new), updated: String(checked.summary.updated), duplicates: String(checked.summary.duplicates), rejected: String(checked.summary.rejected) })}</p>
          <table className="people__table"><tbody>
            {checked.rows.map((r: Json) => <tr key={r.line}><td>{r.line}</td><td>{r.email}</td><td><strong>{t(`import.verdict.${r.verdict}` as ContactTextKey)}</strong></td><td className="people__muted">{r.reasonCode ? t(`import.reason.${r.reasonCode}` as ContactTextKey, r.reasonValues) : r.reason}</td></tr>)}
          </tbody></table>
          {!progress && <button type="button" className="button button--primary" onClick={() => void commit()}>{t('import.commit')}</button>}
        </div>
      )}
      {progress && (
        <div className="people__progress">
          <progress data-testid="import-progress" max={Math.max(progress.total, 1)} value={progress.processed} aria-label={t('import.progress')} />
          <span>{progress.processed} / {progress.total}</span>
        </div>
      )}
      {imported !== null && <p role="status" className="people__hint">{t('import.done', { count: String(imported) })}</p>}
    </section>
  )
}
