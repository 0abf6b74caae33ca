import { DeepLError, type DeepLConfig } from '../templates/deepl'

export { DeepLError }

// What DeepL must never see as text: Liquid ({{ }}, {% %}), the layout stage ([[ ]], [% %]), MJML tags
// with their attributes (image sources, button links) and every href. Each becomes an empty
// <x-keep i="n"/> that DeepL's HTML handling leaves alone (ignore_tags), and is put back afterwards.
const PROTECTED = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\[\[[\s\S]*?\]\]|\[%[\s\S]*?%\]|<\/?mj-[^>]*>|\bhref\s*=\s*("[^"]*"|'[^']*')/g

export function protect(source: string): { text: string; kept: string[] } {
  const kept: string[] = []
  const text = source.replace(PROTECTED, (match) => {
    if (/^href/i.test(match)) {
      kept.push(match)
      return `data-x-keep="${kept.length - 1}"`
    }
    kept.push(match)
    return `<x-keep i="${kept.length - 1}"></x-keep>`
  })
  return { text, kept }
}

export function restore(translated: string, kept: string[]): string {
  return translated
    .replace(/<x-keep i="(\d+)"\s*(?:\/>|><\/x-keep>)/g, (_, i: string) => kept[Number(i)] ?? '')
    .replace(/data-x-keep="(\d+)"/g, (_, i: string) => kept[Number(i)] ?? '')
}

// DeepL wants a regional variant for English and Portuguese targets.
const TARGETS: Record<string, string> = { en: 'EN-GB', pt: 'PT-PT' }

/**
 * Translates mailing texts (MJML fragments, subjects) with DeepL's HTML handling, keeping markup, Liquid
 * and links exactly as they were. Every placeholder must come back: a translation that lost one is refused.
 */
export async function translateMailingTexts(config: DeepLConfig, input: { texts: string[]; sourceLocale: string; targetLocale: string }): Promise<string[]> {
  if (!input.texts.length) return []
  const endpoint = /\/v2\/translate\/?$/.test(config.url) ? config.url : `${config.url.replace(/\/+$/, '')}/v2/translate`
  const protectedTexts = input.texts.map(protect)
  let response: Response
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { Authorization: `DeepL-Auth-Key ${config.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        text: protectedTexts.map((p) => p.text),
        source_lang: input.sourceLocale.split('-')[0]!.toUpperCase(),
        target_lang: TARGETS[input.targetLocale.toLowerCase()] ?? input.targetLocale.split('-')[0]!.toUpperCase(),
        tag_handling: 'html',
        ignore_tags: ['x-keep'],
      }),
      signal: AbortSignal.timeout(30_000),
    })
  } catch (error) {
    throw new DeepLError(`DeepL could not be reached at ${endpoint}: ${(error as Error).message}`, 502)
  }
  if (!response.ok) {
    const detail = (await response.text()).slice(0, 300)
    const why = response.status === 403 ? 'the DEEPL_API_KEY was refused' : response.status === 456 ? 'the DeepL quota is used up' : `DeepL answered ${response.status}`
    throw new DeepLError(`${why}${detail ? `: ${detail}` : ''}`, 502)
  }
  const body = (await response.json()) as { translations?: { text?: unknown }[] }
  const translations = body.translations?.map((t) => (typeof t.text === 'string' ? t.text : null)) ?? []
  if (translations.length !== input.texts.length || translations.some((t) => t === null)) throw new DeepLError('DeepL answered without one translation per text', 502)
  return translations.map((text, i) => {
    const { kept } = protectedTexts[i]!
    const restored = restore(text!, kept)
    if (kept.some((piece) => !restored.includes(piece))) throw new DeepLError('DeepL dropped a protected tag, link or Liquid expression; nothing was saved', 502)
    return restored
  })
}
