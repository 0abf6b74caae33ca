import { LANGUAGES, useLanguage, useT } from '../i18n'
import { useSession } from '../people/session'

// The user's language is saved one request after another, and a choice already overtaken by a newer one is
// not sent: two saves in flight may be committed in either order (switching quickly through the languages
// once left the one before the last stored).
let saving: Promise<unknown> = Promise.resolve()
let latest: string | null = null
function saveLanguage(chosen: string, save: (language: string) => Promise<unknown>) {
  latest = chosen
  saving = saving.then(() => (latest === chosen ? save(chosen).catch(() => {}) : undefined))
}

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
        if (me?.via === 'session') saveLanguage(chosen, (language) => api.setLocale(language as typeof chosen))
      }}>
      {LANGUAGES.map((code) => (
        <option key={code} value={code}>
          {code.toUpperCase()}
        </option>
      ))}
    </select>
  )
}
