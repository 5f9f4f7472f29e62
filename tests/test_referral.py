"""Referral coordinators: stable links, redirects, JSON-LD, preview metadata, vCards, QR codes, print, my list."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
import vobject
from conftest import FIXTURES, ROOT, read

from generator.dataset import load_dataset

SITE_URL = "https://iop-finder.example.org/"


def jsonld(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_renamed_program_old_url_redirects_to_new_page(site, dataset):
    renamed = [p for p in dataset.programs if p.get("former_ids")]
    assert renamed, "the sample data keeps one renamed program"
    for p in renamed:
        for old in p["former_ids"]:
            page = read(site, f"programs/{old}/")
            assert f'<meta http-equiv="refresh" content="0; url=../../programs/{p["id"]}/">' in page
            assert f'<link rel="canonical" href="{SITE_URL}programs/{p["id"]}/">' in page
            assert f'<a href="../../programs/{p["id"]}/">{html.escape(p["name"])}</a>' in page


def test_id_reused_as_former_id_is_rejected(tmp_path):
    text = (FIXTURES / "data" / "programs.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - id: lakeside-chicago\n", "  - id: lakeside-chicago\n    former_ids: [riverbend-richmond]\n"
    )
    path = tmp_path / "programs.yaml"
    path.write_text(text, encoding="utf-8")
    ds = load_dataset(FIXTURES / "data", program_files=[path], today=dt.date(2026, 11, 23))
    assert [f"{p.path}: {p.message}" for p in ds.errors] == [
        f'programs[2].former_ids[0]: former id "riverbend-richmond" is already used by program "riverbend-richmond" '
        f"at {path.as_posix()}:2 (ids and former ids must be unique)"
    ]


def test_every_program_page_has_parseable_json_ld(site, dataset):
    for p in dataset.programs:
        data = jsonld(read(site, f"programs/{p['id']}/"))
        assert data["@type"] == "MedicalClinic"
        assert data["name"] == p["name"]
        assert data["telephone"] == "+1-" + p["phone"].partition(" x")[0]
        if p.get("location"):
            assert data["geo"]["latitude"] == pytest.approx(p["location"]["lat"], abs=1e-6)
            assert data["geo"]["longitude"] == pytest.approx(p["location"]["lon"], abs=1e-6)
        else:  # the map point is only the ZIP code's centre: no claim about where the building is
            assert "geo" not in data
        assert data["address"]["postalCode"] == p["address"]["zip"]
        assert data["url"] == f"{SITE_URL}programs/{p['id']}/"
        assert data["knowsAbout"] == [dataset.conditions[c]["name"] for c in p["conditions"]]
        assert "availableService" not in data and "paymentAccepted" not in data  # the page lists them


def test_json_ld_escapes_script_breaking_text():
    from generator.referral import json_ld

    p = {
        "name": "</script><script>alert(1)</script>",
        "summary": "<!-- & -->",
        "phone": "804-555-0101",
        "address": {"street": "1 A St", "city": "X", "state": "VA", "zip": "23220"},
        "_point": (37.5, -77.4),
        "focus": "mental_health",
        "therapies": [],
        "conditions": [],
        "payment": [],
        "languages": [],
    }
    text = json_ld(p, SITE_URL, {})
    assert "<" not in text and ">" not in text
    assert json.loads(text)["name"] == p["name"]


@pytest.mark.parametrize("url", ["programs/harbor-light-richmond/", "conditions/ptsd/", "therapies/cbt/", "find/"])
def test_pages_carry_canonical_and_preview_metadata(site, url):
    page = read(site, url)
    title = re.search(r'<meta property="og:title" content="([^"]+)">', page).group(1)
    desc = re.search(r'<meta name="description" content="([^"]+)">', page).group(1)
    assert title and desc and "IOPSHELL" not in title + desc
    # Previews read the description and the canonical address: og:description and og:url would repeat them.
    assert f'<link rel="canonical" href="{SITE_URL}{url}">' in page
    assert "og:description" not in page and "og:url" not in page
    # X reads the og: tags; its own title and description would only repeat them on every page.
    assert '<meta name="twitter:card" content="summary">' in page and "twitter:title" not in page


def js_card(p: dict, note: str = "") -> dict:
    """What list.js reads off a program's page for IOP.vcard (iop.js): the record's values, as the page shows them."""
    number, _, ext = p["phone"].partition(" x")
    a = p["address"]
    return {
        "name": p["name"],
        "org": p.get("organization") or "",
        "phone": number,
        "ext": ext,
        "street": a["street"],
        "city": a["city"],
        "state": a["state"],
        "zip": a["zip"],
        "email": p.get("email") or "",
        "website": p.get("website") or "",
        "note": note or p["summary"],
    }


def test_every_program_s_contact_card_parses_with_the_right_phone_address_and_folded_lines(dataset):
    """IOP.vcard, which "Save contact card" runs in the browser, on every sample program."""
    from test_js_parity import run_js

    texts = run_js([("vcard", [js_card(p, p["summary"] + " Details: " + SITE_URL)]) for p in dataset.programs])
    for p, text in zip(dataset.programs, texts, strict=True):
        assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and text.endswith("END:VCARD\r\n"), p["id"]
        assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n")), p["id"]
        card = vobject.readOne(text)
        assert card.fn.value == p["name"]
        assert card.org.value == [p.get("organization") or p["name"]]
        number, _, ext = p["phone"].partition(" x")
        assert card.tel.value == "+1-" + number + (f";ext={ext}" if ext else "")
        adr = card.adr.value
        a = p["address"]
        assert (adr.street, adr.city, adr.region, adr.code, adr.country) == (
            a["street"],
            a["city"],
            a["state"],
            a["zip"],
            "USA",
        )
        assert card.note.value == p["summary"] + " Details: " + SITE_URL


def test_a_long_line_folds_between_characters_never_inside_one():
    from test_js_parity import run_js

    name = "Señora Ñandú — Évora " * 8
    (text,) = run_js([("vcard", [{**js_card({**PROGRAM_FOR_CARDS, "name": name}), "note": "n"}])])
    lines = text.split("\r\n")
    fn = [line for line in lines if line.startswith("FN:")][0]
    at = lines.index(fn)
    assert len(fn.encode("utf-8")) <= 75 and lines[at + 1].startswith(" ")
    assert vobject.readOne(text).fn.value == name


def test_program_pages_offer_the_card_as_a_button_and_the_site_writes_no_card_file(site, dataset):
    for p in dataset.programs:
        page = read(site, f"programs/{p['id']}/")
        org = html.escape(p.get("organization") or "")
        assert (
            f'<button type="button" class="md-button iop-js-only" data-vcard="{org}" hidden>Save contact card</button>'
            in page
        )
        assert '<button type="button" class="md-button iop-js-only" data-copy hidden>Copy details</button>' in page
    assert not list(site.rglob("*.vcf"))


def test_every_program_card_is_in_its_shard_file(site, dataset):
    """The list page finds a program's card in search/c/<FNV-1a of the id % shards>.json (list.js hashes the same
    way; the browser tests load lists through it). One set serves every language: no es/search/c/."""
    from generator import cards as card_files
    from generator import indexes

    shards = indexes.card_shard_count(len(dataset.programs))
    assert shards == 4  # 36 programs, about 16 to a file
    assert f'data-card-shards="{shards}"' in read(site, "list/")
    files = sorted((site / "search" / "c").glob("*.json"))
    assert [f.name for f in files] == sorted(f"{i}.json" for i in range(shards))
    cards = {}
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        assert data["v"] == card_files.CARDS_VERSION == 3
        for pid, card in data["cards"].items():
            assert indexes.card_shard(pid, shards) == int(f.stem)
            assert "id" not in card  # the key is the id: no card repeats it
            cards[pid] = card
    assert sorted(cards) == sorted(p["id"] for p in dataset.programs)
    script = (ROOT / "overrides" / "assets" / "js" / "list.js").read_text(encoding="utf-8")
    assert f"var CARDS_VERSION = {card_files.CARDS_VERSION};" in script  # list.js and compare.js read this format
    harbor = cards["harbor-light-richmond"]
    assert harbor["ph"] == next(p for p in dataset.programs if p["id"] == "harbor-light-richmond")["phone"]
    assert not (site / "es" / "search" / "c").exists()
    assert not list(site.glob("programs/*/card.json"))
    # FNV-1a 32-bit reference values, and shard counts that grow with the directory.
    assert indexes.card_shard("a", 2**32) == 0xE40C292C
    assert indexes.card_shard("foobar", 2**32) == 0xBF9CF968
    assert [indexes.card_shard_count(n) for n in (0, 16, 17, 1000, 20000)] == [1, 1, 2, 64, 2048]


PROGRAM_FOR_CARDS = {
    "name": "A; B, C\\D",
    "summary": "Line one\nline two",
    "phone": "540-217-6366 x110",
    "address": {"street": "1 Main St, Suite 2; Rear", "city": "X", "state": "VA", "zip": "22901"},
}


def test_vcard_escapes_separators():
    from test_js_parity import run_js

    (text,) = run_js([("vcard", [js_card(PROGRAM_FOR_CARDS)])])
    card = vobject.readOne(text)
    assert card.fn.value == "A; B, C\\D"
    assert "FN:A\\; B\\, C\\\\D\r\n" in text
    assert card.adr.value.street == "1 Main St, Suite 2; Rear"
    assert card.tel.value == "+1-540-217-6366;ext=110"
    assert card.note.value == "Line one\nline two" and "NOTE:Line one\\nline two\r\n" in text
    # No organization: the card's ORG is the program's name. No website or email: no URL or EMAIL line.
    assert card.org.value == ["A; B, C\\D"] and "url" not in card.contents and "email" not in card.contents


def test_program_pages_offer_correction_and_edit_links(site, dataset):
    for p in dataset.programs[:5]:
        page = html.unescape(read(site, f"programs/{p['id']}/"))
        assert f'href="https://github.com/iop-finder/iop-finder/blob/main/data/programs.yaml#L{p["_line"]}"' in page
        assert "https://github.com/iop-finder/iop-finder/issues/new?template=correction.yml&title=Correction" in page


def _qr_image(rows: list[bytes], scale: int = 4, border: int = 4):
    from PIL import Image

    width = len(rows) + 2 * border
    image = Image.new("L", (width, width), 255)
    pixels = image.load()
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + border, y + border] = 0
    return image.resize((width * scale, width * scale), Image.NEAREST)


def test_fast_qr_encoder_decodes_at_every_length_and_keeps_segnos_layout():
    """generator/qr.py replaces segno's encoder for speed: every code must scan back to its exact text, at error
    level M, across versions 1 to 22, and match segno's function patterns module for module."""
    import random
    import string

    import segno
    import zxingcpp

    from generator import qr

    rnd = random.Random(7)
    versions = set()
    for length in range(1, 700, 7):
        text = "https://iop-finder.example.org/programs/" + "".join(
            rnd.choice(string.ascii_lowercase + string.digits + "-/") for _ in range(length)
        )
        rows = qr.matrix(text)
        results = zxingcpp.read_barcodes(_qr_image(rows))
        assert [r.text for r in results] == [text], length
        assert results[0].ec_level == "M"
        reference = segno.make_qr(text, error="m", mask=2, mode="byte", boost_error=False)
        assert len(rows) == len(reference.matrix)
        versions.add(reference.version)
        # Finder patterns, timing row and format information agree with segno's (data bits differ only in
        # padding: segno writes one extra zero byte after the terminator).
        assert [r[:9] for r in rows[:9]] == [bytes(r[:9]) for r in reference.matrix[:9]]
        assert rows[6] == bytes(reference.matrix[6])
    assert min(versions) <= 3 and max(versions) >= 20
    # Non-Latin-1 text falls back to segno and still scans.
    assert [r.text for r in zxingcpp.read_barcodes(_qr_image(qr.matrix("https://example.org/é/ü/日本")))] == [
        "https://example.org/é/ü/日本"
    ]
