// Pure helpers of the API tokens page: scopes grouped by capability, and the choices offered.

/** One capability's scopes as the form shows them: a row with a read and a write box. */
export interface ScopeRow {
  capability: string;
  read: string | null;
  write: string | null;
}

export const EXPIRY_DAYS = [30, 90, 180, 365] as const;
/** Hours the old token keeps working after a rotation. */
export const OVERLAP_HOURS = [0, 1, 24, 72, 168] as const;

/** `pipeline:read`, `pipeline:write`, … → one row per capability, in the server's order. */
export function scopeRows(scopes: readonly string[]): ScopeRow[] {
  const rows = new Map<string, ScopeRow>();
  for (const scope of scopes) {
    const [capability, mode] = scope.split(':');
    if (!capability || (mode !== 'read' && mode !== 'write')) continue;
    const row = rows.get(capability) ?? { capability, read: null, write: null };
    row[mode] = scope;
    rows.set(capability, row);
  }
  return [...rows.values()];
}

/** Adding a write scope adds its read scope too (writing blind is rarely meant); removing a read removes the write. */
export function toggleScope(chosen: ReadonlySet<string>, scope: string, on: boolean): Set<string> {
  const next = new Set(chosen);
  const [capability, mode] = scope.split(':');
  if (on) {
    next.add(scope);
    if (mode === 'write') next.add(`${capability}:read`);
  } else {
    next.delete(scope);
    if (mode === 'read') next.delete(`${capability}:write`);
  }
  return next;
}

/** Scopes shown compactly: `customers:read` and `customers:write` become one `customers: read, write`. */
export function groupedScopes(scopes: readonly string[]): Array<{ capability: string; modes: string[] }> {
  return scopeRows(scopes).map((r) => ({ capability: r.capability, modes: [r.read ? 'read' : '', r.write ? 'write' : ''].filter(Boolean) }));
}
