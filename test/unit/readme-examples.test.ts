import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { findNodeType, nodeTypes } from '../../engine/nodes'

// The node table of docs/campaign-graph.md (moved there from the README) shows an example config for every node type; each must be one the node type
// accepts, and every registered node type must be documented there.
const readme = readFileSync(new URL('../../docs/campaign-graph.md', import.meta.url), 'utf8')
const rows = readme
  .split('\n')
  .filter((line) => /^\| `[a-z_]+` \|/.test(line))
  .map((line) => ({ type: /^\| `([a-z_]+)`/.exec(line)![1]!, examples: [...(line.split(' | ').at(-1) ?? '').matchAll(/`(\{.*?\})`/g)].map((m) => m[1]!) }))
  .filter((row) => findNodeType(row.type))

describe('docs/campaign-graph.md node table', () => {
  it('documents every node type', () => {
    expect(rows.map((row) => row.type).sort()).toEqual(Object.keys(nodeTypes).sort())
  })

  it.each(rows)('gives a valid example config for $type', ({ type, examples }) => {
    expect(examples.length).toBeGreaterThan(0)
    for (const example of examples) {
      const parsed = findNodeType(type)!.configSchema.safeParse(JSON.parse(example))
      expect(parsed.success, `${type}: ${example}: ${parsed.error?.message}`).toBe(true)
    }
  })
})
