"""A need pasted in traditional characters is read as the same need in simplified ones."""

import pytest

from matching.reading import read_text


@pytest.mark.parametrize(
    ("title", "description", "simplified_title", "simplified_description"),
    [
        (
            "徵求變頻器供應商",
            "本廠需要變頻器，用於空壓機節能改造，須具備ISO14001認證，珠三角廠商優先。",
            "征求变频器供应商",
            "本厂需要变频器，用于空压机节能改造，须具备ISO14001认证，珠三角厂商优先。",
        ),
        (
            "採購軸承一批",
            "一、採購內容：深溝球軸承\n二、用途：適用於紡織機械\n三、聯絡人：陳先生",
            "采购轴承一批",
            "一、采购内容：深沟球轴承\n二、用途：适用于纺织机械\n三、联络人：陈先生",
        ),
    ],
)
def test_a_traditional_need_reads_as_its_simplified_twin(
    title: str, description: str, simplified_title: str, simplified_description: str
) -> None:
    traditional = read_text(title, description)
    twin = read_text(simplified_title, simplified_description)
    assert traditional.products
    assert [p.text for p in traditional.products] == [p.text for p in twin.products]
    assert traditional.applications == twin.applications
    assert traditional.applications, "the application cue (用於 / 適用於) is read"
    assert traditional.certifications == twin.certifications
    assert [r.name for r in traditional.regions] == [r.name for r in twin.regions]
