import { useDesigner } from '../designer-context'
import { useLanguage, useT } from '../i18n'

/** Published versions, newest first; the live one marked; each opens read-only on the canvas. */
export function VersionsPanel() {
  const t = useT()
  const language = useLanguage((state) => state.language)
  const versions = useDesigner((state) => state.campaign?.versions ?? [])
  const liveId = useDesigner((state) => state.campaign?.liveVersion?.id ?? null)
  const viewing = useDesigner((state) => state.readOnly?.version ?? null)
  const openVersion = useDesigner((state) => state.openVersion)
  const date = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })

  if (versions.length === 0) return <p className="panel__empty" data-testid="versions-empty">{t('versions.empty')}</p>
  return (
    <ul className="versions" data-testid="versions">
      {versions.map((version) => (
        <li key={version.id} className={`versions__item${viewing === version.version ? ' versions__item--open' : ''}`} data-testid="version-item" data-version={version.version}>
          <span className="versions__name">
            Version {version.version} {version.id === liveId && <span className="badge badge--live">{t('versions.live')}</span>}
          </span>
          <span className="versions__meta">
            {t('versions.published', { date: date.format(new Date(version.publishedAt)) })}
            {version.publishedBy ? ` · ${version.publishedBy}` : ''}
          </span>
          <button type="button" className="button" data-testid="version-open" onClick={() => void openVersion(version.version)}>
            {t('versions.open')}
          </button>
        </li>
      ))}
    </ul>
  )
}
