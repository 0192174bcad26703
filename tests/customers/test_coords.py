"""Positions typed from Chinese maps land where a phone's GPS would put them (within a metre of published points)."""

from __future__ import annotations

import pytest

from podium.customers.coords import CoordSystem, from_wgs84, to_wgs84
from podium.customers.geo import distance_m

# googollee/eviltransform's test vectors (eviltransform_test.py): (WGS-84 lat, lon, GCJ-02 lat, lon).
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# caijun/geoChina tests/testthat/test_transform_coord.R: near Tiananmen, WGS-84 (39.90734, 116.39089) is
# (39.90874539, 116.39713623) by the Gaode API's own conversion ("api").
GAODE_API = (39.90734, 116.39089, 39.90874539, 116.39713623)
# hujiulong/gcoord test/unit/crs/BD09.spec.ts and GCJ02.spec.ts: BD-09 (45, 123) is WGS-84 (44.99171540, 122.98762210);
# GCJ-02 (45, 123) is WGS-84 (44.99804071, 122.99395597).
GCOORD_BD = (45.0, 123.0, 44.99171540, 122.98762210)
GCOORD_GCJ = (45.0, 123.0, 44.99804071, 122.99395597)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), [*EVILTRANSFORM, GAODE_API])
def test_gcj02_back_to_wgs84_within_a_metre(wgs_lat: float, wgs_lon: float, gcj_lat: float, gcj_lon: float) -> None:
    lat, lon = to_wgs84(CoordSystem.GCJ02, gcj_lat, gcj_lon)
    assert distance_m(lat, lon, wgs_lat, wgs_lon) < 1.0
    shown = from_wgs84(CoordSystem.GCJ02, wgs_lat, wgs_lon)
    assert distance_m(*shown, gcj_lat, gcj_lon) < 1.0
    # And the shift that was undone is the one the geofence cares about: hundreds of metres.
    assert 300 < distance_m(gcj_lat, gcj_lon, wgs_lat, wgs_lon) < 700


def test_bd09_to_wgs84_within_a_metre() -> None:
    lat, lon = to_wgs84(CoordSystem.BD09, GCOORD_BD[0], GCOORD_BD[1])
    assert distance_m(lat, lon, GCOORD_BD[2], GCOORD_BD[3]) < 1.0
    gcj = to_wgs84(CoordSystem.GCJ02, *from_wgs84(CoordSystem.GCJ02, lat, lon))
    assert distance_m(*gcj, lat, lon) < 0.01
    lat, lon = to_wgs84(CoordSystem.GCJ02, GCOORD_GCJ[0], GCOORD_GCJ[1])
    assert distance_m(lat, lon, GCOORD_GCJ[2], GCOORD_GCJ[3]) < 1.0
    back = from_wgs84(CoordSystem.BD09, GCOORD_BD[2], GCOORD_BD[3])
    assert distance_m(*back, GCOORD_BD[0], GCOORD_BD[1]) < 1.0


def test_outside_china_gcj02_is_wgs84() -> None:
    assert to_wgs84(CoordSystem.GCJ02, 48.8584, 2.2945) == (48.8584, 2.2945)  # Paris
    assert to_wgs84(CoordSystem.WGS84, 31.2, 121.5) == (31.2, 121.5)
