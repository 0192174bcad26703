// The homes of managers (their team today) and admins (the setup checklist until it is done, then the
// company overview). The rep's home stays in home.ts.
import '@/features/home/home.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import { ADMIN_HOME_QUERY, TEAM_TODAY_QUERY, type AdminHome, type SetupItem, type SetupStep, type TeamToday } from '@/features/home/documents';
import { greetingKey } from '@/features/home/home';
import { teamTodayCards } from '@/features/home/team-today';
import { whenLocaleSaved } from '@/app/session';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, hourIn, onLocaleChange, t, type MessageKey } from '@/i18n';
import { avatar } from '@/ui/avatar';
import { mount, type View } from '@/ui/view';

/** Where each setup step is done. Some of these screens arrive with the people, org and products work. */
export const SETUP_LINKS: Record<SetupStep, string> = {
  COMPANY: '/settings/org',
  ORG_TREE: '/settings/org',
  PEOPLE: '/settings/people',
  PRODUCTS: '/settings/products',
  CUSTOMERS: '/customers',
  STAGES: '/settings/stages',
  PLANS: '/settings/plans',
  POINT_RULES: '/settings/points',
  TV: '/tv/pair',
};

interface State {
  today: TeamToday | null;
  checklist: SetupItem[] | null;
  setupDone: boolean;
  error: string | null;
}

const hero = (me: Me, sub: string) => html`<header class="hero mh-hero">
    ${avatar(me.user, 56)}
    <div class="hero-text">
      <h1 class="hero-title">${t(greetingKey(hourIn(new Date())), { name: me.user.name })}</h1>
      <p class="hero-sub">${sub}</p>
    </div>
  </header>`;

const quickLinks = () => html`<nav class="mh-quick" aria-label=${t('nav.main')}>
    <a class="btn btn-ghost btn-small" href="/deals/team" data-testid="mh-link-pipeline">${t('mh.pipeline')}</a>
    <a class="btn btn-ghost btn-small" href="/customers" data-testid="mh-link-customers">${t('mh.customers')}</a>
    <a class="btn btn-ghost btn-small" href="/board">${t('mh.board')}</a>
  </nav>`;

function checklistCard(me: Me, items: SetupItem[]): TemplateResult {
  const done = items.filter((i) => i.done).length;
  return html`<section class="card ah-setup" data-testid="admin-setup" data-done=${done} data-total=${items.length}>
    <div class="card-head"><h2 class="card-title">${t('ah.setup', { company: me.org.name })}</h2></div>
    <p class="stat-foot">${t('ah.setupSub', { done: formatNumber(done), total: formatNumber(items.length) })}</p>
    <div class="ah-progress" role="progressbar" aria-valuemin="0" aria-valuemax=${items.length} aria-valuenow=${done}>
      <span style=${`width:${(done / Math.max(1, items.length)) * 100}%`}></span>
    </div>
    <ol class="ah-steps">
      ${items.map((item) => html`<li class="ah-step ${item.done ? 'is-done' : ''}" data-testid="setup-step" data-step=${item.step} data-done=${item.done ? 'true' : 'false'}>
        <span class="ah-mark" aria-hidden="true">${item.done ? '✓' : ''}</span>
        <span class="ah-text">
          <strong>${t(`ah.step.${item.step}` as MessageKey)}</strong>
          ${item.count > 0 && item.step !== 'COMPANY' && item.step !== 'STAGES' ? html`<small>${t('ah.count', { count: formatNumber(item.count) })}</small>` : nothing}
        </span>
        <a class="btn btn-small ${item.done ? 'btn-ghost' : 'btn-primary'}" href=${SETUP_LINKS[item.step]} data-testid="setup-link">
          ${item.done ? t('ah.done') : t('ah.doIt')}</a>
      </li>`)}
    </ol>
  </section>`;
}

function homeScreen(root: HTMLElement, me: Me, admin: boolean): () => void {
  let alive = true;
  const draw = (s: State, view: View<State>) => {
    const sub = admin ? t('mh.subOrg') : t('mh.subTeam', { team: s.today?.attainment.node.name ?? me.user.team?.name ?? '' });
    return html`<section class="page mh-page" data-testid=${admin ? 'admin-home' : 'manager-home'}>
      ${hero(me, `${sub} · ${me.org.name}`)}
      ${quickLinks()}
      ${s.error
        ? html`<div class="card" role="alert"><p>${t('mh.loadFailed')} ${s.error}</p>
            <button type="button" class="btn btn-primary" @click=${() => void load(view)}>${t('app.retry')}</button></div>`
        : nothing}
      ${admin && s.checklist && !s.setupDone ? checklistCard(me, s.checklist) : nothing}
      ${admin && s.today ? html`<h2 class="mh-section">${t('ah.overview')}</h2>` : nothing}
      ${s.today ? teamTodayCards(s.today, me.org.currency) : s.error ? nothing : html`<div class="skeleton-list"><div class="skeleton-row"></div><div class="skeleton-row"></div></div>`}
    </section>`;
  };
  const load = async (view: View<State>) => {
    try {
      if (admin) {
        const { adminHome } = await request<{ adminHome: AdminHome }>(ADMIN_HOME_QUERY);
        if (alive) view.update({ today: adminHome.overview, checklist: adminHome.checklist, setupDone: adminHome.setupDone, error: null });
      } else {
        const { teamToday } = await request<{ teamToday: TeamToday }>(TEAM_TODAY_QUERY);
        if (alive) view.update({ today: teamToday, error: null });
      }
    } catch (failure) {
      if (alive) view.update({ error: failureMessage(failure) });
    }
  };
  const view = mount<State>(root, { today: null, checklist: null, setupDone: false, error: null }, draw);
  void load(view);
  // Stage names and celebration messages come in the reader's language: read again after a switch.
  const stopLocale = onLocaleChange(() => void whenLocaleSaved().then(() => load(view)));
  return () => {
    alive = false;
    stopLocale();
    view.stop();
  };
}

export const managerHome = (root: HTMLElement, me: Me) => homeScreen(root, me, false);
export const adminHome = (root: HTMLElement, me: Me) => homeScreen(root, me, true);
