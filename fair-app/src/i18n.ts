import { FAIR_MESSAGES, type FairMessageKey } from '../../designer/src/locales/fair'

// The booth app speaks the phone's language when it is one of the five; the words are the designer's
// catalogue (designer/src/locales/fair.ts), imported alone so the app stays small.
export type Language = keyof typeof FAIR_MESSAGES
const LANGUAGES = Object.keys(FAIR_MESSAGES) as Language[]

export const language: Language =
  (navigator.languages ?? [navigator.language]).map((tag) => tag.slice(0, 2).toLowerCase()).find((code): code is Language => (LANGUAGES as string[]).includes(code)) ?? 'en'

export function t(key: FairMessageKey, values: Record<string, string | number> = {}): string {
  return FAIR_MESSAGES[language][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`))
}
