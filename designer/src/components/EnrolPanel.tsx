import { useEffect, useId, useState, type FormEvent } from 'react'
import { ApiError, newRequestKey, type EnrolmentJob, type Segment } from '../api'
import { useApi, useDesigner } from '../designer-context'
import { contactCount, enrolmentRefusal, errorSentence } from '../enrolment-text'
import { openCampaignStatus } from '../store'
import { EnrolmentJobReport } from './EnrolmentJobReport'

// Enrolling contacts by hand into the open (live or paused) campaign: one by e-mail, a CSV file, or a
// saved segment. Its state stays here, not in the designer store; the panel stays mounted while the
// campaign is open (only hidden), so a job keeps being followed when the panel is closed and reopened.

type Mode = 'email' | 'csv' | 'segment'

const MODES: { mode: Mode; label: string }[] = [
  { mode: 'email', label: 'One contact' },
  { mode: 'csv', label: 'CSV file' },
  { mode: 'segment', label: 'Segment' },
]

const SUBMIT_LABELS: Record<Mode, string> = { email: 'Enrol contact', csv: 'Upload and enrol', segment: 'Enrol segment' }

type Outcome =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'enrolled'; email: string; repeated: boolean }
  /** The API said no for a reason of the contact's (already in it, entry rules, unknown). */
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'job'; job: EnrolmentJob; pollError: string | null; lost: boolean }

const POLL_EVERY_MS = 1000

type SegmentCount = { segmentId: string; count: number | null }

export function EnrolPanel({ open, onClose }: { open: boolean; onClose(): void }) {
  const api = useApi()
  const campaign = useDesigner((state) => state.campaign)
  const status = useDesigner(openCampaignStatus)
  const [mode, setMode] = useState<Mode>('email')
  const [email, setEmail] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [segments, setSegments] = useState<Segment[] | null>(null)
  const [segmentsError, setSegmentsError] = useState<string | null>(null)
  const [segmentId, setSegmentId] = useState('')
  const [segmentCount, setSegmentCount] = useState<SegmentCount | null>(null)
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' })
  const ids = { email: useId(), csv: useId(), segment: useId(), title: useId() }

  // Segments are listed the first time that way of enrolling is chosen.
  useEffect(() => {
    if (mode !== 'segment' || segments !== null) return
    let cancelled = false
    api.listSegments().then(
      (list) => !cancelled && setSegments(list),
      (error: unknown) => !cancelled && setSegmentsError(errorSentence(error)),
    )
    return () => {
      cancelled = true
    }
  }, [api, mode, segments])

  // How many contacts the chosen segment matches now (within the caller's subsidiaries).
  useEffect(() => {
    if (!segmentId) return
    let cancelled = false
    setSegmentCount({ segmentId, count: null })
    api.countSegment(segmentId).then(
      (count) => !cancelled && setSegmentCount({ segmentId, count }),
      () => !cancelled && setSegmentCount(null),
    )
    return () => {
      cancelled = true
    }
  }, [api, segmentId])

  // A running job is asked for its progress every second until it is done. Each answer is a new
  // outcome object, which schedules the next question; closing the panel does not stop it.
  useEffect(() => {
    if (outcome.kind !== 'job' || outcome.job.status === 'done' || outcome.job.status === 'failed' || outcome.lost) return
    let cancelled = false
    const jobId = outcome.job.id
    const timer = setTimeout(async () => {
      try {
        const job = await api.getEnrolmentJob(jobId)
        if (!cancelled) setOutcome({ kind: 'job', job, pollError: null, lost: false })
      } catch (error) {
        if (cancelled) return
        // The server unreachable for a moment: keep asking. The job refused (gone, no access): stop.
        const lost = error instanceof ApiError && error.status < 500
        setOutcome((current) => (current.kind === 'job' ? { ...current, pollError: errorSentence(error), lost } : current))
      }
    }, POLL_EVERY_MS)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [api, outcome])

  if (!campaign || !status) return null
  const campaignId = campaign.id
  const takesEntries = status === 'live' || status === 'paused'
  const jobRunning = outcome.kind === 'job' && outcome.job.status !== 'done' && outcome.job.status !== 'failed' && !outcome.lost
  const sending = outcome.kind === 'sending'
  const inputReady = mode === 'email' ? email.trim() !== '' : mode === 'csv' ? file !== null : segmentId !== ''
  const canSubmit = takesEntries && inputReady && !sending && !jobRunning

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!canSubmit) return
    // A new key per click: a second click is a new request, and the entry rules say why nobody enters twice.
    const key = newRequestKey()
    setOutcome({ kind: 'sending' })
    if (mode === 'email') {
      const address = email.trim()
      try {
        const enrolled = await api.enrolContact(campaignId, address, key)
        setOutcome({ kind: 'enrolled', email: address, repeated: enrolled.repeated })
        setEmail('')
      } catch (error) {
        const refused = error instanceof ApiError && (error.status === 409 || error.status === 404)
        setOutcome({ kind: refused ? 'refused' : 'failed', message: enrolmentRefusal(error, address) })
      }
      return
    }
    try {
      const job =
        mode === 'csv'
          ? await api.enrolCsv(campaignId, await file!.text(), key)
          : await api.enrolSegment(campaignId, segmentId, key)
      setOutcome({ kind: 'job', job, pollError: null, lost: false })
    } catch (error) {
      setOutcome({ kind: 'failed', message: errorSentence(error) })
    }
  }

  return (
    <aside className="enrol" data-testid="enrol-panel" aria-labelledby={ids.title} hidden={!open}>
      <header className="enrol__header">
        <h2 id={ids.title} className="enrol__heading">
          Enrol contacts
        </h2>
        <button type="button" className="enrol__close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <p className="enrol__intro">
        {status === 'paused'
          ? 'The campaign is paused: contacts enrolled now enter and wait; their mail goes out once you resume it.'
          : takesEntries
            ? 'Contacts start at the beginning of the live version. The entry rules of the trigger apply: nobody is in the campaign twice at once.'
            : `The campaign is ${status}: only live or paused campaigns take contacts.`}
      </p>

      <div className="segmented" role="radiogroup" aria-label="How to enrol">
        {MODES.map((option) => (
          <button
            key={option.mode}
            type="button"
            role="radio"
            aria-checked={mode === option.mode}
            className="segmented__option"
            data-testid={`enrol-mode-${option.mode}`}
            onClick={() => setMode(option.mode)}
          >
            {option.label}
          </button>
        ))}
      </div>

      <form className="enrol__form" onSubmit={(event) => void submit(event)}>
        {mode === 'email' && (
          <div className="field">
            <label htmlFor={ids.email}>E-mail address</label>
            <input
              id={ids.email}
              className="input"
              type="email"
              autoComplete="off"
              spellCheck={false}
              placeholder="name@company.example"
              data-testid="enrol-email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <p className="field__hint">A contact of your subsidiaries, found by this address.</p>
          </div>
        )}
        {mode === 'csv' && (
          <div className="field">
            <label htmlFor={ids.csv}>CSV file</label>
            <input
              id={ids.csv}
              className="input input--file"
              type="file"
              accept=".csv,.txt,text/csv"
              data-testid="enrol-csv"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
            <p className="field__hint">
              A header line with an <code>email</code> column; other columns are ignored. Separated by comma, semicolon or tab; up to
              100,000 rows.
            </p>
          </div>
        )}
        {mode === 'segment' && (
          <div className="field">
            <label htmlFor={ids.segment}>Saved segment</label>
            {segmentsError ? (
              <p className="enrol__message enrol__message--error">{segmentsError}</p>
            ) : segments === null ? (
              <p className="field__hint">Loading the segments…</p>
            ) : segments.length === 0 ? (
              <p className="field__hint">There are no saved segments yet.</p>
            ) : (
              <select id={ids.segment} className="input" data-testid="enrol-segment" value={segmentId} onChange={(event) => setSegmentId(event.target.value)}>
                <option value="">Choose a segment…</option>
                {segments.map((segment) => (
                  <option key={segment.id} value={segment.id}>
                    {segment.name}
                  </option>
                ))}
              </select>
            )}
            {segmentId && segmentCount?.segmentId === segmentId && (
              <p className="field__hint" data-testid="enrol-segment-count">
                {segmentCount.count === null ? 'Counting…' : `Matches ${contactCount(segmentCount.count)} now.`}
              </p>
            )}
          </div>
        )}
        <button type="submit" className="button button--primary" data-testid="enrol-submit" disabled={!canSubmit}>
          {sending ? 'Sending…' : SUBMIT_LABELS[mode]}
        </button>
        {jobRunning && <p className="field__hint">The next list can go once this one is finished.</p>}
      </form>

      <OutcomeView outcome={outcome} paused={status === 'paused'} />
    </aside>
  )
}

function OutcomeView({ outcome, paused }: { outcome: Outcome; paused: boolean }) {
  switch (outcome.kind) {
    case 'idle':
    case 'sending':
      return null
    case 'enrolled':
      return (
        <p className="enrol__message enrol__message--ok" data-testid="enrol-result" data-state="enrolled" role="status">
          {outcome.repeated
            ? `${outcome.email} was enrolled by this same request before; nothing changed.`
            : `${outcome.email} is now in the campaign${paused ? '; their mail waits until you resume it' : ''}.`}
        </p>
      )
    case 'refused':
      return (
        <p className="enrol__message enrol__message--notice" data-testid="enrol-result" data-state="refused" role="status">
          {outcome.message}
        </p>
      )
    case 'failed':
      return (
        <p className="enrol__message enrol__message--error" data-testid="enrol-result" data-state="failed" role="alert">
          {outcome.message}
        </p>
      )
    case 'job':
      return <EnrolmentJobReport job={outcome.job} pollError={outcome.pollError} retrying={!outcome.lost} />
  }
}
