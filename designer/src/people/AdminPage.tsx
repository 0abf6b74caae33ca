import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { LanguageSwitch } from '../components/LanguageSwitch'
import { formatDateTime, useLanguage, useT, type MessageKey } from '../i18n'
import { parseSubsidiaries, ROLES, type AdminKey, type AdminUser, type AuditEntry, type Invite } from './people-api'
import { useSession } from './session'
import { UserMenu } from './UserMenu'

type Tab = 'users' | 'keys' | 'workspaces' | 'audit'
const TABS: [Tab, MessageKey][] = [['users', 'admin.users'], ['keys', 'admin.apiKeys'], ['workspaces', 'admin.workspaces'], ['audit', 'admin.audit']]

/** Users, API keys, workspaces (pool aliases) and the audit log, for admins. */
export function AdminPage() {
  const t = useT()
  const [tab, setTab] = useState<Tab>('users')
  return (
    <div className="people-page">
      <header className="app__header">
        <a className="brand" href="/">Kessler Campaigns</a>
        <span className="app__title">{t('people.admin')}</span>
        <UserMenu />
        <LanguageSwitch />
      </header>
      <nav className="people-tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className="button" data-testid={`admin-tab-${id}`} onClick={() => setTab(id)}>
            {t(label)}
          </button>
        ))}
      </nav>
      <main className="people-page__main">{tab === 'users' ? <Users /> : tab === 'keys' ? <Keys /> : tab === 'workspaces' ? <Workspaces /> : <Audit />}</main>
    </div>
  )
}

const roleName = (t: ReturnType<typeof useT>, role: string) => t(`role.${role}` as MessageKey)
const scope = (subs: '*' | string[]) => (subs === '*' ? '*' : subs.join(', '))

function Users() {
  const t = useT()
  const api = useSession((state) => state.api)
  const [users, setUsers] = useState<AdminUser[]>([])
  const [form, setForm] = useState({ email: '', name: '', role: 'subsidiary_marketer', subsidiaries: 'FR', locale: '' })
  const [message, setMessage] = useState<string | null>(null)
  const load = useCallback(() => void api.users().then((r) => setUsers(r.users)), [api])
  useEffect(load, [load])
  const invite = async (event: FormEvent) => {
    event.preventDefault()
    try {
      // The selects offer only the contract's roles and languages.
      await api.invite({ email: form.email, name: form.name, role: form.role as Invite['role'], subsidiaries: parseSubsidiaries(form.subsidiaries), locale: (form.locale || null) as Invite['locale'] })
      setMessage(t('admin.invited', { email: form.email }))
      load()
    } catch (problem) {
      setMessage((problem as Error).message)
    }
  }
  const change = async (id: string, patch: Record<string, unknown>) => {
    try {
      await api.changeUser(id, patch)
      load()
    } catch (problem) {
      setMessage((problem as Error).message)
    }
  }
  return (
    <section>
      <table className="leads__table" data-testid="users">
        <thead>
          <tr>
            <th>{t('admin.name')}</th>
            <th>{t('auth.email')}</th>
            <th>{t('admin.role')}</th>
            <th>{t('people.subsidiary')}</th>
            <th>{t('admin.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.name}</td>
              <td>{u.email}</td>
              <td>
                <select aria-label={`${t('admin.role')} ${u.email}`} value={u.role} onChange={(e) => void change(u.id, { role: e.target.value })}>
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {roleName(t, role)}
                    </option>
                  ))}
                </select>
              </td>
              <td>{scope(u.subsidiaries)}</td>
              <td>{u.status}</td>
              <td>
                <button type="button" className="button" onClick={() => void change(u.id, { status: u.status === 'disabled' ? 'active' : 'disabled' })}>
                  {u.status === 'disabled' ? t('admin.enable') : t('admin.disable')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="people-form people-form--inline" onSubmit={invite} data-testid="invite">
        <input aria-label={t('auth.email')} placeholder={t('auth.email')} type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <input aria-label={t('admin.name')} placeholder={t('admin.name')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <select aria-label={t('admin.role')} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {roleName(t, role)}
            </option>
          ))}
        </select>
        <input aria-label={t('admin.subsidiaries')} title={t('admin.subsidiaries')} value={form.subsidiaries} onChange={(e) => setForm({ ...form, subsidiaries: e.target.value })} />
        <select aria-label={t('app.language')} value={form.locale} onChange={(e) => setForm({ ...form, locale: e.target.value })}>
          <option value="">—</option>
          {['en', 'de', 'fr', 'it', 'es'].map((code) => (
            <option key={code} value={code}>
              {code.toUpperCase()}
            </option>
          ))}
        </select>
        <button className="button button--primary" type="submit">{t('admin.invite')}</button>
      </form>
      {message && <p role="status">{message}</p>}
    </section>
  )
}

function Keys() {
  const t = useT()
  const language = useLanguage((state) => state.language)
  const api = useSession((state) => state.api)
  const [keys, setKeys] = useState<AdminKey[]>([])
  const [form, setForm] = useState({ name: '', role: 'hq_marketer', subsidiaries: '*' })
  const [shown, setShown] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const load = useCallback(() => void api.keys().then((r) => setKeys(r.keys)), [api])
  useEffect(load, [load])
  const create = async (event: FormEvent) => {
    event.preventDefault()
    try {
      setShown((await api.createKey({ name: form.name, role: form.role as Invite['role'], subsidiaries: parseSubsidiaries(form.subsidiaries) })).key)
      setMessage(null)
      load()
    } catch (problem) {
      setMessage((problem as Error).message)
    }
  }
  return (
    <section>
      <form className="people-form people-form--inline" onSubmit={create} data-testid="create-key">
        <input aria-label={t('admin.keyName')} placeholder={t('admin.keyName')} required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <select aria-label={t('admin.role')} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {roleName(t, role)}
            </option>
          ))}
        </select>
        <input aria-label={t('admin.subsidiaries')} title={t('admin.subsidiaries')} value={form.subsidiaries} onChange={(e) => setForm({ ...form, subsidiaries: e.target.value })} />
        <button className="button button--primary" type="submit">{t('admin.createKey')}</button>
      </form>
      {shown && (
        <p className="people-key" role="status">
          {t('admin.keyShownOnce')} <code data-testid="new-key">{shown}</code>
        </p>
      )}
      {message && <p className="message message--error">{message}</p>}
      <table className="leads__table" data-testid="keys">
        <thead>
          <tr>
            <th>{t('admin.keyName')}</th>
            <th>{t('admin.role')}</th>
            <th>{t('people.subsidiary')}</th>
            <th>{t('admin.lastUsed')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>
                {k.name} <code>{k.prefix}…</code>
              </td>
              <td>{roleName(t, k.role)}</td>
              <td>{scope(k.subsidiaries)}</td>
              <td>{k.lastUsedAt ? formatDateTime(language, k.lastUsedAt) : t('admin.never')}</td>
              <td>
                {k.revokedAt ? (
                  t('admin.revoked', { date: formatDateTime(language, k.revokedAt) })
                ) : (
                  <button type="button" className="button" data-testid={`revoke-${k.name}`} onClick={() => void api.revokeKey(k.id).then(load)}>
                    {t('admin.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

function Workspaces() {
  const t = useT()
  const api = useSession((state) => state.api)
  const [rows, setRows] = useState<{ subsidiary: string; name: string; poolAlias: unknown }[]>([])
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const [message, setMessage] = useState<string | null>(null)
  useEffect(() => {
    void api.adminWorkspaces().then((r) => {
      setRows(r.workspaces)
      setDrafts(Object.fromEntries(r.workspaces.map((w) => [w.subsidiary, JSON.stringify(w.poolAlias, null, 2)])))
    })
  }, [api])
  const save = async (code: string, name: string) => {
    try {
      await api.saveWorkspace(code, name, JSON.parse(drafts[code] ?? '{}'))
      setMessage(`${code}: ${t('people.saved')}`)
    } catch (problem) {
      setMessage(`${code}: ${(problem as Error).message}`)
    }
  }
  return (
    <section className="people-workspaces">
      {message && <p role="status">{message}</p>}
      {rows.map((w) => (
        <div key={w.subsidiary} className="people-form">
          <h3>
            {w.subsidiary} · {w.name}
          </h3>
          <label>
            {t('admin.poolAlias')}
            <textarea rows={10} value={drafts[w.subsidiary] ?? ''} onChange={(e) => setDrafts({ ...drafts, [w.subsidiary]: e.target.value })} />
          </label>
          <button className="button button--primary" type="button" onClick={() => void save(w.subsidiary, w.name)}>
            {t('people.save')}
          </button>
        </div>
      ))}
    </section>
  )
}

function Audit() {
  const t = useT()
  const language = useLanguage((state) => state.language)
  const api = useSession((state) => state.api)
  const [entries, setEntries] = useState<AuditEntry[]>([])
  useEffect(() => void api.audit().then((r) => setEntries(r.entries)), [api])
  return (
    <table className="leads__table" data-testid="audit">
      <thead>
        <tr>
          <th>{t('admin.when')}</th>
          <th>{t('admin.who')}</th>
          <th>{t('ws.label')}</th>
          <th>{t('admin.action')}</th>
          <th>{t('admin.target')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id}>
            <td>{formatDateTime(language, e.at)}</td>
            <td>{e.actorName ?? e.actor}</td>
            <td>{e.workspace ?? ''}</td>
            <td>{e.action}</td>
            <td>{e.target ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
