import { useCallback, useEffect, useState } from 'react'
import type { FairDay, VisitorProfile } from '../../api/contract/fairs'
import { language, t } from './i18n'
import { Scanner, warmUpDecoder } from './scanner'
import { api, clearDay, loadDay, saveDay, syncOutbox, waiting, type Pending } from './store'
import { VisitorForm } from './visitor-form'

type Screen = { kind: 'home' } | { kind: 'scan' } | { kind: 'visitor'; token: string; profile: VisitorProfile | null } | { kind: 'capture' }

/** The visitor token inside a scanned code (the booth app's address with "#visitor=<token>"), and whom it names. */
function readCode(code: string, fairId: string): { token: string; contactId: string } | null {
  const token = /[#?&]visitor=([\w.-]+)/.exec(code)?.[1] ?? code.trim()
  try {
    const payload = JSON.parse(atob(token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))) as { c?: string; f?: string }
    return payload.f === fairId && payload.c ? { token, contactId: payload.c } : null
  } catch {
    return null
  }
}

/** Signs in, then takes the day at the fair the rep is on duty at into IndexedDB: everything the stand needs offline. */
async function prefetch(): Promise<FairDay | null> {
  const fairs = await api<{ fairs: FairDay['fair'][] }>('/api/fairs')
  if (fairs.status !== 200) return null
  const today = new Date().toISOString().slice(0, 10)
  const fair = fairs.body.fairs.find((f) => f.startsOn <= today && today <= f.endsOn) ?? fairs.body.fairs[0]
  if (!fair) return null
  const day = await api<FairDay>(`/api/fairs/${fair.id}/day`)
  if (day.status !== 200) return null
  await saveDay(day.body)
  return day.body
}

export function App() {
  const [day, setDay] = useState<FairDay | null | undefined>(undefined)
  const [online, setOnline] = useState(navigator.onLine)
  const [outbox, setOutbox] = useState<Pending[]>([])
  const [screen, setScreen] = useState<Screen>({ kind: 'home' })
  const [notice, setNotice] = useState<string | null>(null)

  const refreshOutbox = useCallback(async () => setOutbox(await waiting()), [])
  const sync = useCallback(async () => {
    const current = await loadDay()
    if (current) await syncOutbox(current.fair.id).catch(() => [])
    await refreshOutbox()
  }, [refreshOutbox])

  useEffect(() => {
    void (async () => {
      warmUpDecoder()
      const stored = await loadDay()
      setDay(stored ?? null)
      await refreshOutbox()
      if (navigator.onLine && stored) {
        const fresh = await prefetch().catch(() => null)
        if (fresh) setDay(fresh)
        await sync()
      }
    })()
    const up = () => (setOnline(true), void sync())
    const down = () => setOnline(false)
    window.addEventListener('online', up)
    window.addEventListener('offline', down)
    return () => (window.removeEventListener('online', up), window.removeEventListener('offline', down))
  }, [refreshOutbox, sync])

  const onCode = useCallback(
    (code: string) => {
      if (!day) return
      const found = readCode(code, day.fair.id)
      if (!found) return (setNotice(t('fair.scanUnknown')), setScreen({ kind: 'home' }))
      setScreen({ kind: 'visitor', token: found.token, profile: day.profiles.find((p) => p.contactId === found.contactId) ?? null })
    },
    [day],
  )

  const saved = async () => {
    // The waiting list is current before the home screen shows it, so "all synced" never shows too early.
    await refreshOutbox()
    setDay(await loadDay())
    setNotice(t('fair.saved'))
    setScreen({ kind: 'home' })
    if (navigator.onLine) await sync()
  }

  if (day === undefined) return null
  if (!day) return <SignIn onDay={(d) => (setDay(d), setNotice(t('fair.prefetched', { appointments: d.appointments.length, visitors: d.profiles.length })))} />

  const byContact = new Map(day.profiles.map((p) => [p.contactId, p]))
  const time = (at: string | Date) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', timeZone: day.fair.timeZone }).format(new Date(at))
  return (
    <main>
      <header>
        <strong>{day.fair.name}</strong> · {day.fair.stand}
        <span data-testid="connection" className={online ? 'online' : 'offline'}>{online ? t('fair.online') : t('fair.offline')}</span>
      </header>
      {notice && <p role="status" onClick={() => setNotice(null)}>{notice}</p>}
      {screen.kind === 'home' && (
        <>
          <nav>
            <button data-testid="scan" onClick={() => (setNotice(null), setScreen({ kind: 'scan' }))}>{t('fair.scan')}</button>
            <button data-testid="new-visitor" onClick={() => (setNotice(null), setScreen({ kind: 'capture' }))}>{t('fair.newVisitor')}</button>
          </nav>
          <section>
            <h2>{t('fair.appointments')}</h2>
            {day.appointments.length === 0 && <p>{t('fair.noAppointments')}</p>}
            <ul data-testid="appointments">
              {day.appointments.map((a) => {
                const p = byContact.get(a.contactId)
                return <li key={a.meetingId}>{time(a.startsAt)} · {[p?.firstName, p?.lastName].filter(Boolean).join(' ') || p?.email} ({p?.company}) · {a.repName}</li>
              })}
            </ul>
          </section>
          <section>
            <h2>{t('fair.waiting', { count: outbox.length })}</h2>
            {outbox.length === 0 ? <p data-testid="all-synced">{t('fair.allSynced')}</p> : (
              <ul data-testid="waiting">
                {outbox.map((p) => <li key={p.capture.id}>{p.label}{p.error && <em role="alert"> · {t('fair.syncError', { message: p.error })}</em>}</li>)}
              </ul>
            )}
            {online && outbox.length > 0 && <button onClick={() => void sync()}>{t('fair.syncNow')}</button>}
          </section>
          <button className="quiet" onClick={async () => (await api('/api/session/sign-out', {}).catch(() => null), await clearDay(), setDay(null))}>{t('fair.signOut')}</button>
        </>
      )}
      {screen.kind === 'scan' && (
        <>
          <Scanner onCode={onCode} />
          <button onClick={() => setScreen({ kind: 'home' })}>{t('fair.back')}</button>
        </>
      )}
      {screen.kind === 'visitor' && <VisitorForm day={day} source="scan" token={screen.token} profile={screen.profile} onSaved={saved} onCancel={() => setScreen({ kind: 'home' })} />}
      {screen.kind === 'capture' && <VisitorForm day={day} source="form" profile={null} onSaved={saved} onCancel={() => setScreen({ kind: 'home' })} />}
    </main>
  )
}

function SignIn({ onDay }: { onDay(day: FairDay): void }) {
  const [problem, setProblem] = useState<string | null>(null)
  const submit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const answer = await api<{ error?: { message: string } }>('/api/session', { email: form.get('email'), password: form.get('password') }).catch((error: Error) => ({ status: 0, body: { error: { message: error.message } } }))
    if (answer.status !== 200) return setProblem(t('fair.signInFailed', { message: answer.body.error?.message ?? String(answer.status) }))
    const day = await prefetch()
    if (!day) return setProblem(t('fair.noFair'))
    onDay(day)
  }
  return (
    <main>
      <h1>{t('fair.signInTitle')}</h1>
      <form onSubmit={submit} data-testid="sign-in">
        <label>{t('fair.email')}<input name="email" type="email" autoComplete="username" required /></label>
        <label>{t('fair.password')}<input name="password" type="password" autoComplete="current-password" required /></label>
        <button type="submit">{t('fair.signIn')}</button>
      </form>
      {problem && <p role="alert">{problem}</p>}
    </main>
  )
}
