import type { StatementSpan } from './statement-spans.js'

/**
 * A statement with its cosmetics taken out: comments dropped, and wherever tokens were apart
 * (whitespace, a comment, a line break) exactly one space. Tokens that touched still touch, and
 * strings, quoted names and dollar-quoted bodies keep every character, so only edits that no
 * engine can see leave it unchanged.
 */
export function normalizedStatement(text: string, span: StatementSpan): string {
  let out = ''
  let previousEnd = -1
  for (const token of span.tokens) {
    if (previousEnd !== -1 && token.start !== previousEnd) out += ' '
    out += text.slice(token.start, token.end)
    previousEnd = token.end
  }
  return out
}
