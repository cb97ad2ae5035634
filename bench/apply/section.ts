import { existsSync, readFileSync, writeFileSync } from 'node:fs'

/**
 * Replaces the section that starts with the line `## <heading>` (up to the next `## ` line) with
 * `text`, or appends it; the rest of the file is left exactly as it was. Reads the file right
 * before writing, so sections written meanwhile by other benchmarks are kept.
 */
export function writeSection(file: string, heading: string, text: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n'
  const lines = current.replace(/\n+$/, '').split('\n')
  const section = text.replace(/\n+$/, '').split('\n')
  const start = lines.indexOf(`## ${heading}`)
  if (start === -1) {
    writeFileSync(file, [...lines, '', ...section, ''].join('\n'))
    return
  }
  const next = lines.findIndex((l, i) => i > start && l.startsWith('## '))
  const rest = next === -1 ? [] : ['', ...lines.slice(next)]
  writeFileSync(file, [...lines.slice(0, start), ...section, ...rest, ''].join('\n'))
}
