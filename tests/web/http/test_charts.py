"""The SVG charts are well-formed XML that names itself for screen readers and draws one shape
per number it is given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from web.http.charts import Series, bar_chart, funnel, grouped_bar_chart, heat_map

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def _shapes(root: ET.Element, kind: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['svg']}}}rect") if e.get("class") == kind]


def _visible(text: ET.Element) -> str:
    """What a <text> shows: its own text, not its tooltip's."""
    return ((text.text or "") + "".join(child.tail or "" for child in text)).strip()


def _texts(root: ET.Element, kind: str) -> list[str]:
    return [_visible(e) for e in root.iter(f"{{{NS['svg']}}}text") if e.get("class") == kind]


def test_a_chart_is_an_image_named_by_its_title_and_description() -> None:
    root = _parse(bar_chart("c1", "Meetings", ["a"], [1], description="One bar"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and (title.get("id"), title.text) == ("c1-title", "Meetings")
    assert desc is not None and (desc.get("id"), desc.text) == ("c1-desc", "One bar")


def test_grouped_bars_draw_one_bar_per_label_and_series() -> None:
    chart = grouped_bar_chart(
        "g",
        "Demand",
        ["auto-parts", "electronics", "packaging"],
        [Series("Requested", [5, 3, 0]), Series("Scheduled", [4, 1, 0])],
    )
    root = _parse(chart)
    assert len(_shapes(root, "bar")) == 6
    assert _texts(root, "label") == [
        "auto-parts",
        "electronics",
        "packaging",
    ]
    assert _texts(root, "value") == ["5", "4", "3", "1", "0", "0"]


def test_bars_are_as_long_as_their_values() -> None:
    root = _parse(bar_chart("b", "t", ["x", "y"], [10, 5]))
    widths = [float(e.get("width", "0")) for e in _shapes(root, "bar")]
    assert widths[0] == 2 * widths[1]


def test_a_long_label_is_cut_and_kept_whole_in_its_tooltip() -> None:
    name = "Nguyễn Văn Thuật (Công ty TNHH Cơ khí Chính xác Hà Nội)"
    root = _parse(bar_chart("b", "t", [name], [1]))
    label = next(e for e in root.iter(f"{{{NS['svg']}}}text") if e.get("class") == "label")
    tooltip = label.find("svg:title", NS)
    assert tooltip is not None and tooltip.text == name
    assert _visible(label) == name[:37].rstrip() + "…"


def test_text_is_escaped() -> None:
    root = _parse(bar_chart("b", "<Sales & more>", ['"quoted" <b>'], [1]))
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "<Sales & more>"
    assert _texts(root, "label") == ['"quoted" <b>']


def test_the_funnel_gives_each_stage_its_share_of_the_first() -> None:
    root = _parse(funnel("f", "Funnel", ["Requested", "Accepted", "Scheduled"], [200, 150, 50]))
    assert len(_shapes(root, "bar")) == 3
    assert _texts(root, "label") == ["Requested", "Accepted", "Scheduled"]
    assert _texts(root, "value") == ["200 (100 %)", "150 (75 %)", "50 (25 %)"]


def test_the_heat_map_has_a_cell_per_row_and_slot_darker_when_fuller() -> None:
    root = _parse(
        heat_map(
            "h",
            "Use",
            ["Tables", "interpreter:ko"],
            ["09:00", "09:20", "09:40"],
            [[4, 2, 0], [1, 1, 0]],
            [4, 1],
        )
    )
    cells = _shapes(root, "cell")
    assert len(cells) == 6
    assert _texts(root, "column") == ["09:00", "09:20", "09:40"]
    assert _texts(root, "label") == ["Tables", "interpreter:ko"]
    fills = [c.get("fill") for c in cells]
    assert fills[0] == fills[3] == "#084594"  # full
    assert fills[2] == fills[5] == "#eff5fb"  # empty
    assert fills[1] not in (fills[0], fills[2])  # half


def test_a_cell_over_its_capacity_is_red() -> None:
    root = _parse(heat_map("h", "Use", ["Tables"], ["09:00"], [[3]], [2]))
    assert [c.get("fill") for c in _shapes(root, "cell")] == ["#a3262a"]


def test_an_empty_chart_is_still_valid() -> None:
    root = _parse(grouped_bar_chart("e", "Nothing", [], [Series("a", []), Series("b", [])]))
    assert _shapes(root, "bar") == []
