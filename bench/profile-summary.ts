import { readFileSync } from 'node:fs'

// Summarises a .cpuprofile (bench/cpu-account.ts cpuProfiler, or `node --cpu-prof`): self time by where
// the code lives (a package, a file of ours, Node's internals, GC, idle), per item if given.
//   npx tsx bench/profile-summary.ts FILE.cpuprofile [items] [top]

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

const [file, itemsText, topText] = process.argv.slice(2)
if (!file) throw new Error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [items] [top]')
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }
const items = Number(itemsText ?? 1)
const top = Number(topText ?? 25)

const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)))

const place = (node: ProfileNode): string => {
  const { url, functionName } = node.callFrame
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0]
  return url.replace(/^file:\/\/.*?\/(?=(activities|api|bench|db|engine|mailings|server|templates|tracking|fairs|people)\/)/, '')
}

const groups = new Map<string, number>()
const functions = new Map<string, number>()
let total = 0
for (const [id, us] of selfUs) {
  const node = byId.get(id)!
  total += us
  groups.set(place(node), (groups.get(place(node)) ?? 0) + us)
  const name = `${node.callFrame.functionName || '(anonymous)'} ${place(node)}:${node.callFrame.lineNumber + 1}`
  functions.set(name, (functions.get(name) ?? 0) + us)
}

const per = (us: number) => (us / 1000 / items).toFixed(3)
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled, ${items} items; ms per item (share)`)
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`)
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${per(us).padStart(8)}  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`)
}
print('by place', groups)
print('by function', functions)
