// Lets `node --import ./bench/register.mjs bench/<script>.ts` run the benchmarks from source on
// Node 20, which cannot strip types itself: TypeScript (already a dev dependency) transpiles each
// module as it loads. The emitted JavaScript is what `tsc` would emit, so timings are the build's.
import { register } from 'node:module'

register('./typescript-hooks.mjs', import.meta.url)
