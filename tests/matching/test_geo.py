"""Region centres and distances."""

from pathlib import Path

import pytest

from matching.geo import centre_of, haversine_km, load_region_centres


def test_haversine_beijing_shanghai() -> None:
    assert haversine_km((116.405285, 39.904989), (121.472644, 31.231706)) == pytest.approx(
        1068, abs=5
    )
    assert haversine_km((120.0, 30.0), (120.0, 30.0)) == 0.0


def test_load_region_centres_reads_the_amap_format(tmp_path: Path) -> None:
    path = tmp_path / "centres.csv"
    path.write_text(
        "adcode,name,abbr,level,parent_adcode,center_lng,center_lat,centroid_lng,centroid_lat\n"
        "440000,广东省,广东,1,,113.280637,23.125178,113.4,23.3\n"
        "440300,深圳市,深圳,2,440000,114.085947,22.547,114.1,22.6\n"
        "710000,台湾省,台湾,1,,,,,\n",
        encoding="utf-8",
    )
    centres = load_region_centres(path)
    assert centres == {"440000": (113.280637, 23.125178), "440300": (114.085947, 22.547)}


def test_centre_falls_back_to_city_then_province() -> None:
    centres = {"440000": (113.0, 23.0), "440300": (114.0, 22.5)}
    assert centre_of("440305", centres) == (114.0, 22.5)
    assert centre_of("440105", centres) == (113.0, 23.0)
    assert centre_of("110101", centres) is None
    assert centre_of(None, centres) is None
