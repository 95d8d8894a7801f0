"""The ⓘ beside the key figures and the score: plain Dutch, one per figure."""

from __future__ import annotations

import re

from markupsafe import escape

from api.web.explain import EXPLANATIONS

WIJK_PAGE = (
    "actors",
    "links",
    "average_degree",
    "density",
    "components",
    "fragmentation",
    "cross_domain_share",
    "zorg_sociaal_share",
    "score",
)


def test_every_key_figure_and_the_score_have_an_explanation_on_the_wijk_page(browse):
    client = browse("lees")
    html = client.get("/wijk/daalhof").text
    for what in (
        "Actoren",
        "Verbindingen",
        "Verbindingen per actor",
        "Dichtheid",
        "Losse delen",
        "Fragmentatie",
        "Domeinoverstijgend",
        "Zorg–sociaal",
    ):
        assert f"Uitleg bij {what}</span>" in html, what
    assert "Uitleg bij de score</span>" in html
    for key in WIJK_PAGE:
        assert escape(EXPLANATIONS[key]) in html


def test_the_explanations_say_what_high_or_low_means_in_short_sentences():
    for key, text in EXPLANATIONS.items():
        if key not in ("actors", "links"):
            assert re.search(r"\b(hoog|laag|hoger|lager|0%|1 is)\b", text, re.IGNORECASE), key
        sentences = [s for s in re.split(r"(?<=[.:])\s+", text) if s]
        assert max(len(s.split()) for s in sentences) <= 25, key  # B1: short sentences


def test_the_brokers_are_called_verbinders_not_makelaars(browse):
    html = browse("lees").get("/wijk/daalhof").text
    assert "Verbinders" in html
    assert not re.search(r"(?<!wijk)[Mm]akelaars\b", html)
