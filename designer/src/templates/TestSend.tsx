import { useState } from 'react'
import { useT } from '../i18n'
import type { PreviewRequest, TemplatesApi, TestSendResult } from './templates-api'

/** Sends what the preview shows (the unsaved draft included) to one address through the real mail transport. */
export function TestSend({ api, request }: { api: TemplatesApi; request: PreviewRequest | null }) {
  const t = useT()
  const [to, setTo] = useState('')
  const [sending, setSending] = useState(false)
  const [result, setResult] = useState<TestSendResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const send = async () => {
    if (!request) return
    setSending(true)
    setError(null)
    setResult(null)
    try {
      setResult(await api.testSend({ ...request, to: to.trim() }))
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setSending(false)
    }
  }
  return (
    <section className="tpl-panel" aria-label={t('tpl.testSend')}>
      <h3>{t('tpl.testSend')}</h3>
      <form
        className="tpl-row"
        onSubmit={(event) => {
          event.preventDefault()
          void send()
        }}
      >
        <input type="email" required data-testid="test-send-to" aria-label={t('tpl.testSendTo')} placeholder={t('tpl.testSendTo')} value={to} onChange={(event) => setTo(event.target.value)} />
        <button type="submit" className="button" data-testid="test-send" disabled={sending || !request || !to.trim()}>
          {sending ? t('tpl.sending') : t('tpl.send')}
        </button>
      </form>
      {error && <p className="message--error" role="alert">{error}</p>}
      {result && (
        <p className="tpl-sent" data-testid="test-send-result" role="status">
          {t('tpl.sent', { subject: result.subject, to: result.to, locale: result.locale })} <code>{result.messageId}</code>
        </p>
      )}
    </section>
  )
}
