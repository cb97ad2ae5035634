import type { IndexModel, IndexPart, Predicate, ViewColumn, ViewModel } from './schema-state.js'

/** The few spellings in which the generated dialects differ inside shared statements. */
export interface SqlFlavor {
  readonly falseLiteral: string
  jsonKey(column: string, key: string): string
  utility(key: string, args: ReadonlyArray<string>): string
}

/** A string literal with quotes doubled. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

function prefixed(prefix: string | undefined, column: string): string {
  return prefix === undefined ? column : `${prefix}.${column}`
}

export function predicateSql(flavor: SqlFlavor, predicate: Predicate, prefix?: string): string {
  const column = prefixed(prefix, predicate.column)
  switch (predicate.kind) {
    case 'is_null':
      return `${column} IS NULL`
    case 'not_null':
      return `${column} IS NOT NULL`
    case 'is_false':
      return `${column} = ${flavor.falseLiteral}`
    case 'equals':
      return `${column} = ${quote(predicate.value)}`
  }
}

function indexPartSql(flavor: SqlFlavor, part: IndexPart): string {
  switch (part.kind) {
    case 'column':
      return part.column
    case 'lower':
      return `lower(${part.column})`
    case 'json_key':
      return `(${flavor.jsonKey(part.column, part.key)})`
    case 'utility':
      return `(${flavor.utility(part.utility, part.columns)})`
  }
}

export function createIndexSql(flavor: SqlFlavor, index: IndexModel): string {
  const parts = index.parts.map((p) => indexPartSql(flavor, p)).join(', ')
  const where = index.where ? ` WHERE ${predicateSql(flavor, index.where)}` : ''
  return `CREATE ${index.unique ? 'UNIQUE INDEX' : 'INDEX'} ${index.name} ON ${index.table} (${parts})${where};`
}

function viewColumnSql(flavor: SqlFlavor, column: ViewColumn): string {
  const ref = `${column.alias}.${column.column}`
  let expression = ref
  if (column.fn === 'utility') expression = flavor.utility(column.utility!, [ref])
  else if (column.fn !== undefined) expression = `${column.fn}(${ref})`
  return column.as === undefined ? expression : `${expression} AS ${column.as}`
}

/** `SELECT … FROM … [JOIN …] [WHERE …] [GROUP BY …]`, one clause a line, as people write views. */
export function viewQuerySql(flavor: SqlFlavor, view: ViewModel): string {
  const lines = [
    `SELECT ${view.columns.map((c) => viewColumnSql(flavor, c)).join(', ')}`,
    `FROM ${view.from.table} ${view.from.alias}`,
  ]
  if (view.join) {
    const [left, right] = view.join.on
    lines.push(
      `${view.join.left ? 'LEFT JOIN' : 'JOIN'} ${view.join.table} ${view.join.alias} ON ${left.alias}.${left.column} = ${right.alias}.${right.column}`,
    )
  }
  if (view.where) lines.push(`WHERE ${predicateSql(flavor, view.where.predicate, view.where.alias)}`)
  if (view.groupBy?.length)
    lines.push(`GROUP BY ${view.groupBy.map((g) => `${g.alias}.${g.column}`).join(', ')}`)
  return lines.join('\n')
}
