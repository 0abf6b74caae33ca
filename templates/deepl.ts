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

/**
 * One call of POST /v2/translate: the texts as they are, with DeepL's tag handling and the tags it must
 * leave alone. Failures (unreachable, refused key, quota, a short answer) are DeepLError with status 502.
 */
export async function deeplTranslate(
  config: DeepLConfig,
  input: { texts: string[]; sourceLocale: string; targetLocale: string; tagHandling: 'xml' | 'html'; ignoreTags: string[]; timeoutMs: number },
): Promise<string[]> {
  if (!input.texts.length) return []
  const endpoint = /\/v2\/translate\/?$/.test(config.url) ? config.url : `${config.url.replace(/\/+$/, '')}/v2/translate`
  let response: Response
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { Authorization: `DeepL-Auth-Key ${config.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        text: input.texts,
        source_lang: input.sourceLocale.split('-')[0]!.toUpperCase(),
        target_lang: TARGETS[input.targetLocale.toLowerCase()] ?? input.targetLocale.split('-')[0]!.toUpperCase(),
        tag_handling: input.tagHandling,
        ignore_tags: input.ignoreTags,
      }),
      signal: AbortSignal.timeout(input.timeoutMs),
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
  return translations as string[]
}

export async function translateTexts(config: DeepLConfig, input: { texts: string[]; sourceLocale: string; targetLocale: string }): Promise<string[]> {
  const texts = input.texts.map((text) => text.replace(/\{(\w+)\}/g, '<ph>$1</ph>'))
  const translations = await deeplTranslate(config, { ...input, texts, tagHandling: 'xml', ignoreTags: ['ph'], timeoutMs: 20_000 })
  return translations.map((text) => text.replace(/<ph>(\w+)<\/ph>/g, '{$1}'))
}
