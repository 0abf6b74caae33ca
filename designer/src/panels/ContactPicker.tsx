import { useEffect, useState } from 'react'
import type { ContactSummary } from '../api'
import { useApi } from '../designer-context'
import { useT } from '../i18n'

/**
 * An e-mail field that searches the contacts as you type (GET /api/contacts) and lists the matches to pick
 * from, so a marketer finds a sample contact by name or company without knowing addresses by heart.
 */
export function ContactPicker({ value, onChange }: { value: string; onChange(email: string): void }) {
  const t = useT()
  const api = useApi()
  const [matches, setMatches] = useState<ContactSummary[] | null>(null)

  useEffect(() => {
    let current = true
    // A short pause, so typing a name asks once instead of once per letter.
    const timer = setTimeout(() => {
      api.searchContacts(value).then(
        (contacts) => current && setMatches(contacts),
        () => current && setMatches([]),
      )
    }, 200)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [api, value])

  // The chosen contact is the only match: nothing left to pick.
  const picked = matches?.length === 1 && matches[0]!.email.toLowerCase() === value.trim().toLowerCase()
  return (
    <div className="field contact-picker">
      <label className="field__label" htmlFor="sim-contact">
        {t('sim.contact')}
      </label>
      <input
        id="sim-contact"
        type="search"
        required
        autoComplete="off"
        data-testid="sim-contact"
        placeholder={t('sim.contactSearch')}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {matches && !picked && (
        <ul className="contact-picker__matches" data-testid="sim-contact-matches">
          {matches.length === 0 && <li className="panel__empty">{t('sim.noContacts')}</li>}
          {matches.map((contact) => (
            <li key={contact.id}>
              <button type="button" className="contact-picker__match" data-testid="sim-contact-option" data-email={contact.email} onClick={() => onChange(contact.email)}>
                <strong>{contact.name ?? contact.email}</strong> <span>{contact.company}</span> <span className="contact-picker__sub">{contact.subsidiary}</span>
                <br />
                <small>{contact.email}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
