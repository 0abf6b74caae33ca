import { useState, type FormEvent } from 'react'
import { LanguageSwitch } from '../components/LanguageSwitch'
import { useT } from '../i18n'
import { peopleApi, type Me } from './people-api'

/** Sign in by e-mail and password, or ask for a reset link. */
export function SignInPage({ onSignedIn }: { onSignedIn(me: Me): void }) {
  const t = useT()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [mode, setMode] = useState<'sign-in' | 'reset' | 'reset-sent'>('sign-in')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      if (mode === 'sign-in') onSignedIn(await peopleApi(null).signIn(email, password))
      else {
        await peopleApi(null).requestReset(email)
        setMode('reset-sent')
      }
    } catch (problem) {
      setError((problem as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="notice">
      <form className="notice__card people-form" onSubmit={submit} data-testid="sign-in">
        <div className="people-form__top">
          <span className="brand">Kessler Campaigns</span>
          <LanguageSwitch />
        </div>
        <h1 className="notice__title">{mode === 'sign-in' ? t('auth.title') : t('auth.resetTitle')}</h1>
        {mode === 'reset-sent' ? (
          <p role="status">{t('auth.resetSent', { email })}</p>
        ) : (
          <>
            <label>
              {t('auth.email')}
              <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
            {mode === 'sign-in' && (
              <label>
                {t('auth.password')}
                <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
              </label>
            )}
            {error && <p className="message message--error" role="alert">{error}</p>}
            <button className="button button--primary" type="submit" disabled={busy}>
              {mode === 'sign-in' ? (busy ? t('auth.signingIn') : t('auth.signIn')) : t('auth.resetSend')}
            </button>
          </>
        )}
        <button type="button" className="link-button" onClick={() => (setMode(mode === 'sign-in' ? 'reset' : 'sign-in'), setError(null))}>
          {mode === 'sign-in' ? t('auth.forgot') : t('auth.back')}
        </button>
      </form>
    </div>
  )
}
