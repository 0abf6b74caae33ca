// `npm start` prints http://localhost:3000/#token=… . The token lives in the fragment so it never reaches
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

export const NO_TOKEN_MESSAGE = 'Open the designer through the link printed by `npm start` (it carries your access token).'
