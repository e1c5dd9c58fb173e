"""The dashboards' figure builders: pure functions of numbers and words (no database)."""

from datetime import date
from decimal import Decimal

from dashboards import figures

LABELS = figures.Labels(title="Title", x="X axis", y="Y axis (10k yuan)")


def test_standard_bars_colour_each_item_by_its_standard():
    figure = figures.standard_bars(
        items=["appointments", "interviews", "referrals"],
        values=[5, 2, 4],
        standards=[5, 3, None],
        labels=LABELS,
        standard_name="Standard",
    )
    bars, ticks = figure["data"]
    # Met (5 of 5) green, below (2 of 3) red, no standard (referrals) red: nothing to meet
    assert bars["marker"]["color"] == [figures.MET_COLOUR, figures.BELOW_COLOUR, figures.BELOW_COLOUR]
    assert (ticks["name"], ticks["y"]) == ("Standard", [5, 3, None])
    assert figure["layout"]["yaxis"]["title"]["text"] == "Y axis (10k yuan)"


def test_cumulative_curve_in_10k_yuan_and_without_a_target_line_when_there_is_no_target():
    days = [date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)]
    figure = figures.cumulative_curve(
        days=days,
        actual=[Decimal("12500.00"), Decimal("30000.00"), None],
        target=[Decimal("10000.00"), Decimal("20000.00"), Decimal("30000.00")],
        money=True,
        labels=LABELS,
        actual_name="Actual",
        target_name="Target",
    )
    target, actual = figure["data"]
    assert target["y"] == [1.0, 2.0, 3.0] and target["line"]["dash"] == "dash"
    assert actual["y"] == [1.25, 3.0, None] and actual["x"][0] == "2026-11-01"
    untargeted = figures.cumulative_curve(
        days=days,
        actual=[1, 2, 3],
        target=[None, None, None],
        money=False,
        labels=LABELS,
        actual_name="A",
        target_name="T",
    )
    assert [trace["name"] for trace in untargeted["data"]] == ["A"] and untargeted["data"][0]["y"] == [1.0, 2.0, 3.0]


def test_heatmap_labels_each_cell_in_percent_and_leaves_untargeted_cells_empty():
    figure = figures.attainment_heatmap(
        channels=["agency", "group"],
        products=["health", "life"],
        attainment=[[Decimal("0.8550"), None], [Decimal("1.1000"), Decimal("0")]],
        labels=LABELS,
    )
    cells = figure["data"][0]
    assert cells["z"] == [[85.5, None], [110.0, 0.0]]
    assert cells["text"] == [["85.5%", ""], ["110.0%", "0.0%"]]


def test_count_share_draws_each_group_and_its_dotted_moving_average():
    figure = figures.count_share_lines(
        weeks=[date(2026, 10, 26), date(2026, 11, 2)],
        series=[("agency", [Decimal("0.3333"), Decimal("1")], [Decimal("0.3333"), Decimal("0.6667")])],
        labels=LABELS,
        average_suffix="(moving average)",
    )
    share, average = figure["data"]
    assert (share["name"], share["y"]) == ("agency", [33.33, 100.0])
    assert (average["name"], average["y"], average["line"]["dash"]) == (
        "agency (moving average)",
        [33.33, 66.67],
        "dot",
    )


def test_quadrant_splits_at_the_average_share_and_price():
    figure = figures.channel_quadrant(
        channels=["agency", "group"],
        shares=[Decimal("0.75"), Decimal("0.25")],
        prices=[Decimal("5000"), Decimal("20000")],
        share_line=Decimal("0.5"),
        price_line=Decimal("8750"),
        labels=LABELS,
    )
    point = figure["data"][0]
    assert (point["x"], point["y"], point["text"]) == ([75.0, 25.0], [0.5, 2.0], ["agency", "group"])
    vertical, horizontal = figure["layout"]["shapes"]
    assert (vertical["x0"], horizontal["y0"]) == (50.0, 0.875)


def test_scatter_points_carry_their_agents_page():
    figure = figures.activity_scatter(
        names=["王", "李"],
        activity=[40, 12],
        premium=[Decimal("25000"), Decimal("0")],
        links=["/a/", "/b/"],
        labels=LABELS,
    )
    point = figure["data"][0]
    assert (point["x"], point["y"], point["customdata"]) == ([40, 12], [2.5, 0.0], ["/a/", "/b/"])
