"""The referral list's program cards: search/c/<shard>.json, about 16 cards to a file.

The list page (list.js) knows only the ids a person picked; it works out each id's file with the same FNV-1a
hash (indexes.card_shard, IOP.cardShard in iop.js) and fetches just those files.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from . import indexes
from .referral import card_data


def card_files(programs: list[dict]) -> list[tuple[str, list[dict]]]:
    """(file, its programs sorted by id) for every shard, empty ones included."""
    count = indexes.card_shard_count(len(programs))
    shards: dict[int, list[dict]] = defaultdict(list)
    for p in sorted(programs, key=lambda p: p["id"]):
        shards[indexes.card_shard(p["id"], count)].append(p)
    return [(f"search/c/{shard}.json", shards.get(shard, [])) for shard in range(count)]


def card_file(programs: list[dict], page_url: Callable[[dict], str], *, today: dt.date, stale_after_months: int) -> str:
    """{"v": 1, "cards": {id: card}} for one shard's programs."""
    data = {p["id"]: card_data(p, page_url(p), today=today, stale_after_months=stale_after_months) for p in programs}
    return indexes.dumps({"v": indexes.FORMAT_VERSION, "cards": data})
