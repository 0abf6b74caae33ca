import { LANGUAGES, useLanguage, useT } from '../i18n'
import { useSession } from '../people/session'

/** EN/DE/FR/IT/ES in the header of every page; kept for the next visit (i18n.ts) and, signed in, as the user's language. */
export function LanguageSwitch() {
  const language = useLanguage((state) => state.language)
  const setLanguage = useLanguage((state) => state.setLanguage)
  const t = useT()
  return (
    <select className="language" aria-label={t('app.language')} data-testid="language" value={language} onChange={(event) => {
        const chosen = event.target.value as typeof language
        setLanguage(chosen)
        const { me, api } = useSession.getState()
        if (me?.via === 'session') void api.setLocale(chosen).catch(() => {})
      }}>
      {LANGUAGES.map((code) => (
        <option key={code} value={code}>
          {code.toUpperCase()}
        </option>
      ))}
    </select>
  )
}
