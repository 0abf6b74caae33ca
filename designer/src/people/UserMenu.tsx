import { useEffect, useState } from 'react'
import { useT } from '../i18n'
import { useSession } from './session'
import type { MessageKey } from '../i18n'

/** The header's right end: who is signed in, the workspace (HQ may switch), contacts, admin, sign out. */
export function UserMenu() {
  const t = useT()
  const { me, api, signedOut } = useSession()
  const [workspaces, setWorkspaces] = useState<{ mayLeave: boolean; workspaces: { subsidiary: string; name: string }[] } | null>(null)
  useEffect(() => {
    if (me?.via === 'session') api.workspaces().then(setWorkspaces, () => {})
  }, [me, api])
  if (!me) return null
  const switchTo = async (code: string) => {
    await api.switchWorkspace(code === '' ? null : code)
    window.location.reload()
  }
  const choices = workspaces?.workspaces ?? []
  return (
    <span className="user-menu">
      {me.via === 'session' && (choices.length > 1 || workspaces?.mayLeave) && (
        <select className="language" aria-label={t('ws.label')} data-testid="workspace" value={me.workspace ?? ''} onChange={(e) => void switchTo(e.target.value)}>
          {workspaces?.mayLeave && <option value="">{t('ws.global')}</option>}
          {choices.map((w) => (
            <option key={w.subsidiary} value={w.subsidiary}>
              {w.subsidiary} · {w.name}
            </option>
          ))}
        </select>
      )}
      {me.permissions.includes('contacts.read') && (
        <a className="button" href="?view=pool" data-testid="contacts-link">
          {t('people.contacts')}
        </a>
      )}
      {me.permissions.includes('admin.users') && (
        <a className="button" href="?view=admin" data-testid="admin-link">
          {t('people.admin')}
        </a>
      )}
      <span className="user-menu__who" data-testid="signed-in-as">
        {t('auth.signedInAs', { name: me.name ?? me.user, role: t(`role.${me.role}` as MessageKey) })}
        {me.workspace ? ` · ${me.workspace}` : ''}
      </span>
      {me.via === 'session' && (
        <button type="button" className="button" data-testid="sign-out" onClick={() => void api.signOut().then(signedOut)}>
          {t('auth.signOut')}
        </button>
      )}
    </span>
  )
}
