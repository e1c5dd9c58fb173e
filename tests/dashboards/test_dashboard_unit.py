"""The manager's dashboard of a unit: burn-up, units below, channel × product, count share, quadrant — by hand."""

from datetime import date
from decimal import Decimal

import pytest

from salesops.org.models import Channel

pytestmark = pytest.mark.django_db


def open_unit(client, member, unit, **params):
    client.force_login(member.user)
    return client.get(f"/dashboards/units/{unit.pk}/", {"period": "2026-Q4", **params}, HTTP_ACCEPT_LANGUAGE="en")


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_company_burn_up_against_the_phasing_curve(rolled_up, client):
    org = rolled_up
    response = open_unit(english(client), org.manager, org.units["company"])
    assert response.status_code == 200
    burn_up = response.context["data"]["burn_up"]
    # Sales to 22 Nov: 1,000.00 (31 Oct) + 500.00 (1 Nov) + 250.50 (2 Nov)
    assert burn_up["actual_total"] == Decimal("1750.50")
    assert burn_up["target_total"] == Decimal("1000000.00")
    # The curve at 22 Nov: October's 300,000 and 22/30 of November's 400,000 = 593,333.33
    assert burn_up["expected"] == Decimal("593333.33")
    assert burn_up["attainment"] == Decimal("0.0018")  # 1,750.50 ÷ 1,000,000 = 0.00175, half up
    assert burn_up["pace"] == Decimal("0.0030")  # 1,750.50 ÷ 593,333.33 = 0.00295
    days = burn_up["days"]
    assert (days[0], days[-1], len(days)) == (date(2026, 10, 1), date(2026, 12, 31), 92)
    figure = response.context["figures"]["burn_up"]
    target, actual = figure["data"]
    assert (target["name"], actual["name"]) == ("Target (phased)", "Actual")
    assert figure["layout"]["title"]["text"] == "Target burn-up against the phasing curve"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Premium (10k yuan)"
    # In 万元: 30 at October's end (the phasing's first step), 100 at the quarter's end
    assert target["y"][30] == 30.0 and target["y"][-1] == 100.0
    nov_22 = days.index(date(2026, 11, 22))
    assert actual["y"][nov_22] == 0.17505 and actual["y"][nov_22 + 1] is None
    # The page shows amounts in 万元: 1,750.50 yuan = 0.18, the target 100.00
    assert '<dd data-field="actual">0.18</dd>' in response.content.decode()
    assert '<dd data-field="target">100.00</dd>' in response.content.decode()


def test_units_below_with_their_figures_and_drill_down_links(rolled_up, client):
    org = rolled_up
    response = open_unit(english(client), org.manager, org.units["company"])
    rows = {row["name"]: row for row in response.context["data"]["children"]}
    north, south = rows[org.units["north"].name], rows[org.units["south"].name]
    assert (north["premium"], north["target_premium"], north["attainment"]) == (
        Decimal("1500.00"),
        Decimal("750000.00"),
        Decimal("0.0020"),
    )
    # November's agents in north: agent, agent2, agent3; one of them (agent3, 1 Nov) wrote a policy
    assert (north["policies"], north["agents"], north["producers"], north["active_producer_rate"]) == (
        3,
        3,
        1,
        Decimal("0.3333"),
    )
    # Activity: agent 5 + 3 (30 Oct) and 4 (2 Nov), agent2 2 (1 Nov) = 14 over 3 agents
    assert north["activity_per_agent"] == Decimal("4.6667")
    assert (south["premium"], south["attainment"], south["active_producer_rate"]) == (
        Decimal("250.50"),
        Decimal("0.0010"),
        Decimal("1.0000"),
    )
    assert rows[org.units["bank"].name]["target_premium"] is None
    figure = response.context["figures"]["children"]
    target, actual = figure["data"]
    assert target["x"][:2] == [org.units["north"].name, org.units["south"].name]
    assert target["y"][:2] == [75.0, 25.0] and actual["y"][:2] == [0.15, 0.02505]
    assert actual["customdata"][0] == f"/dashboards/units/{org.units['north'].pk}/?period=2026-Q4"
    links = [row["link"] for row in response.context["tables"]["children"].rows]
    assert links[0] == f"/dashboards/units/{org.units['north'].pk}/?period=2026-Q4"


def test_a_teams_units_below_are_its_agents(rolled_up, client):
    org = rolled_up
    response = open_unit(english(client), org.manager, org.units["north1"])
    rows = response.context["data"]["children"]
    assert [row["name"] for row in rows] == [org.agent.display_name, org.agent2.display_name]
    assert [(row["premium"], row["target_premium"]) for row in rows] == [
        (Decimal("1000.00"), Decimal("250000.00")),
        (Decimal("0.00"), Decimal("250000.00")),
    ]
    links = [row["link"] for row in response.context["tables"]["children"].rows]
    assert links == [f"/dashboards/members/{m.pk}/?period=2026-Q4" for m in (org.agent, org.agent2)]


def test_channel_by_product_attainment_and_the_quadrant(rolled_up, client):
    org = rolled_up
    response = open_unit(english(client), org.manager, org.units["company"])
    data = response.context["data"]
    cells = {(cell["channel"], cell["product"]): cell for cell in data["cells"]}
    agency, group = "个险", "团险"
    # agency · health: 1,000.00 (Oct) + 250.50 (Nov) against the whole plan
    assert (cells[(agency, "健康险")]["premium"], cells[(agency, "健康险")]["target"]) == (
        Decimal("1250.50"),
        Decimal("1000000.00"),
    )
    assert cells[(agency, "健康险")]["attainment"] == Decimal("0.0013")
    assert cells[(group, "雇主责任险")]["target"] is None and cells[(group, "雇主责任险")]["policies"] == 2
    heatmap = response.context["figures"]["heatmap"]["data"][0]
    assert heatmap["y"] == [agency, group] and heatmap["x"] == ["健康险", "雇主责任险"]
    assert heatmap["text"] == [["0.1%", ""], ["", ""]]
    # Quadrant: 2 of 4 policies each; 1,250.50 ÷ 2 and 500 ÷ 2 per policy; the lines at ½ and 1,750.50 ÷ 4
    quadrant = {row["channel"]: row for row in data["quadrant"]}
    assert (quadrant[agency]["count_share"], quadrant[agency]["premium_per_policy"]) == (
        Decimal("0.5000"),
        Decimal("625.2500"),
    )
    assert quadrant[group]["premium_per_policy"] == Decimal("250.0000")
    assert (data["quadrant_share_line"], data["quadrant_price_line"]) == (Decimal("0.5000"), Decimal("437.6250"))
    figure = response.context["figures"]["quadrant"]
    assert figure["data"][0]["x"] == [50.0, 50.0] and figure["data"][0]["y"] == [0.062525, 0.025]
    assert figure["layout"]["xaxis"]["title"]["text"] == "Count share (%)"


def test_count_share_by_channel_with_its_moving_average(rolled_up, client):
    org = rolled_up
    response = open_unit(english(client), org.manager, org.units["company"])
    share = response.context["data"]["count_share"]
    assert share["by"] == "channel" and share["weeks"][0] == date(2026, 9, 28)
    series = {row["name"]: row for row in share["series"]}
    week_1 = share["weeks"].index(date(2026, 10, 26))
    # Week of 26 Oct: agency 1 of 3 policies, group 2 of 3; week of 2 Nov: agency 1 of 1
    assert series["个险"]["share"][week_1 : week_1 + 2] == [Decimal("0.3333"), Decimal("1.0000")]
    assert series["团险"]["share"][week_1 : week_1 + 2] == [Decimal("0.6667"), Decimal("0.0000")]
    # Moving averages over the weeks with policies: (1/3 + 1) / 2 and (2/3 + 0) / 2, held through quiet weeks
    assert series["个险"]["average"][week_1 + 1] == Decimal("0.6667")
    assert series["团险"]["average"][week_1 + 3] == Decimal("0.3333")
    assert series["个险"]["share"][week_1 + 3] is None
    figure = response.context["figures"]["count_share"]
    assert [trace["name"] for trace in figure["data"]] == [
        "个险",
        "个险 (moving average)",
        "团险",
        "团险 (moving average)",
    ]


def test_a_channel_filter_narrows_the_channel_figures_to_its_products(rolled_up, client):
    org = rolled_up
    agency = Channel.objects.get(tenant=org.tenant, code="agency")
    response = open_unit(english(client), org.manager, org.units["company"], channel=agency.pk)
    assert response.status_code == 200
    data = response.context["data"]
    assert [(cell["channel"], cell["product"]) for cell in data["cells"]] == [("个险", "健康险")]
    share = data["count_share"]
    assert share["by"] == "product" and [row["name"] for row in share["series"]] == ["健康险"]
    # Still a share of all the company's policies: 1 of 3 in the week of 26 Oct
    assert share["series"][0]["share"][share["weeks"].index(date(2026, 10, 26))] == Decimal("0.3333")
    # The burn-up stays the whole business, and the page says so
    assert data["burn_up"]["actual_total"] == Decimal("1750.50")
    assert b'data-field="filter-note"' in response.content
    # Drill-down links carry the filter on
    assert response.context["tables"]["children"].rows[0]["link"].endswith(f"?period=2026-Q4&channel={agency.pk}")
