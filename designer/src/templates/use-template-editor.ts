import { useCallback, useEffect, useRef, useState } from 'react'
import { TemplateApiError, type Preview, type PreviewRequest, type SampleContact, type TemplateDoc, type TemplateIssue, type TemplateKind, type TemplatesApi } from './templates-api'

// The editor's state: the stored version, the unsaved draft, the preview of the draft (re-rendered a moment
// after the last keystroke) and saving with the version the draft started from.

const PREVIEW_DELAY_MS = 350

export type SaveState = { state: 'idle' } | { state: 'saving' } | { state: 'saved'; version: number } | { state: 'refused'; message: string }

export function useTemplateDoc(api: TemplatesApi, kind: TemplateKind, key: string) {
  const [doc, setDoc] = useState<TemplateDoc | null>(null)
  const [draft, setDraft] = useState<unknown>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [saveIssues, setSaveIssues] = useState<TemplateIssue[]>([])
  const [save, setSave] = useState<SaveState>({ state: 'idle' })

  useEffect(() => {
    let current = true
    api.get(kind, key).then(
      (loaded) => {
        if (!current) return
        setDoc(loaded)
        setDraft(loaded.content)
      },
      (error: Error) => current && setLoadError(error.message),
    )
    return () => {
      current = false
    }
  }, [api, kind, key])

  // A new edit makes the last save's outcome old news; the live preview reports problems from here on.
  const edit = useCallback((content: unknown) => {
    setDraft(content)
    setSave((last) => (last.state === 'refused' || last.state === 'saved' ? { state: 'idle' } : last))
  }, [])

  const dirty = doc !== null && JSON.stringify(draft) !== JSON.stringify(doc.content)

  const saveDraft = useCallback(async (): Promise<boolean> => {
    if (!doc) return false
    setSave({ state: 'saving' })
    try {
      const saved = await api.save(kind, key, draft, doc.version)
      const loaded = await api.get(kind, key)
      setDoc(loaded)
      setDraft(loaded.content)
      setSaveIssues([])
      setSave({ state: 'saved', version: saved.version })
      return true
    } catch (error) {
      setSaveIssues(error instanceof TemplateApiError ? error.issues : [])
      setSave({ state: 'refused', message: (error as Error).message })
      return false
    }
  }, [api, kind, key, draft, doc])

  return { doc, draft, setDraft: edit, dirty, loadError, saveDraft, save, saveIssues }
}

/** The preview of a request, fetched a moment after it last changed; stale answers are dropped. */
export function usePreview(api: TemplatesApi, request: PreviewRequest | null) {
  const [preview, setPreview] = useState<Preview | null>(null)
  const [issues, setIssues] = useState<TemplateIssue[]>([])
  const [error, setError] = useState<string | null>(null)
  const [rendering, setRendering] = useState(false)
  const sequence = useRef(0)
  const body = request ? JSON.stringify(request) : null

  useEffect(() => {
    if (!body) return
    const mine = ++sequence.current
    setRendering(true)
    const timer = setTimeout(() => {
      api.preview(JSON.parse(body) as PreviewRequest).then(
        (answer) => {
          if (mine !== sequence.current) return
          setPreview(answer)
          setIssues([])
          setError(null)
          setRendering(false)
        },
        (failure: Error) => {
          if (mine !== sequence.current) return
          setIssues(failure instanceof TemplateApiError ? failure.issues : [])
          setError(failure.message)
          setRendering(false)
        },
      )
    }, PREVIEW_DELAY_MS)
    return () => clearTimeout(timer)
  }, [api, body])

  return { preview, issues, error, rendering }
}

export type ContactChoice = { mode: 'sample'; firstName: string; lastName: string; salutation: 'mr' | 'ms' | 'none'; company: string } | { mode: 'stored'; email: string }

export const SAMPLE_CONTACT: ContactChoice = { mode: 'sample', firstName: 'Anna', lastName: 'Muster', salutation: 'ms', company: 'Muster Maschinenbau GmbH' }

/** What the preview endpoint takes; a stored contact only once the address looks complete. */
export function contactForPreview(choice: ContactChoice): SampleContact | undefined {
  if (choice.mode === 'stored') return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(choice.email) ? { email: choice.email } : undefined
  const orNull = (text: string) => text.trim() || null
  return { firstName: orNull(choice.firstName), lastName: orNull(choice.lastName), salutation: choice.salutation, company: orNull(choice.company) }
}
