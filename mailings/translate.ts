import { deeplTranslate, DeepLError, type DeepLConfig } from '../templates/deepl'

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

/**
 * Translates mailing texts (MJML fragments, subjects) with DeepL's HTML handling, keeping markup, Liquid
 * and links exactly as they were. Every placeholder must come back: a translation that lost one is refused.
 */
export async function translateMailingTexts(config: DeepLConfig, input: { texts: string[]; sourceLocale: string; targetLocale: string }): Promise<string[]> {
  const protectedTexts = input.texts.map(protect)
  const translations = await deeplTranslate(config, { ...input, texts: protectedTexts.map((p) => p.text), tagHandling: 'html', ignoreTags: ['x-keep'], timeoutMs: 30_000 })
  return translations.map((text, i) => {
    const { kept } = protectedTexts[i]!
    const restored = restore(text, kept)
    if (kept.some((piece) => !restored.includes(piece))) throw new DeepLError('DeepL dropped a protected tag, link or Liquid expression; nothing was saved', 502)
    return restored
  })
}
