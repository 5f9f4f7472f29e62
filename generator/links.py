"""Links from a program page back to its data: "Edit this program" and "Suggest a correction".

Both point at the GitHub repository in mkdocs.yml's `repo_url`, so a visitor who spots a wrong phone number can
tell us in two clicks, and a maintainer can jump straight to the line that needs fixing.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

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


def report_body(program: dict, page_url: str) -> str:
    """The issue text: which program, where its page is, and a checklist of what might be wrong."""
    boxes = "\n".join(f"- [ ] {item}" for item in REPORT_CHECKLIST)
    return (
        f"**Program:** {program['name']}\n"
        f"**Program id:** `{program['id']}`\n"
        f"**Page:** {page_url}\n"
        f"**Data file:** `{program['_file']}` line {program['_line']}\n\n"
        f"### What is wrong?\n\n{boxes}\n\n"
        "### What is right?\n\n"
        "Tell us the correct facts and how you know them (for example: \"I called intake on 2026-03-02\", "
        "or a link to the program's own page).\n\n"
        "Please do not share health details about yourself or anyone else here: this page is public.\n"
    )


def report_url(program: dict, repo_url: str, page_url: str) -> str:
    """A new-issue link with the title and body filled in for this program, safely URL-encoded."""
    query = urlencode({"title": report_title(program), "body": report_body(program, page_url)},
                      quote_via=quote)
    return f"{_repo(repo_url)}/issues/new?{query}"
