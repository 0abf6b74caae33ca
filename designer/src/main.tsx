import '@xyflow/react/dist/style.css'
import './styles.css'
import './people/people.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { takeAccessToken } from './auth'

const token = takeAccessToken({ location: window.location, history: window.history, storage: window.sessionStorage })

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App token={token} />
  </StrictMode>,
)
