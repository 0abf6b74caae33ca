import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useT } from '../i18n'
import './templates.css'
import { TemplateEditor } from './TemplateEditor'
import { TemplateList, type TemplateRef } from './TemplateList'
import { createTemplatesApi, type Overview } from './templates-api'
import { LanguageSwitch } from '../components/LanguageSwitch'
import { useDesignT } from './design-i18n'
import { ImportPanel } from './ImportPanel'

/** The Templates view (`?view=templates`): the list of masters, derived templates, mails and blocks, and the editor. */
export function TemplatesPage({ token }: { token: string | null }) {
  const t = useT()
  const td = useDesignT()
  const [importing, setImporting] = useState(false)
  const api = useMemo(() => createTemplatesApi(token), [token])
  const [overview, setOverview] = useState<Overview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<TemplateRef | null>(() => refFromHash(window.location.hash))

  const load = useCallback(() => {
    api.overview().then(setOverview, (failure: Error) => setError(failure.message))
  }, [api])
  useEffect(load, [load])

  // Unsaved edits are only in this tab: leaving them (another template, closing the tab) asks first.
  const unsaved = useRef(false)
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (unsaved.current) event.preventDefault()
    }
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [])

  // The open template sits in the fragment, so a reload or a shared link opens it again.
  const openTemplate = (ref: TemplateRef) => {
    if (unsaved.current && !window.confirm(t('tpl.leaveUnsaved'))) return
    unsaved.current = false
    setImporting(false)
    setOpen(ref)
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${ref.kind}/${ref.key}`)
  }

  return (
    <div className="tpl-page">
      <header className="app__header">
        <span className="brand">Kessler Campaigns</span>
        <span className="app__title">{t('tpl.title')}</span>
        <a className="button" href="./" data-testid="campaigns-link">
          {t('tpl.campaigns')}
        </a>
        <LanguageSwitch />
      </header>
      <aside className="tpl-page__sidebar">
        <button type="button" className="button" data-testid="import-designs" onClick={() => setImporting(true)}>
          {td('imp.button')}
        </button>
        {error && <p className="message--error" role="alert">{error}</p>}
        {!overview && !error && <p className="tpl-empty">{t('tpl.loading')}</p>}
        {overview && <TemplateList overview={overview} selected={open} onOpen={openTemplate} />}
      </aside>
      <main className="tpl-page__main">
        {importing ? (
          <ImportPanel api={api} subsidiary={overview?.subsidiaries.find((s) => s.code === 'DE')?.code ?? overview?.subsidiaries[0]?.code ?? 'DE'} onSaved={(key) => {
            load()
            openTemplate({ kind: 'mail', key })
          }} />
        ) : overview && open ? (
          <TemplateEditor key={`${open.kind}:${open.key}`} api={api} overview={overview} template={open} onSaved={load} onOpen={openTemplate} onDirtyChange={(dirty) => {
            unsaved.current = dirty
          }} />
        ) : (
          <div className="placeholder">{t('tpl.choose')}</div>
        )}
      </main>
    </div>
  )
}

/** The header link to this view, beside "Leads". */
export function TemplatesLink() {
  const t = useT()
  return (
    <a className="button" href="?view=templates" data-testid="templates-link">
      {t('tpl.title')}
    </a>
  )
}

function refFromHash(hash: string): TemplateRef | null {
  const match = /^#(master|subsidiary|mail|block|locale)\/([A-Za-z0-9_-]+)$/.exec(hash)
  return match ? { kind: match[1] as TemplateRef['kind'], key: match[2]! } : null
}

