"""The referral list's program cards: search/c/<shard>.json, about 16 cards to a file.

The list page (list.js) knows only the ids a person picked; it works out each id's file with the same FNV-1a
hash (indexes.card_shard, IOP.cardShard in iop.js) and fetches just those files.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from . import indexes, model
from .referral import card_data
from .views import STALE_NOTE, short_label


def card_files(programs: list[dict]) -> list[tuple[str, list[dict]]]:
    """(file, its programs sorted by id) for every shard, empty ones included."""
    count = indexes.card_shard_count(len(programs))
    shards: dict[int, list[dict]] = defaultdict(list)
    for p in sorted(programs, key=lambda p: p["id"]):
        shards[indexes.card_shard(p["id"], count)].append(p)
    return [(f"search/c/{shard}.json", shards.get(shard, [])) for shard in range(count)]


def card_file(
    programs: list[dict],
    page_url: Callable[[dict], str],
    conditions: dict,
    *,
    today: dt.date,
    stale_after_months: int,
    lang=None,
) -> str:
    """{"v": 1, "cards": {id: card}} for one shard's programs (`conditions`: the vocabulary, for their names); in
    another language (`lang`, a languages.Language) the same shard for es/search/c/<shard>.json."""
    data = {}
    for p in programs:
        card = card_data(p, page_url(p), conditions, today=today, stale_after_months=stale_after_months)
        data[p["id"]] = card if lang is None else card_in(card, p, lang, conditions)
    return indexes.dumps({"v": indexes.FORMAT_VERSION, "cards": data})


def card_in(card: dict, p: dict, lang, conditions: dict) -> dict:
    """A card's facts in another language: the same record, its labels and sentences in the language's words.
    The schedule's details are the program's own English words: `details_lang` says so, and `times` holds only
    the sessions, so list.js can mark the details as English."""
    words, schedule = lang.words, p["schedule"]
    sessions = [words.vocab("SESSIONS", s, model.SESSIONS[s]) for s in schedule["sessions"]]

    def short(vocabulary: str, values) -> list[str]:
        english = getattr(model, vocabulary)
        return [short_label(words.vocab(vocabulary, v, english[v])) for v in values]

    new = p.get("new_patients")
    intake = p.get("intake")
    return {
        **card,
        "focus": words.vocab("FOCUS", p["focus"], model.FOCUS[p["focus"]]),
        "schedule": words.fill(
            "list.schedule",
            "{hours} hours a week, {days} days",
            hours=f"{schedule['hours_per_week']:g}",
            days=schedule["days_per_week"],
        ),
        "sessions": sessions,
        "times": ", ".join(sessions),
        "details_lang": "en" if schedule.get("details") else None,
        "ages": ages_in(words, p.get("ages")),
        "new_patients": words.fill(
            "finder.new_patients",
            "{status} (confirmed {date})",
            status=words.vocab("NEW_PATIENTS", new["status"], model.NEW_PATIENTS[new["status"]]),
            date=lang.date(new["confirmed"]),
        )
        if new
        else None,
        "intake": {
            "ways": [words.vocab("INTAKE_WAYS", w, model.INTAKE_WAYS[w]) for w in intake.get("ways", [])],
            "hours": intake.get("hours"),
        }
        if intake
        else None,
        "conditions": [
            conditions[c].get("translations", {}).get(lang.code, {}).get("name", conditions[c]["name"])
            for c in p["conditions"]
        ],
        "medications": short("MEDICATIONS", p.get("medications", [])),
        "languages": [words.vocab("LANGUAGES", c, model.LANGUAGES[c]) for c in p["languages"]],
        "payment": short("PAYMENT", p["payment"]),
        "last_verified": lang.date(p["last_verified"]),
        "stale_note": words("pages.listing.stale_note", STALE_NOTE) if card["stale_note"] else None,
    }


def ages_in(words, ages: dict | None) -> str | None:
    """views.ages_text in a language's words: "de 13 a 17 años", "18 años o más", "solo 16 años"."""
    if not ages:
        return None
    low, high = ages["min"], ages.get("max")
    if high is None:
        return words.fill("finder.ages_up", "{low} and older", low=low)
    if low == high:
        return words.fill("finder.ages_only", "{low} only", low=low)
    return words.fill("finder.ages_range", "{low} to {high}", low=low, high=high)
