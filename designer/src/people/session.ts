import { create } from 'zustand'
import { useLanguage, LANGUAGES, type Language } from '../i18n'
import { csrfToken } from '../auth'
import { peopleApi, type Me, type PeopleApi } from './people-api'

// Who is signed in, for every page: loaded once from /api/me (session cookie, or the API key the
// designer was opened with). The user's language, when they chose one, wins over the browser's.

interface SessionState {
  token: string | null
  api: PeopleApi
  me: Me | null
  status: 'loading' | 'signed-in' | 'signed-out'
  load(token: string | null): Promise<void>
  signedIn(me: Me): void
  signedOut(): void
}

const applyLocale = (me: Me) => {
  if (me.locale && LANGUAGES.includes(me.locale as Language)) useLanguage.getState().setLanguage(me.locale as Language)
}

export const useSession = create<SessionState>()((set) => ({
  token: null,
  api: peopleApi(null),
  me: null,
  status: 'loading',
  async load(token) {
    const api = peopleApi(token)
    set({ token, api })
    // No key and no session cookies (the readable CSRF cookie travels with the HttpOnly one): nobody is
    // signed in, and there is no need for a 401 from /api/me to say so.
    if (!token && !csrfToken()) return set({ me: null, status: 'signed-out' })
    try {
      const me = await api.me()
      applyLocale(me)
      set({ me, status: 'signed-in' })
    } catch {
      set({ me: null, status: 'signed-out' })
    }
  },
  signedIn(me) {
    applyLocale(me)
    set({ me, status: 'signed-in' })
  },
  signedOut() {
    set({ me: null, status: 'signed-out' })
    window.history.replaceState(null, '', '/')
  },
}))
