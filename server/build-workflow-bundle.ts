import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { bundleCampaignWorkflows } from './campaign-worker'

// `npm run build:workflows [-- path]`: the campaign workflow bundle, built once ahead (the image does it
// at build time) so that a worker started with WORKFLOW_BUNDLE=<path> polls at once: bundling takes
// seconds of CPU, which a worker restarted after a crash should not spend.
const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js')
const { code } = await bundleCampaignWorkflows()
await mkdir(dirname(out), { recursive: true })
await writeFile(out, code)
console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB)`)
