// Marker faces and popup contents, built with h() (text nodes only: names, notes and
// customers can never become markup). Shared by the map screen and the review queue.
import type { MapVisit, PlanStop, VisitFlag } from '@/features/map/documents';
import { durationParts, explainFlags, STATUS_KEY, stopTone, TONE_COLOR, visitTone, type VisitTone } from '@/features/map/logic';
import { formatDistance, formatNumber, formatTime, t } from '@/i18n';
import { h } from '@/ui/dom';
import { customerLink, customerName, type CustomerViewer } from '@/ui/customer-link';

export const VISIT_MARKER_SIZE = 30;
export const STOP_MARKER_SIZE = 26;

/** A visit's marker: a round badge with its number in the day (rep) or the person's initials (manager). */
export function visitMarker(visit: MapVisit, label: string, personColor?: string): HTMLElement {
  const tone = visitTone(visit);
  const el = h(
    'span',
    {
      class: `visit-marker is-${tone}${personColor ? ' is-person' : ''}`,
      'data-testid': 'map-visit-marker',
      'data-visit-id': visit.id,
      'data-status': visit.status,
      'data-tone': tone,
      'data-person-id': visit.person.id,
    },
    h('span', { class: 'visit-marker-label' }, label),
  );
  el.style.setProperty('--tone', TONE_COLOR[tone]);
  if (personColor) el.style.setProperty('--person', personColor);
  return el;
}

/** A customer on today's plan: a rounded square with its stop number; at risk in red. */
export function stopMarker(stop: PlanStop): HTMLElement {
  const tone = stopTone(stop);
  return h(
    'span',
    { class: `stop-marker is-${tone}`, 'data-testid': 'map-stop-marker', 'data-customer-id': stop.customer.id, 'data-tone': tone },
    h('span', { class: 'stop-marker-label' }, String(stop.order)),
  );
}

export function hereMarker(): HTMLElement {
  return h('span', { class: 'here-marker', 'data-testid': 'map-here' });
}

/** A pin for the review map: the customer's place. */
export function customerMarker(): HTMLElement {
  return h('span', { class: 'stop-marker is-customer', 'data-testid': 'map-customer-marker' }, h('span', { class: 'stop-marker-label' }, '●'));
}

export function checkOutMarker(): HTMLElement {
  return h('span', { class: 'visit-marker is-checkout', 'data-testid': 'map-checkout-marker' }, h('span', { class: 'visit-marker-label' }, '↗'));
}

export function statusChip(visit: Pick<MapVisit, 'status' | 'checkedOutAt'>): HTMLElement {
  const tone: VisitTone = visitTone(visit);
  return h(
    'span',
    { class: `visit-chip is-${tone}`, 'data-testid': 'visit-status', 'data-status': visit.status },
    tone === 'open' && visit.status !== 'FLAGGED' ? t('map.stillOpen') : t(STATUS_KEY[visit.status]),
  );
}

export function flagChip(flag: VisitFlag): HTMLElement {
  return h('span', { class: 'flag-chip', 'data-flag': flag }, t(`map.flagName.${flag}`));
}

export function durationText(seconds: number): string {
  const { hours, minutes } = durationParts(seconds);
  return hours > 0 ? t('map.duration', { hours, minutes: String(minutes).padStart(2, '0') }) : t('map.durationMinutes', { minutes });
}

/** "09:12 – 09:47 · 35 min", or "In 09:12 · still checked in". */
export function timesText(visit: MapVisit): string {
  const from = formatTime(visit.occurredAt);
  if (!visit.checkedOutAt) return `${t('map.checkIn', { time: from })} · ${t('map.stillOpen')}`;
  const range = t('map.timeRange', { from, to: formatTime(visit.checkedOutAt) });
  return visit.durationSeconds === null ? range : `${range} · ${durationText(visit.durationSeconds)}`;
}

export function flagSentences(visit: MapVisit): HTMLElement | null {
  const explained = explainFlags(visit, { distance: (m) => formatDistance(m), number: (n) => formatNumber(n) });
  if (explained.length === 0) return null;
  return h(
    'ul',
    { class: 'flag-list', 'data-testid': 'visit-flags' },
    explained.map((e) => h('li', { class: 'flag-line', 'data-testid': 'visit-flag', 'data-flag': e.flag }, t(e.key, e.params))),
  );
}

/** Thumbnails that open the full picture in a new tab (outside the app's router). */
export function photoStrip(visit: MapVisit, size: 'small' | 'large' = 'small'): HTMLElement | null {
  if (visit.photos.length === 0) return null;
  return h(
    'div',
    { class: `photo-strip is-${size}`, 'data-testid': 'visit-photos', 'data-count': visit.photos.length },
    visit.photos.map((photo, i) =>
      h(
        'a',
        { class: 'photo-thumb', href: photo.url, target: '_blank', rel: 'noopener', 'data-testid': 'visit-photo', 'data-photo-id': photo.id },
        h('img', {
          src: photo.thumbUrl,
          alt: t('map.photoAlt', { n: i + 1, customer: visit.customer.name }),
          loading: 'lazy',
          decoding: 'async',
          width: photo.width >= photo.height ? 96 : Math.round((96 * photo.width) / Math.max(1, photo.height)),
          height: photo.height > photo.width ? 96 : Math.round((96 * photo.height) / Math.max(1, photo.width)),
        }),
      ),
    ),
  );
}

/** The popup of a visit: who, where, when, how far, how it was judged. */
export function visitPopup(visit: MapVisit, opts: { showPerson: boolean; personColor?: string; viewer?: CustomerViewer }): HTMLElement {
  const who = opts.showPerson
    ? h('span', { class: 'popup-person' },
        h('span', { class: 'person-dot', style: opts.personColor ? { backgroundColor: opts.personColor } : undefined }, visit.person.initials),
        visit.person.name)
    : null;
  return h(
    'div',
    { class: 'visit-popup', 'data-testid': 'map-popup', 'data-visit-id': visit.id },
    who,
    h('strong', { class: 'popup-customer' }, opts.viewer ? customerName(opts.viewer, visit.customer) : customerLink(visit.customer)),
    h('p', { class: 'popup-line' }, timesText(visit)),
    h('p', { class: 'popup-line' },
      t('map.distance', { distance: formatDistance(visit.distanceMeters) }),
      ' · ',
      t('map.accuracy', { accuracy: formatDistance(visit.accuracyMeters) })),
    h('p', { class: 'popup-line' }, statusChip(visit), visit.pointsAwarded > 0 ? h('span', { class: 'popup-points' }, t('map.points', { points: formatNumber(visit.pointsAwarded) })) : null),
    flagSentences(visit),
    visit.note ? h('p', { class: 'popup-note' }, h('span', { class: 'popup-label' }, t('map.note')), ' ', visit.note) : null,
    visit.reviewNote ? h('p', { class: 'popup-note' }, h('span', { class: 'popup-label' }, t('map.reviewNote')), ' ', visit.reviewNote) : null,
    photoStrip(visit),
  );
}

/** A customer on today's plan: when last visited, how far from the previous stop. */
export function stopPopup(stop: PlanStop, viewer: CustomerViewer): HTMLElement {
  return h(
    'div',
    { class: 'visit-popup', 'data-testid': 'map-popup', 'data-customer-id': stop.customer.id },
    h('span', { class: 'popup-person' }, t('map.stop.order', { order: stop.order })),
    h('strong', { class: 'popup-customer' }, customerName(viewer, stop.customer)),
    stop.customer.address ? h('p', { class: 'popup-line' }, stop.customer.address) : null,
    h('p', { class: `popup-line${stop.atRisk && !stop.visitedToday ? ' is-risk' : ''}` }, stopLastVisit(stop)),
    stop.legMeters !== null ? h('p', { class: 'popup-line' }, stopLeg(stop)) : null,
  );
}

export function stopLastVisit(stop: PlanStop): string {
  if (stop.visitedToday) return t('map.stop.visited');
  if (stop.daysSinceVisit === null) return t('map.stop.never');
  if (stop.daysSinceVisit <= 1) return t('map.stop.yesterday');
  return t('map.stop.days', { days: formatNumber(stop.daysSinceVisit) });
}

export function stopLeg(stop: PlanStop): string {
  const distance = formatDistance(stop.legMeters ?? 0);
  return stop.order === 1 ? t('map.stop.legFirst', { distance }) : t('map.stop.leg', { distance });
}
