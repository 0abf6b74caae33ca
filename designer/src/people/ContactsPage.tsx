import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { LanguageSwitch } from '../components/LanguageSwitch'
import { formatDateTime, useLanguage, useT } from '../i18n'
import { useSession } from './session'
import type { ContactDetail, ContactSummary } from './people-api'
import { UserMenu } from './UserMenu'

/** The caller's pool (a workspace's alias, or everything for HQ): search, open, edit; with the edit history. */
export function ContactsPage() {
  const t = useT()
  const api = useSession((state) => state.api)
  const [search, setSearch] = useState('')
  const [list, setList] = useState<ContactSummary[]>([])
  const [open, setOpen] = useState<string | null>(null)

  const reload = useCallback(() => void api.contacts(search).then((r) => setList(r.contacts), () => setList([])), [api, search])
  useEffect(reload, [reload])

  return (
    <div className="people-page">
      <header className="app__header">
        <a className="brand" href="/">Kessler Campaigns</a>
        <span className="app__title">{t('people.contacts')}</span>
        <UserMenu />
        <LanguageSwitch />
      </header>
      <main className="people-page__main">
        <section className="people-page__list">
          <input className="people-search" placeholder={t('people.search')} aria-label={t('people.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
          {list.length === 0 && <p>{t('people.noContacts')}</p>}
          <table className="leads__table" data-testid="contact-list">
            <tbody>
              {list.map((c) => (
                <tr key={c.id} aria-selected={open === c.id} onClick={() => setOpen(c.id)} className="people-row">
                  <td>
                    {c.name ?? c.email}
                    <div className="leads__email">{c.email}</div>
                  </td>
                  <td>{c.company}</td>
                  <td>{c.subsidiary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {open && <ContactEditor key={open} id={open} onSaved={reload} />}
      </main>
    </div>
  )
}

function ContactEditor({ id, onSaved }: { id: string; onSaved(): void }) {
  const t = useT()
  const language = useLanguage((state) => state.language)
  const api = useSession((state) => state.api)
  const [detail, setDetail] = useState<ContactDetail | null>(null)
  const [form, setForm] = useState({ firstName: '', lastName: '', company: '' })
  const [message, setMessage] = useState<string | null>(null)

  const load = useCallback(
    () =>
      void api.contact(id).then((d) => {
        setDetail(d)
        setForm({ firstName: d.contact.firstName ?? '', lastName: d.contact.lastName ?? '', company: d.contact.company ?? '' })
      }),
    [api, id],
  )
  useEffect(load, [load])

  const save = async (event: FormEvent) => {
    event.preventDefault()
    try {
      await api.editContact(id, { firstName: form.firstName || null, lastName: form.lastName || null, company: form.company || null })
      setMessage(t('people.saved'))
      load()
      onSaved()
    } catch (problem) {
      setMessage((problem as Error).message)
    }
  }

  if (!detail) return null
  const c = detail.contact
  return (
    <section className="people-page__detail" data-testid="contact-detail">
      <h2>{c.email}</h2>
      <form className="people-form" onSubmit={save}>
        <label>
          {t('tpl.firstName')}
          <input name="firstName" value={form.firstName} onChange={(e) => setForm({ ...form, firstName: e.target.value })} />
        </label>
        <label>
          {t('tpl.lastName')}
          <input name="lastName" value={form.lastName} onChange={(e) => setForm({ ...form, lastName: e.target.value })} />
        </label>
        <label>
          {t('tpl.company')}
          <input name="company" value={form.company} onChange={(e) => setForm({ ...form, company: e.target.value })} />
        </label>
        <p>
          {t('people.subsidiary')}: {c.subsidiary}
        </p>
        <button className="button button--primary" type="submit">{t('people.save')}</button>
        {message && <p role="status">{message}</p>}
      </form>
      <h3>{t('people.history')}</h3>
      {detail.history.length === 0 && <p>{t('people.noHistory')}</p>}
      <ul className="people-history" data-testid="contact-history">
        {detail.history.map((h, i) => (
          <li key={i}>
            <strong>
              {h.workspace
                ? t('people.changedBy', { date: formatDateTime(language, h.at), name: h.byName ?? h.by, workspace: h.workspace })
                : t('people.changedByHq', { date: formatDateTime(language, h.at), name: h.byName ?? h.by })}
            </strong>
            <ul>
              {Object.entries(h.changes).map(([field, change]) => (
                <li key={field}>
                  {field.startsWith('attributes.') ? t('people.attribute', { name: field.slice(11) }) : field}: {String(change.from ?? '—')} → {String(change.to ?? '—')}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  )
}
