// Small things the pipeline's screens share.
import { whenLocaleSaved } from '@/app/session';

/**
 * Stage names come translated by the server in the user's saved language; a switch
 * saves it in the background, so before re-reading wait until the server has it.
 */
export function serverSpeaksCurrentLocale(): Promise<void> {
  return whenLocaleSaved();
}

/** "/deals/new", keeping a manager's `?owner=` along. */
export function withOwner(path: string, ownerId: string | null): string {
  return ownerId ? `${path}?owner=${encodeURIComponent(ownerId)}` : path;
}
