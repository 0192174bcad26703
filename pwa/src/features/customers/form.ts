// /customers/new and /customers/<id>/edit: name, address, city, industry, tier, owner, geofence radius and
// the position: picked on the map (click, or drag the pin; the map is WGS-84) or typed with its coordinate
// system (WGS-84, GCJ-02 from Gaode or Tencent, BD-09 from Baidu), which the server converts to WGS-84.
import 'leaflet/dist/leaflet.css';
import '@/features/customers/customers.css';
import * as L from 'leaflet';
import { html, nothing, type TemplateResult } from 'lit-html';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import {
  CREATE_CUSTOMER_MUTATION,
  CUSTOMER_FORM_QUERY,
  EDIT_CUSTOMER_MUTATION,
  type CoordSystem,
  type CustomerResult,
  type CustomerRow,
  type TreeNode,
} from '@/features/customers/documents';
import { parseCoordinate, people, splitPair, SYSTEMS } from '@/features/customers/logic';
import { placeOf } from '@/features/map/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { FieldError, Me } from '@/graphql/types';
import { t, type MessageKey } from '@/i18n';
import { mount, type View } from '@/ui/view';
import { ownHost } from '@/features/customers/host';

type Mode = 'map' | 'type';

interface State {
  loading: boolean;
  name: string;
  address: string;
  city: string;
  industry: string;
  tier: string;
  ownerId: string;
  radius: string;
  mode: Mode;
  system: CoordSystem;
  lat: string;
  lng: string;
  picked: [number, number] | null;
  // The customer being edited has a position already.
  placed: boolean;
  owners: Array<{ id: string; name: string }>;
  errors: Record<string, string>;
  summary: string;
  saving: boolean;
  saved: CustomerRow | null;
}

interface MapSettings {
  tileUrl: string | null;
  attribution: string;
  maxZoom: number;
}

const GridLayer = L.GridLayer.extend({
  createTile(): HTMLElement {
    const tile = document.createElement('div');
    tile.className = 'cust-grid-tile';
    return tile;
  },
}) as new (options: L.GridLayerOptions) => L.GridLayer;

/** Shanghai, zoomed out: where an empty picker opens. */
const START: [number, number] = [31.2304, 121.4737];

export function customerIdOfEdit(path: string): string | null {
  return /^\/customers\/([^/]+)\/edit$/.exec(path)?.[1] ?? null;
}

export const customerFormScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const editing = customerIdOfEdit(location.path);
  const manager = me.user.role === 'MANAGER' || me.user.role === 'ADMIN';
  let alive = true;
  let map: L.Map | null = null;
  let pin: L.Marker | null = null;
  let circle: L.Circle | null = null;

  const placePin = (at: [number, number]) => {
    if (!map) return;
    const radius = Number(view.state.radius) || 300;
    if (!pin) {
      pin = L.marker(at, {
        draggable: true, title: t('customers.form.position'),
        icon: L.divIcon({ className: 'cust-pin', html: '<span></span>', iconSize: [28, 28], iconAnchor: [14, 28] }),
      }).addTo(map);
      pin.on('dragend', () => {
        const ll = pin!.getLatLng();
        choose([ll.lat, ll.lng]);
      });
      circle = L.circle(at, { radius, color: '#4f46e5', weight: 2, fillOpacity: 0.12 }).addTo(map);
    } else {
      pin.setLatLng(at);
      circle?.setLatLng(at);
    }
    circle?.setRadius(radius);
  };

  const choose = (at: [number, number]) => {
    const rounded: [number, number] = [Number(at[0].toFixed(6)), Number(at[1].toFixed(6))];
    view.update((s) => ({ picked: rounded, errors: { ...s.errors, position: '' } }));
    placePin(rounded);
  };

  const startMap = (el: HTMLElement, settings: MapSettings, center: [number, number] | null) => {
    map = L.map(el, { zoomSnap: 0.5, worldCopyJump: true }).setView(center ?? START, center ? 16 : 11);
    const maxZoom = settings.maxZoom > 0 ? settings.maxZoom : 19;
    if (settings.tileUrl) L.tileLayer(settings.tileUrl, { maxZoom, attribution: settings.attribution.replace(/[&<>"']/g, '') }).addTo(map);
    else new GridLayer({ tileSize: 128, maxZoom }).addTo(map);
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
    map.on('click', (e: L.LeafletMouseEvent) => choose([e.latlng.lat, e.latlng.lng]));
    if (center) placePin(center);
    new ResizeObserver(() => map?.invalidateSize()).observe(el);
  };

  const problems = (s: State): Record<string, string> => {
    const found: Record<string, string> = {};
    if (!s.name.trim()) found.name = t('error.REQUIRED');
    // The position is optional (the first check-in there sets it); typed, it must be whole and in range.
    if (s.mode === 'type' && (s.lat.trim() || s.lng.trim())) {
      if (parseCoordinate(s.lat, 90) === null) found['position.latitude'] = t('customers.form.noPosition');
      if (parseCoordinate(s.lng, 180) === null) found['position.longitude'] = t('customers.form.noPosition');
    }
    return found;
  };

  const input = (s: State): Record<string, unknown> => {
    const data: Record<string, unknown> = {
      name: s.name, address: s.address, city: s.city, industry: s.industry, tier: s.tier,
      geofenceRadiusMeters: Number(s.radius) || 0,
    };
    if (manager && s.ownerId) data.ownerId = s.ownerId;
    if (s.mode === 'type' && (s.lat.trim() || s.lng.trim())) data.position = { latitude: parseCoordinate(s.lat, 90), longitude: parseCoordinate(s.lng, 180), system: s.system };
    else if (s.picked) data.position = { latitude: s.picked[0], longitude: s.picked[1], system: 'WGS84' };
    return data;
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const s = view.state;
    const found = problems(s);
    if (Object.keys(found).length) {
      view.update({ errors: found });
      return;
    }
    view.update({ saving: true, errors: {}, summary: '' });
    try {
      const result = editing
        ? (await request<{ editCustomer: CustomerResult }>(EDIT_CUSTOMER_MUTATION, { id: editing, input: input(s) })).editCustomer
        : (await request<{ createCustomer: CustomerResult }>(CREATE_CUSTOMER_MUTATION, { input: input(s) })).createCustomer;
      if (result.__typename === 'OperationError') {
        const errors: Record<string, string> = {};
        const rest: string[] = [];
        for (const e of result.errors as FieldError[]) {
          if (e.field) errors[e.field] = e.message;
          else rest.push(e.message);
        }
        view.update({ saving: false, errors, summary: rest.join(' ') });
        return;
      }
      view.update({ saving: false, saved: result.customer });
      const landed = placeOf(result.customer);
      if (s.mode === 'type' && landed) {
        // Show where it landed in WGS-84 for a moment, so the conversion is visible, then open the page.
        choose([landed[0], landed[1]]);
        map?.setView([landed[0], landed[1]], 16);
        setTimeout(() => alive && navigate(`/customers/${result.customer.id}`), 1200);
      } else {
        navigate(`/customers/${result.customer.id}`);
      }
    } catch (failure) {
      view.update({ saving: false, summary: failureMessage(failure) });
    }
  };

  const err = (s: State, field: string) =>
    s.errors[field] ? html`<p class="field-error" data-testid="field-error" data-field=${field}>${s.errors[field]}</p>` : nothing;

  const text = (s: State, label: MessageKey, key: 'name' | 'address' | 'city' | 'industry', field: string, extra: TemplateResult | typeof nothing = nothing) => html`
    <div class="field">
      <label class="label" for="cust-${key}">${t(label)}</label>
      <input class="input" id="cust-${key}" data-testid="customer-${key}" .value=${s[key]} @input=${(e: Event) => view.update({ [key]: (e.target as HTMLInputElement).value } as Partial<State>)}>
      ${extra}${err(s, field)}
    </div>`;

  const draw = (s: State): TemplateResult => html`<section class="page cust-form-page" data-testid="customer-form">
    <a class="back-link" href=${editing ? `/customers/${editing}` : '/customers'}>${t('customers.back')}</a>
    <h1>${t(editing ? 'customers.form.editTitle' : 'customers.form.newTitle')}</h1>
    <form class="cust-form" novalidate @submit=${save}>
      <div class="cust-form-fields">
        ${text(s, 'customers.form.name', 'name', 'name')}
        ${text(s, 'customers.form.address', 'address', 'address')}
        ${text(s, 'customers.form.city', 'city', 'city', html`<p class="hint">${t('customers.form.cityHint')}</p>`)}
        ${text(s, 'customers.form.industry', 'industry', 'industry')}
        <div class="field">
          <span class="label">${t('customers.form.tier')}</span>
          <div class="cust-tiers" role="radiogroup">
            ${['A', 'B', 'C'].map((x) => html`<button type="button" role="radio" aria-checked=${s.tier === x ? 'true' : 'false'} class="chip ${s.tier === x ? 'is-on' : ''}" data-testid="tier-${x}" @click=${() => view.update({ tier: x })}>${x}</button>`)}
          </div>${err(s, 'tier')}
        </div>
        ${manager ? html`<div class="field">
          <label class="label" for="cust-owner">${t('customers.form.owner')}</label>
          <select class="input" id="cust-owner" data-testid="customer-owner" .value=${s.ownerId} @change=${(e: Event) => view.update({ ownerId: (e.target as HTMLSelectElement).value })}>
            ${s.owners.map((o) => html`<option value=${o.id} ?selected=${o.id === s.ownerId}>${o.name}</option>`)}
          </select>${err(s, 'ownerId')}
        </div>` : nothing}
        <div class="field">
          <label class="label" for="cust-radius">${t('customers.form.radius')}</label>
          <input class="input" id="cust-radius" type="number" min="50" max="5000" step="10" inputmode="numeric" data-testid="customer-radius" .value=${s.radius}
            @input=${(e: Event) => { view.update({ radius: (e.target as HTMLInputElement).value }); circle?.setRadius(Number((e.target as HTMLInputElement).value) || 300); }}>
          ${err(s, 'geofenceRadiusMeters')}
        </div>
      </div>
      <fieldset class="cust-position">
        <legend class="label">${t('customers.form.position')}</legend>
        ${s.picked || s.placed ? nothing : html`<p class="hint" data-testid="no-position-hint">${t('customers.form.positionOptional')}</p>`}
        <div class="cust-modes" role="tablist">
          ${(['map', 'type'] as Mode[]).map((m) => html`<button type="button" role="tab" aria-selected=${s.mode === m ? 'true' : 'false'} class="chip ${s.mode === m ? 'is-on' : ''}" data-testid="mode-${m}"
            @click=${() => { view.update({ mode: m }); setTimeout(() => map?.invalidateSize(), 0); }}>${t(m === 'map' ? 'customers.form.pickOnMap' : 'customers.form.typeCoords')}</button>`)}
        </div>
        ${s.mode === 'type' ? html`<div class="cust-typed" data-testid="typed-position">
          <div class="field"><label class="label" for="cust-system">${t('customers.form.system')}</label>
            <select class="input" id="cust-system" data-testid="coord-system" .value=${s.system} @change=${(e: Event) => view.update({ system: (e.target as HTMLSelectElement).value as CoordSystem })}>
              ${SYSTEMS.map((x) => html`<option value=${x} ?selected=${x === s.system}>${t(`customers.form.sys.${x}` as MessageKey)}</option>`)}
            </select>${err(s, 'position.system')}</div>
          <div class="cust-latlng">
            <div class="field"><label class="label" for="cust-lat">${t('customers.form.latitude')}</label>
              <input class="input" id="cust-lat" inputmode="decimal" data-testid="coord-lat" .value=${s.lat} @input=${(e: Event) => {
                const raw = (e.target as HTMLInputElement).value;
                const pair = splitPair(raw);
                view.update(pair ? { lat: pair[0], lng: pair[1] } : { lat: raw });
              }}>${err(s, 'position.latitude')}</div>
            <div class="field"><label class="label" for="cust-lng">${t('customers.form.longitude')}</label>
              <input class="input" id="cust-lng" inputmode="decimal" data-testid="coord-lng" .value=${s.lng} @input=${(e: Event) => view.update({ lng: (e.target as HTMLInputElement).value })}>
              ${err(s, 'position.longitude')}</div>
          </div>
        </div>` : html`<p class="hint">${t('customers.form.mapHint')}</p>`}
        <div class="cust-map" data-testid="customer-map"></div>
        ${s.saved && s.saved.latitude !== null && s.saved.longitude !== null ? html`<p class="form-ok" role="status" data-testid="converted">${t('customers.form.converted', { lat: s.saved.latitude.toFixed(6), lng: s.saved.longitude.toFixed(6) })}</p>` : nothing}
        ${err(s, 'position')}
      </fieldset>
      ${s.summary ? html`<p class="form-error" role="alert">${s.summary}</p>` : nothing}
      <div class="cust-actions">
        <button type="submit" class="btn btn-primary" data-testid="customer-save" ?disabled=${s.saving}>${t(s.saving ? 'customers.form.saving' : 'customers.form.save')}</button>
        <a class="btn" href=${editing ? `/customers/${editing}` : '/customers'}>${t('customers.form.cancel')}</a>
      </div>
    </form>
  </section>`;

  const view: View<State> = mount<State>(ownHost(root), {
    loading: true, name: '', address: '', city: '', industry: '', tier: 'B', ownerId: me.user.id, radius: '300', mode: 'map',
    system: 'GCJ02', lat: '', lng: '', picked: null, placed: false, owners: [], errors: {}, summary: '', saving: false, saved: null,
  }, draw);

  void request<{ customerPage?: { customer: CustomerRow }; orgTree: TreeNode[]; mapSettings: MapSettings }>(CUSTOMER_FORM_QUERY, {
    id: editing ?? '0', withCustomer: Boolean(editing),
  })
    .then(({ customerPage, orgTree, mapSettings }) => {
      if (!alive) return;
      const c = customerPage?.customer;
      // The tree may leave out the viewer (a manager heads the unit) or a customer's current owner: both stay choosable.
      const owners = people(orgTree);
      if (!owners.some((o) => o.id === me.user.id)) owners.unshift({ id: me.user.id, name: me.user.name });
      if (c?.ownerId && !owners.some((o) => o.id === c.ownerId)) owners.unshift({ id: c.ownerId, name: c.ownerName ?? c.ownerId });
      const place = c ? placeOf(c) : null;
      view.update({
        loading: false, owners, placed: place !== null,
        ...(c ? { name: c.name, address: c.address, city: c.city, industry: c.industry, tier: c.tier, ownerId: c.ownerId ?? '', radius: String(c.geofenceRadiusMeters) } : {}),
      });
      const el = root.querySelector<HTMLElement>('.cust-map');
      if (el) startMap(el, mapSettings, place ? [place[0], place[1]] : null);
    })
    .catch((failure) => alive && view.update({ loading: false, summary: failureMessage(failure) }));

  return () => {
    alive = false;
    map?.remove();
    view.stop();
  };
};
