import { useEffect, useState } from 'react'
import { useT } from '../i18n'
import { overrideRows, type OverrideRow } from './template-source'
import type { TemplatesApi } from './templates-api'

type Derived = { master?: string; locale?: string; regions?: Record<string, string>; strings?: Record<string, Record<string, string>> }

/** Every region of the master and each string, with the derived template's own text beside what it replaces. */
export function OverridesView({ api, derived }: { api: TemplatesApi; derived: Derived }) {
  const t = useT()
  const [sources, setSources] = useState<{ mjml: string; strings: Record<string, unknown> } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const master = derived.master ?? ''
  const locale = derived.locale ?? ''
  useEffect(() => {
    if (!master || !locale) return
    let current = true
    Promise.all([api.get('master', master), api.get('locale', locale).catch(() => null)]).then(
      ([m, l]) => current && setSources({ mjml: String((m.content as { mjml?: string }).mjml ?? ''), strings: (l?.content ?? {}) as Record<string, unknown> }),
      (failure: Error) => current && setError(failure.message),
    )
    return () => {
      current = false
    }
  }, [api, master, locale])

  if (error) return <p className="message--error">{error}</p>
  if (!sources) return <p className="tpl-empty">{t('tpl.loading')}</p>
  const rows = overrideRows(sources.mjml, derived, locale, sources.strings)
  return (
    <section className="tpl-overrides" data-testid="template-overrides" aria-label={t('tpl.overridesTitle')}>
      <h3>{t('tpl.overridesOf', { master })}</h3>
      <table>
        <thead>
          <tr>
            <th>{t('tpl.part')}</th>
            <th>{t('tpl.own')}</th>
            <th>{t('tpl.inherited')}</th>
          </tr>
        </thead>
        <tbody>{rows.map((row) => <Row key={`${row.what}:${row.name}`} row={row} />)}</tbody>
      </table>
    </section>
  )
}

function Row({ row }: { row: OverrideRow }) {
  const t = useT()
  return (
    <tr data-testid="override-row" data-name={row.name} data-overridden={row.own !== null}>
      <td>
        {row.what === 'region' ? t('tpl.region') : t('tpl.string')} <code>{row.name}</code>
      </td>
      <td>{row.own === null ? <span className="tpl-muted">{t('tpl.fromMaster')}</span> : <strong>{row.own}</strong>}</td>
      <td className={row.own === null ? '' : 'tpl-replaced'}>
        <code>{row.inherited}</code>
      </td>
    </tr>
  )
}

/** In a mail's editor: what the previewed subsidiary's derived template changes, with a way to open it. */
export function OverridesSummary({ derived, onOpen }: { derived: { code: string; master: string; overrides: { regions: string[]; strings: Record<string, string[]> } }; onOpen(): void }) {
  const t = useT()
  const strings = Object.entries(derived.overrides.strings).flatMap(([locale, keys]) => keys.map((key) => `${key} (${locale})`))
  return (
    <section className="tpl-panel" data-testid="overrides-summary">
      <h3>{t('tpl.derivedTitle', { code: derived.code, master: derived.master })}</h3>
      <p>
        {derived.overrides.regions.length || strings.length
          ? t('tpl.overrides', { what: [...derived.overrides.regions.map((r) => t('tpl.regionNamed', { name: r })), ...strings].join(', ') })
          : t('tpl.overridesNothing')}
      </p>
      <button type="button" className="button" data-testid="open-derived" onClick={onOpen}>
        {t('tpl.openDerived', { code: derived.code })}
      </button>
    </section>
  )
}
