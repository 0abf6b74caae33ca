import { useEffect, useState } from 'react'
import type { EnrolmentSummary } from '../api'
import { useApi, useDesigner } from '../designer-context'
import { errorSentence } from '../enrolment-text'
import { useT } from '../i18n'

const STATUSES = ['active', 'completed', 'exited', 'converted']
const REFRESH_MS = 3000

/** Who is in the campaign, filtered by the step they are at; one contact's path lights up on the graph. */
export function ContactsPanel() {
  const t = useT()
  const api = useApi()
  const campaignId = useDesigner((state) => state.campaign?.id ?? null)
  const published = useDesigner((state) => (state.campaign?.versions.length ?? 0) > 0)
  const steps = useDesigner((state) => state.nodes)
  const highlight = useDesigner((state) => state.highlight)
  const setHighlight = useDesigner((state) => state.setHighlight)
  const [step, setStep] = useState('')
  const [status, setStatus] = useState('')
  const [list, setList] = useState<EnrolmentSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  // Refreshed every few seconds while the panel is open, like the counts on the graph.
  useEffect(() => {
    if (!campaignId || !published) return
    let cancelled = false
    const load = () =>
      api.listEnrolments(campaignId, { step, status }).then(
        (enrolments) => !cancelled && (setList(enrolments), setError(null)),
        (failure: unknown) => !cancelled && setError(errorSentence(failure)),
      )
    void load()
    const timer = setInterval(load, REFRESH_MS)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [api, campaignId, published, step, status])

  const showPath = async (enrolment: EnrolmentSummary) => {
    try {
      const detail = await api.getEnrolment(enrolment.id)
      setHighlight({ nodeIds: [...new Set(detail.history.map((entry) => entry.nodeId))], label: t('contacts.path', { email: enrolment.contact.email }) })
    } catch (failure) {
      setError(errorSentence(failure))
    }
  }

  if (!published) return <p className="panel__empty">{t('contacts.notPublished')}</p>
  return (
    <div className="contacts" data-testid="contacts-panel">
      <div className="contacts__filters">
        <label>
          {t('contacts.step')}
          <select data-testid="contacts-step" value={step} onChange={(event) => setStep(event.target.value)}>
            <option value="">{t('contacts.anyStep')}</option>
            {steps.map((node) => (
              <option key={node.id} value={node.id}>
                {node.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('contacts.status')}
          <select data-testid="contacts-status" value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">{t('contacts.anyStatus')}</option>
            {STATUSES.map((entry) => (
              <option key={entry} value={entry}>
                {entry}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p className="message message--error">{error}</p>}
      {highlight && (
        <p className="contacts__highlight" data-testid="path-label">
          {highlight.label}{' '}
          <button type="button" className="link-button" onClick={() => setHighlight(null)}>
            {t('contacts.clear')}
          </button>
        </p>
      )}
      {list?.length === 0 && <p className="panel__empty" data-testid="contacts-empty">{t('contacts.empty')}</p>}
      <ul className="contacts__list">
        {list?.map((enrolment) => (
          <li key={enrolment.id}>
            <button type="button" className="contacts__item" data-testid="enrolment-item" data-enrolment-id={enrolment.id} onClick={() => void showPath(enrolment)}>
              <span className="contacts__email">{enrolment.contact.email}</span>
              <span className="contacts__meta">
                {enrolment.status} · {enrolment.currentNodeId ?? enrolment.exitReason ?? '—'} · v{enrolment.version} · {enrolment.contact.subsidiary}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
