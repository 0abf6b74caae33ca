import { useEffect, useRef, useState } from 'react'
import { ApiError, type CampaignAction, type CampaignStatus } from '../api'
import { useApi, useDesigner } from '../designer-context'
import { contactCount, errorSentence } from '../enrolment-text'
import { openCampaignStatus } from '../store'
import { ConfirmDialog } from './ConfirmDialog'

// Pause, resume and stop for the open campaign (header). Each asks first, with the number of contacts
// it concerns counted when the question is asked, and says in plain words what will happen.

const ALLOWED: Record<CampaignAction, CampaignStatus[]> = { pause: ['live'], resume: ['paused'], stop: ['live', 'paused'] }
const LABELS: Record<CampaignAction, string> = { pause: 'Pause', resume: 'Resume', stop: 'Stop' }
const PAST: Record<CampaignAction, string> = { pause: 'paused', resume: 'resumed', stop: 'stopped' }

interface Pending {
  action: CampaignAction
  /** Contacts in the campaign now; null when the action no longer applies (the error says why). */
  count: number | 'counting' | null
  busy: boolean
  error: string | null
}

const isAre = (n: number) => (n === 1 ? 'is' : 'are')

function Explanation({ action, count }: { action: CampaignAction; count: Pending['count'] }) {
  if (count === 'counting') return <p className="confirm__counting">Counting the contacts in the campaign…</p>
  if (count === null) return null
  const affected = (
    <strong className="confirm__count" data-testid="confirm-affected">
      {count.toLocaleString('en-GB')}
    </strong>
  )
  const noun = count === 1 ? 'contact' : 'contacts'
  switch (action) {
    case 'pause':
      return (
        <>
          <p>
            {affected} {noun} {isAre(count)} in the campaign now.
          </p>
          <p>No mail goes out; waits continue; new contacts still enter and wait. Resuming sends the mail that was held.</p>
        </>
      )
    case 'resume':
      return (
        <>
          <p>
            {affected} {noun} {isAre(count)} in the campaign now.
          </p>
          <p>Mail goes out again: what was held is sent now, the rest as planned.</p>
        </>
      )
    case 'stop':
      return (
        <>
          <p>
            {count === 1 ? 'The' : 'All'} {affected} {noun} {count === 1 ? 'leaves' : 'leave'} the campaign now, wherever they are in it, and no new contacts enter.
          </p>
          <p className="confirm__warning">This cannot be undone; publish again to restart it.</p>
        </>
      )
  }
}

function resultSentence(action: CampaignAction, affected: number): string {
  switch (action) {
    case 'pause':
      return `Paused: mail for ${contactCount(affected)} is held until you resume.`
    case 'resume':
      return `Resumed: mail goes out again for ${contactCount(affected)}.`
    case 'stop':
      return `Stopped: ${contactCount(affected)} left the campaign.`
  }
}

export function CampaignControls() {
  const api = useApi()
  const campaign = useDesigner((state) => state.campaign)
  const status = useDesigner(openCampaignStatus)
  const campaignStatusChanged = useDesigner((state) => state.campaignStatusChanged)
  const loadCampaigns = useDesigner((state) => state.loadCampaigns)
  const [pending, setPending] = useState<Pending | null>(null)
  const [result, setResult] = useState<string | null>(null)
  // Each question gets a number; answers to a question that was cancelled or replaced are dropped.
  const question = useRef(0)
  // Only HQ marketers pause, resume and stop; others would only be refused.
  const [mayControl, setMayControl] = useState(false)
  useEffect(() => {
    let cancelled = false
    api.me().then((me) => !cancelled && setMayControl(me.mayAuthorCampaigns), () => {})
    return () => {
      cancelled = true
    }
  }, [api])

  useEffect(() => {
    if (!result) return
    const timer = setTimeout(() => setResult(null), 8000)
    return () => clearTimeout(timer)
  }, [result])

  if (!campaign || !status || !mayControl) return null
  const id = campaign.id

  const ask = async (action: CampaignAction) => {
    const asked = ++question.current
    setResult(null)
    setPending({ action, count: 'counting', busy: false, error: null })
    try {
      const now = await api.getCampaignActivity(id)
      if (asked !== question.current) return
      if (now.status !== status) campaignStatusChanged(id, now.status)
      const allowed = ALLOWED[action].includes(now.status)
      setPending((current) =>
        current && {
          ...current,
          count: allowed ? now.activeEnrolments : null,
          error: allowed ? null : `The campaign is ${now.status} now, so it cannot be ${PAST[action]}.`,
        },
      )
    } catch (error) {
      if (asked === question.current) setPending((current) => current && { ...current, count: null, error: errorSentence(error) })
    }
  }

  const cancel = () => {
    question.current++
    setPending(null)
  }

  const confirm = async () => {
    if (!pending || typeof pending.count !== 'number') return
    const asked = question.current
    const { action } = pending
    setPending({ ...pending, busy: true, error: null })
    try {
      const answer = await api.controlCampaign(id, action)
      campaignStatusChanged(id, answer.status)
      if (asked !== question.current) return
      setPending(null)
      setResult(resultSentence(action, answer.affected))
    } catch (error) {
      // 409: someone else changed the status meanwhile; the list shows the one that holds now.
      const conflict = error instanceof ApiError && error.status === 409
      if (conflict) void loadCampaigns()
      if (asked === question.current) {
        setPending((current) => current && { ...current, busy: false, count: conflict ? null : current.count, error: errorSentence(error) })
      }
    }
  }

  const actions = (Object.keys(ALLOWED) as CampaignAction[]).filter((action) => ALLOWED[action].includes(status))

  return (
    <div className="campaign-controls">
      {result && (
        <span className="control-result" data-testid="campaign-control-result" role="status">
          {result}
        </span>
      )}
      {actions.map((action) => (
        <button
          key={action}
          type="button"
          className={`button${action === 'stop' ? ' button--quiet-danger' : ''}`}
          data-testid={`campaign-control-${action}`}
          onClick={() => void ask(action)}
        >
          {LABELS[action]}
        </button>
      ))}
      {pending && (
        <ConfirmDialog
          title={`${LABELS[pending.action]} “${campaign.name}”?`}
          confirmLabel={`${LABELS[pending.action]} campaign`}
          danger={pending.action === 'stop'}
          ready={typeof pending.count === 'number'}
          busy={pending.busy}
          error={pending.error}
          onConfirm={() => void confirm()}
          onCancel={cancel}
        >
          <Explanation action={pending.action} count={pending.count} />
        </ConfirmDialog>
      )}
    </div>
  )
}
