/** `850 ms`, `1.2 s`, `13 s`, `2 m 05 s`: a duration a reader takes in at a glance. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`
}

/** An ISO-8601 time as `2025-07-02 10:11:12 UTC`; tracking rows store UTC. */
export function timestamp(iso: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return iso
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** A state or strategy as words: `complete_partial_migration` → `complete partial migration`. */
export function words(name: string): string {
  return name.replace(/_/g, ' ')
}

/** `1 migration`, `2 migrations`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`
}

/** Text on one line, cut to `max` characters. */
export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}
