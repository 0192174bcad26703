"""Positions typed from Chinese maps, brought to WGS-84 (what phones' GPS and OSM tiles use) before they are stored.

GCJ-02 (Gaode, Tencent) shifts a WGS-84 point by 300–600 m inside China; BD-09 (Baidu) shifts GCJ-02 again.
The forward transforms are published (reverse-engineered, identical in every implementation); the way back is
solved by iteration. Both come from `prcoords` (PRCoords, CC0): its `*_bored` inverses iterate to about 0.1 mm
(Cai Jun's method, 2014), where the common one-step inverse is off by up to a couple of metres. Outside
mainland China GCJ-02 is WGS-84: prcoords' box (0.83–55.83° N, 72.00–137.83° E) decides, as in the other
implementations.
"""

from __future__ import annotations

import math
from enum import StrEnum

import prcoords


class CoordSystem(StrEnum):
    WGS84 = "WGS84"
    GCJ02 = "GCJ02"
    BD09 = "BD09"


def in_china(latitude: float, longitude: float) -> bool:
    return bool(prcoords.sanity_in_china_p(prcoords.Coords(latitude, longitude)))


def to_wgs84(system: CoordSystem, latitude: float, longitude: float) -> tuple[float, float]:
    """(latitude, longitude) in WGS-84 of a point given in `system`."""
    if system is CoordSystem.BD09:
        # BD-09 is defined on top of GCJ-02 everywhere; only its GCJ-02 step stops at the border.
        latitude, longitude = prcoords.bd_gcj_bored((latitude, longitude))
    if system is CoordSystem.WGS84 or not in_china(latitude, longitude):
        return latitude, longitude
    return _gcj_wgs_bored(latitude, longitude)


def _wgs_gcj(lat: float, lon: float) -> tuple[float, float]:
    """prcoords.wgs_gcj(…, check_china=False) on plain floats, its arithmetic in the same order (the same bits)."""
    x, y = lon - 105, lat - 35
    dlat_m = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y +
              0.2 * math.sqrt(abs(x)) + (
                  2 * math.sin(x * 6 * math.pi) + 2 * math.sin(x * 2 * math.pi) +
                  2 * math.sin(y * math.pi) + 4 * math.sin(y / 3 * math.pi) +
                  16 * math.sin(y / 12 * math.pi) + 32 * math.sin(y / 30 * math.pi)
              ) * 20 / 3)
    dlon_m = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y +
              0.1 * math.sqrt(abs(x)) + (
                  2 * math.sin(x * 6 * math.pi) + 2 * math.sin(x * 2 * math.pi) +
                  2 * math.sin(x * math.pi) + 4 * math.sin(x / 3 * math.pi) +
                  15 * math.sin(x / 12 * math.pi) + 30 * math.sin(x / 30 * math.pi)
              ) * 20 / 3)
    rad_lat = math.radians(lat)
    magic = 1 - prcoords.GCJ_EE * math.pow(math.sin(rad_lat), 2)
    lat_deg_arclen = math.radians((prcoords.GCJ_A * (1 - prcoords.GCJ_EE)) / math.pow(magic, 1.5))
    lon_deg_arclen = math.radians(prcoords.GCJ_A * math.cos(rad_lat) / math.sqrt(magic))
    return lat + (dlat_m / lat_deg_arclen), lon + (dlon_m / lon_deg_arclen)


def _gcj_wgs_bored(lat: float, lon: float) -> tuple[float, float]:
    """prcoords.gcj_wgs_bored for a point inside its China box, without a namedtuple per step (an import converts
    100,000 positions): the rough inverse, then fixed-point steps until they move less than PRC_EPS (at most 10)."""
    fwd_lat, fwd_lon = _wgs_gcj(lat, lon)
    wgs_lat, wgs_lon = lat - (fwd_lat - lat), lon - (fwd_lon - lon)
    diff_lat, diff_lon = 99.0, 99.0
    i = 0
    while i < 10 and math.hypot(diff_lat, diff_lon) > prcoords.PRC_EPS:
        fwd_lat, fwd_lon = _wgs_gcj(wgs_lat, wgs_lon)
        diff_lat, diff_lon = fwd_lat - lat, fwd_lon - lon
        wgs_lat, wgs_lon = wgs_lat - diff_lat, wgs_lon - diff_lon
        i += 1
    return wgs_lat, wgs_lon


def from_wgs84(system: CoordSystem, latitude: float, longitude: float) -> tuple[float, float]:
    """The same point as `system` shows it (the form shows a stored position in the system it was typed in)."""
    if system is CoordSystem.WGS84:
        return latitude, longitude
    gcj = prcoords.wgs_gcj((latitude, longitude), False) if in_china(latitude, longitude) else prcoords.Coords(latitude, longitude)
    if system is CoordSystem.BD09:
        gcj = prcoords.gcj_bd(gcj)
    return gcj.lat, gcj.lon
