"""Node trees + the model -> clean records and a list of Problems. Never raises on bad data.

Every message names the place (file:line:column), the field path, what is wrong and how to fix it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import math
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import model
from .model import Field
from .problems import Problem

INVALID = object()  # a value that failed its check; the problem is already recorded

# The rules are the model's (model.SLUG_RULE and the rest), shared with the JSON Schema.
_SLUG = re.compile(model.SLUG_PATTERN)
_PHONE = re.compile(model.PHONE_PATTERN)  # groups: area code, exchange, line, extension
_ZIP = re.compile(model.ZIP_PATTERN)
_URL = re.compile(model.URL_PATTERN)
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(f"[{model.CONTROL_CHARACTERS}]")
_LINE_BREAK = re.compile(f"[\t{model.LINE_BREAKS}]")
_ZERO_WIDTH = re.compile(f"[{model.ZERO_WIDTH_CHARACTERS}]")
_BIDI = re.compile(f"[{model.BIDI_CONTROLS}]")
# What YAML 1.2 tools (and some 1.1 ones) read as a number when it is written without quotes; PyYAML's own 1.1
# rules already tag most of these as int or float.
_YAML_NUMBER = re.compile(
    r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)"
    r"|\.(?:nan|NaN|NAN)"
)
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_resolver = yaml.resolver.Resolver()
_TYPE_NAMES = {
    "tag:yaml.org,2002:str": "text",
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing (empty)",
    "tag:yaml.org,2002:timestamp": "a date",
}
_VOCAB_NOUN = {"conditions": "condition", "therapies": "therapy", "sources": "source"}


@dataclass
class Vocabulary:
    """The ids of one controlled vocabulary, and other names that map to them (for suggestions)."""

    name: str
    ids: dict[str, str] = field(default_factory=dict)  # id -> display name
    aliases: dict[str, str] = field(default_factory=dict)  # lowercased alias -> id

    def suggest(self, value: str) -> str | None:
        low = value.lower().strip()
        if low in self.aliases:
            return self.aliases[low]
        match = difflib.get_close_matches(low, list(self.ids), n=1, cutoff=0.6)
        if match:
            return match[0]
        match = difflib.get_close_matches(low, list(self.aliases), n=1, cutoff=0.75)
        return self.aliases[match[0]] if match else None


@dataclass
class Context:
    file: str
    vocabularies: dict[str, Vocabulary]
    today: dt.date
    problems: list[Problem] = field(default_factory=list)
    positions: dict[str, tuple[int, int]] | None = None  # field path (within a record) -> (line, column)

    def add(self, node: Node, path: str, message: str, severity: str = "error") -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, path, message, severity))


def printable(text: str) -> str:
    """Text as a terminal may print it: invisible and control characters (an escape sequence that would clear
    the screen or recolour the output, a direction override) are shown as \\u escapes instead."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ("\\n" if ch == "\n" else f"\\u{ord(ch):04x}") for ch in text)


def quote(value: object) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return '"' + printable(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def _flow_text(node: Node, budget: int = 40) -> str:
    """A node as it would be written on one line, shortened: how a list or group used as a key is named."""
    if isinstance(node, ScalarNode):
        text = node.value
    elif isinstance(node, SequenceNode):
        text = "[" + ", ".join(_flow_text(n, budget // 2) for n in node.value[:4]) + "]"
    else:
        text = "{" + ", ".join(f"{_flow_text(k, budget // 2)}: {_flow_text(v, budget // 2)}" for k, v in node.value[:4])
        text += "}"
    text = printable(text.replace("\n", " "))
    return text if len(text) <= budget else text[: max(budget - 3, 1)] + "..."


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a group of fields"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = _TYPE_NAMES.get(node.tag, "a value")
    if node.tag == "tag:yaml.org,2002:null":
        return kind
    return f"{kind} {quote(node.value)}"


def _example(spec: Field) -> str:
    value = spec.example
    if value is None:
        return "..."
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "[...]"
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str) and spec.kind == "zip":
        return f'"{value}"'
    return str(value)


# --- Scalars ----------------------------------------------------------------------------------------------------


def reads_as_number(text: str) -> bool:
    """Whether some YAML tool reads this text, written without quotes, as a number (23220, 02134, 1e3, 0x1F)."""
    return bool(_YAML_NUMBER.fullmatch(text)) or _resolver.resolve(ScalarNode, text, (True, False)) in _NUMBER_TAGS


def _unquoted_number(node: Node) -> bool:
    if not isinstance(node, ScalarNode) or node.style:
        return False
    return node.tag in _NUMBER_TAGS or bool(_YAML_NUMBER.fullmatch(node.value))


def _number_not_text(node: ScalarNode, spec: Field, path: str) -> str:
    value = node.value
    digits = value.replace("_", "")
    if re.fullmatch(r"[-+]?0[0-7]+", digits):  # YAML 1.1's octal: the ZIP 02134 becomes 1116
        what = f"a number, and YAML 1.1 tools read it as {int(digits, 8)}"
    elif re.fullmatch(r"[-+]?0[0-9]+", digits):
        what = f"a number, and YAML 1.2 tools read it as {int(digits)}"
    else:
        what = "a number, not text"
    key = "" if path.endswith("]") else f"{spec.name}: "
    return f'{value} without quotes is {what} (write it in quotes: {key}"{value}")'


def _hidden_character(text: str, one_line: bool) -> str | None:
    """What is wrong with an invisible or misleading character in the text, if there is one."""
    bad = _CONTROL.search(text)
    if bad:
        return f"contains an invisible control character U+{ord(bad.group()):04X} (delete it)"
    bad = _LINE_BREAK.search(text) if one_line else re.search(r"[\t\r\u2028\u2029]", text)
    if bad:
        char = bad.group()
        what = "a tab" if char == "\t" else "a line break"
        fix = "write it on one line" if one_line else "indent with spaces and end lines with a plain line break"
        return f"contains {what} (U+{ord(char):04X}) ({fix})"
    bad = _ZERO_WIDTH.search(text)
    if bad:
        return (
            f"contains an invisible zero-width character U+{ord(bad.group()):04X} "
            "(delete it: it makes text look like other text)"
        )
    bad = _BIDI.search(text)
    if bad:
        return (
            f"contains the direction control character U+{ord(bad.group()):04X}, which reorders the text around it "
            "(delete it)"
        )
    return None


def _scalar_text(node: Node, spec: Field, path: str, ctx: Context) -> str | object:
    if _unquoted_number(node):
        ctx.add(node, path, _number_not_text(node, spec, path))
        return INVALID
    if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        hint = " (write it in quotes)" if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null" else ""
        ctx.add(node, path, f"expected text, got {_describe(node)}{hint}")
        return INVALID
    text = node.value.strip()
    if not text:
        ctx.add(node, path, "must not be empty (write a value or remove the line)")
        return INVALID
    limit = model.max_length(spec)
    if len(text) > limit:
        ctx.add(node, path, f"is {len(text)} characters long; the limit is {limit} (shorten it)")
        return INVALID
    bad = _hidden_character(text, one_line=spec.kind != "markdown")
    if bad:
        ctx.add(node, path, bad)
        return INVALID
    return text


def _check_scalar(node: Node, spec: Field, path: str, ctx: Context) -> Any:
    kind = spec.kind
    if kind in ("str", "markdown"):
        return _scalar_text(node, spec, path, ctx)
    if kind == "bool":
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return node.value.lower() in ("true", "yes", "on", "y")
        ctx.add(node, path, f"expected true or false, got {_describe(node)}")
        return INVALID
    if kind in ("int", "number"):
        return _check_number(node, spec, path, ctx)
    if kind == "date":
        return _check_date(node, spec, path, ctx)
    if kind == "zip":
        if _unquoted_number(node):
            ctx.add(node, path, _number_not_text(node, spec, path))
            return INVALID
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" and _ZIP.match(node.value):
            return node.value.strip()
        got = _describe(node) if not isinstance(node, ScalarNode) else quote(node.value)
        ctx.add(node, path, f'expected a 5-digit ZIP code like "23220", got {got}')
        return INVALID

    text = _scalar_text(node, spec, path, ctx)
    if text is INVALID:
        return INVALID
    if kind == "enum":
        if text in spec.choices:
            return text
        return _unknown_choice(node, path, text, list(spec.choices), spec.name, ctx)
    if kind == "lang":
        if text in spec.choices:
            return text
        by_name = {name.lower(): code for code, name in spec.choices.items()}
        code = by_name.get(text.lower()) or (text.lower() if text.lower() in spec.choices else None)
        hint = f'did you mean "{code}"?' if code else "use an ISO 639-1 code such as en, es or zh"
        ctx.add(node, path, f"unknown language code {quote(text)} ({hint})")
        return INVALID
    if kind == "vocab":
        vocab = ctx.vocabularies.get(spec.vocab)
        if vocab is None or text in vocab.ids:
            return text
        noun = _VOCAB_NOUN.get(spec.vocab, spec.vocab)
        guess = vocab.suggest(text)
        hint = f'did you mean "{guess}"?' if guess else f"see data/{spec.vocab}.yaml for the ids"
        ctx.add(node, path, f"unknown {noun} {quote(text)} ({hint})")
        return INVALID
    if kind == "slug":
        if text in model.RESERVED_IDS:
            ctx.add(node, path, _reserved_id(text, path))
            return INVALID
        if _SLUG.match(text) and 2 <= len(text) <= 80:
            return text
        ctx.add(
            node,
            path,
            f"expected a lowercase id of letters, digits and hyphens like "
            f'"{spec.example or "harbor-light-richmond"}", got {quote(text)}',
        )
        return INVALID
    if kind == "phone":
        m = _PHONE.match(text)
        if m:
            number = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
            return number + (f" x{m.group(4)}" if m.group(4) else "")
        ctx.add(node, path, f"expected a US phone number like 555-555-0123, got {quote(text)}")
        return INVALID
    if kind == "url":
        return _check_url(node, path, text, ctx)
    if kind == "email":
        if _EMAIL.match(text):
            return text
        ctx.add(node, path, f"expected an email address like intake@example.org, got {quote(text)}")
        return INVALID
    if kind == "state":
        if text in model.US_STATES:
            return text
        code = {n.lower(): c for c, n in model.US_STATES.items()}.get(text.lower())
        code = code or (text.upper() if text.upper() in model.US_STATES else None)
        hint = f'did you mean "{code}"?' if code else 'use the two-letter code, like "VA"'
        ctx.add(node, path, f"unknown state {quote(text)} ({hint})")
        return INVALID
    raise AssertionError(f"unhandled field kind {kind}")


def _reserved_id(text: str, path: str) -> str:
    if text != "index":
        return f'"{text}" is a name Windows cannot give a file or folder, so its page could not be built (choose another id)'
    collection = path.split("[", 1)[0]
    if collection in ("conditions", "therapies"):
        noun = _VOCAB_NOUN[collection]
        return f'"index" would give this {noun} the page /{collection}/, which lists every {noun} (choose another id)'
    return '"index" is kept for the site\'s own pages (choose another id)'


def _unknown_choice(node: Node, path: str, text: str, choices: list[str], name: str, ctx: Context) -> object:
    guess = difflib.get_close_matches(text.lower().replace(" ", "_").replace("-", "_"), choices, n=1, cutoff=0.6)
    hint = f'did you mean "{guess[0]}"?' if guess else "allowed: " + ", ".join(choices)
    ctx.add(node, path, f"unknown value {quote(text)} ({hint})")
    return INVALID


def _check_number(node: Node, spec: Field, path: str, ctx: Context) -> Any:
    ok_tags = {"tag:yaml.org,2002:int"} | ({"tag:yaml.org,2002:float"} if spec.kind == "number" else set())
    if not isinstance(node, ScalarNode) or node.tag not in ok_tags:
        expected = "a whole number" if spec.kind == "int" else "a number"
        ctx.add(node, path, f"expected {expected} like {spec.example}, got {_describe(node)}")
        return INVALID
    raw = node.value.replace("_", "")
    try:
        value = int(raw, 0) if node.tag.endswith("int") else float(raw)
    except ValueError:
        ctx.add(node, path, f"expected a number like {spec.example}, got {quote(node.value)}")
        return INVALID
    if isinstance(value, float) and not math.isfinite(value):
        ctx.add(node, path, f"expected a finite number, got {quote(node.value)}")
        return INVALID
    if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
        lo, hi = _fmt(spec.minimum), _fmt(spec.maximum)
        ctx.add(node, path, f"must be between {lo} and {hi}, got {node.value}")
        return INVALID
    return value


def _fmt(number: float | None) -> str:
    return str(int(number)) if number is not None and float(number).is_integer() else str(number)


def _check_date(node: Node, spec: Field, path: str, ctx: Context) -> Any:
    text = node.value.strip() if isinstance(node, ScalarNode) else ""
    if (
        not isinstance(node, ScalarNode)
        or node.tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:str")
        or not _DATE.match(text)
    ):
        ctx.add(node, path, f"expected a date written YYYY-MM-DD like {spec.example}, got {_describe(node)}")
        return INVALID
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        ctx.add(node, path, f"{quote(text)} is not a real date (check the month and day)")
        return INVALID
    if value > ctx.today:
        ctx.add(node, path, f"date {value.isoformat()} is in the future (use the date the facts were last checked)")
        return INVALID
    return value


def _check_url(node: Node, path: str, text: str, ctx: Context) -> Any:
    problem = url_problem(text)
    if problem:
        ctx.add(node, path, problem)
        return INVALID
    return text


def url_problem(text: str) -> str | None:
    """Why a web address cannot be linked to from the site, or None when it can (also used by importers)."""
    parts = urlsplit(text) if _URL.match(text) else None
    if parts is None or not parts.netloc:
        return f"must start with https:// or http://, got {quote(text)} (other kinds of links are not allowed)"
    if "@" in parts.netloc:
        return (
            f"must not hold a user name or password, got {quote(text)} "
            "(remove everything from :// up to and including the @)"
        )
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return f"has an invalid port, got {quote(text)} (a port is a number from 1 to 65535; most addresses have none)"
    host = _host_problem(parts.hostname or "")
    if host:
        return f"{host}, got {quote(text)} (link to a public website)"
    return None


_LOCAL_NAMES = ("localhost", "local", "internal", "intranet", "lan", "home", "corp", "home.arpa", "localdomain")


def _host_problem(host: str) -> str | None:
    private = "must be a public website, not this computer or a private network"
    host = host.rstrip(".")
    if ":" in host:
        try:
            return None if _public_ip(ipaddress.IPv6Address(host)) else private
        except ValueError:
            return "has an invalid host"
    labels = host.split(".")
    if re.fullmatch(r"0x[0-9a-f]*|[0-9]+", labels[-1]):
        # Browsers read a host ending in a number as an IPv4 address, in any of its forms: 127.1, 0x7f.0.0.1,
        # 2130706433. inet_aton reads the same forms.
        try:
            return None if _public_ip(ipaddress.IPv4Address(socket.inet_aton(host))) else private
        except OSError:
            return "has an invalid host"
    if len(labels) < 2 or any(host == name or host.endswith("." + name) for name in _LOCAL_NAMES):
        return private
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return "has an invalid host"
    if not all(re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label) for label in ascii_host.split(".")):
        return "has an invalid host"
    return None


def _public_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_global and not (mapped or ip).is_multicast


# --- Structure --------------------------------------------------------------------------------------------------


def check(node: Node, spec: Field, path: str, ctx: Context, rel: str = "") -> Any:
    """Check one node against its field spec; record positions; return the clean value or INVALID."""
    if spec.kind == "object":
        return _check_object(node, spec, path, ctx, rel)
    if spec.kind == "list":
        return _check_list(node, spec, path, ctx, rel)
    if isinstance(node, (MappingNode, SequenceNode)):
        ctx.add(node, path, f"expected {_kind_word(spec)}, got {_describe(node)}")
        return INVALID
    return _check_scalar(node, spec, path, ctx)


def _kind_word(spec: Field) -> str:
    return {
        "bool": "true or false",
        "int": "a whole number",
        "number": "a number",
        "date": "a date",
        "zip": "a ZIP code",
        "phone": "a phone number",
        "url": "a web address",
    }.get(spec.kind, "text")


def _check_object(node: Node, spec: Field, path: str, ctx: Context, rel: str, partial: bool = False) -> Any:
    """A mapping's clean values; INVALID if any is wrong, unless `partial` asks for the good ones anyway."""
    if not isinstance(node, MappingNode):
        ctx.add(
            node,
            path,
            f"expected a group of fields ({', '.join(f.name for f in spec.fields[:4])}...), got {_describe(node)}",
        )
        return INVALID
    out: dict[str, Any] = {}
    seen: dict[str, Node] = {}
    ok = True
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            text = _flow_text(key_node)
            ctx.add(
                key_node,
                f"{path}.{text}" if path else text,
                f"a field name must be text, got {_describe(key_node)} {text} (write a field name such as "
                f'"{spec.fields[0].name}")',
            )
            ok = False
            continue
        key = key_node.value
        child_path = f"{path}.{printable(key)}" if path else printable(key)
        if key in seen:
            first = seen[key].start_mark.line + 1
            ctx.add(
                key_node, child_path, f'duplicate key "{printable(key)}" (first set on line {first}; keep only one)'
            )
            ok = False
            continue
        seen[key] = key_node
        child = spec.child(key)
        if child is None:
            names = [f.name for f in spec.fields]
            guess = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            hint = f'did you mean "{guess[0]}"?' if guess else "allowed fields: " + ", ".join(names)
            ctx.add(key_node, child_path, f"unknown field ({hint})")
            ok = False
            continue
        if isinstance(value_node, ScalarNode) and value_node.tag == "tag:yaml.org,2002:null" and not child.required:
            continue  # an optional field left empty is the same as leaving it out
        child_rel = f"{rel}.{key}" if rel else key
        if ctx.positions is not None:
            ctx.positions[child_rel] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        before = len(ctx.problems)
        value = check(value_node, child, child_path, ctx, child_rel)
        if child.kind not in ("object", "list"):
            # A bad scalar is reported where its field name is written, as editors and reviewers look there.
            for j in range(before, len(ctx.problems)):
                ctx.problems[j] = replace(
                    ctx.problems[j], line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1
                )
        if value is INVALID:
            ok = False
        else:
            out[key] = value
    for child in spec.fields:
        if child.required and child.name not in seen:
            child_path = f"{path}.{child.name}" if path else child.name
            ctx.add(node, child_path, f'required field is missing (add a line like "{child.name}: {_example(child)}")')
            ok = False
    return out if ok or partial else INVALID


def _check_list(node: Node, spec: Field, path: str, ctx: Context, rel: str) -> Any:
    if not isinstance(node, SequenceNode):
        hint = f" (write it as [{node.value}])" if isinstance(node, ScalarNode) and node.value else ""
        ctx.add(node, path, f"expected a list like {_example(spec)}, got {_describe(node)}{hint}")
        return INVALID
    if spec.required and not node.value:
        ctx.add(node, path, f"must list at least one value, like {_example(spec)}")
        return INVALID
    out = []
    seen: dict[Any, int] = {}
    ok = True
    for i, item in enumerate(node.value):
        item_path = f"{path}[{i}]"
        if ctx.positions is not None:
            ctx.positions[f"{rel}[{i}]"] = (item.start_mark.line + 1, item.start_mark.column + 1)
        value = check(item, spec.item, item_path, ctx, f"{rel}[{i}]")
        if value is INVALID:
            ok = False
            continue
        if spec.unique_items and isinstance(value, str):
            if value in seen:
                ctx.add(item, item_path, f"{quote(value)} is listed twice (remove one)")
                ok = False
                continue
            seen[value] = i
        out.append(value)
    return out if ok else INVALID


# --- Collections ------------------------------------------------------------------------------------------------


@dataclass
class Loaded:
    records: list[dict]
    problems: list[Problem]


class CollectionChecker:
    """Checks one file of a collection (programs, conditions, therapies, sources).

    Records can be fed one at a time while the file is still being parsed (`record`), so a file of 20,000
    programs never holds all its YAML nodes at once; `finish` then checks the file's top-level shape.
    """

    def __init__(
        self,
        collection: str,
        display: str,
        vocabularies: dict[str, Vocabulary],
        today: dt.date,
        record_check: Callable[[dict, Node, str, Context], None] | None = None,
        start_index: int = 0,
    ):
        self.collection = collection
        self.spec = model.COLLECTIONS[collection]
        self.ctx = Context(display, vocabularies, today)
        self.record_check = record_check
        self.records: list[dict] = []
        self.count = start_index  # a part of a file cut by load.split_items starts at its first item's index

    def record(self, item: Node) -> None:
        i, ctx = self.count, self.ctx
        self.count += 1
        path = f"{self.collection}[{i}]"
        ctx.positions = {}
        before = len(ctx.problems)
        value = _check_object(item, self.spec, path, ctx, "", partial=True)
        positions, ctx.positions = ctx.positions, None
        if value is INVALID:  # not a mapping at all
            return
        value["_file"] = ctx.file
        value["_line"] = item.start_mark.line + 1
        value["_column"] = item.start_mark.column + 1
        value["_index"] = i
        value["_positions"] = positions
        value["_valid"] = len(ctx.problems) == before
        if self.record_check is not None:
            self.record_check(value, item, path, ctx)
        # Broken records still take part in the id uniqueness check, so one run reports every problem.
        if value["_valid"] or "id" in value:
            self.records.append(value)

    def finish(self, root: Node | None) -> Loaded:
        """Check the file's top level; records still inside `root` (not fed while parsing) are checked here."""
        ctx, collection = self.ctx, self.collection
        if root is None:
            ctx.problems.append(
                Problem(
                    ctx.file,
                    1,
                    1,
                    "",
                    f'the file is empty (start it with "{collection}:" followed by a list of {collection})',
                )
            )
        elif not isinstance(root, MappingNode):
            ctx.add(root, "", f'expected "{collection}:" at the top of the file, got {_describe(root)}')
        else:
            items = None
            seen_top = set()
            for key_node, value_node in root.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else _flow_text(key_node)
                if key == collection and key not in seen_top and isinstance(key_node, ScalarNode):
                    items = value_node
                elif key in seen_top:
                    ctx.add(key_node, printable(key), f'duplicate key "{printable(key)}" (keep only one list)')
                else:
                    ctx.add(key_node, printable(key), f'unknown top-level key (this file holds only "{collection}:")')
                seen_top.add(key)
            if items is None:
                ctx.add(root, "", f'missing "{collection}:" list at the top of the file')
            elif not isinstance(items, SequenceNode):
                ctx.add(
                    items,
                    collection,
                    f"expected a list of {collection} (each starting with '- id:'), got {_describe(items)}",
                )
            else:
                for item in items.value:
                    self.record(item)
        return Loaded(self.records, ctx.problems)


def check_collection(
    root: Node | None,
    collection: str,
    display: str,
    vocabularies: dict[str, Vocabulary],
    today: dt.date,
    record_check: Callable[[dict, Node, str, Context], None] | None = None,
) -> Loaded:
    """Check one already-parsed file of a collection."""
    return CollectionChecker(collection, display, vocabularies, today, record_check).finish(root)


def check_program(program: dict, node: Node, path: str, ctx: Context) -> None:
    """Rules that involve more than one field of a program."""

    def at(rel: str) -> tuple[int, int]:
        return program["_positions"].get(rel, (program["_line"], program["_column"]))

    def add(rel: str, message: str, severity: str = "error") -> None:
        line, col = at(rel)
        ctx.problems.append(Problem(ctx.file, line, col, f"{path}.{rel}", message, severity))

    if "levels_of_care" in program and "iop" not in program["levels_of_care"]:
        add("levels_of_care", 'must include "iop" (this directory lists intensive outpatient programs only)')
    if program.get("telehealth_only") and program.get("telehealth") is False:
        add("telehealth_only", "is true but telehealth is false (set telehealth: true, or remove telehealth_only)")
    length = program.get("schedule", {}).get("length_weeks")
    if length and length["min"] > length["max"]:
        add("schedule.length_weeks", f"min ({length['min']}) is more than max ({length['max']}) (swap them)")


def check_unique(records: list[dict], collection: str, *, with_former: bool = False) -> list[Problem]:
    """Ids (and former ids) must be unique across every file of a collection."""
    problems = []
    first: dict[str, tuple[dict, str]] = {}
    noun = _VOCAB_NOUN.get(collection, collection.rstrip("s"))
    for record in records:
        names = [("id", record["id"])]
        if with_former:
            names += [(f"former_ids[{i}]", v) for i, v in enumerate(record.get("former_ids", []))]
        for rel, value in names:
            line, col = record["_positions"].get(rel, (record["_line"], record["_column"]))
            path = f"{collection}[{record['_index']}].{rel}"
            if value in first:
                other, other_rel = first[value]
                where = f"{other['_file']}:{other['_positions'].get(other_rel, (other['_line'], 0))[0]}"
                what = "id" if rel == "id" else "former id"
                problems.append(
                    Problem(
                        record["_file"],
                        line,
                        col,
                        path,
                        f"{what} {quote(value)} is already used by {noun} {quote(other['id'])} "
                        f"at {where} (ids and former ids must be unique)",
                    )
                )
            else:
                first[value] = (record, rel)
    return problems


# --- License lookups ---------------------------------------------------------------------------------------------

_QUERY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,40}")


def check_license_lookup(lookup: dict, node: Node, path: str, ctx: Context) -> None:
    """Rules for one state's license lookup beyond its fields' own: the page is https (a person checking a license
    must land on the agency's real site, not a copy in between), and a query parameter is a plain name."""

    def add(rel: str, message: str) -> None:
        line, col = lookup["_positions"].get(rel, (lookup["_line"], lookup["_column"]))
        ctx.problems.append(Problem(ctx.file, line, col, f"{path}.{rel}", message))
        lookup["_valid"] = False

    url = lookup.get("url")
    if url and not url.lower().startswith("https://"):
        add("url", f"must start with https://, got {quote(url)} (the agency's page over a secure connection)")
    name = lookup.get("number_parameter")
    if name and not _QUERY_NAME.fullmatch(name):
        add(
            "number_parameter",
            f"expected the name of a query parameter, such as l or license, got {quote(name)} "
            "(letters, digits, _ . or -, as in ?l=12345)",
        )


def check_unique_states(lookups: list[dict]) -> list[Problem]:
    """Each state has one license lookup, so a program page never has to choose between two."""
    problems = []
    first: dict[str, dict] = {}
    for lookup in lookups:
        state = lookup.get("state")
        if state is None:
            continue
        if state in first:
            other = first[state]
            line, col = lookup["_positions"].get("state", (lookup["_line"], lookup["_column"]))
            problems.append(
                Problem(
                    lookup["_file"],
                    line,
                    col,
                    f"license_lookups[{lookup['_index']}].state",
                    f"{state} already has a license lookup at {other['_file']}:{other['_line']} (keep only one)",
                )
            )
            lookup["_valid"] = False
        else:
            first[state] = lookup
    return problems


def missing_license_lookups(programs: list[dict], states: set[str], file: str, line: int) -> list[Problem]:
    """A problem for each state that has programs but no license lookup: its program pages could not tell a
    person where to check a license."""
    first: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for p in programs:
        state = p.get("address", {}).get("state")
        if state is None or state in states:
            continue
        first.setdefault(state, p)
        counts[state] = counts.get(state, 0) + 1
    problems = []
    for state in sorted(first):
        p, n = first[state], counts[state]
        listed = "1 program is" if n == 1 else f"{n} programs are"
        problems.append(
            Problem(
                file,
                line,
                1,
                "license_lookups",
                f"no entry for {state} ({model.US_STATES[state]}), where {listed} listed (first at "
                f'{p["_file"]}:{p["_line"]}) (add "- state: {state}" with the licensing agency\'s name and its '
                "license lookup page)",
            )
        )
    return problems
