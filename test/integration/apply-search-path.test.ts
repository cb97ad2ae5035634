import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrate, status } from '../../src/api/operations.js'
import { createFreshDatabase, dialectTargets, type FreshDatabase } from '../support/database.js'

const dir = fileURLToPath(new URL('../fixtures/apply-search-path/', import.meta.url))

for (const target of dialectTargets().filter((t) => t.dialect === 'postgres')) {
  describe(`${target.name}: a migration that changes the session's search_path`, () => {
    let db: FreshDatabase
    beforeEach(async () => {
      db = await createFreshDatabase(target)
    })
    afterEach(() => db.drop())

    it('is applied and tracked: plumbline’s own statements still find their tables', async () => {
      const result = await migrate({ url: db.url, dir })
      expect(result.error).toBeUndefined()
      expect(result.applied.map((a) => a.revision)).toEqual(['0001_dump'])
      expect((await status({ url: db.url, dir })).state).toBe('healthy')
    })
  })
}
