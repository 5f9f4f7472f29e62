"""Links from a program page back to its data: "Edit this program" and "Suggest a correction".

Both point at the GitHub repository in mkdocs.yml's `repo_url`, so a visitor who spots a wrong phone number can
tell us in two clicks, and a maintainer can jump straight to the line that needs fixing.
"""

from __future__ import annotations

from urllib.parse import quote

# What visitors most often find wrong; each becomes a tick box in the prefilled issue.
REPORT_CHECKLIST = (
    "The phone number is wrong or does not work",
    "The address is wrong or the program has moved",
    "The program has closed or no longer offers intensive outpatient care",
    "The website link is broken or goes to the wrong place",
    "The schedule (days, times or hours) is wrong",
    "The payment or insurance information is wrong",
    "The conditions, therapies or services listed are wrong",
    "Something else (please describe below)",
)


def _repo(repo_url: str) -> str:
    return repo_url.rstrip("/").removesuffix(".git")


def edit_url(program: dict, repo_url: str, branch: str = "main") -> str:
    """The program's YAML on GitHub, scrolled to the line where its record starts."""
    path = quote(program["_file"].lstrip("/"), safe="/")
    return f"{_repo(repo_url)}/blob/{quote(branch, safe='')}/{path}#L{program['_line']}"


def report_title(program: dict) -> str:
    return f"Correction: {program['name']} ({program['id']})"


_BODY_TAIL = (
    "### What is wrong?\n\n" + "\n".join(f"- [ ] {item}" for item in REPORT_CHECKLIST) + "\n\n"
    "### What is right?\n\n"
    'Tell us the correct facts and how you know them (for example: "I called intake on 2026-03-02", '
    "or a link to the program's own page).\n\n"
    "Please do not share health details about yourself or anyone else here: this page is public.\n"
)
_BODY_TAIL_QUOTED = quote(_BODY_TAIL, safe="")


def _body_head(program: dict, page_url: str) -> str:
    return (
        f"**Program:** {program['name']}\n"
        f"**Program id:** `{program['id']}`\n"
        f"**Page:** {page_url}\n"
        f"**Data file:** `{program['_file']}` line {program['_line']}\n\n"
    )


def report_body(program: dict, page_url: str) -> str:
    """The issue text: which program, where its page is, and a checklist of what might be wrong."""
    return _body_head(program, page_url) + _BODY_TAIL


def report_url(program: dict, repo_url: str, page_url: str) -> str:
    """A new-issue link with the title and body filled in for this program, safely URL-encoded.

    Percent-encoding works character by character, so the fixed checklist is encoded once, not per program.
    """
    return (
        f"{_repo(repo_url)}/issues/new?title={quote(report_title(program), safe='')}"
        f"&body={quote(_body_head(program, page_url), safe='')}{_BODY_TAIL_QUOTED}"
    )
