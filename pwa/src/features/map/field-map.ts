// One Leaflet map, the way Podium draws it: our own markers (DOM built with h(), never an
// image from a CDN), tiles only when the server names a tile server, and otherwise a grid
// drawn by us that pans and zooms like tiles would, so distances still read true.
import 'leaflet/dist/leaflet.css';
import '@/features/map/map.css';
import * as L from 'leaflet';
import type { MapSettings } from '@/features/map/documents';
import { boundsOf, type LatLng } from '@/features/map/logic';
import { t } from '@/i18n';
import { h } from '@/ui/dom';

/** Where a map with nothing on it looks (zoomed out, so nobody reads it as "here"). */
const EMPTY_VIEW: { center: LatLng; zoom: number } = { center: [20, 0], zoom: 2 };
const FOCUS_ZOOM = 16;

/** Grid squares instead of map tiles: each tile is an empty div whose border is the grid line. */
const GridLayer = L.GridLayer.extend({
  createTile(): HTMLElement {
    return h('div', { class: 'map-grid-tile' });
  },
}) as new (options: L.GridLayerOptions) => L.GridLayer;

const ll = ([lat, lng]: LatLng): L.LatLngTuple => [lat, lng];

export interface MarkerOptions {
  /** Built once per marker; text only through h(). */
  icon: HTMLElement;
  size: number;
  title: string;
  /** Built when the popup opens, so it is in the language of the moment. */
  popup?: () => HTMLElement;
  zIndexOffset?: number;
}

export interface FieldMapOptions {
  /** Off for the review queue's small maps: no scroll-zoom trap while scrolling the page. */
  scrollWheelZoom?: boolean;
  /** Extra room around fitted points, in pixels. */
  padding?: number;
}

/** Settings from the server's text, as text: never markup in the attribution control. */
function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class FieldMap {
  readonly map: L.Map;
  private readonly markers = new Map<string, L.Marker>();
  private readonly overlays = L.layerGroup();
  private readonly markerLayer = L.layerGroup();
  private base: L.Layer | null = null;
  private attribution: L.Control.Attribution | null = null;
  private selected: string | null = null;
  private lastFit: readonly LatLng[] | null = null;
  private selectListener: (key: string) => void = () => {};
  private readonly resize: ResizeObserver | null;
  readonly padding: number;

  constructor(readonly container: HTMLElement, settings: MapSettings | null, options: FieldMapOptions = {}) {
    this.padding = options.padding ?? 32;
    container.classList.add('field-map');
    this.map = L.map(container, {
      attributionControl: false,
      zoomControl: true,
      scrollWheelZoom: options.scrollWheelZoom ?? true,
      // No tiles to wait for: keep zoom and pan animations (they are cheap without images).
      zoomSnap: 0.5,
      worldCopyJump: true,
    }).setView(ll(EMPTY_VIEW.center), EMPTY_VIEW.zoom);
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(this.map);
    this.setSettings(settings);
    this.overlays.addTo(this.map);
    this.markerLayer.addTo(this.map);
    // A map made while hidden or before layout has no size; re-measure when it gets one.
    this.resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.map.invalidateSize());
    this.resize?.observe(container);
  }

  /** Tiles from the configured server, or our grid when there is none. */
  setSettings(settings: MapSettings | null): void {
    const tileUrl = settings?.tileUrl?.trim() || null;
    const maxZoom = settings?.maxZoom && settings.maxZoom > 0 ? settings.maxZoom : 19;
    if (this.base) this.base.remove();
    if (this.attribution) this.attribution.remove();
    this.attribution = null;
    this.map.setMaxZoom(maxZoom);
    if (tileUrl) {
      this.base = L.tileLayer(tileUrl, { maxZoom, attribution: settings?.attribution ? escapeText(settings.attribution) : '' });
      if (settings?.attribution) this.attribution = L.control.attribution({ prefix: false }).addTo(this.map);
    } else {
      this.base = new GridLayer({ tileSize: 128, maxZoom });
    }
    this.base.addTo(this.map);
    this.container.classList.toggle('is-tiled', Boolean(tileUrl));
    this.container.dataset.tiles = tileUrl ? 'on' : 'off';
  }

  onSelect(listener: (key: string) => void): void {
    this.selectListener = listener;
  }

  clear(): void {
    this.markers.clear();
    this.markerLayer.clearLayers();
    this.overlays.clearLayers();
    this.selected = null;
  }

  addMarker(key: string, at: LatLng, opts: MarkerOptions): L.Marker {
    opts.icon.dataset.markerKey = key;
    const marker = L.marker(ll(at), {
      icon: L.divIcon({ html: opts.icon, className: 'map-marker', iconSize: [opts.size, opts.size], iconAnchor: [opts.size / 2, opts.size / 2], popupAnchor: [0, -opts.size / 2] }),
      title: opts.title,
      alt: opts.title,
      keyboard: true,
      riseOnHover: true,
      zIndexOffset: opts.zIndexOffset ?? 0,
    });
    if (opts.popup) {
      const build = opts.popup;
      marker.bindPopup(() => build(), { maxWidth: 300, minWidth: 220, autoPanPadding: [24, 24], className: 'map-popup' });
    }
    marker.on('click', () => {
      this.highlight(key);
      this.selectListener(key);
    });
    marker.addTo(this.markerLayer);
    this.markers.set(key, marker);
    return marker;
  }

  /** A polyline (a path: solid; a plan: dashed) under the markers. */
  addLine(points: readonly LatLng[], opts: { color: string; dashed?: boolean; weight?: number; opacity?: number; className?: string }): void {
    if (points.length < 2) return;
    L.polyline(points.map(ll), {
      color: opts.color,
      weight: opts.weight ?? 3,
      opacity: opts.opacity ?? 0.8,
      dashArray: opts.dashed ? '6 8' : undefined,
      lineCap: 'round',
      interactive: false,
      className: opts.className,
    }).addTo(this.overlays);
  }

  /** A circle in metres (a geofence, a GPS accuracy), drawn to scale. */
  addCircle(at: LatLng, radiusMeters: number, opts: { color: string; dashed?: boolean; fillOpacity?: number; className?: string }): void {
    if (!(radiusMeters > 0)) return;
    L.circle(ll(at), {
      radius: radiusMeters,
      color: opts.color,
      weight: 2,
      opacity: 0.8,
      fillOpacity: opts.fillOpacity ?? 0.08,
      dashArray: opts.dashed ? '4 6' : undefined,
      interactive: false,
      className: opts.className,
    }).addTo(this.overlays);
  }

  /** A "show all" button on the map, going back to the last fitted view. */
  addFitControl(label: string): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'map-fit', 'data-testid': 'map-fit', title: label, 'aria-label': label }, '⤢');
    const control = new L.Control({ position: 'topleft' });
    control.onAdd = () => {
      const bar = h('div', { class: 'leaflet-bar map-fit-bar' }, button);
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(button, 'click', () => this.fit(this.lastFit ?? undefined, true));
      return bar;
    };
    control.addTo(this.map);
    return button;
  }

  /** Zooms to show every point given (or every marker), never past street level. */
  fit(points?: readonly LatLng[], animate = false): void {
    this.map.closePopup();
    const all = points ?? [...this.markers.values()].map((m) => {
      const p = m.getLatLng();
      return [p.lat, p.lng] as const;
    });
    this.lastFit = all;
    const box = boundsOf(all);
    if (!box) {
      this.map.setView(ll(EMPTY_VIEW.center), EMPTY_VIEW.zoom, { animate });
      return;
    }
    this.map.fitBounds(
      [
        [box.south, box.west],
        [box.north, box.east],
      ],
      { padding: [this.padding, this.padding], maxZoom: Math.min(FOCUS_ZOOM + 1, this.map.getMaxZoom()), animate },
    );
  }

  /** A list row was chosen: centre its marker and open its popup. */
  focus(key: string): void {
    const marker = this.markers.get(key);
    if (!marker) return;
    this.highlight(key);
    const zoom = Math.max(this.map.getZoom(), Math.min(FOCUS_ZOOM, this.map.getMaxZoom()));
    this.map.setView(marker.getLatLng(), zoom, { animate: true });
    if (marker.getPopup()) marker.openPopup();
  }

  highlight(key: string | null): void {
    if (this.selected) this.markers.get(this.selected)?.getElement()?.classList.remove('is-selected');
    this.selected = key;
    if (key) this.markers.get(key)?.getElement()?.classList.add('is-selected');
  }

  has(key: string): boolean {
    return this.markers.has(key);
  }

  destroy(): void {
    this.resize?.disconnect();
    this.map.remove();
  }
}

/** A small caption under a map that has no tiles, so a grid is not mistaken for a failure. */
export function noTilesNote(settings: MapSettings | null): HTMLElement | null {
  if (settings?.tileUrl) return null;
  return h('p', { class: 'map-note', 'data-testid': 'map-no-tiles' }, t('map.noTiles'));
}
