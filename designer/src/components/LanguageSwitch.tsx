import { LANGUAGES, useLanguage, useT } from '../i18n'

/** EN/DE in the header of every page; the choice is kept for the next visit (i18n.ts). */
export function LanguageSwitch() {
  const language = useLanguage((state) => state.language)
  const setLanguage = useLanguage((state) => state.setLanguage)
  const t = useT()
  return (
    <select className="language" aria-label={t('app.language')} data-testid="language" value={language} onChange={(event) => setLanguage(event.target.value as typeof language)}>
      {LANGUAGES.map((code) => (
        <option key={code} value={code}>
          {code.toUpperCase()}
        </option>
      ))}
    </select>
  )
}
