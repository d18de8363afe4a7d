"""The randomised attacker against the real service (docs/anonymity.md: how it is checked).

`ORGS` random organisations (seeded), each read at four moments (`tests.attack.run`), every figure placed as an
equation over respondents, and the exact search for groups of 1..k-1. Bigger runs: `python -m tests.attack`.

Teeth: with a protection switched off inside the running server (the suite serves the app in a thread of this
process), the same attacker finds the leaks that protection closes.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from tests.attack.run import Result, attack

ORGS = (11, 12)  # seeds; together about a minute of CPU on either engine


@pytest.fixture(scope="module")
def results(platform: httpx.Client, server_url: str, http: httpx.Client) -> list[Result]:
    """Comment figures are searched for groups below their own threshold T (at least k), the others below k."""
    return [attack(platform, server_url, http, seed, thorough=False, comments_at_threshold=True) for seed in ORGS]


def _listing(found: list[Any], limit: int = 5) -> str:
    return "\n".join(f"{b.klass} {b.space} {b.target}: {b.detail}" for b in found[:limit])


def test_every_published_figure_is_placed(results):
    """Every figure read is explained by some respondent set (a figure the attacker can't place would be a figure
    the search never saw), the raw export's groups and answers among them, and CSV answers publish no number their
    JSON twin lacks."""
    for r in results:
        assert r.requests > 500 and r.rows > 100 and r.sources["responses/export"] > 100, r.sources
        assert not r.unmatched, [(o.source, o.who, o.what, o.stats) for o in r.unmatched[:5]]
        assert not r.csv_only, r.csv_only[:5]


def test_comment_figures_are_read_placed_and_the_export_holds(results):
    """The comments (per scope, layer and open question), the theme counts and the comment export are read,
    every one of their figures placed (a count and the very texts of the respondents it names), and every row of
    the export names its author's unit and layer or coarser ones, in cells of the threshold or more."""
    for r in results:
        assert r.sources["comments"] > 50 and r.sources["comment-themes"] > 0 and r.sources["comments/export"] > 0, \
            r.sources
        assert not r.export_problems, r.export_problems[:5]
    # a comment threshold above k (the later waves): comments read there, and counted with their own roll-up
    assert all(r.comments_above_k > 0 for r in results), [r.comments_above_k for r in results]
    assert any(r.comment_moves > 0 for r in results), [r.comment_moves for r in results]


def test_no_group_below_k_within_a_publication(results):
    """Frames, a dimension against its items, pooled shares against items, maps of different sets, language
    groups, small groups and the sizes of groups by unit, layer and language: nothing of 1..k-1, in any
    combination of figures published together."""
    found = [b for r in results for b in r.breaches if b.klass != "open_waves"]
    assert not found, _listing(found)


def test_no_group_below_k_across_publications(results):
    """Figures read before and after a later publication, or while a wave is open: nothing of 1..k-1."""
    found = [b for r in results for b in r.breaches if b.klass == "open_waves"]
    assert not found, _listing(found)


# ------------------------------------------------------------------------------------------------- teeth


@pytest.fixture
def suppression_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every cell of every map visible (no k, no protection of smaller groups)."""
    from app.reports import anonymity

    monkeypatch.setattr(anonymity.SuppressionMap, "visible", lambda self, unit, layer=anonymity.ALL: True)
    monkeypatch.setattr(anonymity.SuppressionMap, "reason", lambda self, unit, layer=anonymity.ALL: None)
    # the reports that read many cells at once (heatmap, breakdown, rates, agreement) read the codes
    monkeypatch.setattr(anonymity.SuppressionMap, "reason_codes",
                        lambda self, index: np.zeros(len(index.rows), dtype=np.int8))
    yield


@pytest.fixture
def one_set_per_dimension_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The scoring before issue 12: each statement over those who answered it, a score over those who answered
    at least half of a dimension's statements."""
    from app.reports import data

    monkeypatch.setattr(data, "complete_dimensions", lambda answers, scale: np.array(answers, copy=True))
    yield


@pytest.fixture
def publication_rule_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every close publishes every waiting response, however few."""
    from sqlalchemy import update

    from app.db import utcnow
    from app.responses.models import Response
    from app.responses.publication import Publication
    from app.surveys import service

    def publish_all(session: Any, survey: Any) -> Publication:
        session.execute(update(Response).where(Response.survey_id == survey.id).values(published=True))
        survey.published_at = utcnow()
        session.flush()
        return Publication(0, 0)

    monkeypatch.setattr(service, "publish", publish_all)
    yield


MIXED = 14  # seed of the organisation on a questionnaire mixing scales (0..4, 1..7 and 1..5)


def test_figures_on_mixed_scales_are_placed_and_leak_nothing(platform, server_url, http):
    """An organisation whose questionnaire gives dimensions scales of their own: every figure placed (item
    figures, favourable shares and straight-lining on each item's own scale; readiness' POMP read as the mean it
    implies), and nothing of 1..k-1 through them."""
    result = attack(platform, server_url, http, MIXED, thorough=False, mixed_scales=True)
    assert result.scales == {(0, 4), (1, 7), (1, 5)} and result.sources["readiness-pomp"] > 0, result.sources
    assert not result.unmatched, [(o.source, o.who, o.what, o.stats) for o in result.unmatched[:5]]
    assert not result.csv_only, result.csv_only[:5]
    assert not result.breaches, _listing(result.breaches)


def test_teeth_mixed_scales_when_suppression_is_off(suppression_off, platform, server_url, http):
    result = attack(platform, server_url, http, MIXED, thorough=False, scoped_keys=1, mixed_scales=True)
    assert result.by_class()["small_group"] > 0, result.by_class()


def test_teeth_small_groups_when_suppression_is_off(suppression_off, platform, server_url, http):
    result = attack(platform, server_url, http, 21, thorough=False, scoped_keys=1)
    classes = result.by_class()
    assert classes["small_group"] > 0, classes
    assert any(b.target == "count" for b in result.breaches), classes


def test_teeth_sets_of_one_dimension_when_each_figure_has_its_own(one_set_per_dimension_off, platform,
                                                                   server_url, http):
    result = attack(platform, server_url, http, 22, thorough=False, scoped_keys=1)
    classes = result.by_class()
    assert classes["dimension_vs_items"] + classes["pooled_shares"] > 0, classes


def test_teeth_open_waves_when_every_close_publishes(publication_rule_off, platform, server_url, http):
    result = attack(platform, server_url, http, 23, thorough=False, scoped_keys=1)
    snapshots = [b for b in result.breaches if b.space == "snapshot"]
    assert snapshots, result.by_class()


class _EveryGroupVisible:
    """A suppression map that shows every cell (and so gives no reason)."""

    def visible(self, unit: Any, layer: Any = None) -> bool:
        return True

    def reason(self, unit: Any, layer: Any = None) -> None:
        return None


@pytest.fixture
def comment_map_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The comments and their themes shown for every group, however small: the map at the comment threshold
    replaced by one that hides nothing (every other report keeps its maps)."""
    from app.comments import service

    monkeypatch.setattr(service, "suppression_map", lambda *args, **kwargs: _EveryGroupVisible())
    yield


def test_teeth_comments_when_the_comment_map_is_off(comment_map_off, platform, server_url, http):
    result = attack(platform, server_url, http, 25, thorough=False, scoped_keys=1)
    classes = result.by_class()
    assert classes["comments"] > 0, classes
    assert {b.klass for b in result.breaches if b.klass != "open_waves"} == {"comments"}, classes


@pytest.fixture
def raw_export_off_the_maps(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The raw export named by each row's own reporting unit and layer, every completed dimension written, as if
    there were no reports' maps (groups below k still left out, and those who left out the same dimensions still
    in classes of k or more)."""
    from collections import defaultdict

    from app.responses import export_cells

    monkeypatch.setattr(export_cells, "_home", lambda ctx, unit: ctx.rollup.reporting_unit(unit))
    monkeypatch.setattr(export_cells, "_topmost_shown_below", lambda ctx: defaultdict(list))
    monkeypatch.setattr(export_cells, "_named_layers", lambda ctx, home, below: set(ctx.data.layer_ids))
    monkeypatch.setattr(export_cells, "_answers_shown", lambda *args: True)
    yield


@pytest.fixture
def raw_export_left_out_shown(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The raw export writing every completed dimension, however few in a group left out the same ones."""
    from app.responses import export_cells

    monkeypatch.setattr(export_cells, "protect_left_out", lambda complete, allowed, k, weights: list(allowed))
    yield


def test_teeth_raw_export_off_the_maps(raw_export_off_the_maps, platform, server_url, http):
    """A group of rows that is no difference of shown groups: a report's figure less the export's gives a few."""
    result = attack(platform, server_url, http, 26, thorough=False, scoped_keys=1)
    through_export = [b for b in result.breaches if "responses/export" in b.detail]
    assert through_export, result.by_class()


def test_teeth_raw_export_when_who_left_out_what_shows(raw_export_left_out_shown, platform, server_url, http):
    """Rows that left out the same dimensions, fewer than k of them: their answers stand apart."""
    result = attack(platform, server_url, http, 26, thorough=False, scoped_keys=1)
    small = [b for b in result.breaches if "responses/export" in b.detail and b.klass == "small_group"]
    assert small, result.by_class()


@pytest.fixture
def statements_desired_frame_unprotected(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The statements report's desired frame shown wherever the current frame is (its own map ignored): the two
    frames' respondent sets differ by those who left the desired frame (partly) blank."""
    from app.reports import context

    plain = context.ReportContext.item_map
    monkeypatch.setattr(context.ReportContext, "item_map", lambda self, j, frame="current": plain(self, j))
    yield


def test_teeth_statements_when_a_frame_has_no_map_of_its_own(statements_desired_frame_unprotected, platform,
                                                             server_url, http):
    result = attack(platform, server_url, http, 24, thorough=False, scoped_keys=1)
    from_statements = [b for b in result.breaches if "item-profile" in b.detail]
    assert from_statements, result.by_class()


@pytest.fixture
def driver_minimum_lowered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The driver report's minimum lowered from 50 to 8, and people who leave almost nothing out (0.2 % of
    statements blank, 0.2 % "don't know", no dimension left out, instead of 4, 4 and 6 %): the attack's
    organisations (10 to 70 respondents a wave) then get driver figures at the organisation and larger units."""
    from app.reports.drivers import service
    from tests.attack.world import World

    monkeypatch.setattr(service, "MIN_RESPONDENTS", 8)
    monkeypatch.setattr(World, "skip_rate", 0.0)
    monkeypatch.setattr(World, "blank_rate", 0.002)
    monkeypatch.setattr(World, "dont_know_rate", 0.002)
    yield


def test_driver_figures_with_a_lowered_minimum(driver_minimum_lowered, platform, server_url, http):
    """The driver report's n (its one additive figure: those complete on every dimension) under its own map, and
    the means its focus areas repeat: placed, and nothing of 1..k-1 through them."""
    result = attack(platform, server_url, http, 27, thorough=False, scoped_keys=1)  # 24 and 33 respondents, k 3
    assert result.sources["drivers"] > 0, result.sources
    assert not result.unmatched, [(o.source, o.who, o.what, o.stats) for o in result.unmatched[:5]]
    assert not result.csv_only, result.csv_only[:5]
    assert not result.breaches, _listing(result.breaches)
