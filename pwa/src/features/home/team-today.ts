// A manager's team today (an admin's company): the cards of their home, each linking to where it is handled.
import { html, nothing, type TemplateResult } from 'lit-html';
import { celebrationText } from '@/features/celebrations/logic';
import type { HomeAttainment, TeamToday } from '@/features/home/documents';
import { formatNumber, formatTime, getLocale, t, type MessageKey } from '@/i18n';
import { avatar } from '@/ui/avatar';
import { formatMoney } from '@/ui/money';

/** "62 %" of a ratio string (1 = 100 %), or null without a target. */
export function percent(ratio: string | null): string | null {
  if (ratio === null) return null;
  return new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(Number(ratio));
}

/** Width of a bar (0–100) for actual against target; the expected marker likewise. */
export function share(part: string | null, whole: string | null): number {
  if (part === null || whole === null || Number(whole) <= 0) return 0;
  return Math.max(0, Math.min(100, (Number(part) / Number(whole)) * 100));
}

function monthLabel(key: string): string {
  const [year, month] = key.split('-').map(Number);
  return new Intl.DateTimeFormat(getLocale(), { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(year!, month! - 1, 1)));
}

const seeAll = (href: string, testId: string) =>
  html`<a class="card-link mh-link" href=${href} data-testid=${testId}>${t('mh.open')} ›</a>`;

function paceBar(a: HomeAttainment, currency: string): TemplateResult {
  const money = (v: string) => formatMoney(v, currency, getLocale());
  return html`<div class="mh-pace">
    <div class="mh-figures">
      <strong class="mh-actual" data-testid="mh-actual" data-value=${a.actual}>${percent(a.ratio) ?? money(a.actual)}</strong>
      <span class="chip mh-chip is-${a.pace.toLowerCase()}" data-testid="mh-pace" data-pace=${a.pace}>${t(`mh.pace.${a.pace}` as MessageKey)}</span>
    </div>
    <p class="mh-of">${a.target ? t('mh.ofTarget', { actual: money(a.actual), target: money(a.target) }) : t('mh.noTarget', { actual: money(a.actual) })}</p>
    ${a.target
      ? html`<div class="mh-bar" role="img" aria-label=${t('mh.ofTarget', { actual: money(a.actual), target: money(a.target) })}>
          <span class="mh-fill is-${a.pace.toLowerCase()}" style=${`width:${share(a.actual, a.target)}%`}></span>
          <span class="mh-expected" style=${`left:${share(a.expected, a.target)}%`}></span>
        </div>
        <p class="stat-foot">${t('mh.expected', { expected: money(a.expected ?? '0') })}</p>`
      : nothing}
  </div>`;
}

export function teamTodayCards(today: TeamToday, currency: string): TemplateResult {
  const money = (v: string) => formatMoney(v, currency, getLocale());
  const approvals = today.redemptionsToDecide + today.statementsToApprove;
  return html`<div class="mh-grid" data-testid="team-today">
    <section class="card mh-card mh-attainment" data-testid="mh-attainment">
      <div class="card-head"><h2 class="card-title">${t('mh.attainment')}</h2>${seeAll('/team', 'mh-link-team')}</div>
      ${paceBar(today.attainment, currency)}
    </section>

    <section class="card mh-card" data-testid="mh-behind" data-count=${today.behind.length}>
      <div class="card-head">
        <h2 class="card-title">${t('mh.behind')} <span class="mh-num">${formatNumber(today.behind.length)}</span></h2>
        ${seeAll('/team', 'mh-link-behind')}
      </div>
      <p class="stat-foot">${t('mh.behindOf', { behind: formatNumber(today.behind.length), reps: formatNumber(today.reps) })}</p>
      ${today.behind.length
        ? html`<ul class="mh-list">${today.behind.slice(0, 6).map((a) => html`<li>
            <a class="mh-row" href=${`/deals/team?view=table&owners=${a.node.id}`} data-testid="mh-behind-row">
              <span class="mh-name">${a.node.name}</span>
              <span class="mh-mini-bar"><span style=${`width:${share(a.actual, a.target)}%`}></span><i style=${`left:${share(a.expected, a.target)}%`}></i></span>
              <span class="mh-value">${percent(a.ratio) ?? '—'}</span>
            </a></li>`)}</ul>`
        : html`<p class="empty">${t('mh.behindNone')}</p>`}
    </section>

    <section class="card mh-card" data-testid="mh-review" data-count=${today.visitsToReview}>
      <div class="card-head">
        <h2 class="card-title">${t('mh.review')} <span class="mh-num">${formatNumber(today.visitsToReview)}</span></h2>
        ${seeAll('/visits/review', 'mh-link-review')}
      </div>
      ${today.review.length
        ? html`<ul class="mh-list">${today.review.map((v) => html`<li><a class="mh-row" href="/visits/review">
            <span class="mh-name">${v.person.name}</span>
            <span class="mh-value">${formatTime(v.occurredAt, { month: 'short', day: 'numeric' })}</span>
            <span class="mh-sub">${v.customer.name}</span></a></li>`)}</ul>`
        : html`<p class="empty">${t('mh.reviewNone')}</p>`}
    </section>

    <section class="card mh-card" data-testid="mh-stalling" data-count=${today.stalling}>
      <div class="card-head">
        <h2 class="card-title">${t('mh.stalling')} <span class="mh-num">${formatNumber(today.stalling)}</span></h2>
        ${seeAll('/deals/team?view=table&sort=days&dir=desc', 'mh-link-stalling')}
      </div>
      ${today.stalled.length
        ? html`<ul class="mh-list">${today.stalled.map((s) => html`<li><a class="mh-row mh-deal" href=${`/deals/${s.deal.id}`}>
            <span class="mh-name">${s.deal.title}</span><span class="mh-value">${money(s.deal.amount)}</span>
            <span class="mh-sub">${s.deal.owner.name} · ${t('mh.stallRow', { days: formatNumber(s.deal.daysInStage), stage: s.deal.stage.name, limit: formatNumber(s.limitDays) })}</span>
            </a></li>`)}</ul>`
        : html`<p class="empty">${t('mh.stallingNone')}</p>`}
    </section>

    <section class="card mh-card" data-testid="mh-approvals" data-count=${approvals}>
      <div class="card-head"><h2 class="card-title">${t('mh.approvals')} <span class="mh-num">${formatNumber(approvals)}</span></h2></div>
      <ul class="mh-list">
        <li><a class="mh-row" href="/rewards/approvals" data-testid="mh-link-redemptions">
          <span class="mh-name">${t('mh.redemptions')}</span><span class="mh-value mh-badge">${formatNumber(today.redemptionsToDecide)}</span></a></li>
        ${today.statementsPeriod
          ? html`<li><a class="mh-row" href=${`/statements?period=${today.statementsPeriod}`} data-testid="mh-link-statements">
              <span class="mh-name">${t('mh.statements', { month: monthLabel(today.statementsPeriod) })}</span>
              <span class="mh-value mh-badge">${formatNumber(today.statementsToApprove)}</span></a></li>`
          : nothing}
      </ul>
    </section>

    <section class="card mh-card" data-testid="mh-celebrations">
      <div class="card-head"><h2 class="card-title">${t('mh.celebrations')}</h2>${seeAll('/board', 'mh-link-board')}</div>
      ${today.celebrations.length
        ? html`<ul class="mh-list">${today.celebrations.map((c) => html`<li class="mh-row mh-celebration">
            ${avatar(c.user, 32)}<span class="mh-name">${celebrationText(c)}</span>
            <time class="mh-value" datetime=${c.createdAt}>${formatTime(c.createdAt, { month: 'short', day: 'numeric' })}</time></li>`)}</ul>`
        : html`<p class="empty">${t('mh.celebrationsNone')}</p>`}
    </section>
  </div>`;
}
