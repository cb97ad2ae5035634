import type { ColumnCheck, ColumnType, DefaultValue } from './schema-state.js'

/** A column as an application would first declare it. */
export interface ColumnTemplate {
  readonly type: ColumnType
  readonly notNull?: boolean
  readonly default?: DefaultValue
  readonly check?: ColumnCheck
}

const text: ColumnType = { kind: 'text' }
const varchar = (length: number): ColumnType => ({ kind: 'varchar', length })
const integer: ColumnType = { kind: 'integer' }
const bigint: ColumnType = { kind: 'bigint' }
const boolean: ColumnType = { kind: 'boolean' }
const timestamp: ColumnType = { kind: 'timestamp' }
const date: ColumnType = { kind: 'date' }
const numeric: ColumnType = { kind: 'numeric' }
const json: ColumnType = { kind: 'json' }
const zero: DefaultValue = { kind: 'number', value: 0 }

/** The columns tables are made of, by name. */
export const COLUMN_CATALOG: Readonly<Record<string, ColumnTemplate>> = {
  name: { type: varchar(255), notNull: true },
  title: { type: varchar(255), notNull: true },
  display_name: { type: varchar(255) },
  description: { type: text },
  email: { type: text, notNull: true },
  phone: { type: varchar(32) },
  notes: { type: text },
  body: { type: text },
  subject: { type: varchar(255) },
  label: { type: varchar(100) },
  amount_cents: { type: bigint, notNull: true, default: zero, check: 'non_negative' },
  total_cents: { type: bigint, notNull: true, default: zero, check: 'non_negative' },
  currency: { type: varchar(3), notNull: true, default: { kind: 'text', value: 'USD' } },
  quantity: { type: integer, notNull: true, default: { kind: 'number', value: 1 }, check: 'non_negative' },
  position: { type: integer, notNull: true, default: zero },
  priority: { type: integer, notNull: true, default: zero },
  version: { type: integer, notNull: true, default: { kind: 'number', value: 1 } },
  attempts: { type: integer, notNull: true, default: zero },
  starts_at: { type: timestamp },
  ends_at: { type: timestamp },
  due_on: { type: date },
  recorded_on: { type: date, notNull: true },
  completed_at: { type: timestamp },
  published_at: { type: timestamp },
  expires_at: { type: timestamp },
  last_seen_at: { type: timestamp },
  is_archived: { type: boolean, notNull: true, default: { kind: 'boolean', value: false } },
  is_public: { type: boolean, notNull: true, default: { kind: 'boolean', value: false } },
  is_enabled: { type: boolean, notNull: true, default: { kind: 'boolean', value: true } },
  settings: { type: json, notNull: true, default: { kind: 'empty_json' } },
  metadata: { type: json, notNull: true, default: { kind: 'empty_json' } },
  external_id: { type: { kind: 'uuid' }, notNull: true, default: { kind: 'uuid' } },
  code: { type: varchar(64), notNull: true },
  reference: { type: varchar(64) },
  color: { type: varchar(7) },
  score: { type: numeric },
  percentage: { type: numeric },
  latitude: { type: numeric },
  longitude: { type: numeric },
  rating: { type: integer, check: 'rating' },
  url: { type: text },
  content_type: { type: varchar(128) },
  size_bytes: { type: bigint, check: 'non_negative' },
  ip_address: { type: { kind: 'inet' } },
  locale: { type: varchar(16) },
  timezone: { type: varchar(64) },
  sort_key: { type: text },
  duration_minutes: { type: integer, check: 'non_negative' },
  weight_grams: { type: integer, check: 'non_negative' },
  country_code: { type: varchar(2) },
  kind: { type: varchar(32), notNull: true, default: { kind: 'text', value: 'standard' } },
  source: { type: varchar(32) },
  channel: { type: varchar(32) },
  category: { type: varchar(64) },
  error_message: { type: text },
  token_hash: { type: text, notNull: true },
}

/** Columns any table may grow besides its own: the long tail of an application's wishes. */
export const GENERIC_COLUMNS: ReadonlyArray<string> = [
  'notes',
  'metadata',
  'settings',
  'external_id',
  'position',
  'priority',
  'is_archived',
  'is_public',
  'color',
  'kind',
  'source',
  'version',
  'url',
  'sort_key',
  'score',
  'expires_at',
  'completed_at',
  'description',
  'label',
  'category',
  'channel',
  'locale',
  'reference',
  'display_name',
  'published_at',
  'last_seen_at',
  'rating',
  'attempts',
  'error_message',
  'content_type',
  'size_bytes',
  'timezone',
  'country_code',
]

/** Keys applications read out of JSON columns, and so index. */
export const JSON_KEYS: ReadonlyArray<string> = ['kind', 'source', 'locale', 'plan', 'channel', 'theme']

const LIFECYCLE = ['active', 'inactive', 'archived']
const WORKFLOW = ['open', 'in_progress', 'done']
const PAYMENT = ['pending', 'paid', 'failed']
const PUBLISHING = ['draft', 'review', 'published']
const DELIVERY = ['queued', 'sent', 'delivered', 'bounced']
const APPROVAL = ['requested', 'approved', 'rejected']
const JOB = ['queued', 'running', 'succeeded', 'failed']

/** Labels a status type later learns, one migration at a time. */
export const LATER_STATUSES: ReadonlyArray<string> = [
  'on_hold',
  'cancelled',
  'expired',
  'scheduled',
  'refunded',
  'blocked',
  'deferred',
  'escalated',
]

/** Status sets for tables that get a status without a domain-specific one. */
export const GENERIC_STATUSES: ReadonlyArray<ReadonlyArray<string>> = [LIFECYCLE, WORKFLOW, APPROVAL]

/** A thing the application stores: a table to be. */
export interface Noun {
  readonly singular: string
  readonly plural: string
  /** Tables this one references; all must exist before it is created. */
  readonly parents: ReadonlyArray<string>
  /** A pure association of its two parents, keyed by both. */
  readonly join: boolean
  /** Columns of its own, from {@link COLUMN_CATALOG}. */
  readonly columns: ReadonlyArray<string>
  readonly statuses?: ReadonlyArray<string>
}

type NounRow = readonly [
  string,
  ReadonlyArray<string>,
  ReadonlyArray<string>,
  ReadonlyArray<string>?,
  string?,
]

// [singular, parents, columns, statuses?, plural?]; a join table is marked by columns ['*join'].
const ROWS: ReadonlyArray<NounRow> = [
  ['user', [], ['email', 'name', 'last_seen_at', 'locale', 'timezone', 'is_enabled'], LIFECYCLE],
  ['organization', [], ['name', 'settings', 'country_code', 'timezone']],
  ['membership', ['organization', 'user'], ['kind', 'is_enabled']],
  ['team', ['organization'], ['name', 'description', 'color']],
  ['team_member', ['team', 'user'], ['*join']],
  ['invitation', ['organization'], ['email', 'token_hash', 'expires_at'], ['pending', 'accepted', 'expired']],
  ['api_key', ['user'], ['label', 'token_hash', 'last_seen_at', 'expires_at']],
  ['session', ['user'], ['token_hash', 'ip_address', 'expires_at', 'last_seen_at']],
  ['login_event', ['user'], ['ip_address', 'source', 'error_message']],
  ['password_reset', ['user'], ['token_hash', 'expires_at']],
  ['role', ['organization'], ['name', 'description']],
  ['permission', [], ['code', 'description']],
  ['role_permission', ['role', 'permission'], ['*join']],
  ['user_role', ['user', 'role'], ['*join']],
  ['notification', ['user'], ['subject', 'body', 'channel', 'is_archived']],
  ['notification_preference', ['user'], ['channel', 'is_enabled', 'settings']],
  ['device', ['user'], ['label', 'ip_address', 'last_seen_at']],
  ['plan', [], ['name', 'code', 'amount_cents', 'currency', 'is_public']],
  [
    'subscription',
    ['organization', 'plan'],
    ['starts_at', 'ends_at', 'quantity'],
    ['trialing', 'active', 'past_due'],
  ],
  ['product', ['organization'], ['name', 'code', 'description', 'amount_cents', 'currency', 'is_archived']],
  ['product_variant', ['product'], ['name', 'code', 'amount_cents', 'weight_grams']],
  ['price', ['product'], ['amount_cents', 'currency', 'starts_at', 'ends_at']],
  ['invoice', ['organization'], ['reference', 'total_cents', 'currency', 'due_on'], PAYMENT],
  ['invoice_item', ['invoice'], ['description', 'quantity', 'amount_cents']],
  ['payment', ['invoice'], ['amount_cents', 'currency', 'reference', 'completed_at'], PAYMENT],
  ['payment_method', ['organization'], ['kind', 'label', 'expires_at', 'is_enabled']],
  ['refund', ['payment'], ['amount_cents', 'reference', 'notes']],
  ['coupon', [], ['code', 'percentage', 'expires_at', 'is_enabled']],
  ['discount', ['coupon'], ['amount_cents', 'percentage']],
  ['tax_rate', [], ['name', 'percentage', 'country_code']],
  ['credit_note', ['invoice'], ['reference', 'amount_cents', 'notes']],
  [
    'order',
    ['organization'],
    ['reference', 'total_cents', 'currency', 'notes'],
    ['pending', 'paid', 'shipped'],
  ],
  ['order_item', ['order', 'product'], ['quantity', 'amount_cents']],
  ['cart', ['user'], ['currency', 'expires_at']],
  ['cart_item', ['cart', 'product'], ['quantity', 'amount_cents']],
  ['warehouse', ['organization'], ['name', 'code', 'country_code', 'latitude', 'longitude']],
  ['shipment', ['order'], ['reference', 'source', 'completed_at'], DELIVERY],
  ['shipment_item', ['shipment', 'order_item'], ['quantity']],
  ['stock_level', ['warehouse', 'product'], ['quantity', 'version']],
  ['supplier', ['organization'], ['name', 'email', 'phone', 'url']],
  ['purchase_order', ['supplier'], ['reference', 'total_cents', 'due_on'], APPROVAL],
  ['purchase_order_line', ['purchase_order', 'product'], ['quantity', 'amount_cents']],
  ['return_request', ['order'], ['reference', 'notes'], APPROVAL],
  ['project', ['organization'], ['name', 'description', 'color', 'is_archived'], LIFECYCLE],
  ['task', ['project'], ['title', 'description', 'due_on', 'priority', 'completed_at'], WORKFLOW],
  ['task_comment', ['task'], ['body']],
  ['label', ['project'], ['name', 'color']],
  ['task_label', ['task', 'label'], ['*join']],
  ['milestone', ['project'], ['title', 'due_on', 'completed_at']],
  ['sprint', ['project'], ['name', 'starts_at', 'ends_at']],
  ['time_entry', ['task'], ['duration_minutes', 'notes', 'starts_at'], undefined, 'time_entries'],
  ['attachment', ['task'], ['label', 'url', 'content_type', 'size_bytes']],
  ['checklist', ['task'], ['title', 'position']],
  ['checklist_item', ['checklist'], ['label', 'position', 'completed_at']],
  ['board', ['project'], ['name', 'position', 'settings']],
  ['board_column', ['board'], ['name', 'position', 'color']],
  ['article', ['organization'], ['title', 'body', 'published_at'], PUBLISHING],
  ['article_revision', ['article'], ['body', 'version', 'notes']],
  ['category', [], ['name', 'code', 'position'], undefined, 'categories'],
  ['tag', [], ['name', 'color']],
  ['article_tag', ['article', 'tag'], ['*join']],
  ['comment', ['article'], ['body', 'ip_address', 'is_public']],
  ['media_asset', ['organization'], ['url', 'content_type', 'size_bytes', 'metadata']],
  ['page', ['organization'], ['title', 'body', 'published_at', 'sort_key'], PUBLISHING],
  ['menu', ['organization'], ['name', 'code']],
  ['menu_item', ['menu', 'page'], ['label', 'position', 'url']],
  ['redirect', ['organization'], ['source', 'url']],
  ['conversation', ['organization'], ['subject', 'last_seen_at']],
  ['message', ['conversation'], ['body', 'published_at', 'is_archived']],
  ['participant', ['conversation', 'user'], ['last_seen_at', 'is_archived']],
  ['email_template', ['organization'], ['name', 'subject', 'body', 'locale']],
  [
    'email_delivery',
    ['email_template'],
    ['email', 'error_message', 'attempts', 'completed_at'],
    DELIVERY,
    'email_deliveries',
  ],
  ['webhook', ['organization'], ['url', 'token_hash', 'is_enabled', 'settings']],
  ['webhook_delivery', ['webhook'], ['attempts', 'error_message', 'completed_at'], JOB, 'webhook_deliveries'],
  ['event', ['organization'], ['name', 'source', 'metadata', 'ip_address']],
  ['page_view', ['page'], ['url', 'ip_address', 'source', 'duration_minutes']],
  ['daily_metric', ['organization'], ['name', 'score', 'recorded_on']],
  ['report', ['organization'], ['name', 'settings', 'is_public']],
  ['report_schedule', ['report'], ['channel', 'starts_at', 'timezone', 'is_enabled']],
  ['dashboard', ['organization'], ['name', 'settings', 'is_public']],
  ['widget', ['dashboard'], ['title', 'kind', 'position', 'settings']],
  ['experiment', ['organization'], ['name', 'code', 'starts_at', 'ends_at'], ['draft', 'running', 'stopped']],
  ['experiment_variant', ['experiment'], ['name', 'code', 'percentage']],
  ['feature_flag', ['organization'], ['code', 'description', 'is_enabled', 'percentage']],
  [
    'ticket',
    ['organization'],
    ['subject', 'body', 'priority', 'channel'],
    ['open', 'pending', 'solved', 'closed'],
  ],
  ['ticket_message', ['ticket'], ['body', 'is_public', 'channel']],
  ['sla_policy', ['organization'], ['name', 'duration_minutes', 'priority'], undefined, 'sla_policies'],
  ['canned_response', ['organization'], ['title', 'body', 'category']],
  ['knowledge_article', ['organization'], ['title', 'body', 'published_at', 'locale'], PUBLISHING],
  ['department', ['organization'], ['name', 'code']],
  ['employee', ['department'], ['name', 'email', 'phone', 'starts_at', 'country_code'], LIFECYCLE],
  ['job_position', ['department'], ['title', 'description', 'amount_cents']],
  ['leave_request', ['employee'], ['starts_at', 'ends_at', 'notes'], APPROVAL],
  ['payroll_run', ['organization'], ['reference', 'recorded_on', 'total_cents'], JOB],
  ['payslip', ['payroll_run', 'employee'], ['amount_cents', 'currency', 'reference']],
  ['contact', ['organization'], ['name', 'email', 'phone', 'country_code']],
  ['company', ['organization'], ['name', 'url', 'country_code', 'category'], undefined, 'companies'],
  ['deal', ['company'], ['title', 'amount_cents', 'currency', 'due_on'], ['open', 'won', 'lost']],
  ['pipeline', ['organization'], ['name', 'position']],
  ['deal_stage', ['pipeline'], ['name', 'position', 'percentage']],
  ['activity', ['contact'], ['subject', 'body', 'kind', 'due_on', 'completed_at'], undefined, 'activities'],
  ['note', ['contact'], ['body', 'is_public']],
  ['lead', ['organization'], ['email', 'name', 'source', 'score'], ['new', 'contacted', 'qualified']],
  ['setting', ['organization'], ['code', 'settings', 'version']],
  ['integration', ['organization'], ['kind', 'settings', 'is_enabled', 'last_seen_at']],
  ['import_job', ['organization'], ['source', 'attempts', 'error_message', 'completed_at'], JOB],
  ['export_job', ['organization'], ['kind', 'url', 'completed_at', 'expires_at'], JOB],
  ['file_upload', ['user'], ['url', 'content_type', 'size_bytes', 'metadata']],
  ['country', [], ['name', 'code', 'currency'], undefined, 'countries'],
  ['currency', [], ['code', 'name', 'label'], undefined, 'currencies'],
  [
    'address',
    ['organization'],
    ['label', 'country_code', 'latitude', 'longitude', 'timezone'],
    undefined,
    'addresses',
  ],
  ['announcement', ['organization'], ['title', 'body', 'published_at', 'expires_at']],
  ['survey', ['organization'], ['title', 'description', 'starts_at', 'ends_at'], PUBLISHING],
  ['survey_question', ['survey'], ['label', 'position', 'kind']],
  ['survey_response', ['survey', 'user'], ['rating', 'notes', 'completed_at']],
  [
    'booking',
    ['organization', 'user'],
    ['starts_at', 'ends_at', 'notes'],
    ['requested', 'confirmed', 'cancelled'],
  ],
  ['resource', ['organization'], ['name', 'kind', 'color']],
  ['booking_resource', ['booking', 'resource'], ['*join']],
  ['course', ['organization'], ['title', 'description', 'published_at', 'amount_cents'], PUBLISHING],
  ['lesson', ['course'], ['title', 'body', 'position', 'duration_minutes']],
  ['enrollment', ['course', 'user'], ['completed_at', 'score']],
  ['quiz', ['lesson'], ['title', 'position'], undefined, 'quizzes'],
  ['quiz_attempt', ['quiz', 'user'], ['score', 'attempts', 'completed_at']],
  ['certificate', ['enrollment'], ['reference', 'url', 'expires_at']],
  ['location', ['organization'], ['name', 'latitude', 'longitude', 'timezone', 'country_code']],
  ['shift', ['location', 'employee'], ['starts_at', 'ends_at', 'notes']],
  ['inventory_count', ['warehouse'], ['recorded_on', 'quantity', 'notes']],
  ['vendor_contract', ['supplier'], ['reference', 'starts_at', 'ends_at', 'amount_cents', 'url']],
  ['chat_channel', ['organization'], ['name', 'is_public', 'description']],
  ['chat_message', ['chat_channel', 'user'], ['body', 'is_archived']],
  ['reaction', ['chat_message', 'user'], ['label']],
  ['bookmark', ['user'], ['url', 'label', 'position']],
  ['saved_search', ['user'], ['name', 'settings', 'is_public'], undefined, 'saved_searches'],
  ['calendar', ['user'], ['name', 'color', 'timezone']],
  ['calendar_event', ['calendar'], ['title', 'starts_at', 'ends_at', 'url']],
  ['reminder', ['calendar_event'], ['starts_at', 'channel']],
  ['goal', ['user'], ['title', 'due_on', 'score', 'completed_at'], WORKFLOW],
  ['key_result', ['goal'], ['title', 'percentage', 'score']],
]

/** Every table an application of this kind grows, in roughly the order it grows them. */
export const NOUNS: ReadonlyArray<Noun> = ROWS.map(([singular, parents, columns, statuses, plural]) => ({
  singular,
  plural: plural ?? `${singular}s`,
  parents,
  join: columns[0] === '*join',
  columns: columns[0] === '*join' ? [] : columns,
  ...(statuses ? { statuses } : {}),
}))

/** The names a renamed column takes: what teams rename columns to when a meaning sharpens. */
export const RENAMES: Readonly<Record<string, string>> = {
  notes: 'internal_notes',
  description: 'summary',
  url: 'website_url',
  phone: 'phone_number',
  color: 'color_hex',
  body: 'content',
  subject: 'headline',
  source: 'origin',
  sort_key: 'sort_order',
  ip_address: 'last_ip',
  locale: 'language_tag',
  expires_at: 'valid_until',
  label: 'caption',
  category: 'category_name',
  channel: 'delivery_channel',
  display_name: 'public_name',
  timezone: 'time_zone',
  last_seen_at: 'last_active_at',
  score: 'quality_score',
  error_message: 'last_error',
}
