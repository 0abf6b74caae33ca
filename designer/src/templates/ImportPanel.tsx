import { useState } from 'react'
import { useDesignT } from './design-i18n'
import { readDesignFile } from './file-reading'
import type { ImportedDesign, ImportRequest, TemplatesApi } from './templates-api'

/**
 * Import of designs from other tools: paste or choose .mjml files (or a zip), see the merge tags found and
 * what each becomes, the preview with that mapping, and save each design as a mail. Nothing is stored
 * before "Save as mail"; that save goes through the same checks as every other.
 */
export function ImportPanel({ api, subsidiary, onSaved }: { api: TemplatesApi; subsidiary: string; onSaved(key: string): void }) {
  const t = useDesignT()
  const [pasted, setPasted] = useState('')
  const [files, setFiles] = useState<ImportRequest['files']>([])
  const [mapping, setMapping] = useState<Record<string, string>>({})
  const [result, setResult] = useState<{ variables: string[]; designs: ImportedDesign[] } | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const analyse = async (nextMapping = mapping) => {
    const chosen = [...files, ...(pasted.trim() ? [{ name: 'pasted-design.mjml', mjml: pasted }] : [])]
    if (!chosen.length) return
    setBusy(true)
    setError(null)
    try {
      setResult(await api.importDesigns({ files: chosen, mapping: nextMapping, subsidiary }))
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setBusy(false)
    }
  }
  const remap = (raw: string, target: string) => {
    const next = { ...mapping, [raw]: target }
    setMapping(next)
    void analyse(next)
  }

  return (
    <div className="tpl-import" data-testid="import-panel">
      <h1 className="tpl-editor__title">{t('imp.title')}</h1>
      <label className="tpl-import__paste">
        {t('imp.paste')}
        <textarea data-testid="import-paste" value={pasted} onChange={(event) => setPasted(event.target.value)} rows={8} spellCheck={false} />
      </label>
      <label className="tpl-import__files">
        {t('imp.files')}
        <input type="file" multiple accept=".mjml,.zip" data-testid="import-files" onChange={async (event) => setFiles(await Promise.all([...(event.target.files ?? [])].map(readDesignFile)))} />
      </label>
      <p className="tpl-hint">{t('imp.fontsNote')}</p>
      <button type="button" className="button button--primary" data-testid="import-analyse" disabled={busy} onClick={() => void analyse()}>
        {busy ? t('imp.checking') : t('imp.analyse')}
      </button>
      {error && <p className="message--error" role="alert">{error}</p>}
      {result?.designs.map((design) => <ImportedDesignView key={design.file} api={api} design={design} variables={result.variables} onRemap={remap} onSaved={onSaved} />)}
    </div>
  )
}

function ImportedDesignView({ api, design, variables, onRemap, onSaved }: { api: TemplatesApi; design: ImportedDesign; variables: string[]; onRemap(raw: string, target: string): void; onSaved(key: string): void }) {
  const t = useDesignT()
  const [key, setKey] = useState(design.key)
  const [saveError, setSaveError] = useState<string | null>(null)
  const save = async () => {
    setSaveError(null)
    try {
      await api.save('mail', key, { name: design.file.replace(/\.mjml$/i, ''), subject: { [design.locale]: design.subject }, body: { [design.locale]: design.mjml } }, 0)
      onSaved(key)
    } catch (failure) {
      setSaveError((failure as Error).message)
    }
  }
  return (
    <section className="tpl-import__design" data-testid="imported-design" data-file={design.file}>
      <h2>{design.file}</h2>
      <h3>{t('imp.tags')}</h3>
      {design.tags.length === 0 && <p className="tpl-empty">{t('imp.noTags')}</p>}
      <table className="tpl-import__tags">
        <tbody>
          {design.tags.map((tag) => (
            <tr key={tag.raw} data-testid="merge-tag" data-raw={tag.raw}>
              <td>
                <code>{tag.raw}</code>
              </td>
              <td>{tag.tool}</td>
              <td>
                {tag.line}:{tag.column}
              </td>
              <td>
                <select data-testid="merge-tag-target" value={design.mapping[tag.raw] ?? ''} onChange={(event) => onRemap(tag.raw, event.target.value)}>
                  <option value="">{t('imp.drop')}</option>
                  {variables.map((variable) => (
                    <option key={variable} value={variable}>
                      {variable}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {design.issues.length > 0 && <Issues title={t('imp.issues')} issues={design.issues} testId="import-issue" />}
      {design.warnings.length > 0 && <Issues title={t('imp.warnings')} issues={design.warnings} testId="import-warning" />}
      {design.preview && (
        <div className="tpl-preview">
          <div className="tpl-preview__subject">{design.preview.subject}</div>
          <iframe className="tpl-preview__frame" data-testid="import-preview" title={design.file} sandbox="" srcDoc={design.preview.html} />
        </div>
      )}
      <div className="tpl-import__save">
        <label>
          {t('imp.key')} <input data-testid="import-key" value={key} onChange={(event) => setKey(event.target.value)} />
        </label>
        <button type="button" className="button button--primary" data-testid="import-save" disabled={design.issues.length > 0} onClick={() => void save()}>
          {t('imp.save')}
        </button>
        {saveError && <span className="message--error" role="alert">{saveError}</span>}
      </div>
    </section>
  )
}

function Issues({ title, issues, testId }: { title: string; issues: { message: string; line: number; column: number }[]; testId: string }) {
  return (
    <div>
      <h3>{title}</h3>
      <ul>
        {issues.map((issue, i) => (
          <li key={i} data-testid={testId}>
            {issue.message}
          </li>
        ))}
      </ul>
    </div>
  )
}
