// The phones' way to the sections a desktop shows in its side navigation (app/nav.ts).
import { html, nothing } from 'lit-html';
import { navFor } from '@/app/nav';
import type { Screen } from '@/app/screen';
import { t } from '@/i18n';
import { mount } from '@/ui/view';

export const menuScreen: Screen = (root, { me }) => {
  const groups = navFor(me?.user.role);
  const view = mount(root, {}, () => html`<section class="page page-narrow menu-page" data-testid="menu-page">
    <h1 class="page-title">${t('menu.title')}</h1>
    ${groups.map(
      (group) => html`<div class="menu-group" data-group=${group.id}>
        ${group.label ? html`<h2 class="menu-heading">${t(group.label)}</h2>` : nothing}
        <ul class="menu-list card">
          ${group.items.map(
            (item) => html`<li><a class="menu-link" href=${item.href} data-testid=${`menu-${item.id}`}>
              <span>${t(item.label)}</span><span class="menu-chevron" aria-hidden="true">›</span></a></li>`,
          )}
        </ul>
      </div>`,
    )}
  </section>`);
  return () => view.stop();
};
