// The org tree editor's rules that need no DOM: which units a unit may move under or merge
// into (never itself or one of its own units: the server refuses a cycle too), and what a
// merge moves, for the confirmation.
import type { OrgUnit } from '@/features/org/documents';

/** The unit and every unit below it, by id. */
export function subtreeIds(units: readonly OrgUnit[], id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const unit of units) {
    if (unit.parentId) children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit.id]);
  }
  const found = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const current = stack.pop()!;
    if (found.has(current)) continue;
    found.add(current);
    stack.push(...(children.get(current) ?? []));
  }
  return found;
}

/** Where a unit may go: any unit outside its own subtree (its current parent is left out: nothing would change). */
export function moveTargets(units: readonly OrgUnit[], id: string): OrgUnit[] {
  const own = subtreeIds(units, id);
  const unit = units.find((u) => u.id === id);
  return units.filter((u) => !own.has(u.id) && u.id !== unit?.parentId);
}

/** What a unit may be merged into: any unit outside its own subtree. */
export function mergeTargets(units: readonly OrgUnit[], id: string): OrgUnit[] {
  const own = subtreeIds(units, id);
  return units.filter((u) => !own.has(u.id));
}

/** A unit's name with its path, for pickers: "East › Shanghai 1". */
export function pathName(units: readonly OrgUnit[], id: string): string {
  const byId = new Map(units.map((u) => [u.id, u]));
  const names: string[] = [];
  let current = byId.get(id);
  while (current && names.length <= units.length) {
    names.unshift(current.name);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return names.join(' › ');
}

/** What merging `source` into another unit moves: its own people and its direct child units. */
export function mergeMoves(source: OrgUnit): { people: number; units: number } {
  return { people: source.people, units: source.childCount };
}

/** A unit may be deleted when nobody is in it and nothing hangs below it. */
export function deletable(unit: OrgUnit): boolean {
  return unit.people === 0 && unit.childCount === 0;
}

/** Units whose ancestors are all expanded (collapsed ones hide their subtree). */
export function visibleUnits(units: readonly OrgUnit[], collapsed: ReadonlySet<string>): OrgUnit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  return units.filter((unit) => {
    let parent = unit.parentId ? byId.get(unit.parentId) : undefined;
    while (parent) {
      if (collapsed.has(parent.id)) return false;
      parent = parent.parentId ? byId.get(parent.parentId) : undefined;
    }
    return true;
  });
}
