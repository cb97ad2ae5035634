import { text } from './catalog-value.js'

/**
 * A trigger's or routine's body, which the server keeps as it was sent, in a form that does not
 * depend on the tool that sent it. The mysql client removes comments before it sends a statement
 * (unless run with `--comments`), plumbline does not: a database built with `mysql < file.sql`
 * and one built by plumbline from the same file must compare equal. So comments are dropped
 * (executable `/*! … *\/` ones are code and stay), and so is the layout: spaces and tabs collapse,
 * lines lose their indentation, empty lines go, line ends are `\n`. Quoted text is left as it is.
 *
 * @example
 * storedBody('BEGIN\r\n  -- add one\r\n  SET x = x + 1;  \r\nEND') // 'BEGIN\nSET x = x + 1;\nEND'
 */
export function storedBody(value: unknown): string {
  const body = text(value)
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c === "'" || c === '"' || c === '`') {
      const end = closingQuote(body, i, c)
      out += body.slice(i, end + 1)
      i = end
    } else if (c === '#' || (c === '-' && body[i + 1] === '-' && /\s/.test(body[i + 2] ?? '\n'))) {
      const end = body.indexOf('\n', i)
      i = (end < 0 ? body.length : end) - 1
    } else if (c === '/' && body[i + 1] === '*' && !/^(!|M!)/.test(body.slice(i + 2, i + 4))) {
      const end = body.indexOf('*/', i + 2)
      i = end < 0 ? body.length : end + 1
      out = space(out)
    } else if (c === ' ' || c === '\t' || c === '\r') {
      out = space(out)
    } else if (c === '\n') {
      out = out.replace(/ $/, '')
      if (out !== '' && !out.endsWith('\n')) out += '\n'
    } else {
      out += c
    }
  }
  return out.trim()
}

/** One space, unless the text is empty or already ends a word. */
function space(out: string): string {
  return out === '' || out.endsWith(' ') || out.endsWith('\n') ? out : `${out} `
}

/** Where the quoted run opening at `at` ends: a doubled quote and, in strings, `\x` stay inside. */
function closingQuote(body: string, at: number, quote: string): number {
  for (let i = at + 1; i < body.length; i++) {
    const c = body[i]
    if (c === '\\' && quote !== '`') i++
    else if (c === quote) {
      if (body[i + 1] !== quote) return i
      i++
    }
  }
  return body.length - 1
}
