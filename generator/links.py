"""Links from a program page back to its data: "Report a problem" by email, and "Suggest a correction" and "Edit
this program" on GitHub.

The email link goes to the corrections address in mkdocs.yml (`corrections_email`), so anyone can report a wrong
phone number without an account. The GitHub links point at `repo_url`, for those who have one, and take a
maintainer straight to the line that needs fixing.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .validate import quote as quoted

# An email address the site may print in a mailto: link (as validation's email rule, one address only).
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

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


# --- Report a problem, by email ---------------------------------------------------------------------------------

MAIL_TEMPLATE = (
    "What is wrong? (for example: the phone number, the address, the hours, or the program has closed)\n\n\n"
    "What is right, and how do you know? (for example: I called on this date, or a link to the program's own page)"
    "\n\n\n"
    "Please do not share health details about yourself or anyone else.\n"
)


def setting_problem(email: str | None, stale_after_months: int) -> str | None:
    """What is wrong with the corrections settings in mkdocs.yml, as "field: problem (hint)"; None if nothing."""
    if email is not None and not _ADDRESS.fullmatch(email):
        return (
            f"corrections_email: expected one email address like corrections@example.org, got {quoted(email)} "
            "(this is where Report a problem sends its email)"
        )
    if stale_after_months < 1:
        return (
            f"stale_after_months: must be 1 or more, got {stale_after_months} "
            "(listings verified longer ago than this many months say they may be out of date)"
        )
    return None


def correction_subject(program: dict) -> str:
    return f"Problem with {program['name']} ({program['id']})"


def correction_body(program: dict, page_url: str) -> str:
    """The email's text: which program (its id and page, so a maintainer finds the record), then a short form."""
    return f"Program: {program['name']}\nProgram id: {program['id']}\nPage: {page_url}\n\n" + MAIL_TEMPLATE


def correction_mailto(program: dict, address: str, page_url: str) -> str:
    """A mailto: link to the corrections address with the subject and body filled in, written as RFC 6068 says:
    every character outside the unreserved set percent-encoded as UTF-8 (so "&", "?" or "#" in a program's name
    cannot end the subject early), and line breaks as CRLF (%0D%0A)."""
    to = quote(address, safe="@")

    def encode(text: str) -> str:
        return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")

    return (
        f"mailto:{to}?subject={encode(correction_subject(program))}&body={encode(correction_body(program, page_url))}"
    )
