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
from .words import ENGLISH, Words

# An email address the site may print in a mailto: link (as validation's email rule, one address only).
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# The issue form the GitHub link opens (.github/ISSUE_TEMPLATE/): its checklist of what visitors most often find
# wrong lives there, once, so each of 20,000 pages carries only the fields that name its program.
ISSUE_FORM = "correction.yml"
FORM_FIELDS = ("program", "record")  # the form's field ids that the link fills in


def _repo(repo_url: str) -> str:
    return repo_url.rstrip("/").removesuffix(".git")


def edit_url(program: dict, repo_url: str, branch: str = "main") -> str:
    """The program's YAML on GitHub, scrolled to the line where its record starts."""
    path = quote(program["_file"].lstrip("/"), safe="/")
    return f"{_repo(repo_url)}/blob/{quote(branch, safe='')}/{path}#L{program['_line']}"


def report_title(program: dict) -> str:
    # The id alone: it is unique and the form's program field shows it; the name would add some 60 percent-encoded
    # bytes to each of 40,000 pages.
    return f"Correction: {program['id']}"


def report_fields(program: dict) -> dict[str, str]:
    """What the link fills in: the issue's title, the program's id (its page is programs/<id>/), and the line of
    its record."""
    return {
        "title": report_title(program),
        "program": program["id"],
        "record": f"{program['_file']} line {program['_line']}",
    }


def report_url(program: dict, repo_url: str) -> str:
    """A new-issue link that opens the correction form with this program filled in, safely URL-encoded."""
    query = "&".join(f"{key}={quote(value, safe='')}" for key, value in report_fields(program).items())
    return f"{_repo(repo_url)}/issues/new?template={ISSUE_FORM}&{query}"


# --- Report a problem, by email ---------------------------------------------------------------------------------


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


def correction_subject(program: dict, words: Words = ENGLISH) -> str:
    return words.fill("program.mail_subject", "Problem with {name} ({id})", name=program["name"], id=program["id"])


def correction_mailto(program: dict, address: str, words: Words = ENGLISH) -> str:
    """A mailto: link to the corrections address with the subject filled in, written as RFC 6068 says: every
    character outside the unreserved set percent-encoded as UTF-8, so "&", "?" or "#" in a program's name cannot
    end the subject early. The subject names the program and its id, all a maintainer needs to find the record.
    What to write, and the reminder to share no health details, stand beside the link on the page (program.html),
    where they are read before the email is: percent-encoded in a body they cost about 180 bytes on each of
    40,000 pages."""
    to = quote(address, safe="@")
    return f"mailto:{to}?subject={quote(correction_subject(program, words), safe='')}"
