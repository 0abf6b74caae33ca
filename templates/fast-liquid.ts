/**
 * A compiled fast path for the Liquid that mail templates actually use, so that a personalised mail
 * costs microseconds rather than liquidjs's generator machinery per output (most of the per-recipient
 * time). Supported: plain text, {{ path | filter: arg, … }} with the filters below, and
 * {% if / elsif / else / endif %}, {% unless %} on a path or a comparison of a path with a literal.
 * Anything else returns null from compileFast and the caller renders with liquidjs, so templates keep
 * all of Liquid; a unit test renders every built-in mail both ways and compares them.
 */
export type FastTemplate = (scope: Record<string, unknown>) => string

type Value = unknown
type Getter = (scope: Record<string, unknown>) => Value
type Filter = (value: Value, args: Value[], scope: Record<string, unknown>) => Value
type Node = (scope: Record<string, unknown>, out: string[]) => void

export interface FastOptions {
  escape: boolean
  /** Filters beyond the built-in ones (the locale formatters), by name. */
  filters: Record<string, Filter>
}

const BUILT_IN_FILTERS: Record<string, Filter> = {
  // liquidjs semantics: strings and arrays are replaced when empty; otherwise only nil and false are.
  default: (value, [fallback]) => ((typeof value === 'string' || Array.isArray(value) ? value.length === 0 : value === null || value === undefined || value === false) ? fallback : value),
  upcase: (value) => stringify(value).toUpperCase(),
  downcase: (value) => stringify(value).toLowerCase(),
  capitalize: (value) => {
    const text = stringify(value)
    return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase()
  },
  strip: (value) => stringify(value).trim(),
}

export function stringify(value: Value): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map(stringify).join('')
  return String(value)
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' }
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!)

const MARKUP = /\{\{-?([\s\S]*?)-?\}\}|\{%-?([\s\S]*?)-?%\}/g
const PATH = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*$/
const STRING = /^(?:'([^']*)'|"([^"]*)")$/
const NUMBER = /^-?\d+(?:\.\d+)?$/

class Unsupported extends Error {}

export function compileFast(source: string, options: FastOptions): FastTemplate | null {
  // Whitespace control ({{- -}}) trims around markup: leave it to liquidjs.
  if (/\{\{-|-\}\}|\{%-|-%\}/.test(source)) return null
  try {
    const tokens: ({ text: string } | { output: string } | { tag: string })[] = []
    let last = 0
    for (const match of source.matchAll(MARKUP)) {
      if (match.index! > last) tokens.push({ text: source.slice(last, match.index) })
      if (match[1] !== undefined) tokens.push({ output: match[1].trim() })
      else tokens.push({ tag: match[2]!.trim() })
      last = match.index! + match[0].length
    }
    if (last < source.length) tokens.push({ text: source.slice(last) })
    if (tokens.some((token) => 'text' in token && /\{\{|\{%/.test(token.text))) return null
    let position = 0
    const filters = { ...BUILT_IN_FILTERS, ...options.filters }

    function block(until: string[]): { nodes: Node[]; end: string } {
      const nodes: Node[] = []
      while (position < tokens.length) {
        const token = tokens[position++]!
        if ('text' in token) {
          const text = token.text
          nodes.push((_, out) => void out.push(text))
        } else if ('output' in token) {
          const expression = compileExpression(token.output, filters)
          nodes.push(options.escape ? (scope, out) => void out.push(escapeHtml(stringify(expression(scope)))) : (scope, out) => void out.push(stringify(expression(scope))))
        } else {
          const [name = '', ...rest] = token.tag.split(/\s+/)
          const argument = rest.join(' ')
          if (until.includes(name)) return { nodes, end: token.tag }
          if (name === 'if' || name === 'unless') nodes.push(conditional(name, argument))
          else throw new Unsupported(name)
        }
      }
      if (until.length) throw new Unsupported('unclosed block')
      return { nodes, end: '' }
    }

    function conditional(name: 'if' | 'unless', firstCondition: string): Node {
      const branches: { test: Getter; nodes: Node[] }[] = []
      let otherwise: Node[] = []
      let condition = firstCondition
      const closing = name === 'if' ? 'endif' : 'endunless'
      for (;;) {
        const { nodes, end } = block(name === 'if' ? ['elsif', 'else', closing] : ['else', closing])
        const test = compileCondition(condition)
        branches.push({ test: name === 'unless' && branches.length === 0 ? (scope) => !truthy(test(scope)) : test, nodes })
        const [endName = '', ...rest] = end.split(/\s+/)
        if (endName === 'elsif') {
          condition = rest.join(' ')
          continue
        }
        if (endName === 'else') {
          const tail = block([closing])
          otherwise = tail.nodes
        }
        break
      }
      return (scope, out) => {
        for (const branch of branches) {
          if (truthy(branch.test(scope))) return run(branch.nodes, scope, out)
        }
        run(otherwise, scope, out)
      }
    }

    const nodes = block([]).nodes
    return (scope) => {
      const out: string[] = []
      run(nodes, scope, out)
      return out.join('')
    }
  } catch (error) {
    if (error instanceof Unsupported) return null
    throw error
  }
}

function run(nodes: Node[], scope: Record<string, unknown>, out: string[]) {
  for (const node of nodes) node(scope, out)
}

// Liquid truthiness: only nil and false are false (an empty string is true).
const truthy = (value: Value) => value !== null && value !== undefined && value !== false

function compileCondition(condition: string): Getter {
  const comparison = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(condition)
  if (comparison) {
    const left = compileOperand(comparison[1]!.trim())
    const right = compileOperand(comparison[3]!.trim())
    return comparison[2] === '==' ? (scope) => left(scope) === right(scope) : (scope) => left(scope) !== right(scope)
  }
  if (/\s(and|or|contains)\s|[<>]/.test(condition)) throw new Unsupported(condition)
  return compileOperand(condition.trim())
}

function compileOperand(text: string): Getter {
  const quoted = STRING.exec(text)
  if (quoted) {
    const value = quoted[1] ?? quoted[2] ?? ''
    return () => value
  }
  if (NUMBER.test(text)) {
    const value = Number(text)
    return () => value
  }
  if (text === 'true' || text === 'false' || text === 'nil' || text === 'null' || text === 'empty' || text === 'blank') {
    if (text === 'empty' || text === 'blank') throw new Unsupported(text)
    const value = text === 'true' ? true : text === 'false' ? false : null
    return () => value
  }
  if (!PATH.test(text)) throw new Unsupported(text)
  const parts = text.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '')
  return (scope) => {
    let value: unknown = scope
    for (const part of parts) {
      if (value === null || value === undefined) return undefined
      // Own properties only: "constructor" in a template must not reach a prototype.
      value = typeof value === 'object' && Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : part === 'size' && (typeof value === 'string' || Array.isArray(value)) ? value.length : undefined
    }
    return value
  }
}

function compileExpression(expression: string, filters: Record<string, Filter>): Getter {
  const [head = '', ...pipes] = splitOutside(expression, '|')
  let getter = compileOperand(head.trim())
  for (const pipe of pipes) {
    const colon = pipe.indexOf(':')
    const name = (colon === -1 ? pipe : pipe.slice(0, colon)).trim()
    const filter = filters[name]
    if (!filter) throw new Unsupported(name)
    const args = colon === -1 ? [] : splitOutside(pipe.slice(colon + 1), ',').map((arg) => compileOperand(arg.trim()))
    const previous = getter
    getter = (scope) =>
      filter(
        previous(scope),
        args.map((arg) => arg(scope)),
        scope,
      )
  }
  return getter
}

function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = []
  let current = ''
  let quote: string | null = null
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"') quote = ch
    else if (ch === separator) {
      parts.push(current)
      current = ''
      continue
    }
    current += ch
  }
  parts.push(current)
  return parts
}
