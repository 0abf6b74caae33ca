// The designer may be opened with an API key in the fragment (#token=…, as tests and kiosks do). It lives in the fragment so it never reaches
// server logs; we move it into sessionStorage (per tab, gone when the tab closes) and out of the
// visible URL, so it is not shared by copying the address bar or left in the history.

const STORAGE_KEY = 'kessler.designer.token'

export interface TokenSources {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>
  history: Pick<History, 'replaceState'>
  storage: Pick<Storage, 'getItem' | 'setItem'>
}

export function takeAccessToken({ location, history, storage }: TokenSources): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
  if (fromHash) {
    storage.setItem(STORAGE_KEY, fromHash)
    history.replaceState(null, '', location.pathname + location.search)
    return fromHash
  }
  return storage.getItem(STORAGE_KEY)
}

export const NO_TOKEN_MESSAGE = 'Sign in again (reload the page), or ask an admin for the permission.'

// Without a key in the fragment the designer runs on the session cookie (signed in on its sign-in page):
// the browser sends the HttpOnly cookie by itself; writes add the session's CSRF token, read from the
// kessler_csrf cookie, which another site's page cannot read.
const CSRF_COOKIE = 'kessler_csrf'

export function csrfToken(cookie: string = typeof document === 'undefined' ? '' : document.cookie): string | null {
  const match = cookie.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${CSRF_COOKIE}=`))
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : null
}

/** The headers that authenticate a request: the API key when the designer was opened with one, else the session's CSRF token on writes. */
export function authHeaders(token: string | null, method = 'GET'): Record<string, string> {
  if (token) return { authorization: `Bearer ${token}` }
  if (method === 'GET' || method === 'HEAD') return {}
  const csrf = csrfToken()
  return csrf ? { 'x-csrf-token': csrf } : {}
}
