"""Positions typed from Chinese maps, brought to WGS-84 (what phones' GPS and OSM tiles use) before they are stored.

GCJ-02 (Gaode, Tencent) shifts a WGS-84 point by 300–600 m inside China; BD-09 (Baidu) shifts GCJ-02 again.
The forward transforms are published (reverse-engineered, identical in every implementation); the way back is
solved by iteration. Both come from `prcoords` (PRCoords, CC0): its `*_bored` inverses iterate to about 0.1 mm
(Cai Jun's method, 2014), where the common one-step inverse is off by up to a couple of metres. Outside
mainland China GCJ-02 is WGS-84: prcoords' box (0.83–55.83° N, 72.00–137.83° E) decides, as in the other
implementations.
"""

from __future__ import annotations

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
    wgs = prcoords.gcj_wgs_bored((latitude, longitude))
    return wgs.lat, wgs.lon


def from_wgs84(system: CoordSystem, latitude: float, longitude: float) -> tuple[float, float]:
    """The same point as `system` shows it (the form shows a stored position in the system it was typed in)."""
    if system is CoordSystem.WGS84:
        return latitude, longitude
    gcj = prcoords.wgs_gcj((latitude, longitude), False) if in_china(latitude, longitude) else prcoords.Coords(latitude, longitude)
    if system is CoordSystem.BD09:
        gcj = prcoords.gcj_bd(gcj)
    return gcj.lat, gcj.lon
