// The map and review screens load Leaflet (~150 kB), so they are fetched when first opened
// rather than with the app shell (the service worker still precaches the chunk for offline).
import type { Screen } from '@/app/screen';
import { failureMessage } from '@/graphql/errors';
import { t } from '@/i18n';
import { h } from '@/ui/dom';

function lazy(load: () => Promise<Screen>): Screen {
  return (root, ctx) => {
    let stopped = false;
    let stop: (() => void) | void;
    const start = () => {
      root.replaceChildren(h('div', { class: 'splash', 'aria-busy': 'true' }, h('span', { class: 'spinner' }), t('app.loading')));
      load()
        .then((screen) => {
          if (stopped) return;
          root.replaceChildren();
          stop = screen(root, ctx);
        })
        .catch((error: unknown) => {
          if (stopped) return;
          root.replaceChildren(
            h('section', { class: 'page page-narrow empty-page', role: 'alert' },
              h('p', null, failureMessage(error)),
              h('button', { type: 'button', class: 'btn btn-primary', onclick: start }, t('app.retry'))),
          );
        });
    };
    start();
    return () => {
      stopped = true;
      stop?.();
    };
  };
}

export const mapScreen = lazy(async () => (await import('@/features/map/map')).mapScreen);
export const reviewScreen = lazy(async () => (await import('@/features/review/review')).reviewScreen);
