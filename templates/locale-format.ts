import type { Liquid } from 'liquidjs'

/**
 * Liquid filters that format per the mail's locale (the scope's `locale`): dates and numbers read the way
 * a recipient in Lyon or Milan expects ("1 septembre 2026", "1 234,50 €"), not the German way.
 * {{ contact.attributes.maintenance_due | format_date }}, {{ x | format_date: 'short' }},
 * {{ price | format_number }}, {{ price | format_number: 2 }}, {{ price | format_currency: 'EUR' }}.
 * Empty or unreadable input gives an empty string rather than "Invalid Date" in a customer's mail.
 */
export const localeFilters: Record<string, (locale: string, value: unknown, arg: unknown) => string> = {
  format_date(locale, value, style = 'long') {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : null
    if (!date || Number.isNaN(date.getTime())) return ''
    const dateStyle = style === 'short' || style === 'medium' || style === 'full' ? style : 'long'
    // Date-only values ("2026-09-01") are calendar days: formatting them in UTC keeps the day.
    return cached(`d|${locale}|${dateStyle}`, () => new Intl.DateTimeFormat(locale, { dateStyle, timeZone: 'UTC' })).format(date)
  },
  format_number(locale, value, decimals) {
    const number = toNumber(value)
    if (Number.isNaN(number)) return ''
    const digits = typeof decimals === 'number' ? decimals : undefined
    return cached(`n|${locale}|${digits}`, () => new Intl.NumberFormat(locale, digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits })).format(number)
  },
  format_currency(locale, value, currency = 'EUR') {
    const number = toNumber(value)
    if (Number.isNaN(number)) return ''
    const code = typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'EUR'
    return cached(`c|${locale}|${code}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency: code })).format(number)
  },
}

const toNumber = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN)

// Intl formatters are slow to build and fast to use: one per locale and style for the process.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let formatter = formatters.get(key)
  if (!formatter) formatters.set(key, (formatter = make()))
  return formatter as T
}

export const scopeLocale = (scope: unknown): string => {
  const locale = (scope as { locale?: unknown } | undefined)?.locale
  return typeof locale === 'string' ? locale : 'de'
}

export function registerLocaleFilters(engine: Liquid): void {
  for (const [name, format] of Object.entries(localeFilters)) {
    engine.registerFilter(name, function (this: { context: { environments?: unknown } }, value: unknown, arg: unknown) {
      return format(scopeLocale(this.context.environments), value, arg)
    })
  }
}
