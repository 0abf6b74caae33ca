import { useEffect, useState, type FormEvent } from 'react'
import { LanguageSwitch } from '../components/LanguageSwitch'
import { formatDateTime, LANGUAGES, useLanguage, useT, type Language } from '../i18n'
import { peopleApi, type Me } from './people-api'

/** The page a reset or invitation mail links to: the signed token rides in the fragment (#link=…). */
export function LinkPage({ kind, onSignedIn }: { kind: 'reset' | 'invitation'; onSignedIn(me: Me): void }) {
  const t = useT()
  const language = useLanguage((state) => state.language)
  const setLanguage = useLanguage((state) => state.setLanguage)
  const [link] = useState(() => new URLSearchParams(window.location.hash.replace(/^#/, '')).get('link') ?? '')
  const [info, setInfo] = useState<{ email: string; name: string; expiresAt: string } | null>(null)
  const [invalid, setInvalid] = useState(false)
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    peopleApi(null)
      .link(kind, link)
      .then((found) => {
        setInfo(found)
        setName(found.name)
        // The invited person's language, as the admin chose it, until they pick another.
        if (found.locale && LANGUAGES.includes(found.locale as Language) && !window.localStorage.getItem('kessler.designer.language')) setLanguage(found.locale as Language)
      })
      .catch(() => setInvalid(true))
  }, [kind, link, setLanguage])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(null)
    try {
      const me = await peopleApi(null).useLink(kind, link, password, kind === 'invitation' ? name : undefined)
      window.history.replaceState(null, '', '/')
      onSignedIn(me)
    } catch (problem) {
      setError((problem as Error).message)
    }
  }

  return (
    <div className="notice">
      <form className="notice__card people-form" onSubmit={submit} data-testid={`${kind}-page`}>
        <div className="people-form__top">
          <span className="brand">Kessler Campaigns</span>
          <LanguageSwitch />
        </div>
        {invalid ? (
          <p className="message message--error" role="alert">{t('auth.linkInvalid')}</p>
        ) : info ? (
          <>
            <h1 className="notice__title">{kind === 'invitation' ? t('auth.invitationTitle', { name: info.name }) : t('auth.resetTitle')}</h1>
            {kind === 'invitation' && <p>{t('auth.invitationText', { email: info.email })}</p>}
            <p className="people-form__hint">{t('auth.validUntil', { date: formatDateTime(language, info.expiresAt) })}</p>
            {kind === 'invitation' && (
              <label>
                {t('auth.yourName')}
                <input name="name" value={name} onChange={(e) => setName(e.target.value)} />
              </label>
            )}
            <label>
              {t('auth.newPassword')}
              <input type="password" name="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} />
            </label>
            {error && <p className="message message--error" role="alert">{error}</p>}
            <button className="button button--primary" type="submit">{t('auth.setPassword')}</button>
          </>
        ) : null}
        <a className="link-button" href="/">{t('auth.back')}</a>
      </form>
    </div>
  )
}
