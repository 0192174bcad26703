// /visits/review: a manager's queue of flagged visits, oldest first. Each says why it was
// flagged in words, shows its photos and where it happened against the customer, and is
// approved or rejected with an optional note; a decided visit leaves the queue.
import type { Screen } from '@/app/screen';
import { REVIEW_VISIT_MUTATION, VISITS_TO_REVIEW_QUERY, type MapSettings, type MapVisit, type ReviewDecision, type ReviewVisitResult } from '@/features/map/documents';
import type { FieldMap } from '@/features/map/field-map';
import { dayIn, personColor, TONE_COLOR, visitTone } from '@/features/map/logic';
import { flagChip, flagSentences, photoStrip, timesText } from '@/features/map/markers';
import { visitPlaceMap } from '@/features/map/where';
import { decidedElsewhere, placeErrors, QUEUE_SIZE, withoutVisit } from '@/features/review/logic';
import { GraphQLRequestError, request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatDistance, formatNumber, formatTime, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';
import { customerLink } from '@/ui/customer-link';

function managersOnly(root: HTMLElement, texts: Texts): void {
  root.append(
    h('section', { class: 'page page-narrow empty-page', 'data-testid': 'review-forbidden', role: 'alert' },
      tx(texts, 'h1', 'review.managersOnly', { class: 'page-title' }),
      tx(texts, 'p', 'review.managersOnlyHint', { class: 'page-sub' }),
      h('a', { class: 'btn btn-primary', href: '/map' }, tx(texts, 'span', 'map.openMine'))),
  );
}

export const reviewScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  if (me.user.role === 'REP') {
    managersOnly(root, texts);
    return () => disposers.forEach((d) => d());
  }

  let queue: MapVisit[] = [];
  // All waiting in reach; the queue shows the oldest QUEUE_SIZE of them.
  let total = 0;
  let settings: MapSettings | null = null;
  let loaded = false;
  const maps = new Map<string, FieldMap>();
  disposers.push(() => maps.forEach((m) => m.destroy()));

  const remaining = h('p', { class: 'page-sub', 'data-testid': 'review-remaining', 'aria-live': 'polite' });
  const notice = h('p', { class: 'form-ok review-notice', role: 'status', 'data-testid': 'review-notice', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'review-error', hidden: true });
  const list = h('div', { class: 'review-list', 'data-testid': 'review-list' });
  const page = h(
    'section',
    { class: 'page review-page', 'data-testid': 'review-page' },
    h('header', { class: 'page-head map-head' },
      h('div', null, tx(texts, 'h1', 'review.title', { class: 'page-title' }), remaining),
      h('a', { class: 'btn btn-ghost btn-small map-link', href: '/map', 'data-testid': 'link-map' }, icon('visit'), tx(texts, 'span', 'map.openTeam'), icon('chevron'))),
    notice,
    error,
    list,
  );
  root.append(page);

  // Small maps are made as their card nears the screen: fifty Leaflet maps at once is a lot for a phone.
  const pendingMaps = new Map<Element, MapVisit>();
  const observer = typeof IntersectionObserver === 'undefined'
    ? null
    : new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          const visit = pendingMaps.get(entry.target);
          observer?.unobserve(entry.target);
          pendingMaps.delete(entry.target);
          if (visit && !maps.has(visit.id)) maps.set(visit.id, visitPlaceMap(entry.target as HTMLElement, visit, settings));
        }
      }, { rootMargin: '400px 0px' });
  disposers.push(() => observer?.disconnect());

  const renderRemaining = () => {
    const count = Math.max(total, queue.length);
    page.dataset.count = String(count);
    remaining.dataset.count = String(count);
    if (!loaded) {
      remaining.textContent = '';
      return;
    }
    remaining.textContent = count === 1 ? t('review.remainingOne') : t('review.remaining', { count: formatNumber(count) });
    if (count > queue.length) remaining.textContent += ` · ${t('review.more', { count: formatNumber(queue.length) })}`;
  };

  const decide = async (visit: MapVisit, decision: ReviewDecision, item: HTMLElement, parts: ItemParts) => {
    parts.buttons.forEach((b) => (b.disabled = true));
    parts.status.textContent = t('review.sending');
    parts.noteError.hidden = true;
    parts.itemError.hidden = true;
    parts.note.removeAttribute('aria-invalid');
    try {
      const { reviewVisit } = await request<{ reviewVisit: ReviewVisitResult }>(REVIEW_VISIT_MUTATION, {
        input: { visitId: visit.id, decision, note: parts.note.value.trim() },
      });
      if (reviewVisit.__typename === 'OperationError') {
        const placed = placeErrors(reviewVisit.errors);
        if (placed.note.length > 0) {
          parts.noteError.hidden = false;
          parts.noteError.textContent = placed.note.map(fieldErrorMessage).join(' ');
          parts.note.setAttribute('aria-invalid', 'true');
          parts.note.focus();
        }
        if (placed.general.length > 0) {
          parts.itemError.hidden = false;
          parts.itemError.textContent = placed.general.map(fieldErrorMessage).join(' ');
        }
        // Decided by someone else meanwhile: nothing left to do here but read why.
        if (!decidedElsewhere(reviewVisit.errors)) parts.buttons.forEach((b) => (b.disabled = false));
        parts.status.textContent = '';
        return;
      }
      const decided = reviewVisit.visit;
      queue = withoutVisit(queue, visit.id);
      total = Math.max(0, total - 1);
      notice.hidden = false;
      notice.textContent = t(decision === 'APPROVE' ? 'review.approved' : 'review.rejected', { name: decided.person.name, customer: decided.customer.name });
      notice.dataset.visitId = visit.id;
      notice.dataset.decision = decision;
      maps.get(visit.id)?.destroy();
      maps.delete(visit.id);
      const next = item.nextElementSibling ?? item.previousElementSibling;
      item.remove();
      renderRemaining();
      if (queue.length > 0) next?.querySelector<HTMLElement>('.review-person')?.focus();
      else if (total > 0) void load();
      else renderQueue();
    } catch (failure) {
      parts.itemError.hidden = false;
      parts.itemError.textContent = failureMessage(failure);
      parts.buttons.forEach((b) => (b.disabled = false));
      parts.status.textContent = '';
    }
  };

  interface ItemParts {
    note: HTMLTextAreaElement;
    noteError: HTMLElement;
    itemError: HTMLElement;
    status: HTMLElement;
    buttons: HTMLButtonElement[];
  }

  const item = (visit: MapVisit) => {
    const noteId = `review-note-${visit.id}`;
    const parts: ItemParts = {
      note: h('textarea', { class: 'input textarea review-note', id: noteId, rows: 2, maxlength: 500, 'data-testid': 'review-note' }),
      noteError: h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': 'note', hidden: true }),
      itemError: h('p', { class: 'form-error', role: 'alert', 'data-testid': 'review-item-error', hidden: true }),
      status: h('span', { class: 'review-status', role: 'status' }),
      buttons: [],
    };
    const article = h('article', { class: 'card review-item', 'data-testid': 'review-item', 'data-visit-id': visit.id, 'data-person-id': visit.person.id });
    const button = (decision: ReviewDecision) =>
      h('button', {
        type: 'button',
        class: `btn ${decision === 'APPROVE' ? 'btn-primary' : 'btn-danger'}`,
        'data-testid': decision === 'APPROVE' ? 'review-approve' : 'review-reject',
        onclick: () => void decide(visit, decision, article, parts),
      }, t(decision === 'APPROVE' ? 'review.approve' : 'review.reject'));
    parts.buttons = [button('APPROVE'), button('REJECT')];
    const dot = h('span', { class: 'person-dot' }, visit.person.initials);
    dot.style.backgroundColor = personColor(visit.person.id);
    const placeMap = h('div', { class: 'review-map', 'data-testid': 'review-map' });
    pendingMaps.set(placeMap, visit);
    const day = dayIn(new Date(visit.occurredAt), me.org.timeZone);
    const toneSwatch = h('span', { class: 'legend-swatch is-visit' });
    toneSwatch.style.setProperty('--tone', TONE_COLOR[visitTone(visit)]);
    article.append(
      h('header', { class: 'review-head' },
        h('h2', { class: 'review-person', tabindex: -1 }, dot, h('span', null, visit.person.name)),
        h('p', { class: 'review-customer' }, customerLink(visit.customer)),
        h('p', { class: 'review-when' },
          h('time', { datetime: visit.occurredAt }, formatTime(visit.occurredAt, { weekday: 'short', day: 'numeric', month: 'short' })),
          ' · ', timesText(visit), ' · ', formatDistance(visit.distanceMeters)),
        h('div', { class: 'row-flags' }, visit.flags.map(flagChip))),
      h('div', { class: 'review-body' },
        h('div', { class: 'review-facts' },
          h('h3', { class: 'review-label' }, t('review.why')),
          flagSentences(visit),
          visit.note ? h('div', { class: 'review-rep-note' }, h('h3', { class: 'review-label' }, t('review.repNote')), h('p', null, visit.note)) : null,
          h('h3', { class: 'review-label' }, t('map.photos')),
          photoStrip(visit, 'large') ?? h('p', { class: 'muted-line' }, t('review.noPhotos'))),
        h('figure', { class: 'review-where' },
          placeMap,
          h('figcaption', { class: 'review-where-legend' },
            h('span', { class: 'legend-item' }, h('span', { class: 'legend-swatch is-stop' }), t('map.where.customer')),
            h('span', { class: 'legend-item' }, h('span', { class: 'legend-swatch is-ring is-dashed' }), t('map.where.geofence')),
            h('span', { class: 'legend-item' }, toneSwatch, t('map.where.checkIn')),
            visit.checkOutLatitude !== null ? h('span', { class: 'legend-item' }, h('span', { class: 'legend-swatch is-checkout' }), t('map.where.checkOut')) : null,
            h('a', { class: 'review-day-link', href: `/map?day=${day}&person=${encodeURIComponent(visit.person.id)}` }, t('review.onMap'))))),
      h('div', { class: 'review-decide' },
        h('label', { class: 'field', for: noteId }, h('span', { class: 'label' }, t('review.note')), parts.note, parts.noteError),
        parts.itemError,
        h('div', { class: 'form-actions' }, parts.buttons, parts.status),
        h('p', { class: 'stat-foot' }, t('review.approveHint'))),
    );
    return article;
  };

  function renderQueue(): void {
    maps.forEach((m) => m.destroy());
    maps.clear();
    pendingMaps.clear();
    observer?.disconnect();
    renderRemaining();
    if (!loaded) {
      replace(list, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })));
      return;
    }
    if (queue.length === 0) {
      replace(list, h('div', { class: 'card empty review-empty', 'data-testid': 'review-empty' }, icon('check'), h('p', null, t('review.none'))));
      return;
    }
    replace(list, queue.map(item));
    for (const [el, visit] of pendingMaps) {
      if (observer) observer.observe(el);
      else maps.set(visit.id, visitPlaceMap(el as HTMLElement, visit, settings));
    }
    if (!observer) pendingMaps.clear();
  }

  const load = async () => {
    try {
      const data = await request<{ mapSettings: MapSettings; visitsToReview: MapVisit[]; visitsToReviewCount: number }>(VISITS_TO_REVIEW_QUERY, { first: QUEUE_SIZE });
      settings = data.mapSettings;
      queue = data.visitsToReview;
      total = data.visitsToReviewCount;
      loaded = true;
      error.hidden = true;
      renderQueue();
    } catch (failure) {
      if (failure instanceof GraphQLRequestError && failure.codes.includes('FORBIDDEN')) {
        page.remove();
        managersOnly(root, texts);
        return;
      }
      error.hidden = false;
      error.textContent = failureMessage(failure);
    }
  };

  // Typed notes survive a language switch only if nothing is rebuilt: relabel in place instead.
  texts.on(() => {
    renderRemaining();
    if (loaded && list.querySelector('textarea')?.value) return;
    renderQueue();
  });

  renderQueue();
  void load();
  return () => disposers.forEach((d) => d());
};
