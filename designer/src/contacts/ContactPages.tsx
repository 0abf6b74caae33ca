import { authHeaders } from '../auth'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { Chart } from '../reports/Chart'
import { ContactImport } from './ContactImport'
import { ContactList } from './ContactList'
import { useContactT } from './contacts-text'
import './contacts.css'

// People's side of the pool: the contacts list with the 360° profile, the duplicates view and the CRM
// connection with its runs and conflict queue. Plain fetches of the JSON API with the designer's token.

export type ContactView = 'contacts' | 'import' | 'duplicates' | 'crm'
export const contactViewOf = (search: string): ContactView | null => {
  const view = new URLSearchParams(search).get('view')
  return view === 'contacts' || view === 'import' || view === 'duplicates' || view === 'crm' ? view : null
}

type Json = any

function useApi(token: string | null) {
  return useMemo(() => {
    const call = async (path: string, init: { method?: string; body?: unknown } = {}): Promise<Json> => {
      const response = await fetch(path, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers: { ...authHeaders(token, init.method ?? (init.body === undefined ? 'GET' : 'POST')), 'content-type': 'application/json' }, body: init.body === undefined ? undefined : JSON.stringify(init.body) })
      const body = await response.json().catch(() => null)
      if (!response.ok) throw Object.assign(new Error(body?.error?.message ?? `${response.status}`), { status: response.status })
      return body
    }
    return call
  }, [token])
}

export function ContactPages({ token, view }: { token: string | null; view: ContactView }) {
  const t = useContactT()
  const nav = (target: ContactView, label: string) => (
    <a className={`button${view === target ? ' button--primary' : ''}`} href={`?view=${target}${window.location.search.match(/[?&]lang=\w+/)?.[0].replace('?', '&') ?? ''}`}>{label}</a>
  )
  return (
    <div className="people">
      <header className="app__header">
        <span className="brand">Kessler Campaigns</span>
        <nav className="people__nav">
          {nav('contacts', t('nav.contacts'))}
          {nav('import', t('nav.import'))}
          {nav('duplicates', t('nav.duplicates'))}
          {nav('crm', t('nav.crm'))}
          <a className="button" href="./">{t('nav.campaigns')}</a>
        </nav>
      </header>
      <main className="people__main">
        {view === 'contacts' && <ContactsView token={token} />}
        {view === 'import' && <ImportView token={token} />}
        {view === 'duplicates' && <DuplicatesView token={token} />}
        {view === 'crm' && <CrmView token={token} />}
      </main>
    </div>
  )
}

function ContactsView({ token }: { token: string | null }) {
  const api = useApi(token)
  const [open, setOpen] = useState<string | null>(new URLSearchParams(window.location.search).get('contact'))
  return (
    <div className="people__split">
      <ContactList token={token} api={api} open={open} onOpen={setOpen} />
      {open && <ContactProfile token={token} id={open} />}
    </div>
  )
}

function ImportView({ token }: { token: string | null }) {
  return <ContactImport api={useApi(token)} />
}

function ContactProfile({ token, id }: { token: string | null; id: string }) {
  const t = useContactT()
  const api = useApi(token)
  const [profile, setProfile] = useState<Json | null>(null)
  const [doiMessage, setDoiMessage] = useState<string | null>(null)
  const load = useCallback(() => void api(`/api/contacts/${id}/profile`).then(setProfile), [api, id])
  useEffect(load, [load])
  if (!profile) return <section className="people__profile">…</section>
  const c = profile.contact
  const history = profile.scoreHistory.map((s: Json) => ({ at: new Date(s.at).toLocaleString(), profile: Math.round(s.profilePoints), activity: Math.round(s.activityPoints) }))
  const none = <p className="people__muted">{t('profile.none')}</p>
  return (
    <section className="people__profile" aria-label={t('profile.title')} data-testid="contact-profile">
      <h1>{[c.firstName, c.lastName].filter(Boolean).join(' ') || c.email}</h1>
      <p>{c.email} · {c.company} · {c.subsidiary} · {t('profile.lifecycle')}: <strong>{c.lifecycleStage}</strong> · {t('profile.score')}: <strong>{profile.score ? `${profile.score.grade}${profile.score.level}` : '–'}</strong></p>
      <h2>{t('profile.attributes')}</h2>
      <table className="people__table"><tbody>
        {profile.provenance.map((p: Json) => <tr key={p.attribute}><td>{p.attribute}</td><td>{p.value}</td><td className="people__source">{p.source}</td><td className="people__muted">{new Date(p.changedAt).toLocaleString()}</td></tr>)}
      </tbody></table>
      <h2>{t('profile.consent')}</h2>
      {profile.offerDoubleOptIn && (
        <p className="people__hint">
          {t('profile.offerDoi')}{' '}
          <button type="button" className="button button--primary" onClick={async () => {
            try {
              const answer = await api(`/api/contacts/${id}/double-opt-in`, { body: {} })
              setDoiMessage(answer.doubleOptIn === 'confirmation_sent' ? t('profile.doiSent', { email: profile.contact.email }) : t('profile.doiAlready'))
              load()
            } catch (error) {
              setDoiMessage((error as Error).message)
            }
          }}>{t('profile.askDoi')}</button>
        </p>
      )}
      {doiMessage && <p role="status" className="people__hint">{doiMessage}</p>}
      {profile.consentRequest && <p className="people__muted" data-testid="consent-request">{t('profile.doiRequest', { form: profile.consentRequest.form, status: profile.consentRequest.status, at: new Date(profile.consentRequest.at).toLocaleString() })}</p>}
      {profile.consent.length ? <ul>{profile.consent.map((p: Json) => <li key={p.id}>{p.status} · {p.source} · {new Date(p.at).toLocaleString()}</li>)}</ul> : none}
      <h2>{t('profile.scores')}</h2>
      {history.length ? (
        <div className="people__chart" data-testid="score-chart">
          <Chart label={t('profile.scores')} height={200} option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0, data: [t('profile.scoreProfile'), t('profile.scoreActivity')] },
            grid: { left: 40, right: 16, top: 32, bottom: 24 },
            xAxis: { type: 'category', data: history.map((h: Json) => h.at), axisLabel: { show: false } },
            yAxis: { type: 'value' },
            series: [
              { name: t('profile.scoreProfile'), type: 'line', data: history.map((h: Json) => h.profile), color: '#1d4ed8' },
              { name: t('profile.scoreActivity'), type: 'line', data: history.map((h: Json) => h.activity), color: '#dc2626' },
            ],
          }} />
        </div>
      ) : none}
      <h2>{t('profile.campaigns')}</h2>
      {profile.campaigns.length ? <ul>{profile.campaigns.map((e: Json) => <li key={e.id}><strong>{e.campaign}</strong> ({e.status}): {e.path.map((s: Json) => s.node).join(' → ')}</li>)}</ul> : none}
      <h2>{t('profile.handovers')}</h2>
      {profile.handovers.length ? <ul>{profile.handovers.map((h: Json) => <li key={h.id}>{h.cell} · {h.rep} · {h.status} · CRM {h.crmStatus}</li>)}</ul> : none}
      <h2>{t('profile.opportunities')}</h2>
      {profile.opportunities.length ? <ul>{profile.opportunities.map((o: Json) => <li key={o.id}>{o.name} · {o.crmStage ?? o.stage} · {o.amount.toLocaleString()} €</li>)}</ul> : none}
      <h2>{t('profile.duplicates')}</h2>
      {profile.duplicates.length ? <ul>{profile.duplicates.map((d: Json) => <li key={d.id}>{d.otherEmail} · {t(`dup.rule.${d.rule}` as 'dup.rule.fuzzy')}</li>)}</ul> : none}
      {profile.merges.length > 0 && (<><h2>{t('profile.merges')}</h2><ul>{profile.merges.map((m: Json) => <li key={m.id}>{m.mergedEmail} · {t(`dup.rule.${m.rule}` as 'dup.rule.fuzzy')} · {m.mergedBy} · {new Date(m.mergedAt).toLocaleString()}</li>)}</ul></>)}
      <h2>{t('profile.crm')}</h2>
      {profile.crm.length ? <ul>{profile.crm.map((r: Json) => <li key={r.type + r.crmId}>{r.type} {r.crmId}</li>)}</ul> : none}
      <h2>{t('profile.timeline')}</h2>
      <ul className="people__timeline">{profile.timeline.map((e: Json) => <li key={e.id}>{new Date(e.occurredAt).toLocaleString()} · {e.type} {e.properties.tag ?? e.properties.url ?? ''}</li>)}</ul>
    </section>
  )
}

function DuplicatesView({ token }: { token: string | null }) {
  const t = useContactT()
  const api = useApi(token)
  const [suggestions, setSuggestions] = useState<Json[] | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const load = useCallback(() => void api('/api/duplicates').then((body) => setSuggestions(body.suggestions)), [api])
  useEffect(load, [load])
  const merge = async (id: string, keep: Json) => {
    await api(`/api/duplicates/${id}/merge`, { body: { keep: keep.id } })
    setMessage(t('dup.merged', { email: keep.email }))
    load()
  }
  const dismiss = async (id: string) => {
    await api(`/api/duplicates/${id}/dismiss`, { method: 'POST' })
    load()
  }
  const person = (s: Json, side: Json) => (
    <div className="people__candidate">
      <strong>{side.name}</strong>
      <div>{side.email}</div>
      <div className="people__muted">{side.company} · {side.postalCode}</div>
      <button type="button" className="button button--primary" onClick={() => void merge(s.id, side)}>{t('dup.keep')}</button>
    </div>
  )
  return (
    <section aria-label={t('dup.title')}>
      <h1>{t('dup.title')}</h1>
      {message && <p role="status" className="people__hint">{message}</p>}
      {suggestions?.length === 0 && <p>{t('dup.none')}</p>}
      {suggestions?.map((s) => (
        <article key={s.id} className="people__suggestion" data-testid="duplicate-suggestion">
          <header>{t(`dup.rule.${s.rule}` as 'dup.rule.fuzzy')} · {Math.round(s.score * 100)}%</header>
          <div className="people__pair">{person(s, s.a)}{person(s, s.b)}</div>
          <details open><summary>{t('dup.evidence')}</summary><pre>{JSON.stringify(s.evidence, null, 2)}</pre></details>
          <button type="button" className="button" onClick={() => void dismiss(s.id)}>{t('dup.dismiss')}</button>
        </article>
      ))}
    </section>
  )
}

function CrmView({ token }: { token: string | null }) {
  const t = useContactT()
  const api = useApi(token)
  const [connection, setConnection] = useState<Json | null>(null)
  const [form, setForm] = useState({ url: '', token: '', syncEvery: '15m' })
  const [runs, setRuns] = useState<Json[]>([])
  const [conflicts, setConflicts] = useState<Json[]>([])
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(async () => {
    // Only admins configure the connection; a marketer sees runs and conflicts and may sync (403 here).
    const got = await api('/api/crm/connection').catch((error: { status?: number }) => (error.status === 403 ? { connection: { hidden: true } } : null))
    setConnection(got?.connection ?? null)
    if (got && !got.connection.hidden) setForm((f) => ({ ...f, url: f.url || got.connection.url, syncEvery: got.connection.syncEvery }))
    setRuns((await api('/api/crm/runs').catch(() => ({ runs: [] }))).runs)
    setConflicts((await api('/api/crm/conflicts').catch(() => ({ conflicts: [] }))).conflicts)
  }, [api])
  useEffect(() => {
    void load()
    const timer = setInterval(() => void load(), 3000)
    return () => clearInterval(timer)
  }, [load])
  const save = async () => {
    try {
      await api('/api/crm/connection', { method: 'PUT', body: { kind: 'bottlecrm', ...form } })
      // Stored sealed: the secret does not stay in the page once the CRM accepted it.
      setForm((f) => ({ ...f, token: '' }))
      setError(null)
      await load()
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const [decided, setDecided] = useState<string | null>(null)
  const act = async (path: string, body?: unknown) => {
    try {
      const answer = await api(path, { method: 'POST', body })
      setError(null)
      await load()
      return answer
    } catch (e) {
      setError((e as Error).message)
      return null
    }
  }
  const resolve = async (conflict: Json, keep: 'product' | 'crm') => {
    const answer = await act(`/api/crm/conflicts/${conflict.id}/resolve`, { keep })
    if (answer) setDecided(t('crm.resolved', { field: answer.resolved.field, email: conflict.contact.email, value: answer.resolved.value ?? '' }))
  }
  const when = (at: string | null) => (at ? t('crm.conflictChanged', { at: new Date(at).toLocaleString() }) : t('crm.conflictUnknownTime'))
  return (
    <section aria-label={t('crm.title')}>
      <h1>{t('crm.title')}</h1>
      {!connection && <p>{t('crm.notConnected')}</p>}
      {connection?.hidden && <button type="button" className="button" onClick={() => void act('/api/crm/sync')}>{t('crm.syncNow')}</button>}
      {!connection?.hidden && <form className="people__form" onSubmit={(e) => (e.preventDefault(), void save())}>
        <label>{t('crm.url')} <input value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} /></label>
        <label>{t('crm.token')} <input type="password" value={form.token} onChange={(e) => setForm({ ...form, token: e.target.value })} /></label>
        {connection?.tokenStored && <p className="people__muted">{t('crm.tokenStored')}</p>}
        <label>{t('crm.every')} <input value={form.syncEvery} onChange={(e) => setForm({ ...form, syncEvery: e.target.value })} /></label>
        <button type="submit" className="button button--primary">{t('crm.save')}</button>
        {connection && <button type="button" className="button" onClick={() => void act('/api/crm/sync')}>{t('crm.syncNow')}</button>}
      </form>}
      {error && <p role="alert" className="message--error">{error}</p>}
      <h2>{t('crm.runs')}</h2>
      <table className="people__table"><tbody>
        {runs.map((r) => <tr key={r.id}><td>{new Date(r.startedAt).toLocaleString()}</td><td>{t(`crm.status.${r.status}` as 'crm.status.done')}</td><td>{r.recordsIn} {t('crm.in')}</td><td>{r.recordsOut} {t('crm.out')}</td><td>{r.conflicts} {t('crm.conflicts')}</td><td>{r.errors} {t('crm.errors')}</td><td>{r.retries} {t('crm.retries', { limited: r.rateLimited })}</td><td className="people__muted">{r.lastError}</td></tr>)}
      </tbody></table>
      <h2>{t('crm.conflictQueue')}</h2>
      {conflicts.length === 0 && <p>{t('crm.noConflicts')}</p>}
      {decided && <p role="status" className="people__hint">{decided}</p>}
      {conflicts.map((k) => (
        <div key={k.id} className="people__conflict" data-testid="crm-conflict">
          <strong>{k.contact.name ? `${k.contact.name} · ` : ''}{k.contact.email}</strong> · {k.field}
          <dl>
            <dt>{t('crm.conflictOurs')}</dt><dd>«{k.productValue ?? ''}» <span className="people__muted">({when(k.productChangedAt)})</span></dd>
            <dt>{t('crm.conflictTheirs')}</dt><dd>«{k.crmValue ?? ''}» <span className="people__muted">({when(k.crmChangedAt)})</span></dd>
          </dl>
          <button type="button" className="button" onClick={() => void resolve(k, 'product')}>{t('crm.keepProduct')}</button>
          <button type="button" className="button" onClick={() => void resolve(k, 'crm')}>{t('crm.keepCrm')}</button>
        </div>
      ))}
      <p className="people__muted">{t('crm.companies')}</p>
    </section>
  )
}
