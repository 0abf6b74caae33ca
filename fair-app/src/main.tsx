import { createRoot } from 'react-dom/client'
import { App } from './App'
import './styles.css'

createRoot(document.getElementById('root')!).render(<App />)
// The service worker keeps the app's shell for offline starts (scope /fair/).
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/fair/sw.js', { scope: '/fair/' })
