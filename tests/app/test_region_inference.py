"""Region inference from registered firm names."""

import pytest

from app.reference.region_inference import infer_region


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("深圳市精研传感科技有限公司", "440300"),
        ("北京百度网讯科技有限公司", "110000"),
        ("江苏恒瑞医药股份有限公司", "320000"),
        ("广州汽车集团股份有限公司", "440100"),
        ("深圳精研传感科技有限公司", "440300"),
        ("广东某某电子有限公司", "440000"),
        ("内蒙古伊利实业集团股份有限公司", "150000"),
        ("广西柳工机械股份有限公司", "450000"),
        ("昆山市某某精密机械有限公司", "320583"),
        ("北京市朝阳区某某科技有限公司", "110105"),
        ("吉林市某某化纤有限公司", "220200"),
    ],
)
def test_region_is_read_from_the_start_of_the_name(name: str, code: str) -> None:
    assert infer_region(name) == code


@pytest.mark.parametrize(
    "name",
    [
        "中国平安保险(集团)股份有限公司",
        "华夏银行股份有限公司",
        "中国石油化工股份有限公司",
        "某某科技有限公司",
    ],
)
def test_names_that_name_no_place_give_nothing(name: str) -> None:
    assert infer_region(name) is None
