// "Where it happened": one visit against its customer, to scale (the geofence, the GPS
// accuracy, the check-out), for the review queue.
import type { MapSettings, MapVisit } from '@/features/map/documents';
import { FieldMap } from '@/features/map/field-map';
import { circleBox, placeOf, TONE_COLOR, visitTone, type LatLng } from '@/features/map/logic';
import { checkOutMarker, customerMarker, STOP_MARKER_SIZE, visitMarker, visitPopup, VISIT_MARKER_SIZE } from '@/features/map/markers';
import { t } from '@/i18n';

const CUSTOMER_COLOR = '#4f46e5';

export function visitPlaceMap(container: HTMLElement, visit: MapVisit, settings: MapSettings | null): FieldMap {
  const fmap = new FieldMap(container, settings, { scrollWheelZoom: false, padding: 28 });
  // A customer without a position (the NO_CUSTOMER_POSITION flag) has no geofence to draw: the check-in alone.
  const customer = placeOf(visit.customer);
  const checkIn: LatLng = [visit.latitude, visit.longitude];
  const tone = TONE_COLOR[visitTone(visit)];
  fmap.addCircle(checkIn, visit.accuracyMeters, { color: tone, fillOpacity: 0.12, className: 'map-accuracy' });
  const points: LatLng[] = [checkIn];
  if (customer) {
    fmap.addCircle(customer, visit.customer.geofenceRadiusMeters, { color: CUSTOMER_COLOR, dashed: true, fillOpacity: 0.06, className: 'map-geofence' });
    fmap.addLine([customer, checkIn], { color: tone, dashed: true, weight: 2, className: 'map-gap' });
    fmap.addMarker('customer', customer, { icon: customerMarker(), size: STOP_MARKER_SIZE, title: `${t('map.where.customer')} · ${visit.customer.name}` });
    points.push(customer, ...circleBox(customer, visit.customer.geofenceRadiusMeters));
  }
  if (visit.checkOutLatitude !== null && visit.checkOutLongitude !== null) {
    const out: LatLng = [visit.checkOutLatitude, visit.checkOutLongitude];
    fmap.addLine([checkIn, out], { color: '#6a6a86', weight: 2 });
    fmap.addMarker('checkout', out, { icon: checkOutMarker(), size: 24, title: t('map.where.checkOut') });
    points.push(out);
  }
  fmap.addMarker('visit', checkIn, {
    icon: visitMarker(visit, visit.person.initials),
    size: VISIT_MARKER_SIZE,
    title: `${t('map.where.checkIn')} · ${visit.person.name}`,
    popup: () => visitPopup(visit, { showPerson: true }),
    zIndexOffset: 1000,
  });
  // The accuracy circle counts only when modest: a 5 km circle would hide the gap that matters.
  if (visit.accuracyMeters <= Math.max(500, visit.distanceMeters)) points.push(...circleBox(checkIn, visit.accuracyMeters));
  fmap.fit(points);
  return fmap;
}
