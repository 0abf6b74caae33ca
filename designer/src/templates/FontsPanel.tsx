import { useEffect, useState } from 'react'
import { useDesignT } from './design-i18n'
import { base64 } from './file-reading'
import type { HostedFont, TemplatesApi } from './templates-api'

/** Self-hosted fonts: which families the app serves, and uploading a WOFF2 face (Google Fonts are never linked). */
export function FontsPanel({ api }: { api: TemplatesApi }) {
  const t = useDesignT()
  const [fonts, setFonts] = useState<HostedFont[]>([])
  const [family, setFamily] = useState('')
  const [weight, setWeight] = useState(400)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api.fonts().then((list) => setFonts(list.fonts), () => setFonts([]))
  }, [api])
  const upload = async (file: File | undefined) => {
    if (!file || !family) return
    setError(null)
    try {
      await api.uploadFont(family, weight, await base64(file))
      setFonts((await api.fonts()).fonts)
    } catch (failure) {
      setError((failure as Error).message)
    }
  }
  return (
    <div className="tpl-fonts" data-testid="fonts-panel">
      <h3>{t('fonts.title')}</h3>
      <p className="tpl-hint">{t('imp.fontsNote')}</p>
      <ul>
        {fonts.map((font) => (
          <li key={font.family}>{t('fonts.served', { family: font.family })}</li>
        ))}
      </ul>
      <label>
        {t('fonts.family')} <input value={family} onChange={(event) => setFamily(event.target.value)} size={14} />
      </label>{' '}
      <label>
        {t('fonts.weight')} <input type="number" min={100} max={900} step={100} value={weight} onChange={(event) => setWeight(Number(event.target.value))} />
      </label>{' '}
      <label>
        {t('fonts.upload')} <input type="file" accept=".woff2,.woff" disabled={!family} onChange={(event) => void upload(event.target.files?.[0])} />
      </label>
      {error && <p className="message--error">{error}</p>}
    </div>
  )
}
