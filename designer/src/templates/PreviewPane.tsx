import { useT } from '../i18n'
import type { Preview } from './templates-api'

/** The rendered mail in a sandboxed frame (no scripts, no access to the designer); the last good render stays while the draft has errors. */
export function PreviewPane({ preview, rendering, failed }: { preview: Preview | null; rendering: boolean; failed: boolean }) {
  const t = useT()
  return (
    <div className="tpl-preview" data-testid="preview-pane" data-state={rendering ? 'rendering' : failed ? 'failed' : 'ready'}>
      <div className="tpl-caption">
        {t('tpl.preview')}
        {preview && ` (${preview.locale})`}
        {rendering && ` · ${t('tpl.rendering')}`}
        {failed && !rendering && ` · ${t('tpl.previewStale')}`}
      </div>
      {preview ? (
        <>
          <div className="tpl-preview__subject" data-testid="preview-subject">
            {preview.subject}
          </div>
          <iframe className="tpl-preview__frame" data-testid="template-preview" title={t('tpl.preview')} sandbox="" srcDoc={preview.html} />
        </>
      ) : (
        <p className="tpl-empty">{failed ? t('tpl.previewFailed') : t('tpl.rendering')}</p>
      )}
    </div>
  )
}
