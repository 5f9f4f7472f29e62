"""The referral list's program cards: search/c/<shard>.json, about 16 cards to a file, one set for every language.

The list page (list.js) knows only the ids a person picked; it works out each id's file with the same FNV-1a
hash (indexes.card_shard, IOP.cardShard in iop.js) and fetches just those files. A card holds a program's facts
as codes and numbers, never a sentence or a label: its vocabulary values as positions in the search manifest's
lists (indexes.vocab_lists, as the finder's records hold them), its dates as ISO days, and the program's own
text (name, address, phone, website, schedule details, and its own words in another language where it gave
them). list.js writes every label and sentence in the page's language, with the finder's words (iop.js).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from . import indexes, views

# The format of a card file ("v"), read by list.js and compare.js alike (list.js: CARDS_VERSION). Version 1 held
# ready text, one set of files per language (search/c/ and es/search/c/); version 2 repeated each id inside its
# card (0.8 MB at 20,000 programs): the file's key is the id.
CARDS_VERSION = 3
# The list's facts kept in the program's own order (the finder's records sort theirs: they only filter on them).
LISTED = {"cd": "conditions", "md": "medications", "lg": "languages", "py": "payment"}


def card_files(programs: list[dict]) -> list[tuple[str, list[dict]]]:
    """(file, its programs sorted by id) for every shard, empty ones included."""
    count = indexes.card_shard_count(len(programs))
    shards: dict[int, list[dict]] = defaultdict(list)
    for p in sorted(programs, key=lambda p: p["id"]):
        shards[indexes.card_shard(p["id"], count)].append(p)
    return [(f"search/c/{shard}.json", shards.get(shard, [])) for shard in range(count)]


def card_file(
    programs: list[dict],
    positions: Mapping[str, Mapping[str, int]],
    *,
    today: dt.date,
    stale_after_months: int = views.STALE_AFTER_MONTHS,
) -> str:
    """{"v": CARDS_VERSION, "cards": {id: card}} for one shard's programs (`positions`: each vocabulary value's
    position in the manifest's lists, indexes.SearchData.positions)."""
    cards = {p["id"]: card(p, positions, today=today, stale_after_months=stale_after_months) for p in programs}
    return indexes.dumps({"v": CARDS_VERSION, "cards": cards})


def card(
    p: dict,
    positions: Mapping[str, Mapping[str, int]],
    *,
    today: dt.date,
    stale_after_months: int = views.STALE_AFTER_MONTHS,
) -> dict:
    """What the referral list and the comparison show of a program, in no language. The keys are the finder's
    record keys where the fact is the same (indexes.program_record); a fact the record does not hold is left out,
    and the list shows it as "not reported". A listing verified longer ago than `stale_after_months` has "vs"."""
    a, schedule = p["address"], p["schedule"]
    lat, lon = p["_point"]
    out = {
        "n": p["name"],
        "st": a["street"],
        "c": a["city"],
        "s": a["state"],
        "z": a["zip"],
        "ph": p["phone"],  # as the data writes it: "804-555-0101 x12" (the list writes the extension in words)
        "la": round(lat, 5),
        "lo": round(lon, 5),
        "fo": positions["fo"][p["focus"]],
        "h": schedule["hours_per_week"],
        "d": schedule["days_per_week"],
        "ss": [positions["ss"][s] for s in schedule["sessions"]],
        **{key: [positions[key][v] for v in p.get(field, [])] for key, field in LISTED.items()},
        "vf": p["last_verified"].isoformat(),
    }
    if p["telehealth"]:
        out["tv"] = 1
    if p.get("telehealth_only"):
        out["vo"] = 1  # meets only by video: no directions (the list makes the others' from the address)
    if p.get("website"):
        out["w"] = p["website"]
    if schedule.get("details"):
        out["dt"] = schedule["details"]
    if p.get("ages"):
        out["a"] = [p["ages"]["min"]] + ([p["ages"]["max"]] if "max" in p["ages"] else [])
    if p.get("new_patients"):
        out["np"] = positions["np"][p["new_patients"]["status"]]
        out["nf"] = p["new_patients"]["confirmed"].isoformat()
    intake = p.get("intake") or {}
    if intake.get("ways"):
        out["iw"] = [positions["iw"][w] for w in intake["ways"]]
    if intake.get("hours"):
        out["ih"] = intake["hours"]
    own = own_words(p)
    if own:
        out["tr"] = own
    if p.get("example"):
        out["ex"] = 1
    if views.is_stale(p, today, stale_after_months):
        out["vs"] = 1
    return out


def own_words(p: dict) -> dict[str, dict[str, str]]:
    """The program's own words the list shows, in each language it gave them ({"es": {"dt": its days and
    times}}); the list shows them as written on a page in that language."""
    return {
        code: {"dt": text["schedule_details"]}
        for code, text in sorted((p.get("translations") or {}).items())
        if text.get("schedule_details")
    }
