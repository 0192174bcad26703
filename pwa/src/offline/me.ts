import type { Me } from '@/graphql/types';

// Who was signed in, kept on the phone so the installed app opens offline.
// Cleared whenever the session ends (logout, expiry), like the cookie it stands for.

const KEY = 'podium.me';

export function rememberMe(me: Me | null): void {
  try {
    if (me) localStorage.setItem(KEY, JSON.stringify(me));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the app still works online.
  }
}

export function cachedMe(): Me | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const me = JSON.parse(raw) as Me;
    return me?.user?.id && me.org?.timeZone ? me : null;
  } catch {
    return null;
  }
}
