import { useEffect, useMemo, useRef, useState } from 'react'
import { useT } from '../i18n'
import { IssueList } from './IssueList'
import { MissingTranslations } from './MissingTranslations'
import { OverridesSummary, OverridesView } from './OverridesView'
import { PreviewPane } from './PreviewPane'
import { PreviewSwitches, type PreviewChoice } from './PreviewSwitches'
import { SourceEditor, type SourceEditorHandle } from './SourceEditor'
import { editableText, editsAsJson, lineOnScreen, subjectOf, withEditedText, withSubject } from './template-source'
import type { TemplateRef } from './TemplateList'
import type { Overview, PreviewRequest, TemplateIssue, TemplatesApi } from './templates-api'
import { TestSend } from './TestSend'
import { contactForPreview, SAMPLE_CONTACT, usePreview, useTemplateDoc } from './use-template-editor'
import { DesignPanel } from './DesignPanel'

/** MJML (or JSON) source beside its live preview, with saving, problems, overrides, missing translations and test send. */
export function TemplateEditor({ api, overview, template, onSaved, onOpen, onDirtyChange }: { api: TemplatesApi; overview: Overview; template: TemplateRef; onSaved(): void; onOpen(ref: TemplateRef): void; onDirtyChange(dirty: boolean): void }) {
  const t = useT()
  const { kind, key } = template
  const { doc, draft, setDraft, dirty, loadError, saveDraft, save, saveIssues } = useTemplateDoc(api, kind, key)
  const [choice, setChoice] = useState<PreviewChoice>(() => initialChoice(overview, template))
  const [jsonText, setJsonText] = useState<string | null>(null)
  const [jsonIssue, setJsonIssue] = useState<TemplateIssue | null>(null)
  const [refresh, setRefresh] = useState(0)
  const source = useRef<SourceEditorHandle>(null)

  const subsidiaryLocale = overview.subsidiaries.find((s) => s.code === choice.subsidiary)?.locale ?? 'de'
  const locale = choice.locale || subsidiaryLocale
  const asJson = editsAsJson(kind)

  // JSON is kept as typed (it may not parse yet); a stored version replaces it.
  useEffect(() => {
    if (doc && asJson) setJsonText(JSON.stringify(doc.content, null, 2))
  }, [doc, asJson])

  useEffect(() => {
    onDirtyChange(dirty)
  }, [dirty, onDirtyChange])

  const text = asJson ? (jsonText ?? '') : draft === null ? '' : editableText(kind, draft, locale)
  const edit = (next: string) => {
    if (asJson) setJsonText(next)
    const edited = withEditedText(kind, draft, locale, next)
    if (edited.ok) setDraft(edited.content)
    setJsonIssue(edited.ok ? null : edited.issue)
  }

  const request = useMemo<PreviewRequest | null>(() => {
    if (draft === null || jsonIssue) return null
    const mail = kind === 'mail' ? key : choice.mail
    if (!mail) return null
    return { template: mail, subsidiary: choice.subsidiary, locale: choice.locale || undefined, contact: contactForPreview(choice.contact), drafts: [{ kind, key, content: draft }] }
  }, [draft, jsonIssue, kind, key, choice])
  const preview = usePreview(api, request)

  const issues = dedupe([...(jsonIssue ? [jsonIssue] : []), ...(save.state === 'refused' ? saveIssues : []), ...preview.issues, ...(preview.preview?.warnings ?? [])])
  const onScreen = (issue: TemplateIssue) => lineOnScreen(kind, issue, locale, text)
  const errorLines = new Set(issues.map(onScreen).flatMap((at) => (at ? [at.line] : [])))

  const doSave = async () => {
    if (jsonIssue || !dirty) return
    if (await saveDraft()) {
      setRefresh((n) => n + 1)
      onSaved()
    }
  }

  if (loadError) return <div className="placeholder message--error">{loadError}</div>
  if (!doc || draft === null) return <div className="placeholder">{t('tpl.loading')}</div>
  const mailInfo = overview.mails.find((m) => m.key === (kind === 'mail' ? key : choice.mail))
  const derived = overview.subsidiaries.find((s) => s.code === choice.subsidiary)

  return (
    <div
      className="tpl-editor"
      onKeyDown={(event) => {
        if ((event.ctrlKey || event.metaKey) && event.key === 's') {
          event.preventDefault()
          void doSave()
        }
      }}
    >
      <div className="tpl-editor__bar">
        <h1 className="tpl-editor__title">
          {t(`tpl.kind.${kind}`)} <code>{key}</code>
        </h1>
        <span className="tpl-version" data-testid="template-version" data-version={doc.version}>
          {t('tpl.version', { version: doc.version })}
        </span>
        <span className="tpl-save-state" data-testid="template-save-state" data-state={save.state === 'idle' && dirty ? 'unsaved' : save.state}>
          {save.state === 'saving' ? t('save.saving') : save.state === 'refused' ? t('tpl.refused', { message: save.message }) : save.state === 'saved' ? t('tpl.savedVersion', { version: save.version }) : dirty ? t('save.unsaved') : ''}
        </span>
        <button type="button" className="button button--primary" data-testid="template-save" disabled={!dirty || save.state === 'saving' || !!jsonIssue} onClick={() => void doSave()}>
          {t('tpl.save')}
        </button>
      </div>
      <PreviewSwitches overview={overview} choice={choice} onChange={setChoice} fixedSubsidiary={kind === 'subsidiary'} pickMail={kind !== 'mail'} />
      {kind === 'mail' && (
        <label className="tpl-subject">
          {t('tpl.subject', { locale })}
          <input data-testid="template-subject" value={subjectOf(draft, locale)} onChange={(event) => setDraft(withSubject(draft, locale, event.target.value))} />
        </label>
      )}
      <div className="tpl-editor__split">
        <div className="tpl-editor__source">
          <div className="tpl-caption">{asJson ? t('tpl.sourceJson') : (kind === 'mail' || kind === 'block') ? t('tpl.sourceBody', { locale }) : t('tpl.sourceMjml')}</div>
          {(kind === 'mail' || kind === 'block') && !text && <p className="tpl-hint">{t('tpl.noBody', { locale })}</p>}
          <SourceEditor ref={source} value={text} onChange={edit} errorLines={errorLines} label={t('tpl.source')} />
        </div>
        <PreviewPane preview={preview.preview} rendering={preview.rendering} failed={preview.error !== null} />
      </div>
      <IssueList issues={issues} refused={save.state === 'refused' ? save.message : null} onScreen={onScreen} onGoTo={(at) => source.current?.goTo(at.line, at.column)} />
      <div className="tpl-editor__panels">
        {kind === 'mail' && <DesignPanel api={api} overview={overview} draft={draft} onChange={setDraft} subsidiary={choice.subsidiary} locale={locale} />}
        {kind === 'subsidiary' ? <OverridesView api={api} derived={draft as never} /> : derived && <OverridesSummary derived={derived} onOpen={() => onOpen({ kind: 'subsidiary', key: derived.key })} />}
        <MissingTranslations api={api} kind={kind} templateKey={key} blocks={mailInfo?.blocks ?? []} subsidiary={choice.subsidiary} locale={locale} refresh={refresh} />
        <TestSend api={api} request={request} />
      </div>
    </div>
  )
}

function initialChoice(overview: Overview, { kind, key }: TemplateRef): PreviewChoice {
  const codes = overview.subsidiaries.map((s) => s.code)
  const subsidiary = kind === 'subsidiary' ? key.toUpperCase() : codes.includes('DE') ? 'DE' : (codes[0] ?? 'DE')
  const block = overview.blocks.find((b) => b.key === key)
  const mail = (kind === 'block' && block?.usedBy[0]) || overview.mails[0]?.key || ''
  return { subsidiary, locale: '', contact: SAMPLE_CONTACT, mail }
}

function dedupe(issues: TemplateIssue[]): TemplateIssue[] {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const id = `${issue.field}|${issue.region}|${issue.line}|${issue.column}|${issue.message}`
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
}
