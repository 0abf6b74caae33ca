import { useCallback, useEffect, useRef, useState } from 'react'
import { MailingSendPanel } from './MailingSendPanel'
import { useMailingT } from './mailing-i18n'
import type { Mailing, MailingBlock, MailingContent, MailingPreview, MailingsApi } from './mailings-api'

const SUBSIDIARY_LOCALE: Record<string, string> = { DE: 'de', FR: 'fr', IT: 'it', ES: 'es' }
const CONTENT_LOCALES = ['de', 'fr', 'it', 'es', 'en']
// Drafts save themselves this long after the last keystroke; the preview follows the saved draft.
const SAVE_AFTER_MS = 700

/** Block-based composition on the subsidiary's derived template, beside a live preview per language and sample contact. */
export function MailingEditor({ api, mailingId, onChanged }: { api: MailingsApi; mailingId: string; onChanged: () => void }) {
  const { t } = useMailingT()
  const [mailing, setMailing] = useState<Mailing | null>(null)
  const [content, setContent] = useState<MailingContent | null>(null)
  const [locale, setLocale] = useState('de')
  const [sample, setSample] = useState('')
  const [preview, setPreview] = useState<MailingPreview | null>(null)
  const [saveState, setSaveState] = useState<'saved' | 'saving' | 'unsaved'>('saved')
  const [error, setError] = useState<string | null>(null)
  const [globalBlocks, setGlobalBlocks] = useState<{ key: string; name: string; locales: string[] }[]>([])
  const [busy, setBusy] = useState(false)
  const version = useRef(0)

  const reload = useCallback(async () => {
    const fresh = await api.get(mailingId)
    setMailing(fresh)
    setContent(fresh.content)
    return fresh
  }, [api, mailingId])

  useEffect(() => {
    reload().then((fresh) => setLocale(SUBSIDIARY_LOCALE[fresh.subsidiary] ?? 'de'), (failure: Error) => setError(failure.message))
    api.blocks().then(setGlobalBlocks, () => {})
  }, [api, reload])

  const editable = mailing?.status === 'draft' || mailing?.status === 'awaiting_approval'

  // Saves the draft shortly after the last change, then refreshes the preview from it.
  useEffect(() => {
    if (!content || !mailing || saveState !== 'unsaved') return
    const mine = ++version.current
    const timer = setTimeout(async () => {
      setSaveState('saving')
      try {
        const saved = await api.save(mailing.id, { content })
        if (version.current === mine) {
          setMailing(saved)
          setSaveState('saved')
          onChanged()
        }
      } catch (failure) {
        setError((failure as Error).message)
        setSaveState('unsaved')
      }
    }, SAVE_AFTER_MS)
    return () => clearTimeout(timer)
  }, [api, content, mailing, onChanged, saveState])

  useEffect(() => {
    if (!mailing || saveState !== 'saved' || !mailing.content.blocks.length) return
    let live = true
    api.preview(mailing.id, { locale, ...(sample.includes('@') ? { contact: { email: sample } } : {}) }).then(
      (result) => live && (setPreview(result), setError(null)),
      (failure: Error) => live && setError(failure.message),
    )
    return () => {
      live = false
    }
  }, [api, mailing, locale, sample, saveState])

  if (!mailing || !content) return <div className="placeholder">{error ?? t('loading')}</div>

  const change = (next: MailingContent) => {
    setContent(next)
    setSaveState('unsaved')
  }
  const setBlocks = (blocks: MailingBlock[]) => change({ ...content, blocks })
  const move = (index: number, by: number) => {
    const blocks = [...content.blocks]
    const [block] = blocks.splice(index, 1)
    blocks.splice(index + by, 0, block!)
    setBlocks(blocks)
  }
  const needsReview = (key: string) => (content.review[locale] ?? []).includes(key)
  const markReviewed = (key: string) => change({ ...content, review: { ...content.review, [locale]: (content.review[locale] ?? []).filter((k) => k !== key) } })
  const source = SUBSIDIARY_LOCALE[mailing.subsidiary] ?? 'de'
  const translate = async (block?: string) => {
    setBusy(true)
    try {
      const result = await api.translate(mailing.id, { targetLocale: locale, sourceLocale: source, ...(block ? { block } : {}) })
      setMailing(result.mailing)
      setContent(result.mailing.content)
      setSaveState('saved')
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="mailing-editor">
      <section className="mailing-editor__compose">
        <h2 className="mailing-editor__title" data-testid="mailing-title">
          {mailing.name} <span className="mailing-status" data-testid="mailing-status">{t(`status.${mailing.status}`)}</span>
        </h2>
        <div className="mailing-row">
          <label>
            {t('language')}{' '}
            <select data-testid="content-locale" value={locale} onChange={(event) => setLocale(event.target.value)}>
              {CONTENT_LOCALES.map((code) => (
                <option key={code} value={code}>
                  {code.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          <span className="mailing-save" data-testid="save-state">{t(saveState === 'saving' ? 'saving' : saveState === 'saved' ? 'saved' : 'save')}</span>
          {editable && locale !== source && (
            <button type="button" className="button" data-testid="translate-all" disabled={busy} onClick={() => void translate()}>
              {t('translate', { language: locale.toUpperCase() })}
            </button>
          )}
        </div>
        <label className="mailing-field">
          {t('subject')}
          <input data-testid="mailing-subject" disabled={!editable} value={content.subject[locale] ?? ''} onChange={(event) => change({ ...content, subject: { ...content.subject, [locale]: event.target.value } })} />
        </label>
        <label className="mailing-field">
          {t('preheader')}
          <input data-testid="mailing-preheader" disabled={!editable} value={content.preheader[locale] ?? ''} onChange={(event) => change({ ...content, preheader: { ...content.preheader, [locale]: event.target.value } })} />
        </label>
        <h3>{t('blocks')}</h3>
        <ol className="mailing-blocks">
          {content.blocks.map((block, index) => {
            const key = block.kind === 'global' ? block.block : `block:${block.id}`
            return (
              <li key={`${block.kind}:${block.kind === 'global' ? block.block : block.id}`} className={`mailing-block mailing-block--${block.kind}`} data-testid="mailing-block" data-kind={block.kind}>
                <div className="mailing-block__head">
                  <strong>{block.kind === 'global' ? `${t('globalBlock')}: ${globalBlocks.find((b) => b.key === block.block)?.name ?? block.block}` : `${t('localBlock')}: ${block.name ?? block.id}`}</strong>
                  {editable && (
                    <span className="mailing-block__tools">
                      <button type="button" disabled={index === 0} onClick={() => move(index, -1)}>{t('up')}</button>
                      <button type="button" disabled={index === content.blocks.length - 1} onClick={() => move(index, 1)}>{t('down')}</button>
                      <button type="button" onClick={() => setBlocks(content.blocks.filter((_, i) => i !== index))}>{t('remove')}</button>
                    </span>
                  )}
                </div>
                {block.kind === 'local' && (
                  <>
                    {!block.body[locale] && <p className="mailing-hint">{t('missingHere')}</p>}
                    <textarea
                      data-testid="local-block-source"
                      disabled={!editable}
                      rows={4}
                      value={block.body[locale] ?? ''}
                      onChange={(event) => setBlocks(content.blocks.map((b, i) => (i === index && b.kind === 'local' ? { ...b, body: { ...b.body, [locale]: event.target.value } } : b)))}
                    />
                    {editable && locale !== source && block.body[source] && (
                      <button type="button" className="button" data-testid="translate-block" disabled={busy} onClick={() => void translate(block.id)}>
                        {t('translateBlock')}
                      </button>
                    )}
                    {needsReview(key) && (
                      <p className="mailing-review" data-testid="needs-review">
                        {t('translated')}{' '}
                        {editable && <button type="button" onClick={() => markReviewed(key)}>{t('reviewed')}</button>}
                      </p>
                    )}
                  </>
                )}
              </li>
            )
          })}
        </ol>
        {editable && (
          <div className="mailing-row">
            <select
              data-testid="add-global-block"
              value=""
              onChange={(event) => event.target.value && setBlocks([...content.blocks, { kind: 'global', block: event.target.value }])}
            >
              <option value="">{t('addGlobal')}</option>
              {globalBlocks.map((block) => (
                <option key={block.key} value={block.key}>
                  {block.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button"
              data-testid="add-local-block"
              onClick={() => setBlocks([...content.blocks, { kind: 'local', id: `block-${content.blocks.length + 1}-${Date.now().toString(36)}`, body: { [locale]: '<mj-text></mj-text>' } }])}
            >
              {t('addLocal')}
            </button>
          </div>
        )}
        {error && <p className="message--error" role="alert" data-testid="mailing-error">{t('error', { message: error })}</p>}
        <MailingSendPanel api={api} mailing={mailing} locale={locale} onChanged={() => void reload().then(onChanged)} />
      </section>
      <section className="mailing-editor__preview">
        <h3>{t('preview')}</h3>
        <label className="mailing-field">
          {t('sampleContact')}
          <input data-testid="preview-contact" value={sample} onChange={(event) => setSample(event.target.value)} placeholder="claire.dupont@…" />
        </label>
        {preview && (
          <>
            <p className="mailing-preview__subject" data-testid="preview-subject">{preview.subject}</p>
            <p className="mailing-preview__preheader">{preview.preheader}</p>
            <iframe className="mailing-preview__frame" title={t('preview')} data-testid="mailing-preview" sandbox="" srcDoc={preview.html} />
          </>
        )}
      </section>
    </div>
  )
}
