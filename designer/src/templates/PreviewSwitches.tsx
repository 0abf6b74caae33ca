import { useT } from '../i18n'
import type { Overview } from './templates-api'
import type { ContactChoice } from './use-template-editor'

export interface PreviewChoice {
  subsidiary: string
  /** '' = the subsidiary's own language. */
  locale: string
  contact: ContactChoice
  /** The mail a master, derived template or block is shown in. */
  mail: string
}

/** Subsidiary, locale, sample contact (sample fields or a stored contact's e-mail) and, for non-mails, the mail to show. */
export function PreviewSwitches({ overview, choice, onChange, fixedSubsidiary, pickMail }: { overview: Overview; choice: PreviewChoice; onChange(next: PreviewChoice): void; fixedSubsidiary: boolean; pickMail: boolean }) {
  const t = useT()
  const set = (patch: Partial<PreviewChoice>) => onChange({ ...choice, ...patch })
  const contact = choice.contact
  const own = overview.subsidiaries.find((s) => s.code === choice.subsidiary)?.locale
  return (
    <div className="tpl-switches">
      <label>
        {t('tpl.subsidiary')}
        <select data-testid="preview-subsidiary" value={choice.subsidiary} disabled={fixedSubsidiary} onChange={(event) => set({ subsidiary: event.target.value })}>
          {overview.subsidiaries.map((s) => (
            <option key={s.code} value={s.code}>
              {s.code}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('tpl.locale')}
        <select data-testid="preview-locale" value={choice.locale} onChange={(event) => set({ locale: event.target.value })}>
          <option value="">{t('tpl.ownLocale', { locale: own ?? '?' })}</option>
          {overview.locales.map((l) => (
            <option key={l.key} value={l.key}>
              {l.key}
            </option>
          ))}
        </select>
      </label>
      {pickMail && (
        <label>
          {t('tpl.previewMail')}
          <select data-testid="preview-mail" value={choice.mail} onChange={(event) => set({ mail: event.target.value })}>
            {overview.mails.map((m) => (
              <option key={m.key} value={m.key}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('tpl.contact')}
        <select
          data-testid="preview-contact-mode"
          value={contact.mode}
          onChange={(event) => set({ contact: event.target.value === 'stored' ? { mode: 'stored', email: '' } : { mode: 'sample', firstName: 'Anna', lastName: 'Muster', salutation: 'ms', company: 'Muster Maschinenbau GmbH' } })}
        >
          <option value="sample">{t('tpl.sampleContact')}</option>
          <option value="stored">{t('tpl.storedContact')}</option>
        </select>
      </label>
      {contact.mode === 'stored' ? (
        <input type="email" data-testid="preview-contact-email" aria-label={t('tpl.contactEmail')} placeholder={t('tpl.contactEmail')} value={contact.email} onChange={(event) => set({ contact: { ...contact, email: event.target.value } })} />
      ) : (
        <>
          <select aria-label={t('tpl.salutation')} data-testid="preview-salutation" value={contact.salutation} onChange={(event) => set({ contact: { ...contact, salutation: event.target.value as 'mr' | 'ms' | 'none' } })}>
            <option value="ms">{t('tpl.ms')}</option>
            <option value="mr">{t('tpl.mr')}</option>
            <option value="none">{t('tpl.noSalutation')}</option>
          </select>
          <input aria-label={t('tpl.firstName')} placeholder={t('tpl.firstName')} data-testid="preview-first-name" value={contact.firstName} onChange={(event) => set({ contact: { ...contact, firstName: event.target.value } })} />
          <input aria-label={t('tpl.lastName')} placeholder={t('tpl.lastName')} data-testid="preview-last-name" value={contact.lastName} onChange={(event) => set({ contact: { ...contact, lastName: event.target.value } })} />
          <input aria-label={t('tpl.company')} placeholder={t('tpl.company')} value={contact.company} onChange={(event) => set({ contact: { ...contact, company: event.target.value } })} />
        </>
      )}
    </div>
  )
}
