import type { ReactElement } from 'react'
import { useT } from '../i18n'
import type { Overview, TemplateKind } from './templates-api'

export interface TemplateRef {
  kind: TemplateKind
  key: string
}

/** Masters, the subsidiaries' derived templates with what each overrides, mails and content blocks. */
export function TemplateList({ overview, selected, onOpen }: { overview: Overview; selected: TemplateRef | null; onOpen(ref: TemplateRef): void }) {
  const t = useT()
  const item = (kind: TemplateKind, key: string, title: string, detail: string, version: number) => (
    <li key={`${kind}:${key}`}>
      <button
        type="button"
        className={selected?.kind === kind && selected.key === key ? 'tpl-list__item tpl-list__item--selected' : 'tpl-list__item'}
        data-testid="template-item"
        data-kind={kind}
        data-key={key}
        onClick={() => onOpen({ kind, key })}
      >
        <span className="tpl-list__title">{title}</span>
        <span className="tpl-list__detail">
          {t('tpl.version', { version })}
          {detail && ` · ${detail}`}
        </span>
      </button>
    </li>
  )
  const section = (title: string, items: ReactElement[], empty: string) => (
    <section className="tpl-list__section">
      <h2>{title}</h2>
      {items.length ? <ul>{items}</ul> : <p className="tpl-empty">{empty}</p>}
    </section>
  )
  return (
    <nav className="tpl-list" aria-label={t('tpl.title')}>
      {section(t('tpl.masters'), overview.masters.map((m) => item('master', m.key, m.name, t('tpl.regions', { regions: m.regions.join(', ') }), m.version)), t('tpl.none'))}
      {section(
        t('tpl.subsidiaries'),
        overview.subsidiaries.map((s) => {
          const strings = Object.values(s.overrides.strings).flat()
          const overrides = [...s.overrides.regions, ...strings]
          return item('subsidiary', s.key, `${s.code} · ${s.master}`, overrides.length ? t('tpl.overrides', { what: overrides.join(', ') }) : t('tpl.overridesNothing'), s.version)
        }),
        t('tpl.none'),
      )}
      {section(t('tpl.mails'), overview.mails.map((m) => item('mail', m.key, m.name, m.locales.join(' '), m.version)), t('tpl.none'))}
      {section(t('tpl.blocks'), overview.blocks.map((b) => item('block', b.key, b.name, t('tpl.usedBy', { count: b.usedBy.length }), b.version)), t('tpl.none'))}
    </nav>
  )
}
