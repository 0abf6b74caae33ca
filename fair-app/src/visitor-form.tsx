import { useState } from 'react'
import type { CaptureInput, FairDay, VisitorProfile } from '../../api/contract/fairs'
import { RATINGS } from '../../api/contract/fairs-ratings'
import { language, t } from './i18n'
import { deviceName, queue, saveDay } from './store'

// A visitor at the stand: what is known (scanned) and what the rep adds, or a new visitor (the quick
// capture form). Each field remembers when it was changed here, so the server can merge what several reps
// captured field by field; only changed fields travel. "Start double opt-in" shows the consent text on
// this device and records which version, when, on which device (the server adds who).

type Field = 'firstName' | 'lastName' | 'company' | 'phone' | 'notes' | 'tags' | 'rating'
const TEXT_FIELDS: Field[] = ['firstName', 'lastName', 'company', 'phone']

interface Props {
  day: FairDay
  source: 'scan' | 'form'
  token?: string
  profile: VisitorProfile | null
  onSaved(): void
  onCancel(): void
}

export function VisitorForm({ day, source, token, profile, onSaved, onCancel }: Props) {
  const captured = (name: string) => profile?.captured[name]?.value
  const initial: Record<Field, string> = {
    firstName: profile?.firstName ?? '',
    lastName: profile?.lastName ?? '',
    company: profile?.company ?? '',
    phone: String(captured('phone') ?? ''),
    notes: String(captured('notes') ?? ''),
    tags: ((captured('tags') as string[] | undefined) ?? []).join(', '),
    rating: String(captured('rating') ?? ''),
  }
  const [values, setValues] = useState(initial)
  const [changedAt, setChangedAt] = useState<Partial<Record<Field, string>>>({})
  const [email, setEmail] = useState('')
  const [asking, setAsking] = useState(false)
  const [consent, setConsent] = useState<CaptureInput['consent'] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)

  const change = (field: Field, value: string) => {
    setValues((v) => ({ ...v, [field]: value }))
    setChangedAt((c) => ({ ...c, [field]: new Date().toISOString() }))
  }
  const consentLocale = (['de', 'en', 'fr', 'it', 'es'] as const).find((l) => l === language && day.consentText?.texts[l]) ?? 'de'
  const consentText = day.consentText?.texts[consentLocale] ?? null

  const save = async () => {
    if (source === 'form' && !/^\S+@\S+\.\S+$/.test(email.trim())) return setProblem(t('fair.emailRequired'))
    const fields: Record<string, { value: unknown; at: string }> = {}
    for (const [field, at] of Object.entries(changedAt) as [Field, string][]) {
      const raw = values[field].trim()
      if (field === 'tags') fields.tags = { value: raw.split(',').map((tag) => tag.trim()).filter(Boolean), at }
      else if (field === 'rating') { if (raw) fields.rating = { value: raw, at } }
      else fields[field] = { value: raw, at }
    }
    const capture: CaptureInput = {
      id: crypto.randomUUID(),
      source,
      ...(source === 'scan' ? { token } : { email: email.trim() }),
      device: await deviceName(),
      capturedAt: new Date().toISOString(),
      fields: fields as CaptureInput['fields'],
      ...(consent ? { consent } : {}),
    }
    const label = source === 'form' ? email.trim() : [values.firstName, values.lastName].filter(Boolean).join(' ') || profile?.email || '?'
    await queue({ capture, label })
    // The edit shows at once in the prefetched profile, before it is synced.
    if (profile) {
      const updated = { ...profile, captured: { ...profile.captured, ...fields }, ...(consent ? { consent: 'pending' as const } : {}) }
      await saveDay({ ...day, profiles: day.profiles.map((p) => (p.contactId === profile.contactId ? updated : p)) })
    }
    onSaved()
  }

  return (
    <section data-testid={source === 'scan' ? 'visitor' : 'capture'}>
      <h2 data-testid="visitor-name">{source === 'form' ? t('fair.captureTitle') : [profile?.firstName, profile?.lastName].filter(Boolean).join(' ') || t('fair.visitor')}</h2>
      {source === 'scan' && !profile && <p>{t('fair.unknownVisitor')}</p>}
      {profile && (
        <dl className="profile">
          <dt>{t('fair.company')}</dt><dd>{profile.company}{profile.customer && ` · ${t('fair.customer')}`}</dd>
          <dt>{t('fair.subsidiary')}</dt><dd>{profile.subsidiary}</dd>
          <dt>{t('fair.consent')}</dt><dd data-testid="consent-state">{t(`fair.consent.${profile.consent}`)}</dd>
          {profile.score && <><dt>{t('fair.score')}</dt><dd>{profile.score.grade}{profile.score.level}</dd></>}
          {profile.products.length > 0 && <><dt>{t('fair.products')}</dt><dd>{profile.products.join(', ')}</dd></>}
          {profile.recentActivity.length > 0 && <><dt>{t('fair.activity')}</dt><dd>{profile.recentActivity.map((a) => `${a.type} ${new Date(a.at).toLocaleDateString(language)}`).join(' · ')}</dd></>}
          {profile.openHandovers.length > 0 && <><dt>{t('fair.handovers')}</dt><dd>{profile.openHandovers.map((h) => h.repEmail ?? '–').join(', ')}</dd></>}
        </dl>
      )}
      {source === 'form' && <label>{t('fair.email')}<input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} /></label>}
      {TEXT_FIELDS.map((field) => (
        <label key={field}>{t(`fair.${field}`)}<input name={field} value={values[field]} onChange={(e) => change(field, e.target.value)} /></label>
      ))}
      <label>{t('fair.notes')}<textarea name="notes" rows={3} value={values.notes} onChange={(e) => change('notes', e.target.value)} /></label>
      <label>{t('fair.tags')}<input name="tags" value={values.tags} onChange={(e) => change('tags', e.target.value)} /></label>
      <fieldset>
        <legend>{t('fair.rating')}</legend>
        {RATINGS.map((rating) => (
          <label key={rating} className="choice"><input type="radio" name="rating" value={rating} checked={values.rating === rating} onChange={() => change('rating', rating)} />{t(`fair.rating.${rating}`)}</label>
        ))}
        {values.rating === 'hot' && <small>{t('fair.hotHint')}</small>}
      </fieldset>
      {consent ? (
        <p data-testid="consent-taken">{t('fair.consentTaken', { rep: day.rep.name ?? day.rep.email, version: `v${consent.textVersion} ${consent.locale}` })}</p>
      ) : profile?.consent !== 'granted' && (
        asking ? (
          <div className="consent">
            <p>{t('fair.consentShow')}</p>
            {consentText ? <blockquote data-testid="consent-text">{consentText}</blockquote> : <p role="alert">{t('fair.consentNoText')}</p>}
            {consentText && <button data-testid="consent-agree" onClick={() => (setConsent({ textVersion: day.consentText!.version, locale: consentLocale, collectedAt: new Date().toISOString() }), setAsking(false))}>{t('fair.consentAgree')}</button>}
            <button className="quiet" onClick={() => setAsking(false)}>{t('fair.consentCancel')}</button>
          </div>
        ) : <button data-testid="start-opt-in" onClick={() => setAsking(true)}>{t('fair.startOptIn')}</button>
      )}
      {problem && <p role="alert">{problem}</p>}
      <nav>
        <button data-testid="save" onClick={() => void save()}>{t('fair.save')}</button>
        <button className="quiet" onClick={onCancel}>{t('fair.back')}</button>
      </nav>
    </section>
  )
}
