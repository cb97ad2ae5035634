import type { ColorFns } from '../output.js'
import type { Tone } from './revision-status.js'

/** Colours text by its tone; identity when colour is off. */
export function paint(c: ColorFns, tone: Tone, text: string): string {
  switch (tone) {
    case 'good':
      return c.green(text)
    case 'quiet':
      return c.dim(text)
    case 'warn':
      return c.yellow(text)
    case 'info':
      return c.cyan(text)
    case 'bad':
      return c.red(text)
  }
}

/** The tone of a database state: healthy is good, a manual state is bad, the rest needs action. */
export function stateTone(state: string, strategy: string): Tone {
  if (state === 'healthy') return 'good'
  if (strategy === 'manual') return 'bad'
  return 'warn'
}
