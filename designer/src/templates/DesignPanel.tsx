import { useState } from 'react'
import { declaredRegions, designSections, markSection, placeBlock, regionDefault } from '../../../templates/design-sections'
import { useDesignT } from './design-i18n'
import { FontsPanel } from './FontsPanel'
import type { Overview, TemplatesApi } from './templates-api'

type Mail = { subject: Record<string, string>; body: Record<string, string>; overrides?: Record<string, Record<string, Record<string, string>>> }

const isDocument = (text: string | undefined) => !!text && /^\s*(?:<!--[\s\S]*?-->\s*)*<mjml[\s>]/i.test(text)
const REGION_NAMES = ['header', 'headline', 'salutation', 'body', 'footer']

/**
 * For a mail that brings its own design: its sections, each markable as a named region; content blocks
 * and the subsidiary footer placed between them; and what each marked region says for the subsidiary and
 * language chosen in the preview switches (the mail's overrides).
 */
export function DesignPanel({ api, overview, draft, onChange, subsidiary, locale }: { api: TemplatesApi; overview: Overview; draft: unknown; onChange(next: unknown): void; subsidiary: string; locale: string }) {
  const t = useDesignT()
  const mail = draft as Mail
  const designLocale = isDocument(mail.body[locale]) ? locale : Object.keys(mail.body).find((l) => isDocument(mail.body[l]))
  const [regionName, setRegionName] = useState<Record<number, string>>({})
  const [after, setAfter] = useState(0)
  const [block, setBlock] = useState(overview.blocks[0]?.key ?? '')
  const [problem, setProblem] = useState<string | null>(null)
  if (!designLocale) return null
  const design = mail.body[designLocale]!
  const sections = designSections(design)
  const regions = declaredRegions(design)
  const scope = subsidiary.toLowerCase()
  const overrides = mail.overrides?.[scope]?.[locale] ?? {}

  const setDesign = (change: (text: string) => string) => {
    try {
      setProblem(null)
      onChange({ ...mail, body: { ...mail.body, [designLocale]: change(design) } })
    } catch (error) {
      setProblem((error as Error).message)
    }
  }
  const setOverride = (region: string, text: string) => {
    const { [region]: _old, ...others } = overrides
    const forLocale = text.trim() ? { ...others, [region]: text } : others
    const forScope = { ...(mail.overrides?.[scope] ?? {}), [locale]: forLocale }
    if (!Object.keys(forLocale).length) delete forScope[locale]
    const all = { ...(mail.overrides ?? {}), [scope]: forScope }
    if (!Object.keys(forScope).length) delete all[scope]
    onChange({ ...mail, overrides: all })
  }

  return (
    <section className="tpl-panel tpl-design" data-testid="design-panel">
      <h2>{t('des.title')}</h2>
      <p className="tpl-hint">{t('des.standalone')}</p>
      <h3>{t('des.sections')}</h3>
      <ol className="tpl-design__sections">
        {sections.map((section) => (
          <li key={section.index} data-testid="design-section" data-region={section.region ?? ''}>
            <span className="tpl-design__label">{section.label || '…'}</span>
            {section.region ? (
              <span className="tpl-design__region">{t('des.marked', { name: section.region })}</span>
            ) : (
              <>
                <input list="region-names" aria-label={t('des.regionName')} placeholder={t('des.regionName')} data-testid="section-region-name" value={regionName[section.index] ?? ''} onChange={(event) => setRegionName({ ...regionName, [section.index]: event.target.value })} />
                <button type="button" className="button" data-testid="section-mark" disabled={!regionName[section.index]} onClick={() => setDesign((text) => markSection(text, section.index, regionName[section.index]!))}>
                  {t('des.mark')}
                </button>
              </>
            )}
          </li>
        ))}
      </ol>
      <datalist id="region-names">
        {REGION_NAMES.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <div className="tpl-design__place">
        {t('des.placeBlock')}{' '}
        <select data-testid="block-after" value={after} onChange={(event) => setAfter(Number(event.target.value))}>
          {sections.map((section) => (
            <option key={section.index} value={section.index}>
              {section.index + 1}
            </option>
          ))}
        </select>{' '}
        <select data-testid="block-id" value={block} onChange={(event) => setBlock(event.target.value)}>
          {overview.blocks.map((b) => (
            <option key={b.key} value={b.key}>
              {b.name}
            </option>
          ))}
        </select>{' '}
        <button type="button" className="button" data-testid="block-place" disabled={!block} onClick={() => setDesign((text) => placeBlock(text, after, block))}>
          {t('des.place')}
        </button>{' '}
        {!/\[%-?\s*footer\s*-?%\]/.test(design) && (
          <button type="button" className="button" data-testid="insert-footer" onClick={() => setDesign((text) => text.replace(/<\/mj-body>/, '[% footer %]</mj-body>'))}>
            {t('des.insertFooter')}
          </button>
        )}
      </div>
      {problem && <p className="message--error" role="alert">{problem}</p>}
      <h3>{t('des.overrides', { subsidiary, locale })}</h3>
      {regions.length === 0 && <p className="tpl-empty">{t('des.noRegions')}</p>}
      {regions.map((region) => (
        <label key={region} className="tpl-design__override">
          <span>
            <code>{region}</code>{' '}
            {!overrides[region] && (
              <button type="button" className="button" data-testid={`override-from-design-${region}`} onClick={() => setOverride(region, regionDefault(design, region))}>
                {t('des.fromDesign')}
              </button>
            )}
          </span>
          <textarea data-testid={`override-${region}`} rows={4} spellCheck={false} placeholder={t('des.overrideHint')} value={overrides[region] ?? ''} onChange={(event) => setOverride(region, event.target.value)} />
        </label>
      ))}
      <FontsPanel api={api} />
    </section>
  )
}
