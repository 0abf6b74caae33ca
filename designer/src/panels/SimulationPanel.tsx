import { useState, type FormEvent } from 'react'
import type { SimulationResult } from '../api'
import { useApi, useDesigner } from '../designer-context'
import { errorSentence } from '../enrolment-text'
import { useT } from '../i18n'
import { ContactPicker } from './ContactPicker'
import { EventTypeList, EVENT_LIST_ID } from './SchemaField'

interface ScriptRow {
  at: string
  type: string
  mail: string
}

/** "product=HydroStat 2000" lines → { product: 'HydroStat 2000' }. */
export function parseProperties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.split('='))
      .filter((parts) => parts.length >= 2 && parts[0]!.trim())
      .map(([key, ...rest]) => [key!.trim(), rest.join('=').trim()]),
  )
}

/** Runs the engine's simulation (time skipped, nothing sent) for a sample contact and scripted behaviour. */
export function SimulationPanel() {
  const t = useT()
  const api = useApi()
  const campaignId = useDesigner((state) => state.campaign?.id ?? null)
  const hasLive = useDesigner((state) => state.campaign?.liveVersion != null)
  const sendSteps = useDesigner((state) => state.nodes).filter((node) => node.data.stepType === 'send_email')
  const setHighlight = useDesigner((state) => state.setHighlight)
  const saveDraft = useDesigner((state) => state.saveDraft)
  const [email, setEmail] = useState('')
  const [source, setSource] = useState<'draft' | 'live'>('draft')
  const [script, setScript] = useState<ScriptRow[]>([])
  const [trigger, setTrigger] = useState('')
  const [horizon, setHorizon] = useState('30d')
  const [running, setRunning] = useState(false)
  const [result, setResult] = useState<SimulationResult | null>(null)
  const [error, setError] = useState<string | null>(null)

  const run = async (event: FormEvent) => {
    event.preventDefault()
    if (!campaignId || running) return
    setRunning(true)
    setError(null)
    try {
      // The server simulates the stored draft: what is on the canvas is saved first.
      if (source === 'draft') await saveDraft()
      const answer = await api.simulate(campaignId, {
        source,
        contact: { email: email.trim() },
        script: script.map((row) => ({ at: row.at, type: row.type, ...(row.mail ? { mail: row.mail } : {}) })),
        horizon,
        trigger: parseProperties(trigger),
      })
      setResult(answer)
      setHighlight({ nodeIds: [...new Set(answer.timeline.flatMap((entry) => (entry.nodeId ? [entry.nodeId] : [])))], label: `${t('tabs.simulate')}: ${email}` })
    } catch (failure) {
      setResult(null)
      setError(errorSentence(failure))
    } finally {
      setRunning(false)
    }
  }

  const updateRow = (index: number, change: Partial<ScriptRow>) => setScript((rows) => rows.map((row, i) => (i === index ? { ...row, ...change } : row)))

  return (
    <form className="simulation" data-testid="simulation-panel" onSubmit={(event) => void run(event)}>
      <EventTypeList />
      <ContactPicker value={email} onChange={setEmail} />
      <label className="field">
        <span className="field__label">{t('sim.source')}</span>
        <select data-testid="sim-source" value={source} onChange={(event) => setSource(event.target.value as 'draft' | 'live')}>
          <option value="draft">{t('sim.draft')}</option>
          <option value="live" disabled={!hasLive}>
            {t('sim.liveVersion')}
          </option>
        </select>
      </label>
      <fieldset className="field field--nested">
        <legend className="field__label">{t('sim.script')}</legend>
        {script.length === 0 && <p className="panel__empty">{t('sim.scriptEmpty')}</p>}
        {script.map((row, index) => (
          <div key={index} className="simulation__row" data-testid="sim-row">
            <input aria-label={t('sim.at')} placeholder="2d" data-testid="sim-at" value={row.at} onChange={(event) => updateRow(index, { at: event.target.value })} />
            <input aria-label={t('sim.event')} list={EVENT_LIST_ID} data-testid="sim-type" value={row.type} onChange={(event) => updateRow(index, { type: event.target.value })} />
            <select aria-label={t('sim.mail')} data-testid="sim-mail" value={row.mail} onChange={(event) => updateRow(index, { mail: event.target.value })}>
              <option value="">{t('sim.anyMail')}</option>
              {sendSteps.map((node) => (
                <option key={node.id} value={node.id}>
                  {node.id}
                </option>
              ))}
            </select>
            <button type="button" className="link-button" aria-label={t('config.remove')} onClick={() => setScript((rows) => rows.filter((_, i) => i !== index))}>
              ×
            </button>
          </div>
        ))}
        <button type="button" className="link-button" data-testid="sim-add" onClick={() => setScript((rows) => [...rows, { at: '1d', type: 'click', mail: sendSteps[0]?.id ?? '' }])}>
          + {t('sim.addEvent')}
        </button>
      </fieldset>
      <label className="field">
        <span className="field__label">{t('sim.trigger')}</span>
        <textarea rows={2} data-testid="sim-trigger" placeholder="product=HydroStat 2000" value={trigger} onChange={(event) => setTrigger(event.target.value)} />
      </label>
      <label className="field">
        <span className="field__label">{t('sim.horizon')}</span>
        <input data-testid="sim-horizon" value={horizon} onChange={(event) => setHorizon(event.target.value)} />
      </label>
      <button type="submit" className="button button--primary" data-testid="sim-run" disabled={running || !email.trim()}>
        {running ? t('sim.running') : t('sim.run')}
      </button>
      {error && (
        <p className="message message--error" role="alert" data-testid="sim-error">
          {error}
        </p>
      )}
      {result && (
        <div className="simulation__result" data-testid="sim-result">
          <p>
            <strong data-testid="sim-outcome">{t('sim.outcome', { status: [result.outcome.status, result.outcome.exitReason].filter(Boolean).join(', ') })}</strong>{' '}
            <span className="simulation__took">{t('sim.took', { ms: result.tookMs })}</span>
          </p>
          <ol className="timeline">
            {result.timeline.map((entry, index) => (
              <li key={index} className={`timeline__entry timeline__entry--${entry.kind}`} data-testid="sim-entry" data-node-id={entry.nodeId}>
                <span className="timeline__offset">{entry.offset}</span> {entry.label}
              </li>
            ))}
          </ol>
        </div>
      )}
    </form>
  )
}
