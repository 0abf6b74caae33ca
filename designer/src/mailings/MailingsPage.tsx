import { useCallback, useEffect, useMemo, useState } from 'react'
import '../templates/templates.css'
import './mailings.css'
import { MailingEditor } from './MailingEditor'
import { chooseLanguage, MAILING_LANGUAGES, useMailingT, type MailingLanguage } from './mailing-i18n'
import { createMailingsApi, type Mailing } from './mailings-api'

const SUBSIDIARIES = ['DE', 'FR', 'IT', 'ES']

/** The Mailings view (`?view=mailings`): the subsidiary's mailings with their progress, and the editor. */
export function MailingsPage({ token }: { token: string | null }) {
  const { t, language } = useMailingT()
  const api = useMemo(() => createMailingsApi(token), [token])
  const [mailings, setMailings] = useState<Mailing[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(() => /^#([0-9a-f-]{36})$/.exec(window.location.hash)?.[1] ?? null)
  const [mine, setMine] = useState<string[]>(SUBSIDIARIES)
  const [name, setName] = useState('')
  const [subsidiary, setSubsidiary] = useState('')

  const load = useCallback(() => {
    api.list().then(setMailings, (failure: Error) => setError(failure.message))
  }, [api])
  useEffect(load, [load])
  useEffect(() => {
    api.me().then((me) => {
      const codes = me.subsidiaries === '*' ? SUBSIDIARIES : me.subsidiaries
      setMine(codes)
      setSubsidiary((current) => current || codes[0] || 'DE')
    }, () => {})
  }, [api])

  const select = (id: string) => {
    setOpen(id)
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${id}`)
  }
  const create = async () => {
    try {
      const created = await api.create({ name: name.trim(), subsidiary })
      setName('')
      load()
      select(created.id)
    } catch (failure) {
      setError((failure as Error).message)
    }
  }

  return (
    <div className="tpl-page">
      <header className="app__header">
        <span className="brand">Kessler Campaigns</span>
        <span className="app__title">{t('title')}</span>
        <a className="button" href="./" data-testid="campaigns-link">
          {t('campaigns')}
        </a>
        <select className="language" aria-label={t('language')} data-testid="mailing-language" value={language} onChange={(event) => chooseLanguage(event.target.value as MailingLanguage)}>
          {MAILING_LANGUAGES.map((code) => (
            <option key={code} value={code}>
              {code.toUpperCase()}
            </option>
          ))}
        </select>
      </header>
      <aside className="tpl-page__sidebar">
        <form
          className="mailing-new"
          onSubmit={(event) => {
            event.preventDefault()
            if (name.trim()) void create()
          }}
        >
          <strong>{t('new')}</strong>
          <input aria-label={t('name')} placeholder={t('name')} data-testid="new-mailing-name" value={name} onChange={(event) => setName(event.target.value)} />
          <select aria-label={t('subsidiary')} data-testid="new-mailing-subsidiary" value={subsidiary} onChange={(event) => setSubsidiary(event.target.value)}>
            {mine.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
          <button type="submit" className="button button--primary" data-testid="create-mailing" disabled={!name.trim()}>
            {t('create')}
          </button>
        </form>
        {error && <p className="message--error" role="alert">{t('error', { message: error })}</p>}
        {!mailings && !error && <p className="tpl-empty">{t('loading')}</p>}
        {mailings && mailings.length === 0 && <p className="tpl-empty">{t('empty')}</p>}
        <ul className="mailing-list">
          {mailings?.map((mailing) => (
            <li key={mailing.id}>
              <button type="button" className={`mailing-list__item${mailing.id === open ? ' is-selected' : ''}`} data-testid="mailing-item" data-name={mailing.name} onClick={() => select(mailing.id)}>
                <span className="mailing-list__name">{mailing.name}</span>
                <span className="mailing-list__meta">
                  {mailing.subsidiary} · {t(`status.${mailing.status}`)}
                  {mailing.progress && mailing.progress.total > 0 ? ` · ${mailing.progress.sent}/${mailing.progress.total}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <main className="tpl-page__main">
        {open ? <MailingEditor key={open} api={api} mailingId={open} onChanged={load} /> : <div className="placeholder">{t('choose')}</div>}
      </main>
    </div>
  )
}

/** The header link to this view, beside "Templates". */
export function MailingsLink() {
  const { t } = useMailingT()
  return (
    <a className="button" href="?view=mailings" data-testid="mailings-link">
      {t('title')}
    </a>
  )
}
