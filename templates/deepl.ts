/**
 * DeepL's HTTP API (POST /v2/translate), used to pre-fill a subsidiary's missing strings. Placeholders
 * such as {first} travel as <ph>first</ph> with tag handling on, so the translation keeps them intact.
 */
export interface DeepLConfig {
  apiKey: string
  /** Base URL (https://api-free.deepl.com) or the full /v2/translate endpoint. */
  url: string
}

export class DeepLError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

// DeepL wants a regional variant for English and Portuguese targets.
const TARGETS: Record<string, string> = { en: 'EN-GB', pt: 'PT-PT' }

export async function translateTexts(config: DeepLConfig, input: { texts: string[]; sourceLocale: string; targetLocale: string }): Promise<string[]> {
  if (!input.texts.length) return []
  const endpoint = /\/v2\/translate\/?$/.test(config.url) ? config.url : `${config.url.replace(/\/+$/, '')}/v2/translate`
  const target = TARGETS[input.targetLocale.toLowerCase()] ?? input.targetLocale.split('-')[0]!.toUpperCase()
  let response: Response
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { Authorization: `DeepL-Auth-Key ${config.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        text: input.texts.map((text) => text.replace(/\{(\w+)\}/g, '<ph>$1</ph>')),
        source_lang: input.sourceLocale.split('-')[0]!.toUpperCase(),
        target_lang: target,
        tag_handling: 'xml',
        ignore_tags: ['ph'],
      }),
      signal: AbortSignal.timeout(20_000),
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
  return translations.map((text) => text!.replace(/<ph>(\w+)<\/ph>/g, '{$1}'))
}
