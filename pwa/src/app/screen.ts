import type { AppLocation } from '@/app/router';
import type { Me } from '@/graphql/types';

export interface ScreenContext {
  location: AppLocation;
  /** Null only on screens that don't require signing in. */
  me: Me | null;
}

/** Builds a screen into `root`; returns what stops it (subscriptions, timers). */
export type Screen = (root: HTMLElement, ctx: ScreenContext) => (() => void) | void;
