import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The booth app (issue 17): its own small bundle under /fair/, so its service worker's scope is only the
// app and a phone at the stand loads neither the designer nor React Flow.
const appRoot = fileURLToPath(new URL('.', import.meta.url))
const repoRoot = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  root: appRoot,
  base: '/fair/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { fs: { allow: [repoRoot] }, proxy: { '/api': 'http://localhost:3000' } },
})
