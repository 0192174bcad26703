// /map: a rep's day (visits in order, today's customers as a route) or a manager's team by
// day (a colour per person, a legend that filters). The list and the markers stay in sync:
// a row centres its marker and opens its popup; a marker highlights its row.
import { replaceParams } from '@/app/router';
import type { Screen } from '@/app/screen';
import {
  MAP_NODES_QUERY,
  MY_DAY_MAP_QUERY,
  TEAM_DAY_MAP_QUERY,
  VISITS_LIVE_SUBSCRIPTION,
  type MapCustomer,
  type MapSettings,
  type MapVisit,
  type TodayPlan,
  type VisitPerson,
} from '@/features/map/documents';
import { FieldMap, noTilesNote } from '@/features/map/field-map';
import { dayIn, inTimeOrder, isDayKey, markerKey, peopleOf, personColors, placeOf, shiftDay, TONE_COLOR, tracksByPerson, visitTone, type LatLng } from '@/features/map/logic';
import {
  flagChip,
  hereMarker,
  statusChip,
  stopLastVisit,
  stopLeg,
  stopMarker,
  stopPopup,
  STOP_MARKER_SIZE,
  timesText,
  visitMarker,
  visitPopup,
  VISIT_MARKER_SIZE,
} from '@/features/map/markers';
import { reviewLink } from '@/features/map/links';
import { formatDay } from '@/ui/dates';
import { request, subscribe } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me, OrgNode } from '@/graphql/types';
import { formatDistance, formatNumber, getLocale, t } from '@/i18n';
import { h, replace, Texts, tx, type Child } from '@/ui/dom';
import { icon } from '@/ui/icons';
import { exportHref, renderExportMenu } from '@/ui/table';
import { customerPageLink, type CustomerViewer } from '@/ui/customer-link';

interface DayData {
  settings: MapSettings;
  visits: MapVisit[];
  plan: TodayPlan | null;
}

const PATH_COLOR = '#4f46e5';
const ROUTE_COLOR = '#6a6a86';

/** ‹ day › around a native date input; the future has no visits, so it stops at today. */
export function dayPicker(opts: { value: string; max: string; onChange: (day: string) => void }): HTMLElement {
  const input = h('input', {
    type: 'date', class: 'input map-day-input', value: opts.value, max: opts.max, required: true,
    'data-testid': 'map-day', 'aria-label': t('map.day'),
    onchange: () => {
      if (isDayKey(input.value) && input.value <= opts.max) opts.onChange(input.value);
    },
  });
  const step = (by: -1 | 1, label: string, testId: string) =>
    h('button', {
      type: 'button', class: 'btn btn-ghost btn-small map-day-step', 'aria-label': label, title: label, 'data-testid': testId,
      disabled: by > 0 && opts.value >= opts.max,
      onclick: () => opts.onChange(shiftDay(opts.value, by)),
    }, icon('chevron', by < 0 ? 'icon flip' : 'icon'));
  return h(
    'div',
    { class: 'map-day' },
    step(-1, t('map.dayPrev'), 'map-day-prev'),
    input,
    step(1, t('map.dayNext'), 'map-day-next'),
    opts.value === opts.max
      ? null
      : h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'map-day-today', onclick: () => opts.onChange(opts.max) }, t('map.today')),
  );
}

export const mapScreen: Screen = (root, { me: maybeMe, location }) => {
  const me = maybeMe as Me;
  const manager = me.user.role !== 'REP';
  const viewer: CustomerViewer = me.user;
  const zone = me.org.timeZone;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];

  const today = () => dayIn(new Date(), zone);
  const asked = location.params.get('day');
  let day = isDayKey(asked) && asked <= today() ? asked : today();
  let nodeKey = manager ? location.params.get('node') ?? '' : '';
  let personFilter = manager ? location.params.get('person') : null;
  let data: DayData | null = null;
  let near: LatLng | null = null;
  let loadSeq = 0;
  let selectedKey: string | null = null;

  const canvas = h('div', { class: 'map-canvas', 'data-testid': 'map-canvas', role: 'region' });
  texts.attr(canvas, 'aria-label', manager ? 'map.titleTeam' : 'map.title');
  const note = h('div', { class: 'map-note-slot' });
  const noPoints = h('p', { class: 'map-empty', 'data-testid': 'map-no-points', hidden: true });
  const legend = h('div', { class: 'map-legend', 'data-testid': 'map-legend' });
  const side = h('div', { class: 'map-side', 'data-testid': 'map-list' });
  const sub = h('p', { class: 'page-sub', 'data-testid': 'map-summary' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'map-error' });
  const controls = h('div', { class: 'map-controls' });
  const nodeSelect = h('select', {
    class: 'input map-node', 'data-testid': 'map-node',
    onchange: () => {
      nodeKey = nodeSelect.value;
      personFilter = null;
      syncUrl();
      void load(true);
    },
  });
  texts.attr(nodeSelect, 'aria-label', 'map.scope');

  // Managers take the day's visits away as a file, for the node shown (the API also takes longer spans).
  const exportHost = h('span', { class: 'map-export' });
  const drawExport = () => {
    if (manager) renderExportMenu(exportHost, (format) => exportHref('/api/visits/export', { from: day, to: day, nodeId: nodeKey }, format), 'map-export', t('map.exportHint'));
  };
  const page = h(
    'section',
    { class: `page map-page${manager ? ' is-team' : ''}`, 'data-testid': 'map-page', 'data-role': me.user.role },
    h(
      'header',
      { class: 'page-head map-head' },
      h('div', null, tx(texts, 'h1', manager ? 'map.titleTeam' : 'map.title', { class: 'page-title' }), sub),
      manager ? h('div', { class: 'map-head-tools' }, exportHost, reviewLink(texts, disposers)) : null,
    ),
    controls,
    error,
    h('div', { class: 'map-layout' }, h('div', { class: 'map-pane' }, h('div', { class: 'map-frame' }, canvas, noPoints), note, legend), side),
  );
  root.append(page);

  const fmap = new FieldMap(canvas, null);
  disposers.push(() => fmap.destroy());
  const fitButton = fmap.addFitControl(t('map.fit'));

  // ---- list ↔ markers
  const rowFor = (key: string) => side.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  const highlightRow = (key: string | null, scroll: boolean) => {
    selectedKey = key;
    side.querySelectorAll('.map-row.is-selected').forEach((r) => r.classList.remove('is-selected'));
    side.querySelectorAll('.map-row[aria-current]').forEach((r) => r.removeAttribute('aria-current'));
    if (!key) return;
    const row = rowFor(key);
    row?.classList.add('is-selected');
    row?.setAttribute('aria-current', 'true');
    if (scroll) row?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };
  fmap.onSelect((key) => highlightRow(key, true));
  const choose = (key: string) => {
    highlightRow(key, false);
    fmap.focus(key);
    // Phones: the map sits above the list; bring all of it back into view (below the sticky top bar).
    const box = canvas.getBoundingClientRect();
    const top = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
    if (box.top < top || box.bottom > window.innerHeight) window.scrollBy({ top: box.top - top - 8, behavior: 'smooth' });
  };

  // The row selects its marker; the customer's page is the link beside it (a link cannot sit inside a button).
  const row = (key: string, testId: string, attrs: Record<string, string>, customer: MapCustomer, ...children: Child[]) =>
    h('li', { class: 'map-row-item' },
      h('button', { type: 'button', class: 'map-row', 'data-key': key, 'data-testid': testId, ...attrs, onclick: () => choose(key) }, ...children),
      customerPageLink(viewer, customer, 'map-row-open'));

  // ---- colours and who is shown
  let colors = new Map<string, string>();
  const shownVisits = (): MapVisit[] => {
    const visits = data?.visits ?? [];
    return personFilter ? visits.filter((v) => v.person.id === personFilter) : visits;
  };

  const renderMap = (fit: boolean) => {
    fmap.clear();
    if (!data) return;
    const visits = shownVisits();
    const points: LatLng[] = [];
    if (manager) {
      for (const [personId, track] of tracksByPerson(visits)) {
        fmap.addLine(track.map((v) => [v.latitude, v.longitude] as const), { color: colors.get(personId) ?? PATH_COLOR, opacity: 0.55 });
      }
      for (const v of inTimeOrder(visits)) {
        const color = colors.get(v.person.id);
        fmap.addMarker(markerKey('visit', v.id), [v.latitude, v.longitude], {
          icon: visitMarker(v, v.person.initials, color),
          size: VISIT_MARKER_SIZE,
          title: `${v.person.name} · ${v.customer.name}`,
          popup: () => visitPopup(v, { showPerson: true, personColor: color, viewer }),
          zIndexOffset: v.status === 'FLAGGED' ? 500 : 0,
        });
        points.push([v.latitude, v.longitude]);
      }
    } else {
      const plan = day === today() ? data.plan : null;
      if (plan && plan.stops.length > 0) {
        const stops = [...plan.stops].sort((a, b) => a.order - b.order).flatMap((s) => {
          const place = placeOf(s.customer);
          return place ? [{ stop: s, place }] : [];
        });
        const route: LatLng[] = stops.map((s) => s.place);
        fmap.addLine(near ? [near, ...route] : route, { color: ROUTE_COLOR, dashed: true, weight: 2.5, opacity: 0.9, className: 'map-route' });
        for (const { stop, place } of stops) {
          fmap.addMarker(markerKey('customer', stop.customer.id), place, {
            icon: stopMarker(stop),
            size: STOP_MARKER_SIZE,
            title: stop.customer.name,
            popup: () => stopPopup(stop, viewer),
          });
          points.push(place);
        }
      }
      const ordered = inTimeOrder(visits);
      fmap.addLine(ordered.map((v) => [v.latitude, v.longitude] as const), { color: PATH_COLOR, weight: 3.5, className: 'map-path' });
      ordered.forEach((v, i) => {
        fmap.addMarker(markerKey('visit', v.id), [v.latitude, v.longitude], {
          icon: visitMarker(v, String(i + 1)),
          size: VISIT_MARKER_SIZE,
          title: v.customer.name,
          popup: () => visitPopup(v, { showPerson: false, viewer }),
          zIndexOffset: 1000,
        });
        points.push([v.latitude, v.longitude]);
      });
      if (near) {
        fmap.addMarker('here', near, { icon: hereMarker(), size: 18, title: t('map.youAreHere') });
        points.push(near);
      }
    }
    noPoints.hidden = points.length > 0;
    noPoints.textContent = t('map.noPoints');
    if (fit) fmap.fit(points);
    if (selectedKey && fmap.has(selectedKey)) fmap.highlight(selectedKey);
  };

  const legendItem = (className: string, label: string, color?: string) => {
    const swatch = h('span', { class: `legend-swatch ${className}`, 'aria-hidden': 'true' });
    if (color) swatch.style.setProperty('--tone', color);
    return h('li', { class: 'legend-item' }, swatch, label);
  };

  const renderLegend = () => {
    if (!data) {
      legend.replaceChildren();
      return;
    }
    if (!manager) {
      replace(
        legend,
        h('ul', { class: 'legend-list' },
          legendItem('is-visit', t('map.legend.ok'), TONE_COLOR.ok),
          legendItem('is-visit', t('map.legend.flagged'), TONE_COLOR.flagged),
          legendItem('is-visit', t('map.legend.rejected'), TONE_COLOR.rejected),
          legendItem('is-visit is-open', t('map.legend.open'), TONE_COLOR.open),
          legendItem('is-stop', t('map.legend.customer')),
          legendItem('is-stop is-at-risk', t('map.legend.atRisk')),
          legendItem('is-line', t('map.legend.path'), PATH_COLOR),
          legendItem('is-line is-dashed', t('map.legend.route'), ROUTE_COLOR)),
      );
      return;
    }
    const people = peopleOf(data.visits);
    const counts = new Map<string, number>();
    for (const v of data.visits) counts.set(v.person.id, (counts.get(v.person.id) ?? 0) + 1);
    const chip = (person: VisitPerson | null) => {
      const pressed = person ? personFilter === person.id : personFilter === null;
      const el = h(
        'button',
        {
          type: 'button', class: 'person-chip', 'aria-pressed': String(pressed),
          'data-testid': 'map-person', 'data-person-id': person?.id ?? '',
          onclick: () => {
            personFilter = person && personFilter !== person.id ? person.id : null;
            syncUrl();
            renderAll(true);
          },
        },
        person ? h('span', { class: 'person-dot' }, person.initials) : null,
        h('span', { class: 'person-chip-name' }, person ? person.name : t('map.allPeople')),
        h('span', { class: 'person-chip-count' }, formatNumber(person ? counts.get(person.id) ?? 0 : data!.visits.length)),
      );
      const dot = el.querySelector<HTMLElement>('.person-dot');
      if (dot && person) dot.style.backgroundColor = colors.get(person.id) ?? PATH_COLOR;
      return el;
    };
    replace(
      legend,
      people.length > 0 ? h('div', { class: 'person-chips', role: 'group', 'aria-label': t('map.people') }, chip(null), people.map(chip)) : null,
      h('ul', { class: 'legend-list' },
        legendItem('is-visit is-ring', t('map.legend.flagged'), TONE_COLOR.flagged),
        legendItem('is-visit is-ring', t('map.legend.rejected'), TONE_COLOR.rejected),
        legendItem('is-visit is-ring is-open', t('map.legend.open'), TONE_COLOR.open)),
    );
  };

  const visitRow = (v: MapVisit, index: number) => {
    const color = colors.get(v.person.id);
    const tone = visitTone(v);
    const dot = h('span', { class: `row-badge visit-marker is-${tone}${manager ? ' is-person' : ''}`, 'aria-hidden': 'true' }, manager ? v.person.initials : String(index + 1));
    dot.style.setProperty('--tone', TONE_COLOR[tone]);
    if (manager && color) dot.style.setProperty('--person', color);
    return row(markerKey('visit', v.id), 'map-row', { 'data-visit-id': v.id, 'data-status': v.status }, v.customer,
      dot,
      h('span', { class: 'row-main' },
        manager ? h('span', { class: 'row-person' }, v.person.name) : null,
        h('span', { class: 'row-title' }, v.customer.name),
        h('span', { class: 'row-sub' }, timesText(v), ' · ', formatDistance(v.distanceMeters)),
        v.flags.length > 0 ? h('span', { class: 'row-flags' }, v.flags.map(flagChip)) : null),
      statusChip(v));
  };

  const renderList = () => {
    if (!data) {
      replace(side, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })));
      return;
    }
    const visits = inTimeOrder(shownVisits());
    const visitList = visits.length > 0
      ? h('ul', { class: 'map-rows', 'data-testid': 'map-visit-list' }, visits.map(visitRow))
      : h('p', { class: 'empty', 'data-testid': 'map-empty' }, t(!manager && day === today() ? 'map.noVisitsToday' : 'map.noVisits'));
    const sections: HTMLElement[] = [
      h('section', { class: 'map-section' }, h('h2', { class: 'section-title' }, t(manager ? 'map.teamVisits' : 'map.myVisits')), visitList),
    ];
    const plan = !manager && day === today() ? data.plan : null;
    if (plan) {
      const all = [...plan.stops].sort((a, b) => a.order - b.order);
      // Customers without a position have no place on the route: listed apart, each a link to place it.
      const stops = all.filter((s) => placeOf(s.customer) !== null);
      const unplaced = all.filter((s) => placeOf(s.customer) === null);
      const atRisk = stops.filter((s) => s.atRisk && !s.visitedToday).length;
      sections.push(
        h('section', { class: 'map-section', 'data-testid': 'map-plan' },
          h('div', { class: 'map-section-head' },
            h('h2', { class: 'section-title' }, t('map.myCustomers')),
            h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'map-locate', onclick: () => void locate(true) }, icon('locate'), t('map.locate'))),
          h('p', { class: 'map-plan-sub' },
            plan.totalMeters !== null ? t('map.route', { distance: formatDistance(plan.totalMeters) }) : t('map.routeNoDistance'),
            atRisk > 0 ? h('span', { class: 'risk-text' }, ' · ', t('map.atRisk', { count: formatNumber(atRisk), days: formatNumber(plan.atRiskDays) })) : null),
          locateNote,
          stops.length > 0
            ? h('ul', { class: 'map-rows', 'data-testid': 'map-stop-list' }, stops.map((s) =>
                row(markerKey('customer', s.customer.id), 'map-stop-row', { 'data-customer-id': s.customer.id, 'data-at-risk': String(s.atRisk) }, s.customer,
                  h('span', { class: `row-badge stop-marker is-${s.visitedToday ? 'visited' : s.atRisk ? 'at-risk' : 'planned'}` }, String(s.order)),
                  h('span', { class: 'row-main' },
                    h('span', { class: 'row-title' }, s.customer.name),
                    h('span', { class: `row-sub${s.atRisk && !s.visitedToday ? ' is-risk' : ''}` },
                      stopLastVisit(s), s.legMeters !== null ? ` · ${stopLeg(s)}` : '')),
                  s.atRisk && !s.visitedToday ? h('span', { class: 'visit-chip is-rejected' }, t('map.stop.atRisk')) : null)))
            : h('p', { class: 'empty' }, t('map.noStops')),
        ),
      );
      if (unplaced.length > 0) {
        sections.push(
          h('section', { class: 'map-section', 'data-testid': 'map-unplaced' },
            h('h2', { class: 'section-title' }, t('map.unplaced.title')),
            h('p', { class: 'map-plan-sub' }, t('map.unplaced.sub')),
            h('ul', { class: 'map-rows', 'data-testid': 'map-unplaced-list' }, unplaced.map((s) =>
              h('li', { class: 'map-row-item' },
                h('a', { class: 'map-row', href: `/customers/${s.customer.id}/edit`, 'data-testid': 'map-set-position' },
                  h('span', { class: 'row-badge stop-marker is-planned' }, '?'),
                  h('span', { class: 'row-main' }, h('span', { class: 'row-title' }, s.customer.name),
                    h('span', { class: 'row-sub' }, s.customer.address || t('map.unplaced.none'))),
                  h('span', { class: 'visit-chip' }, t('map.unplaced.set')))))),
          ),
        );
      }
    }
    replace(side, sections);
    if (selectedKey) highlightRow(selectedKey, false);
  };

  const renderSummary = () => {
    if (!data) {
      sub.textContent = '';
      return;
    }
    const count = shownVisits().length;
    const dayText = formatDay(day, getLocale(), { weekday: 'long', day: 'numeric', month: 'long' });
    sub.textContent = `${dayText} · ${count === 1 ? t('map.visitCountOne') : t('map.visitCount', { count: formatNumber(count) })}`;
  };

  const renderControls = () => {
    replace(controls, dayPicker({ value: day, max: today(), onChange: (next) => {
      day = next;
      personFilter = null;
      selectedKey = null;
      syncUrl();
      renderControls();
      void load(true);
    } }), manager && nodeSelect.options.length > 1 ? nodeSelect : null);
  };

  function renderAll(fit: boolean): void {
    if (data) colors = personColors(data.visits.map((v) => v.person.id));
    replace(note, noTilesNote(data?.settings ?? null));
    renderSummary();
    renderLegend();
    renderList();
    renderMap(fit);
  }

  const syncUrl = () => {
    const params = new URLSearchParams();
    if (day !== today()) params.set('day', day);
    if (nodeKey) params.set('node', nodeKey);
    if (personFilter) params.set('person', personFilter);
    replaceParams(params);
    drawExport();
  };

  // A fit asked for by a load that a newer one overtook still happens when the newer one lands.
  let fitPending = false;
  async function load(fit: boolean): Promise<void> {
    const seq = ++loadSeq;
    fitPending ||= fit;
    try {
      let next: DayData;
      if (manager) {
        const result = await request<{ mapSettings: MapSettings; visitsOn: MapVisit[] }>(TEAM_DAY_MAP_QUERY, { day, nodeId: nodeKey || null });
        next = { settings: result.mapSettings, visits: result.visitsOn, plan: null };
      } else {
        const result = await request<{ mapSettings: MapSettings; visitsOn: MapVisit[]; todayPlan: TodayPlan }>(MY_DAY_MAP_QUERY, {
          day, near: near ? { latitude: near[0], longitude: near[1] } : null,
        });
        next = { settings: result.mapSettings, visits: result.visitsOn, plan: result.todayPlan };
      }
      if (seq !== loadSeq) return;
      const tilesChanged = data?.settings.tileUrl !== next.settings.tileUrl || !data;
      data = next;
      if (tilesChanged) fmap.setSettings(data.settings);
      error.hidden = true;
      page.dataset.day = day;
      page.dataset.count = String(data.visits.length);
      renderAll(fitPending);
      fitPending = false;
      watch();
    } catch (failure) {
      if (seq !== loadSeq) return;
      error.hidden = false;
      error.textContent = failureMessage(failure);
    }
  }

  // ---- live: the server sends the whole day again after each change, so the map never drifts
  let watching: string | null = null;
  let stopLive: (() => void) | null = null;
  disposers.push(() => stopLive?.());
  function watch(): void {
    const key = `${day}|${nodeKey}`;
    if (key === watching) return;
    stopLive?.();
    watching = key;
    stopLive = subscribe<{ visitsChanged: { visits: MapVisit[] } }>(
      VISITS_LIVE_SUBSCRIPTION,
      { day, nodeId: manager ? nodeKey || null : null },
      {
        next: ({ visitsChanged }) => {
          if (!data || watching !== `${day}|${nodeKey}`) return;
          const grew = visitsChanged.visits.length !== data.visits.length;
          data = { ...data, visits: visitsChanged.visits };
          page.dataset.count = String(data.visits.length);
          renderAll(false);
          // A rep's plan marks the customers visited today: a new visit moves it.
          if (grew && !manager) void load(false);
        },
      },
    );
  }

  // ---- "route from here": asks for the position only when the rep asks, or already allowed it
  const locateNote = h('p', { class: 'map-plan-note', role: 'status', 'data-testid': 'map-locate-note' });
  async function locate(asked: boolean): Promise<void> {
    if (!('geolocation' in navigator)) return;
    if (!asked) {
      try {
        const permission = await navigator.permissions?.query({ name: 'geolocation' });
        if (permission?.state !== 'granted') return;
      } catch {
        return;
      }
    }
    locateNote.textContent = t('map.locating');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        near = [position.coords.latitude, position.coords.longitude];
        locateNote.textContent = '';
        void load(asked);
      },
      () => {
        locateNote.textContent = t('map.locateFailed');
      },
      { enableHighAccuracy: false, maximumAge: 5 * 60_000, timeout: 10_000 },
    );
  }

  async function loadNodes(): Promise<void> {
    try {
      const { orgTree } = await request<{ orgTree: Array<{ node: OrgNode; depth: number }> }>(MAP_NODES_QUERY);
      const options = orgTree.filter((e) => e.node.kind !== 'USER');
      replace(
        nodeSelect,
        h('option', { value: '' }, t('map.everyone')),
        options.map((e) => h('option', { value: e.node.key, selected: e.node.key === nodeKey }, `${'— '.repeat(e.depth)}${e.node.name}`)),
      );
      nodeSelect.value = nodeKey;
      renderControls();
    } catch {
      // Without the tree the map still shows everyone in reach.
    }
  }

  texts.on(() => {
    fitButton.title = t('map.fit');
    fitButton.setAttribute('aria-label', t('map.fit'));
    renderControls();
    drawExport();
    const everyone = nodeSelect.querySelector('option[value=""]');
    if (everyone) everyone.textContent = t('map.everyone');
    renderAll(false);
  });

  renderControls();
  drawExport();
  renderAll(false);
  void load(true);
  if (manager) void loadNodes();
  else void locate(false);

  return () => disposers.forEach((d) => d());
};
