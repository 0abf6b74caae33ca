import { useEffect, useState } from 'react'
import { useMailingT } from './mailing-i18n'
import type { Checklist, Mailing, MailingProgress, MailingSchedule, MailingsApi } from './mailings-api'

const ZONES: Record<string, string> = { DE: 'Europe/Berlin', FR: 'Europe/Paris', IT: 'Europe/Rome', ES: 'Europe/Madrid' }
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
const POLL_MS = 1000

/** Test send, the checklist, scheduling (now, a set time in the subsidiary's zone, each recipient's window) and the progress view. */
export function MailingSendPanel({ api, mailing, locale, onChanged }: { api: MailingsApi; mailing: Mailing; locale: string; onChanged: () => void }) {
  const { t, language } = useMailingT()
  const [checklist, setChecklist] = useState<Checklist | null>(null)
  const [checking, setChecking] = useState(false)
  const [testTo, setTestTo] = useState('')
  const [notice, setNotice] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [mode, setMode] = useState<MailingSchedule['mode']>('at')
  const [at, setAt] = useState('')
  const [days, setDays] = useState<string[]>(['mon', 'tue', 'wed', 'thu', 'fri'])
  const [from, setFrom] = useState('09:00')
  const [until, setUntil] = useState('11:00')
  const [progress, setProgress] = useState<MailingProgress | null>(mailing.progress ?? null)
  // Approve and refuse only for those who may (HQ); the others see that it waits.
  const [mayApprove, setMayApprove] = useState(false)
  const [refusal, setRefusal] = useState('')
  useEffect(() => {
    api.me().then((me) => setMayApprove(me.permissions?.includes('mailings.approve') ?? false), () => {})
  }, [api])
  const zone = ZONES[mailing.subsidiary] ?? 'Europe/Berlin'
  const running = ['scheduled', 'sending', 'paused'].includes(mailing.status)

  useEffect(() => {
    if (mailing.status === 'draft') return
    let live = true
    const poll = async () => {
      const fresh = await api.progress(mailing.id).catch(() => null)
      if (!live || !fresh) return
      setProgress(fresh)
      if (fresh.status !== mailing.status) onChanged()
    }
    void poll()
    const timer = running ? setInterval(poll, POLL_MS) : undefined
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [api, mailing.id, mailing.status, onChanged, running])

  const act = async (work: () => Promise<string | null>) => {
    setError(null)
    try {
      setNotice(await work())
      onChanged()
    } catch (failure) {
      setError((failure as Error).message)
    }
  }
  const schedule = () =>
    act(async () => {
      const body: MailingSchedule =
        mode === 'now' ? { mode } : mode === 'at' ? { mode, localTime: at } : { mode, window: { days: days as never, from, until } }
      const result = await api.schedule(mailing.id, body)
      return result.status === 'awaiting_approval' ? t('awaiting') : t('scheduled', { time: new Date(result.sendAt).toLocaleString(language, { timeZone: zone }) })
    })
  const control = (action: 'pause' | 'resume' | 'cancel') =>
    act(async () => {
      if (action === 'cancel' && !window.confirm(t('confirmCancel', { count: progress?.remaining ?? 0 }))) return null
      const result = await api.control(mailing.id, action)
      setProgress(result.progress)
      return t('affected', { count: result.affected })
    })

  const total = progress?.total ?? 0
  const share = (n: number) => (total ? `${(100 * n) / total}%` : '0%')

  return (
    <div className="mailing-send">
      {/* HQ's refusal first: it is what the marketer has to act on. */}
      {mailing.status === 'draft' && mailing.refusalReason && (
        <p className="message--error" data-testid="refusal">
          {t('refused', { by: mailing.refusedBy ?? '', reason: mailing.refusalReason })}
        </p>
      )}
      {mailing.status === 'draft' && (
        <>
          <h3>{t('testSend')}</h3>
          <div className="mailing-row">
            <input aria-label={t('testTo')} placeholder={t('testTo')} data-testid="test-send-to" value={testTo} onChange={(event) => setTestTo(event.target.value)} />
            <button type="button" className="button" data-testid="test-send" disabled={!testTo.includes('@')} onClick={() => void act(async () => (await api.testSend(mailing.id, { to: testTo, locale }), t('testSent', { to: testTo })))}>
              {t('testSend')}
            </button>
          </div>
          <h3>{t('checklist')}</h3>
          <button
            type="button"
            className="button"
            data-testid="run-checklist"
            disabled={checking}
            onClick={async () => {
              setChecking(true)
              try {
                setChecklist(await api.checklist(mailing.id))
              } catch (failure) {
                setError((failure as Error).message)
              } finally {
                setChecking(false)
              }
            }}
          >
            {checking ? t('checking') : t('check')}
          </button>
          {checklist && (
            <div className="mailing-checklist" data-testid="checklist">
              <p data-testid="checklist-recipients">{t('recipients', checklist.recipients)}</p>
              {checklist.items.length === 0 ? (
                <p>{t('allGood')}</p>
              ) : (
                <ul>
                  {checklist.items.map((item, i) => (
                    <li key={i} className={`mailing-checklist__${item.severity}`} data-testid="checklist-item" data-kind={item.kind} title={item.message}>
                      {/* What is wrong in the UI's language; the server's detail only where it is technical (a link's answer, a Liquid error). */}
                      <strong>{t(`check.${item.kind}`)}</strong>
                      {item.locale && ` (${item.locale.toUpperCase()})`}
                      {item.block && ` · ${t('check.block', { block: item.block })}`}
                      {item.kind === 'unresolvable_link' && ` · ${item.message}`}
                      {item.kind === 'render_error' && `: ${item.message.replace(/^.*? does not render in \w+: /, '')}`}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <h3>{t('schedule')}</h3>
          <div className="mailing-schedule" role="radiogroup">
            {(['now', 'at', 'recipient_window'] as const).map((option) => (
              <label key={option}>
                <input type="radio" name="mode" data-testid={`schedule-mode-${option}`} checked={mode === option} onChange={() => setMode(option)} /> {t(`mode.${option}`, { zone })}
              </label>
            ))}
            {mode === 'at' && (
              <label>
                {t('at')} <input type="datetime-local" step="1" data-testid="schedule-at" value={at} onChange={(event) => setAt(event.target.value)} />
              </label>
            )}
            {mode === 'recipient_window' && (
              <div className="mailing-row">
                {t('days')}:
                {DAYS.map((day) => (
                  <label key={day}>
                    <input type="checkbox" checked={days.includes(day)} onChange={(event) => setDays(event.target.checked ? [...days, day] : days.filter((d) => d !== day))} /> {day}
                  </label>
                ))}
                {t('from')} <input type="time" value={from} onChange={(event) => setFrom(event.target.value)} />
                {t('until')} <input type="time" value={until} onChange={(event) => setUntil(event.target.value)} />
              </div>
            )}
            <button type="button" className="button button--primary" data-testid="schedule-mailing" disabled={mode === 'at' && !at} onClick={() => void schedule()}>
              {t('scheduleButton')}
            </button>
          </div>
        </>
      )}
      {mailing.status === 'awaiting_approval' && (
        <div data-testid="approval">
          <p>{t('awaiting')}</p>
          {mayApprove && (
            <div className="mailing-row">
              <button type="button" className="button button--primary" data-testid="approve" onClick={() => void act(async () => (await api.approve(mailing.id), null))}>
                {t('approve')}
              </button>
              <input aria-label={t('refuseReason')} placeholder={t('refuseReason')} data-testid="refuse-reason" value={refusal} onChange={(event) => setRefusal(event.target.value)} />
              <button type="button" className="button" data-testid="refuse" disabled={refusal.trim().length < 3} onClick={() => void act(async () => (await api.refuse(mailing.id, refusal.trim()), setRefusal(''), null))}>
                {t('refuse')}
              </button>
            </div>
          )}
        </div>
      )}
      {mailing.status !== 'draft' && progress && (
        <div className="mailing-progress" data-testid="progress">
          <h3>{t('progress')}</h3>
          {mailing.sendAt && mailing.status === 'scheduled' && <p>{t('scheduled', { time: new Date(mailing.sendAt).toLocaleString(language, { timeZone: zone }) })}</p>}
          <div className="mailing-progress__bar" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={progress.sent}>
            <span className="mailing-progress__sent" style={{ width: share(progress.sent) }} />
            <span className="mailing-progress__failed" style={{ width: share(progress.failed) }} />
            <span className="mailing-progress__suppressed" style={{ width: share(progress.suppressed) }} />
          </div>
          <p data-testid="progress-counts">
            <span data-testid="progress-sent">{progress.sent}</span> {t('sent')} · <span data-testid="progress-remaining">{progress.remaining}</span> {t('remaining')} ·{' '}
            <span data-testid="progress-failed">{progress.failed}</span> {t('failed')} · {progress.suppressed} {t('suppressed')}
          </p>
          <div className="mailing-row">
            {(mailing.status === 'scheduled' || mailing.status === 'sending') && (
              <button type="button" className="button" data-testid="pause" onClick={() => void control('pause')}>{t('pause')}</button>
            )}
            {mailing.status === 'paused' && (
              <button type="button" className="button" data-testid="resume" onClick={() => void control('resume')}>{t('resume')}</button>
            )}
            {running && (
              <button type="button" className="button" data-testid="cancel" onClick={() => void control('cancel')}>{t('cancel')}</button>
            )}
          </div>
        </div>
      )}
      {notice && <p className="mailing-notice" data-testid="mailing-notice">{notice}</p>}
      {error && <p className="message--error" role="alert">{t('error', { message: error })}</p>}
    </div>
  )
}
