import { useEffect, useState } from 'react'
import { authHeaders } from '../auth'
import { useContactT } from './contacts-text'

// The contacts list: search, filters (subsidiary, consent, lifecycle stage, tag), saved segments to pick,
// and the filters saved as a new segment (HQ marketers; segments speak the campaign rule language, so the
// lifecycle stage, which has no rule yet, is not saved with it).

type Json = any
type Api = (path: string, init?: { method?: string; body?: unknown }) => Promise<Json>

const CONSENTS = ['none', 'pending', 'granted', 'revoked'] as const
const STAGES = ['lead', 'nurture', 'mql', 'sal', 'sql', 'opportunity', 'won', 'lost'] as const

interface Filters {
  subsidiary: string
  consent: string
  lifecycle: string
  tag: string
  segment: string
}
const NONE: Filters = { subsidiary: '', consent: '', lifecycle: '', tag: '', segment: '' }

/** The filters as the segment rule language says them (subsidiary, consent, tag). */
function asSegmentFilter(filters: Filters) {
  const rules = [
    ...(filters.subsidiary ? [{ kind: 'subsidiary', operator: 'is', codes: [filters.subsidiary] }] : []),
    ...(filters.consent ? [{ kind: 'consent', operator: 'is', status: filters.consent }] : []),
    ...(filters.tag ? [{ kind: 'tag', operator: 'has', tag: filters.tag }] : []),
  ]
  return { match: 'all', rules }
}

export function ContactList({ token, api, open, onOpen }: { token: string | null; api: Api; open: string | null; onOpen: (id: string) => void }) {
  const t = useContactT()
  const [search, setSearch] = useState('')
  const [filters, setFilters] = useState<Filters>(NONE)
  const [contacts, setContacts] = useState<Json[]>([])
  const [segments, setSegments] = useState<Json[]>([])
  const [segmentName, setSegmentName] = useState('')
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)
  const loadSegments = () => void api('/api/segments').then((body) => setSegments(body.segments)).catch(() => setSegments([]))
  useEffect(loadSegments, [api])
  useEffect(() => {
    const query = new URLSearchParams({ limit: '100', search })
    for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value)
    const timer = setTimeout(() => void api(`/api/contacts?${query}`).then((body) => setContacts(body.contacts)).catch(() => setContacts([])), 200)
    return () => clearTimeout(timer)
  }, [api, search, filters])
  const set = (key: keyof Filters) => (event: { target: { value: string } }) => setFilters((f) => ({ ...f, [key]: event.target.value }))
  const saveSegment = async () => {
    try {
      const saved = await api('/api/segments', { body: { name: segmentName, filter: asSegmentFilter(filters) } })
      setMessage({ ok: true, text: t('contacts.segmentSaved', { name: saved.name }) })
      setSegmentName('')
      // The new segment is an option at once, so the list shows it chosen before the segments reload.
      setSegments((known) => [...known.filter((segment) => segment.id !== saved.id), saved])
      loadSegments()
      setFilters({ ...NONE, segment: saved.id })
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message })
    }
  }
  const exportCsv = async () => {
    const response = await fetch('/api/contacts.csv', { headers: authHeaders(token) })
    const link = document.createElement('a')
    link.href = URL.createObjectURL(await response.blob())
    link.download = 'contacts.csv'
    link.click()
  }
  const savable = asSegmentFilter(filters).rules.length > 0 && !filters.segment && segmentName.trim() !== ''
  return (
    <section className="people__list" aria-label={t('contacts.title')}>
      <h1>{t('contacts.title')}</h1>
      <input className="people__search" placeholder={t('contacts.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
      <div className="people__filters" data-testid="contact-filters">
        <label>{t('contacts.segment')} <select value={filters.segment} onChange={set('segment')}>
          <option value="">{t('contacts.all')}</option>
          {segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select></label>
        <label>{t('contacts.subsidiary')} <input value={filters.subsidiary} maxLength={2} placeholder="DE" onChange={(e) => setFilters((f) => ({ ...f, subsidiary: e.target.value.toUpperCase() }))} /></label>
        <label>{t('contacts.consent')} <select value={filters.consent} onChange={set('consent')}>
          <option value="">{t('contacts.all')}</option>
          {CONSENTS.map((c) => <option key={c} value={c}>{t(`contacts.consent.${c}`)}</option>)}
        </select></label>
        <label>{t('contacts.lifecycle')} <select value={filters.lifecycle} onChange={set('lifecycle')}>
          <option value="">{t('contacts.all')}</option>
          {STAGES.map((s) => <option key={s} value={s}>{s.toUpperCase()}</option>)}
        </select></label>
        <label>{t('contacts.tag')} <input value={filters.tag} onChange={set('tag')} /></label>
      </div>
      <div className="people__filters">
        <input aria-label={t('contacts.segmentName')} placeholder={t('contacts.segmentName')} value={segmentName} onChange={(e) => setSegmentName(e.target.value)} />
        <button type="button" className="button" disabled={!savable} onClick={() => void saveSegment()}>{t('contacts.saveSegment')}</button>
        <button type="button" className="button" onClick={() => void exportCsv()}>{t('contacts.export')}</button>
      </div>
      {message && <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'people__hint' : 'message--error'}>{message.text}</p>}
      <p className="people__muted" data-testid="contact-count">{t('contacts.count', { count: String(contacts.length) })}</p>
      {contacts.length === 0 && <p>{t('contacts.none')}</p>}
      <ul>
        {contacts.map((c) => (
          <li key={c.id}>
            <button type="button" className={`people__row${open === c.id ? ' people__row--open' : ''}`} onClick={() => onOpen(c.id)}>
              <strong>{c.name ?? c.email}</strong> <span>{c.email}</span> <span className="people__muted">{c.company} · {c.subsidiary}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
