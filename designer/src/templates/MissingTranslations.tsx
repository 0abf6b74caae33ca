import { useEffect, useState } from 'react'
import { useT } from '../i18n'
import type { MissingTranslation, TemplateKind, TemplatesApi } from './templates-api'

/**
 * What the open template (and the blocks it uses, and the subsidiary's strings) lacks in the previewed
 * locale, so shows in the master's language instead. Refreshed after each save (`refresh` changes).
 */
export function MissingTranslations({ api, kind, templateKey, blocks, subsidiary, locale, refresh }: { api: TemplatesApi; kind: TemplateKind; templateKey: string; blocks: string[]; subsidiary: string; locale: string; refresh: number }) {
  const t = useT()
  const [missing, setMissing] = useState<MissingTranslation[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The block list is rebuilt on every render; its content is what matters.
  const blocksKey = blocks.join(',')
  useEffect(() => {
    const usedBlocks = blocksKey.split(',')
    let current = true
    api.missing(subsidiary, locale).then(
      (report) => {
        if (!current) return
        setMissing(report.missing.filter((entry) => (entry.kind === kind && entry.key === templateKey) || entry.kind === 'subsidiary' || (entry.kind === 'block' && usedBlocks.includes(entry.key))))
        setError(null)
      },
      (failure: Error) => current && setError(failure.message),
    )
    return () => {
      current = false
    }
  }, [api, kind, templateKey, blocksKey, subsidiary, locale, refresh])

  return (
    <section className="tpl-panel" data-testid="missing-translations">
      <h3>{t('tpl.missingTitle', { subsidiary, locale })}</h3>
      {error && <p className="message--error">{error}</p>}
      {missing === null && !error && <p className="tpl-empty">{t('tpl.loading')}</p>}
      {missing?.length === 0 && <p className="tpl-empty">{t('tpl.missingNone', { locale })}</p>}
      {missing && missing.length > 0 && (
        <ul>
          {missing.map((entry) => (
            <li key={`${entry.kind}:${entry.key}`} data-testid="missing-entry">
              <code>
                {entry.kind} {entry.key}
              </code>
              {entry.missing.length > 0 && ` ${t('tpl.missingParts', { parts: entry.missing.join(', '), fallback: entry.fallsBackTo })}`}
              {entry.needsReview && entry.needsReview.length > 0 && ` ${t('tpl.needsReview', { keys: entry.needsReview.join(', ') })}`}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
