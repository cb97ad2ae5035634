/**
 * Orders migration versions as numbers (BigInt: timestamps outgrow 2^53 safely), so `2` comes
 * before `10` and `0002` equals `2`, whatever the zero padding.
 */
export function compareVersions(a: string, b: string): number {
  const x = BigInt(a)
  const y = BigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}
