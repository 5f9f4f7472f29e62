"""YAML files -> node trees that remember where every value came from (file, line, column).

PyYAML's own composer keeps the last of two equal mapping keys without a word, and its C composer recurses, so a
hostile file nested a hundred thousand levels deep crashes the interpreter. We read libyaml's event stream (fast,
and never recursive) and compose nodes ourselves, iteratively, stopping at a sane depth.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .problems import Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, same results
    _Loader = yaml.SafeLoader

MAX_DEPTH = 40
_resolver = yaml.resolver.Resolver()
# The tags plain YAML values carry. Any other tag (!!python/object, !!binary, !!set, a local !thing) asks a loader
# to build something that is not data, so no data file may use one, on any kind of node.
STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
)


class LoadError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


RecordSink = Callable[[yaml.Node], None]


def parse_file(
    path: Path, display: str, stream: tuple[str, RecordSink] | None = None
) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse one YAML file into a node tree. Never raises for bad content; returns the problems instead.

    With `stream=(key, sink)`, each finished item of the top-level `key:` list goes to `sink` and is dropped from
    the tree, so memory holds one record's nodes at a time.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, 1, "", f"cannot read the file: {exc.strerror}")]
    return parse_bytes(data, display, stream)


def parse_bytes(
    data: bytes, display: str, stream: tuple[str, RecordSink] | None = None
) -> tuple[yaml.Node | None, list[Problem]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Problem(
                display,
                line,
                col,
                "",
                "the file is not valid UTF-8 text (save it as UTF-8; was binary data pasted in?)",
            )
        ]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem(display, line, 1, "", "the file contains a NUL character (remove binary data)")]
    try:
        root, problems = _compose(text, display, stream)
        return (None, problems) if problems else (root, [])
    except LoadError as exc:
        return None, [exc.problem]
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml (PyYAML >= 6.0.4) stops at its own limit, looking further ahead than our check: find where the
            # file passes ours, so every PyYAML gives the same message.
            return None, [_too_deep(text, display)]
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what += f" {exc.context}"
            if exc.context_mark and exc.context_mark.line + 1 != line:
                what += f" that starts on line {exc.context_mark.line + 1}"
        return None, [
            Problem(display, line, col, "", f"YAML syntax error: {what} (check indentation, colons and quotes)")
        ]
    except yaml.YAMLError as exc:  # ReaderError (control characters) and friends
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        return None, [Problem(display, line, 1, "", f"YAML syntax error: {reason} (remove unprintable characters)")]
    except RecursionError:
        return None, [Problem(display, 1, 1, "", "the file is too complex to read (simplify its structure)")]


def _too_deep(text: str, display: str) -> Problem:
    """The problem for the first collection nested deeper than MAX_DEPTH, found with PyYAML's pure-Python parser
    (no depth limit of its own, never recursive; only used on files libyaml already refused)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            if depth >= MAX_DEPTH:
                return _depth_problem(display, event.start_mark)
            depth += 1
        elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            depth -= 1
    return _depth_problem(display, None)


def _depth_problem(display: str, mark) -> Problem:
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(
        display,
        line,
        col,
        "",
        f"values are nested more than {MAX_DEPTH} levels deep "
        "(check the indentation; programs never need this much nesting)",
    )


def _tag_problem(display: str, tag: str, mark) -> Problem:
    if tag.startswith("tag:yaml.org,2002:"):
        shown = "!!" + tag[len("tag:yaml.org,2002:") :]
    else:
        shown = tag if tag.startswith("!") else f"!<{tag}>"
    return Problem(
        display,
        mark.line + 1,
        mark.column + 1,
        "",
        f"the YAML tag {shown} is not allowed (remove it: data files hold only text, numbers, dates, true/false, "
        "lists and groups of fields)",
    )


def _compose(
    text: str, display: str, stream: tuple[str, RecordSink] | None = None
) -> tuple[yaml.Node | None, list[Problem]]:
    """Build a node tree from libyaml's events without recursion; one document per file. Returns the tree and the
    problems that do not stop reading (tags that are not allowed), so one run lists all of them."""
    problems: list[Problem] = []
    stack: list[list] = []  # [node, pending_key_or_None]
    anchors: dict[str, yaml.Node] = {}
    root: yaml.Node | None = None
    documents = 0
    streamed: list[SequenceNode] = []  # the top-level list whose items go to the sink (only the first one)

    def finished(node: yaml.Node) -> None:
        """Hand a completed item of the streamed top-level list to the sink and drop it from the tree."""
        if stream is None or len(stack) != 2:
            return
        top, seq = stack[0][0], stack[1][0]
        if streamed:
            if streamed[0] is not seq:
                return
        else:
            # The list must be the value of the top-level key (attached as the mapping's last pair) and the first
            # such key: a second "programs:" list is reported as a duplicate key, not checked.
            if not (
                isinstance(top, MappingNode) and isinstance(seq, SequenceNode) and top.value and top.value[-1][1] is seq
            ):
                return
            keys = [k.value for k, _ in top.value if isinstance(k, ScalarNode)]
            if keys[-1:] != [stream[0]] or keys.count(stream[0]) > 1:
                return
            streamed.append(seq)
        if seq.value and seq.value[-1] is node:
            seq.value.pop()
            stream[1](node)

    def attach(node: yaml.Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent[0], SequenceNode):
            parent[0].value.append(node)
        elif parent[1] is None:
            parent[1] = node
        else:
            parent[0].value.append((parent[1], node))
            parent[1] = None

    for event in yaml.parse(text, Loader=_Loader):
        explicit = getattr(event, "tag", None)
        if explicit not in (None, "!") and explicit not in STANDARD_TAGS:
            problems.append(_tag_problem(display, explicit, event.start_mark))
        if isinstance(event, ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = _resolver.resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            if event.anchor:
                anchors[event.anchor] = node
            attach(node)
            finished(node)
        elif isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise LoadError(_depth_problem(display, event.start_mark))
            cls = SequenceNode if isinstance(event, SequenceStartEvent) else MappingNode
            default = "tag:yaml.org,2002:seq" if cls is SequenceNode else "tag:yaml.org,2002:map"
            node = cls(
                event.tag if event.tag not in (None, "!") else default,
                [],
                event.start_mark,
                event.end_mark,
                flow_style=event.flow_style,
            )
            if event.anchor:
                anchors[event.anchor] = node
            attach(node)
            stack.append([node, None])
        elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            node = stack.pop()[0]
            node.end_mark = event.end_mark
            finished(node)
        elif isinstance(event, AliasEvent):
            if event.anchor not in anchors:
                m = event.start_mark
                raise LoadError(
                    Problem(
                        display,
                        m.line + 1,
                        m.column + 1,
                        "",
                        f"unknown alias *{event.anchor} (define &{event.anchor} before using it)",
                    )
                )
            attach(anchors[event.anchor])
            finished(anchors[event.anchor])
        elif isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                m = event.start_mark
                raise LoadError(
                    Problem(
                        display,
                        m.line + 1,
                        m.column + 1,
                        "",
                        "more than one YAML document in the file (remove the extra '---')",
                    )
                )
        elif isinstance(event, StreamEndEvent):
            break
    return root, problems


_LEADING_TAB = re.compile(r"^ *\t", re.M)
_TOP_KEY = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]+#.*)?[ \t]*")


# Line breaks other than \n and \r\n: YAML and str.splitlines count them differently, so a file holding one is
# read in one piece rather than cut into items. (Each is looked for with `in`: one regular expression for all of
# them walks a 25 MB file twenty times slower.)
_ODD_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LONE_CR = re.compile("\r(?!\n)")
_FIRST_ITEM = re.compile(r"\n( *)[^ \r\n#]")


def item_starts(text: str, key: str) -> list[tuple[int, int]] | None:
    """(line, offset) of every item of the file's top-level `key:` list, lines counted from 0, for a file laid
    out simply: only comments before `key:`, no other top-level key after it, no tabs where lines start, only
    \n or \r\n line breaks. None for anything else (the file is then read in one piece).

    The file is scanned with regular expressions rather than line by line: a 20,000-program file has 800,000
    lines, and `mkdocs serve` cuts it on every edit."""
    if ("\t" in text and _LEADING_TAB.search(text)) or any(c in text for c in _ODD_BREAKS):
        return None
    if "\r" in text and _LONE_CR.search(text):
        return None
    found = _key_line(text, key)
    if found is None:
        return None
    line, end = found
    first = _FIRST_ITEM.search(text, end - 1) if text[end - 1] == "\n" else None
    if first is None:
        return []  # `key:` and nothing after it
    indent = len(first.group(1))
    newline = first.start()  # the \n before the list's first line
    if not _list_item(indent).match(text, newline):
        return None
    if _shallower(indent).search(text, newline):
        return None  # another top-level key, a document marker, or a line outside the list
    starts = []
    line += 1 + text.count("\n", end, newline + 1)
    counted = newline + 1
    for m in _list_item(indent).finditer(text, newline):
        start = m.start() + 1
        line += text.count("\n", counted, start)
        counted = start
        starts.append((line, start))
    return starts


def _key_line(text: str, key: str) -> tuple[int, int] | None:
    """(its line, counted from 0; the offset just after it) of the `key:` line, if only blank and comment lines
    come before it."""
    pos = line = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        row = text[pos:end]
        stripped = row.strip()
        if stripped and not stripped.startswith("#"):
            if _TOP_KEY.fullmatch(row.rstrip("\r\n")) and row.split(":", 1)[0].strip() == key:
                return line, end
            return None
        pos, line = end, line + 1
    return None


# Both patterns start at the \n before a line, so the regular expression engine can jump from one \n to the next.
@cache
def _list_item(indent: int) -> re.Pattern:
    """A line that starts a list item at `indent` spaces: "- ..." or a lone "-"."""
    return re.compile("\n" + " " * indent + r"-(?: |\r?$)", re.M)


@cache
def _shallower(indent: int) -> re.Pattern:
    """A line with text indented less than the list's items (a line at the left edge may only start an item)."""
    if indent == 0:
        return re.compile(r"\n[^ \r\n#-]")
    return re.compile(f"\\n {{0,{indent - 1}}}[^ \\r\\n#]")


def split_items(text: str, key: str, parts: int) -> list[tuple[int, str]] | None:
    """Cut a file holding one top-level `key:` list into about `parts` texts that parse on their own.

    Each part is `key:` plus a run of whole list items, with blank lines in front so every line keeps its number
    (and every column its place). Returns [(index of the part's first item, text)], or None when the file is not
    laid out simply enough to cut (see `item_starts`). Cuts fall only on lines that start a list item at the
    list's own indentation; should one still land inside a quoted or flow value, that part fails to parse, and
    the caller must then read the whole file in one piece (see dataset.py), so a cut never changes what is read.
    """
    starts = item_starts(text, key)
    if starts is None or len(starts) < 2 * parts:
        return None
    step = -(-len(starts) // parts)
    out = []
    for first in range(0, len(starts), step):
        line, a = starts[first]
        b = starts[first + step][1] if first + step < len(starts) else len(text)
        if first == 0:
            out.append((0, text[:b]))
        else:
            out.append((first, "\n" * (line - 1) + key + ":\n" + text[a:b]))
    return out


def items(text: str, key: str) -> list[tuple[int, str]] | None:
    """Every item of the file's top-level `key:` list as (its first line number, 1-based; its text), for reading
    items one by one (see dataset.ItemCache). None when the layout is not simple (see `item_starts`)."""
    starts = item_starts(text, key)
    if starts is None:
        return None
    ends = [offset for _, offset in starts[1:]] + [len(text)]
    return [(line + 1, text[a:b]) for (line, a), b in zip(starts, ends)]


def data_files(data_dir: Path, collection: str) -> list[Path]:
    """The files of one collection: data/<name>.yaml and/or every data/<name>/*.yaml, in a stable order."""
    found = []
    single = data_dir / f"{collection}.yaml"
    if single.is_file():
        found.append(single)
    folder = data_dir / collection
    if folder.is_dir():
        found.extend(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
    return found
