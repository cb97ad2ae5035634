/** Summary of timed runs, in milliseconds. */
export interface Timing {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: number
}

function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs: sorted.length }
}

/**
 * Times two tasks in alternation (a, b, a, b, …) after warm-up runs of each, so that a slower
 * stretch of a shared machine weighs on both alike. The heap is deliberately not collected
 * between runs: a forced full collection doubled the time of the allocating task (V8 starts it
 * over from a cold young generation), which measures the collector rather than the code.
 */
export async function timeAlternating(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  options: { readonly warmup: number; readonly runs: number },
): Promise<{ a: Timing; b: Timing }> {
  for (let i = 0; i < options.warmup; i++) {
    await a()
    await b()
  }
  const samplesA: number[] = []
  const samplesB: number[] = []
  for (let i = 0; i < options.runs; i++) {
    for (const [task, samples] of [
      [a, samplesA],
      [b, samplesB],
    ] as const) {
      const start = performance.now()
      await task()
      samples.push(performance.now() - start)
    }
  }
  return { a: summarize(samplesA), b: summarize(samplesB) }
}
