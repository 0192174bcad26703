// The office TV's KPI slide: a team's (or the org's) month revenue against its target with the pace line, won today,
// collections and the week's wins, in tiles read from across the room. Frames come from tvKpisChanged, which the
// playlist keeps subscribed for the whole rotation; this only draws the latest one.
import type { TvKpis } from '@/features/tv/documents';
import { collectedShare, revenueGauge, tvMoney } from '@/features/tv/kpi-logic';
import { formatNumber, getLocale, t, type MessageKey } from '@/i18n';
import { h } from '@/ui/dom';

function tile(testId: string, label: string, big: string, ...rest: Array<Node | string | null>): HTMLElement {
  return h('div', { class: 'tv-kpi', 'data-testid': testId }, h('p', { class: 'tv-kpi-label' }, label), h('p', { class: 'tv-kpi-big' }, big), ...rest);
}

function revenueTile(k: TvKpis): HTMLElement {
  const locale = getLocale();
  const money = (amount: string) => tvMoney(amount, k.currency, locale);
  const gauge = revenueGauge(k);
  const el = tile('tv-kpi-revenue', t('tv.kpi.revenue'), money(k.revenue));
  el.classList.add('tv-kpi-revenue');
  el.dataset.revenue = k.revenue;
  if (!gauge || k.target === null) {
    el.dataset.pace = 'noTarget';
    el.append(
      h('p', { class: 'tv-kpi-none', 'data-testid': 'tv-kpi-no-target' }, t('tv.kpi.noTarget')),
      h('p', { class: 'tv-kpi-sub' }, t('tv.kpi.monthWon', { count: formatNumber(k.wonMonth) })),
    );
    return el;
  }
  el.dataset.pace = gauge.pace;
  const fill = h('span', { class: 'tv-kpi-fill' });
  fill.style.width = `${(gauge.fill * 100).toFixed(2)}%`;
  const marker = h('span', { class: 'tv-kpi-marker' });
  marker.style.left = `${(gauge.marker * 100).toFixed(2)}%`;
  el.querySelector('.tv-kpi-big')!.append(h('span', { class: 'tv-kpi-of' }, t('tv.kpi.ofTarget', { target: money(k.target) })));
  el.append(
    h('div', { class: 'tv-kpi-bar', role: 'presentation' }, fill, marker),
    h(
      'div',
      { class: 'tv-kpi-facts' },
      h('span', { class: 'tv-kpi-percent' }, t('tv.kpi.percent', { percent: formatNumber(gauge.percent) })),
      h(
        'span',
        { class: `tv-kpi-pace is-${gauge.pace}`, 'data-testid': 'tv-kpi-pace' },
        t(`tv.kpi.pace.${gauge.pace}` as MessageKey),
        gauge.pacePercent !== null ? ` · ${t('tv.kpi.paceValue', { percent: formatNumber(gauge.pacePercent) })}` : '',
      ),
      h('span', { class: 'tv-kpi-sub' }, t('tv.kpi.monthGone', { percent: formatNumber(Math.round(k.elapsed * 100)) })),
    ),
  );
  return el;
}

/** Draws `frame` into `root` (or the waiting line before the first one). */
export function renderKpiSlide(root: HTMLElement, frame: TvKpis | null, teamId: string | null): void {
  const slide = h('div', { class: 'tv-kpis', 'data-testid': 'tv-kpis', 'data-team-id': teamId ?? '' });
  if (!frame) {
    slide.append(h('p', { class: 'tv-waiting' }, t('tv.kpi.waiting')));
    root.replaceChildren(slide);
    return;
  }
  const money = (amount: string) => tvMoney(amount, frame.currency, getLocale());
  slide.dataset.scope = frame.scope;
  const won = tile('tv-kpi-won-today', t('tv.kpi.wonToday'), formatNumber(frame.wonToday), h('p', { class: 'tv-kpi-sub' }, money(frame.wonTodayAmount)));
  won.dataset.count = String(frame.wonToday);
  won.dataset.amount = frame.wonTodayAmount;
  const week = tile('tv-kpi-week', t('tv.kpi.week'), formatNumber(frame.wonWeek), h('p', { class: 'tv-kpi-sub' }, money(frame.weekRevenue)));
  week.dataset.count = String(frame.wonWeek);
  const share = collectedShare(frame.collections, frame.revenue);
  const collections = tile(
    'tv-kpi-collections', t('tv.kpi.collections'), money(frame.collections),
    // An empty line when there is no revenue keeps the three tiles' numbers level.
    h('p', { class: 'tv-kpi-sub' }, share === null ? '\u00a0' : t('tv.kpi.collectedShare', { percent: formatNumber(share) })),
  );
  collections.dataset.amount = frame.collections;
  slide.append(revenueTile(frame), h('div', { class: 'tv-kpi-row' }, won, collections, week));
  root.replaceChildren(slide);
}
