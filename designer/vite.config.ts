import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The designer is a static single-page app; the API serves designer/dist on the same origin.
const designerRoot = fileURLToPath(new URL('.', import.meta.url))
const repoRoot = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  root: designerRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One page, loaded once per session from localhost: React, React Flow and zod (shared with the
    // engine's node schemas) together are ~520 kB minified, which is fine here.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // The designer imports the node type registry from engine/, outside this root.
    fs: { allow: [repoRoot] },
    // `vite --config designer/vite.config.ts` for UI work against a running `npm run dev`.
    proxy: { '/api': 'http://localhost:3000' },
  },
})
