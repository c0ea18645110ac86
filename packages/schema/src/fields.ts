/** How a field's value behaves over time. */
export const FIELD_KINDS = ['identity', 'daily-counter', 'cumulative-total', 'gauge'] as const;

/**
 * The kind of a field: `identity` (describes the app), `daily-counter` (a count for that day),
 * `cumulative-total` (a running total carried from day to day) or `gauge` (a peak or level that day).
 */
export type FieldKind = (typeof FIELD_KINDS)[number];

/** One entry of the field catalogue. */
export interface FieldInfo {
  /** The field's name as the API sends it. */
  readonly name: string;
  /** What the figure means, in English. */
  readonly meaning: string;
  /** The vendor's Chinese label. */
  readonly label: string;
  /** How the value behaves over time. */
  readonly kind: FieldKind;
}

/**
 * The field catalogue: every field that `getappinfo` can return besides `Date`, in the vendor's order.
 *
 * @example
 * FIELDS.filter((f) => f.kind === 'cumulative-total').map((f) => f.name); // ['RegistUserNumTotal', 'GroupAllGroupNum']
 */
export const FIELDS = [
  { name: 'AppName', meaning: 'app name', label: '应用名称', kind: 'identity' },
  { name: 'AppId', meaning: 'SDKAppID of the app', label: '应用 SDKAppID', kind: 'identity' },
  { name: 'Company', meaning: 'customer name', label: '所属客户名称', kind: 'identity' },
  { name: 'ActiveUserNum', meaning: 'active users', label: '活跃用户数', kind: 'daily-counter' },
  {
    name: 'RegistUserNumOneDay',
    meaning: 'newly registered users that day',
    label: '新增注册人数',
    kind: 'daily-counter',
  },
  {
    name: 'RegistUserNumTotal',
    meaning: 'total registered users',
    label: '累计注册人数',
    kind: 'cumulative-total',
  },
  { name: 'LoginTimes', meaning: 'logins', label: '登录次数', kind: 'daily-counter' },
  { name: 'LoginUserNum', meaning: 'users who logged in', label: '登录人数', kind: 'daily-counter' },
  {
    name: 'UpMsgNum',
    meaning: 'upstream messages (C2C + group)',
    label: '上行消息数',
    kind: 'daily-counter',
  },
  {
    name: 'DownMsgNum',
    meaning: 'downstream messages (C2C + group)',
    label: '下行消息总数（C2C和群）',
    kind: 'daily-counter',
  },
  { name: 'SendMsgUserNum', meaning: 'users who sent messages', label: '发消息人数', kind: 'daily-counter' },
  { name: 'APNSMsgNum', meaning: 'APNs pushes', label: 'APNs 推送数', kind: 'daily-counter' },
  {
    name: 'C2CUpMsgNum',
    meaning: 'upstream messages, C2C',
    label: '上行消息数（C2C）',
    kind: 'daily-counter',
  },
  {
    name: 'C2CDownMsgNum',
    meaning: 'downstream messages, C2C',
    label: '下行消息数（C2C）',
    kind: 'daily-counter',
  },
  {
    name: 'C2CSendMsgUserNum',
    meaning: 'users who sent C2C messages',
    label: '发消息人数（C2C）',
    kind: 'daily-counter',
  },
  { name: 'C2CAPNSMsgNum', meaning: 'APNs pushes, C2C', label: 'APNs 推送数（C2C）', kind: 'daily-counter' },
  { name: 'MaxOnlineNum', meaning: 'peak concurrent online users', label: '最高在线人数', kind: 'gauge' },
  {
    name: 'ChainIncrease',
    meaning: 'relationship-chain pairs added',
    label: '关系链对数增加量',
    kind: 'daily-counter',
  },
  {
    name: 'ChainDecrease',
    meaning: 'relationship-chain pairs removed',
    label: '关系链对数删除量',
    kind: 'daily-counter',
  },
  {
    name: 'GroupUpMsgNum',
    meaning: 'upstream messages, group',
    label: '上行消息数（群）',
    kind: 'daily-counter',
  },
  {
    name: 'GroupDownMsgNum',
    meaning: 'downstream messages, group',
    label: '下行消息数（群）',
    kind: 'daily-counter',
  },
  {
    name: 'GroupSendMsgUserNum',
    meaning: 'users who sent group messages',
    label: '发消息人数（群）',
    kind: 'daily-counter',
  },
  {
    name: 'GroupAPNSMsgNum',
    meaning: 'APNs pushes, group',
    label: 'APNs 推送数（群）',
    kind: 'daily-counter',
  },
  {
    name: 'GroupSendMsgGroupNum',
    meaning: 'groups in which messages were sent',
    label: '发消息群组数',
    kind: 'daily-counter',
  },
  { name: 'GroupJoinGroupTimes', meaning: 'group joins', label: '入群总数', kind: 'daily-counter' },
  { name: 'GroupQuitGroupTimes', meaning: 'group quits', label: '退群总数', kind: 'daily-counter' },
  { name: 'GroupNewGroupNum', meaning: 'groups created', label: '新增群组数', kind: 'daily-counter' },
  { name: 'GroupAllGroupNum', meaning: 'total groups', label: '累计群组数', kind: 'cumulative-total' },
  { name: 'GroupDestroyGroupNum', meaning: 'groups dismissed', label: '解散群个数', kind: 'daily-counter' },
  { name: 'CallBackReq', meaning: 'callback requests', label: '回调请求数', kind: 'daily-counter' },
  { name: 'CallBackRsp', meaning: 'callback responses', label: '回调应答数', kind: 'daily-counter' },
] as const satisfies readonly FieldInfo[];

/** The name of a field that `RequestField` may ask for (every field but `Date`). */
export type FieldName = (typeof FIELDS)[number]['name'];

/** Every field name, in catalogue order. */
export const FIELD_NAMES: readonly FieldName[] = FIELDS.map((f) => f.name);

/** The names of the fields whose value is text rather than a count (`AppName`, `Company`). */
export const TEXT_FIELDS = ['AppName', 'Company'] as const satisfies readonly FieldName[];

/** A field whose value is a string of decimal digits (every field but `AppName` and `Company`). */
export type NumericFieldName = Exclude<FieldName, (typeof TEXT_FIELDS)[number]>;

/** Every numeric field name, in catalogue order. */
export const NUMERIC_FIELD_NAMES: readonly NumericFieldName[] = FIELD_NAMES.filter(
  (n): n is NumericFieldName => !(TEXT_FIELDS as readonly string[]).includes(n),
);

const fieldSet: ReadonlySet<string> = new Set(FIELD_NAMES);

/** True when `name` is a field of the catalogue (case-sensitive, `Date` excluded). */
export function isFieldName(name: string): name is FieldName {
  return fieldSet.has(name);
}

/** The catalogue entry of a field, or `undefined` for an unknown name. */
export function fieldInfo(name: string): FieldInfo | undefined {
  return FIELDS.find((f) => f.name === name);
}
