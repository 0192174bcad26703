// Accounts' pure logic: codes as people type them, links to share, the people table's filter and
// sort, the first-run page's choices. No DOM here (logic.test.ts covers it).
import type { Person } from '@/features/accounts/documents';
import type { Role } from '@/graphql/types';

const CODE_CHARS = /[^0-9A-Z]/g;

/** "abcd efgh", "ABCD-EFGH" and "abcdefgh" are one code: shown as ABCD-EFGH. */
export function normalizeCode(typed: string): string {
  const plain = typed.toUpperCase().replace(CODE_CHARS, '').slice(0, 8);
  return plain.length > 4 ? `${plain.slice(0, 4)}-${plain.slice(4)}` : plain;
}

export function isCompleteCode(typed: string): boolean {
  return normalizeCode(typed).replace('-', '').length === 8;
}

/** The link to share in WeCom, DingTalk or by hand: the server gives the path, this page the origin. */
export function absoluteLink(path: string, origin: string): string {
  return `${origin.replace(/\/$/, '')}${path}`;
}

/** The token of /join/<token> or /reset/<token>; null for the bare page. */
export function tokenFromPath(path: string, prefix: '/join' | '/reset'): string | null {
  if (!path.startsWith(`${prefix}/`)) return null;
  const token = decodeURIComponent(path.slice(prefix.length + 1));
  return token && !token.includes('/') ? token : null;
}

export interface PeopleFilter {
  search: string;
  role: Role | '';
  teamId: string;
  /** 'active', 'inactive' or '' (everyone). */
  status: '' | 'active' | 'inactive';
}

export function filterPeople(people: readonly Person[], filter: PeopleFilter): Person[] {
  const needle = filter.search.trim().toLocaleLowerCase();
  return people.filter(
    (p) =>
      (!needle || p.name.toLocaleLowerCase().includes(needle) || p.email.includes(needle) || (p.teamName ?? '').toLocaleLowerCase().includes(needle) ||
        (p.employeeNumber ?? '').toLocaleLowerCase().includes(needle)) &&
      (!filter.role || p.role === filter.role) &&
      (!filter.teamId || p.teamId === filter.teamId) &&
      (!filter.status || (filter.status === 'active') === p.active),
  );
}

/** Who may take over someone's customers and open deals: active people other than them. */
export function successorsFor(people: readonly Person[], leaving: Person): Person[] {
  return people.filter((p) => p.active && p.id !== leaving.id);
}

/** Who may be someone's manager: active managers and admins other than them. */
export function managersFor(people: readonly Person[], personId: string | null): Person[] {
  return people.filter((p) => p.active && p.id !== personId && (p.role === 'MANAGER' || p.role === 'ADMIN'));
}

export const COMMON_CURRENCIES = ['CNY', 'HKD', 'TWD', 'USD', 'EUR', 'GBP', 'JPY', 'KRW', 'SGD', 'MYR', 'THB', 'VND', 'IDR', 'PHP', 'INR', 'AUD', 'CAD', 'CHF'];
const FALLBACK_ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Asia/Seoul', 'Asia/Kolkata', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC'];

/** Every IANA zone the browser knows (the server checks again), the browser's own first. */
export function timeZones(own: string | undefined): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const all = intl.supportedValuesOf?.('timeZone') ?? FALLBACK_ZONES;
  const list = all.includes('UTC') ? all : [...all, 'UTC'];
  return own && list.includes(own) ? [own, ...list.filter((z) => z !== own)] : list;
}

/** The common currencies first, then every other one the browser knows. */
export function currencies(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const rest = (intl.supportedValuesOf?.('currency') ?? []).filter((c) => !COMMON_CURRENCIES.includes(c));
  return [...COMMON_CURRENCIES, ...rest];
}

export const MIN_PASSWORD = 8;
