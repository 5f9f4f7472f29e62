"""The one description of IOP Finder's data.

Every field of a program (and of the condition and therapy vocabularies) is declared here once, with its type,
allowed values and a one-line description. Validation, the JSON Schema that editors use, the data reference page
and the labels shown to visitors all read these declarations, so they cannot drift apart.

Why a flat program record rather than HSDS's organization/service/location split: an IOP listing is one service
at one address, and maintainers edit it by hand in a pull request. One record per program keeps each edit in one
place; the HSDS 3.1 export splits it into organization, service and location when the data leaves the site. From
HSDS we keep the ideas that matter for trust: an optional parent `organization`, ISO 639-1 `languages`, a
`last_verified` date and a `source` for every record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Field:
    """One field: its name, kind, one-line description and constraints."""

    name: str
    kind: str
    description: str
    required: bool = False
    choices: Mapping[str, str] | None = None  # value -> label shown to visitors
    vocab: str | None = None  # "conditions" or "therapies": values must be ids of that vocabulary
    item: Field | None = None  # for kind == "list"
    fields: tuple[Field, ...] = ()  # for kind == "object"
    minimum: float | None = None
    maximum: float | None = None
    example: object = None
    label: str | None = None  # heading shown to visitors; defaults to a prettified name
    unique_items: bool = True

    def child(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def display_label(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()


# --- Controlled values (not vocabularies with pages of their own) -------------------------------------------

FOCUS = {
    "mental_health": "Mental health",
    "substance_use": "Substance use",
    "co_occurring": "Mental health and substance use together (co-occurring)",
}

LEVELS_OF_CARE = {
    "detox": "Detox (withdrawal management)",
    "residential": "Residential",
    "php": "Partial hospitalization (PHP, a day program)",
    "iop": "Intensive outpatient (IOP)",
    "op": "Outpatient (OP)",
    "aftercare": "Aftercare",
}

POPULATIONS = {
    "adults": "Adults",
    "adolescents": "Teens (adolescents)",
    "young_adults": "Young adults",
    "older_adults": "Older adults",
    "veterans": "Veterans",
    "lgbtq": "LGBTQ+ people",
    "women": "Women",
    "men": "Men",
    "pregnant_postpartum": "Pregnant people and new parents (postpartum)",
}

SESSIONS = {
    "day": "Daytime sessions",
    "evening": "Evening sessions",
    "weekend": "Weekend sessions",
}

MEDICATIONS = {
    "buprenorphine": "Buprenorphine (for opioid use)",
    "methadone": "Methadone (for opioid use)",
    "naltrexone": "Naltrexone (for alcohol or opioid use)",
    "acamprosate": "Acamprosate (for alcohol use)",
    "disulfiram": "Disulfiram (for alcohol use)",
    "naloxone": "Naloxone (reverses an opioid overdose)",
}

SERVICES = {
    "individual_therapy": "Individual therapy",
    "group_therapy": "Group therapy",
    "family_therapy": "Family therapy",
    "medication_management": "Medication management",
    "psychiatric_evaluation": "Psychiatric evaluation (a full mental health check-up)",
    "case_management": "Case management (help with practical needs)",
    "vocational": "Job and school support",
    "aftercare": "Aftercare planning",
    "alumni": "Alumni group",
    "drug_testing": "Drug testing",
    "peer_support": "Peer support (help from people in recovery)",
    "transportation": "Help with transportation",
    "childcare": "Childcare during sessions",
}

PAYMENT = {
    "medicaid": "Medicaid",
    "medicare": "Medicare",
    "tricare": "TRICARE (military health plan)",
    "private_insurance": "Private insurance",
    "sliding_scale": "Sliding-scale fees (based on income)",
    "self_pay": "Self-pay (cash)",
    "financing": "Payment plans or financing",
    "state_funded": "State-funded care (low or no cost)",
}

# Whether a program takes new patients, as a person last confirmed it (new_patients.status).
NEW_PATIENTS = {
    "accepting": "Taking new patients",
    "waitlist": "Has a waitlist for new patients",
    "not_accepting": "Not taking new patients now",
}

# The ways a person can start (intake.ways).
INTAKE_WAYS = {
    "walk_in": "Walk in: no appointment needed",
    "phone_screening": "Call for a short phone screening",
    "referral_needed": "Needs a referral from a doctor or counselor",
}

ACCREDITATION_BODIES = {
    "joint_commission": "The Joint Commission",
    "carf": "CARF International",
    "ncqa": "NCQA (National Committee for Quality Assurance)",
    "coa": "Council on Accreditation (COA)",
    "achc": "ACHC (Accreditation Commission for Health Care)",
}

BOARD_CERTIFICATIONS = {
    "abpm_addiction_medicine": "Addiction medicine (American Board of Preventive Medicine)",
    "abpn_addiction_psychiatry": "Addiction psychiatry (American Board of Psychiatry and Neurology)",
    "abpn_psychiatry": "Psychiatry (American Board of Psychiatry and Neurology)",
    "abpn_child_adolescent_psychiatry": "Child and adolescent psychiatry (American Board of Psychiatry and Neurology)",
    "abfm_family_medicine": "Family medicine (American Board of Family Medicine)",
    "abim_internal_medicine": "Internal medicine (American Board of Internal Medicine)",
}

STAFF_CREDENTIALS = {
    "psychiatrist": "Psychiatrist (a medical doctor for mental health)",
    "psychiatric_nurse_practitioner": "Psychiatric nurse practitioner",
    "addiction_medicine_physician": "Doctor with addiction medicine training",
    "psychologist": "Licensed psychologist",
    "clinical_social_worker": "Licensed clinical social worker (LCSW)",
    "professional_counselor": "Licensed professional counselor (LPC or LMHC)",
    "marriage_family_therapist": "Licensed marriage and family therapist (LMFT)",
    "addiction_counselor": "Licensed or certified addiction counselor (such as LADC or CADC)",
    "registered_nurse": "Registered nurse (RN)",
    "peer_specialist": "Certified peer recovery specialist",
}


@dataclass(frozen=True)
class Lookup:
    """An issuer's own public lookup, where a person can check a claim for themselves.

    `query` lists the URL query parameters the lookup is known to read, each with the value it gets: a fixed text,
    or "{last_name}" / "{id}" for the medical director's last name or the claim's id. Only parameters seen in use
    on the issuer's site are listed; a lookup that reads none gets none, and the page shows what to type instead.
    """

    issuer: str  # who runs the lookup
    name: str  # what the lookup is called
    url: str  # https, on the issuer's own host
    type_what: str  # what to type into it when it is not filled in for you
    query: tuple[tuple[str, str], ...] = ()


# The accreditors' public lookups. None is known to read a query from its address, so each link opens the search
# and the page shows the id (or the program's name) to type.
ACCREDITATION_LOOKUPS = {
    "joint_commission": Lookup(
        "The Joint Commission", "Quality Check", "https://www.qualitycheck.org/", "the program's name or its ID"
    ),
    "carf": Lookup(
        "CARF International", "CARF's provider search", "https://carf.org/find-provider/", "the program's name"
    ),
    "ncqa": Lookup("NCQA", "NCQA Report Cards", "https://reportcards.ncqa.org/", "the program's name"),
    "coa": Lookup("Council on Accreditation", "COA's website", "https://coanet.org/", "the program's name"),
    "achc": Lookup("ACHC", "ACHC's Find a Provider", "https://www.achc.org/find-a-provider/", "the program's name"),
}

# The boards' public lookups. ABMS's Certification Matters covers every ABMS member board (ABPM, ABFM, ABIM and
# ABPN too) and reads a last name from its address; ABPN also runs its own check, which reads nothing from it.
_ABMS = Lookup(
    "American Board of Medical Specialties (ABMS)",
    "Certification Matters",
    "https://www.certificationmatters.org/find-my-doctor/",
    "the doctor's name",
    (("dsearch", "1"), ("lname", "{last_name}")),
)
_ABPN = Lookup(
    "American Board of Psychiatry and Neurology (ABPN)",
    "ABPN Verify Certification",
    "https://verifycert.abpn.org/verifycert/",
    "the doctor's name",
)
CERTIFICATION_LOOKUPS = {
    "abpm_addiction_medicine": _ABMS,
    "abpn_addiction_psychiatry": _ABPN,
    "abpn_psychiatry": _ABPN,
    "abpn_child_adolescent_psychiatry": _ABPN,
    "abfm_family_medicine": _ABMS,
    "abim_internal_medicine": _ABMS,
}

# What each medication for addiction treats, as condition ids of data/conditions.yaml (a test checks they exist).
# Naloxone is left out: it reverses an overdose and treats no condition over time.
MEDICATION_CONDITIONS = {
    "buprenorphine": ("opioid-use",),
    "methadone": ("opioid-use",),
    "naltrexone": ("opioid-use", "alcohol-use"),
    "acamprosate": ("alcohol-use",),
    "disulfiram": ("alcohol-use",),
}

# Board certifications in addiction or psychiatry: the quality sign for a medical director (see signals.py).
ADDICTION_OR_PSYCHIATRY_CERTIFICATIONS = frozenset(
    {"abpm_addiction_medicine", "abpn_addiction_psychiatry", "abpn_psychiatry", "abpn_child_adolescent_psychiatry"}
)

# What a state's license lookup page is: a search of licensed programs, or the licensing office's own page.
LOOKUP_PAGES = {
    "search": "A search of licensed programs",
    "agency": "The licensing office's page (no search of its own)",
}

CONDITION_GROUPS = {
    "substance_use": "Substance use",
    "mental_health": "Mental health",
    "co_occurring": "Co-occurring",
}

US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}

# ISO 639-1 codes with English names, for the languages programs offer care in.
LANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "tl": "Tagalog",
    "vi": "Vietnamese",
    "ar": "Arabic",
    "fr": "French",
    "ko": "Korean",
    "ru": "Russian",
    "pt": "Portuguese",
    "ht": "Haitian Creole",
    "hi": "Hindi",
    "de": "German",
    "pl": "Polish",
    "it": "Italian",
    "ur": "Urdu",
    "fa": "Persian",
    "el": "Greek",
    "gu": "Gujarati",
    "bn": "Bengali",
    "ja": "Japanese",
    "hy": "Armenian",
    "pa": "Punjabi",
    "km": "Khmer",
    "so": "Somali",
    "am": "Amharic",
    "uk": "Ukrainian",
    "he": "Hebrew",
    "yi": "Yiddish",
    "sw": "Swahili",
    "ne": "Nepali",
    "my": "Burmese",
    "lo": "Lao",
    "th": "Thai",
    "ta": "Tamil",
    "te": "Telugu",
    "sq": "Albanian",
    "ro": "Romanian",
    "sr": "Serbian",
    "hr": "Croatian",
    "bs": "Bosnian",
    "tr": "Turkish",
    "nv": "Navajo",
    "sm": "Samoan",
    "to": "Tongan",
    "mh": "Marshallese",
    "ps": "Pashto",
    "ku": "Kurdish",
    "ti": "Tigrinya",
    "yo": "Yoruba",
    "ig": "Igbo",
    "ff": "Fulah",
    "ml": "Malayalam",
    "mr": "Marathi",
    "id": "Indonesian",
    "ms": "Malay",
    "nl": "Dutch",
    "sv": "Swedish",
    "no": "Norwegian",
    "da": "Danish",
    "fi": "Finnish",
    "hu": "Hungarian",
    "cs": "Czech",
    "sk": "Slovak",
    "bg": "Bulgarian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "ka": "Georgian",
    "az": "Azerbaijani",
    "uz": "Uzbek",
    "kk": "Kazakh",
    "mn": "Mongolian",
    "sa": "Sanskrit",
    "ase": "American Sign Language",
}
# "ase" is ISO 639-3: American Sign Language has no two-letter code, and deaf visitors need to find it.

# --- Rules for text values ---------------------------------------------------------------------------------------
# Each rule is written once, here, in the part of regular-expression syntax that Python and JavaScript read alike:
# no flags, no named groups, [0-9] where Python's \d would also take other scripts' digits, whitespace spelled out
# as the characters Python's str.strip() removes. Validation (validate.py) and the JSON Schema editors check with
# (schema.py) both use `pattern(rule)`, so what one accepts the other accepts (tests/test_rules.py).
SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SLUG_RULE = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ZIP_RULE = r"[0-9]{5}"
# Groups: area code, exchange, line number, extension ("Ext." or "x" in any case).
PHONE_RULE = (
    r"(?:\+?1[ .-]?)?\(?([2-9][0-9]{2})\)?[ .-]?([0-9]{3})[ .-]?([0-9]{4})"
    r"(?: *(?:[xX]|[eE][xX][tT]\.?|[eE][xX][tT][eE][nN][sS][iI][oO][nN]) *([0-9]{1,6}))?"
)
# Control characters, whitespace, angle brackets, quotes, backquote, backslash.
_NOT_IN_URL = r"\x00-\x20\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000<>" + "\"'`" + r"\\"
# http or https (in any case), a host part that is not empty, then anything but the characters above. Validation
# adds what a pattern cannot say (validate.url_problem): no user name or password before the host, a port from 1
# to 65535, and a public host (not this computer or a private network).
URL_RULE = "[hH][tT][tT][pP][sS]?://[^" + _NOT_IN_URL + "/?#]+(?:[/?#][^" + _NOT_IN_URL + "]*)?"


# The longest text a field may hold, in characters (after trimming): a few long fields, else by kind.
TEXT_LIMITS = {"markdown": 20000}
LONG_FIELDS = {"summary": 600, "source": 600, "details": 300}
TEXT_LIMIT = 300


def max_length(spec: Field) -> int:
    return LONG_FIELDS.get(spec.name, TEXT_LIMITS.get(spec.kind, TEXT_LIMIT))


def pattern(rule: str) -> str:
    """The whole value matches the rule, give or take the surrounding spaces validation trims."""
    return f"^[{SPACE}]*(?:{rule})[{SPACE}]*$"


SLUG_PATTERN = pattern(SLUG_RULE)
PHONE_PATTERN = pattern(PHONE_RULE)
ZIP_PATTERN = pattern(ZIP_RULE)
URL_PATTERN = pattern(URL_RULE)

# A spreadsheet opening a CSV file runs a cell that starts with one of these as a formula (=HYPERLINK(...),
# +cmd|...). OWASP's advice: put a single quote in front, which spreadsheets show as text and readers can strip.
# Every CSV the project writes (the export, the maintainer report and its call list) does so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_text(text: str) -> str:
    """Text for a CSV cell that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# Ids the site cannot give a page: "index" names the page of a folder itself (a condition "index" would replace
# /conditions/, the list of every condition), and Windows can create no file or folder with the others' names.
RESERVED_IDS = frozenset(
    {"index", "con", "prn", "aux", "nul"} | {f"com{n}" for n in range(1, 10)} | {f"lpt{n}" for n in range(1, 10)}
)

# Characters that text from data must not hold, as regular-expression ranges (one source for validation and the
# schema). Control characters are never text. Line breaks and tabs do not belong in one-line values: a name or an
# address is printed into titles, CSV cells and vCard lines, where a line break starts something new. Zero-width
# characters make two different names look the same, and bidirectional controls reorder the text around them, so
# a name could show as something other than what it holds.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
LINE_BREAKS = "\n\r\u2028\u2029"
ZERO_WIDTH_CHARACTERS = "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2060-\u2064\u3164\ufeff\uffa0"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"


def _list(name: str, item: Field, description: str, **kw) -> Field:
    return Field(name, "list", description, item=item, **kw)


def _choice_list(name: str, choices: Mapping[str, str], description: str, **kw) -> Field:
    item = Field(name, "enum", f"One of the allowed {name} values.", choices=choices)
    return _list(name, item, description, **kw)


ADDRESS = Field(
    "address",
    "object",
    "Where people go for in-person sessions.",
    required=True,
    fields=(
        Field(
            "street",
            "str",
            "Street address, with suite or floor if any.",
            required=True,
            example="1200 Example Avenue, Suite 300",
        ),
        Field("city", "str", "City or town.", required=True, example="Richmond"),
        Field("state", "state", "Two-letter US state or territory code, in capitals.", required=True, example="VA"),
        Field(
            "zip",
            "zip",
            "Five-digit ZIP code, written in quotes so a leading zero is kept.",
            required=True,
            example="23220",
            label="ZIP code",
        ),
    ),
)

LOCATION = Field(
    "location",
    "object",
    "Map coordinates of the entrance; leave out to use the ZIP code's center.",
    fields=(
        Field(
            "lat",
            "number",
            "Latitude in decimal degrees (-90 to 90).",
            required=True,
            minimum=-90,
            maximum=90,
            example=37.5494,
        ),
        Field(
            "lon",
            "number",
            "Longitude in decimal degrees (-180 to 180).",
            required=True,
            minimum=-180,
            maximum=180,
            example=-77.4591,
        ),
    ),
)

SCHEDULE = Field(
    "schedule",
    "object",
    "How much time the program takes each week and when it meets.",
    required=True,
    fields=(
        Field(
            "hours_per_week",
            "number",
            "Hours of treatment per week.",
            required=True,
            minimum=1,
            maximum=40,
            example=9,
            label="Hours per week",
        ),
        Field(
            "days_per_week",
            "int",
            "Days per week the program meets.",
            required=True,
            minimum=1,
            maximum=7,
            example=3,
            label="Days per week",
        ),
        _choice_list(
            "sessions",
            SESSIONS,
            "When sessions happen: day, evening and/or weekend.",
            required=True,
            example=["evening"],
        ),
        Field(
            "length_weeks",
            "object",
            "Typical length of the program in weeks.",
            fields=(
                Field(
                    "min", "int", "Shortest typical length in weeks.", required=True, minimum=1, maximum=104, example=8
                ),
                Field(
                    "max", "int", "Longest typical length in weeks.", required=True, minimum=1, maximum=104, example=12
                ),
            ),
            label="Typical length",
        ),
        Field(
            "details",
            "str",
            'Days and times in plain words, such as "Mon, Wed, Thu 6-9 pm".',
            example="Mon, Wed, Thu 6-9 pm",
            label="Days and times",
        ),
    ),
)

AGES = Field(
    "ages",
    "object",
    "Ages the program serves, in years; leave out if the program has not said.",
    fields=(
        Field("min", "int", "Youngest age served, in years.", required=True, minimum=0, maximum=120, example=13),
        Field(
            "max",
            "int",
            "Oldest age served, in years; leave out when there is no upper limit.",
            minimum=0,
            maximum=120,
            example=17,
        ),
    ),
    label="Ages served",
)

NEW_PATIENTS_FIELD = Field(
    "new_patients",
    "object",
    "Whether the program is taking new patients or has a waitlist, and when a person last confirmed it.",
    fields=(
        Field(
            "status",
            "enum",
            "accepting, waitlist or not_accepting.",
            required=True,
            choices=NEW_PATIENTS,
            example="accepting",
        ),
        Field(
            "confirmed",
            "date",
            "Date a person last confirmed the status (YYYY-MM-DD, not in the future).",
            required=True,
            example="2026-10-02",
        ),
    ),
    label="New patients",
)

INTAKE = Field(
    "intake",
    "object",
    "How a person starts: the ways in, and when intake staff answer.",
    fields=(
        _choice_list(
            "ways",
            INTAKE_WAYS,
            "Ways to start: walk_in, phone_screening, referral_needed.",
            example=["phone_screening"],
            label="Ways to start",
        ),
        Field(
            "hours",
            "str",
            'When intake staff answer, in plain words, such as "Mon–Fri 8 am–6 pm".',
            example="Mon–Fri 8 am–6 pm",
            label="Intake hours",
        ),
    ),
    label="How to start",
)

ACCREDITATION = Field(
    "accreditation",
    "object",
    "One accreditation the program holds.",
    fields=(
        Field(
            "body",
            "enum",
            "Accrediting organization.",
            required=True,
            choices=ACCREDITATION_BODIES,
            example="joint_commission",
        ),
        Field("id", "str", "The program's id with that organization, if known.", example="123456"),
    ),
)

LICENSE = Field(
    "license",
    "object",
    "One state license the program holds.",
    fields=(
        Field(
            "issuer",
            "str",
            "Agency that issued the license.",
            required=True,
            example="Virginia Department of Behavioral Health and Developmental Services",
        ),
        Field("number", "str", "License number as the agency shows it.", required=True, example="IOP-2024-0173"),
    ),
)

MEDICAL_DIRECTOR = Field(
    "medical_director",
    "object",
    "The physician responsible for the program's medical care.",
    fields=(
        Field("name", "str", "Full name.", required=True, example="Dr. Maya Okafor"),
        Field("credentials", "str", "Degree, such as MD or DO.", required=True, example="MD"),
        _choice_list(
            "board_certifications",
            BOARD_CERTIFICATIONS,
            "Board certifications the director holds.",
            example=["abpm_addiction_medicine"],
        ),
    ),
)

EXTERNAL_ID = Field(
    "external_id",
    "object",
    "The program's id in another directory, so re-imports update it.",
    fields=(
        Field(
            "system",
            "enum",
            "Which directory the id belongs to.",
            required=True,
            choices={"samhsa_frid": "SAMHSA treatment locator record"},
            example="samhsa_frid",
        ),
        Field("id", "str", "The id in that directory.", required=True, example="d0ac0e21"),
    ),
)

PROGRAM = Field(
    "program",
    "object",
    "One intensive outpatient program at one address.",
    fields=(
        Field(
            "id",
            "slug",
            "Stable lowercase slug; the page lives at /programs/<id>/ and never moves.",
            required=True,
            example="harbor-light-richmond",
        ),
        _list(
            "former_ids",
            Field("former_id", "slug", "An id this program used before."),
            "Ids this program had before a rename; their old URLs redirect here.",
            example=["old-name"],
        ),
        Field(
            "name",
            "str",
            "Program name as the public knows it.",
            required=True,
            example="Harbor Light Recovery Center Evening IOP",
        ),
        Field(
            "organization",
            "str",
            "Organization that runs the program, if different from its name.",
            example="Harbor Light Health",
        ),
        Field(
            "example",
            "bool",
            "True for fictional sample records that must never be mistaken for real ones.",
            example=True,
        ),
        Field("needs_review", "bool", "True for imported records a maintainer has not yet checked.", example=False),
        Field(
            "summary",
            "str",
            "One or two plain sentences about who the program is for.",
            required=True,
            example="Evening program for adults working on alcohol or drug use.",
        ),
        Field(
            "focus",
            "enum",
            "Whether the program treats mental health, substance use, or both together.",
            required=True,
            choices=FOCUS,
            example="substance_use",
        ),
        _choice_list(
            "levels_of_care",
            LEVELS_OF_CARE,
            "Levels of care offered; must include iop.",
            required=True,
            example=["iop", "op"],
            label="Levels of care",
        ),
        ADDRESS,
        LOCATION,
        Field(
            "phone",
            "phone",
            "Main intake phone number, like 804-555-0123 (an extension may follow: x110).",
            required=True,
            example="804-555-0101",
        ),
        Field(
            "website",
            "url",
            "Program web page; must start with https:// or http://.",
            example="https://example.org/harbor-light",
        ),
        Field("email", "email", "Intake email address.", example="intake@example.org"),
        Field("telehealth", "bool", "True if IOP sessions can be attended by video.", required=True, example=True),
        Field(
            "telehealth_only",
            "bool",
            "True if every session is by video (telehealth); the address is then the office, and maps leave the "
            "program off.",
            example=False,
        ),
        _choice_list(
            "populations",
            POPULATIONS,
            "Groups of people the program serves.",
            required=True,
            example=["adults"],
            label="Who it serves",
        ),
        _list(
            "languages",
            Field("language", "lang", "ISO 639-1 code such as en or es.", choices=LANGUAGES),
            "Languages care is offered in, as ISO 639-1 codes.",
            required=True,
            example=["en", "es"],
        ),
        AGES,
        SCHEDULE,
        NEW_PATIENTS_FIELD,
        INTAKE,
        _list(
            "conditions",
            Field("condition", "vocab", "Condition id.", vocab="conditions"),
            "Conditions treated, as ids from data/conditions.yaml.",
            required=True,
            example=["alcohol-use", "depression"],
            label="Conditions treated",
        ),
        _list(
            "therapies",
            Field("therapy", "vocab", "Therapy id.", vocab="therapies"),
            "Therapies offered, as ids from data/therapies.yaml.",
            required=True,
            example=["cbt"],
        ),
        _choice_list(
            "medications",
            MEDICATIONS,
            "Medications for addiction treatment offered (MAT/MOUD).",
            example=["buprenorphine"],
            label="Medications for addiction treatment",
        ),
        _choice_list("services", SERVICES, "Services offered alongside therapy.", example=["group_therapy"]),
        _choice_list(
            "payment",
            PAYMENT,
            "Ways to pay that the program accepts.",
            required=True,
            example=["medicaid", "private_insurance"],
            label="Payment accepted",
        ),
        _list(
            "insurers",
            Field("insurer", "str", "Name of an insurance plan."),
            "Insurance plans accepted, by name.",
            example=["Anthem"],
            label="Insurance plans",
        ),
        _list(
            "accreditations",
            ACCREDITATION,
            "Accreditations held, with the accrediting body's id if known.",
            example=[{"body": "carf"}],
        ),
        _list(
            "licenses",
            LICENSE,
            "State licenses held.",
            example=[{"issuer": "State health department", "number": "IOP-1"}],
        ),
        _choice_list(
            "staff_credentials",
            STAFF_CREDENTIALS,
            "Licenses and certifications held by the clinical staff who lead sessions.",
            example=["clinical_social_worker", "addiction_counselor"],
            label="Clinical staff",
        ),
        MEDICAL_DIRECTOR,
        Field(
            "last_verified",
            "date",
            "Date a person last confirmed these facts (YYYY-MM-DD, not in the future).",
            required=True,
            example="2026-10-02",
            label="Last verified",
        ),
        Field(
            "source",
            "str",
            "How the facts were confirmed: a phone call, the program's site, a state list.",
            required=True,
            example="Phone call with intake staff",
        ),
        _list(
            "external_ids",
            EXTERNAL_ID,
            "Ids of this program in other directories, used by imports.",
            example=[{"system": "samhsa_frid", "id": "d0ac0e21"}],
            label="Ids in other directories",
        ),
    ),
)

# Condition and therapy pages say when a person last checked their text against its sources, like the guides.
LAST_REVIEWED = Field(
    "last_reviewed",
    "date",
    "Date a person last checked this text against its sources (YYYY-MM-DD, not in the future).",
    required=True,
    example="2026-11-23",
    label="Last reviewed",
)

# Languages the site is written in besides English: one locales/<code>.yaml each, beside the generator, named by
# its ISO 639-1 code (generator/languages.py reads their words). Each condition and therapy carries its words in
# every one of them (`translations:`), so adding a language is a locale file and the translated text in the data,
# no code; validation, the editor schemas and the data reference all follow from this mapping.
LOCALES = Path(__file__).resolve().parent.parent / "locales"
TRANSLATION_LANGUAGES = {p.stem: LANGUAGES[p.stem] for p in sorted(LOCALES.glob("*.yaml")) if p.stem in LANGUAGES}

# Examples for the translated fields, shown in the data reference and in "add a line like ..." hints.
_TRANSLATION_EXAMPLES = {
    ("es", "condition"): {
        "name": "Depresión",
        "aliases": ["depresión mayor"],
        "summary": "Un ánimo bajo que dura semanas y hace difícil la vida diaria.",
    },
    ("es", "therapy"): {
        "name": "Terapia cognitivo-conductual (CBT)",
        "aliases": ["TCC", "terapia cognitiva"],
        "summary": "Aprender a notar y cambiar los pensamientos que no le ayudan.",
    },
}


def _translations(entry: str, text_fields: tuple[Field, ...]) -> Field:
    """The `translations:` group of a vocabulary entry: one group per language, mirroring the entry's text."""
    languages = tuple(
        Field(
            code,
            "object",
            f"The {entry}'s text in {language}, for the {language} pages; every field is required.",
            required=True,
            fields=tuple(
                replace(
                    f,
                    required=True,
                    description=f"In {language}: {f.description[0].lower()}{f.description[1:]}",
                    example=_TRANSLATION_EXAMPLES.get((code, entry), {}).get(f.name),
                )
                for f in text_fields
            ),
        )
        for code, language in TRANSLATION_LANGUAGES.items()
    )
    return Field(
        "translations",
        "object",
        f"The {entry}'s text in each other language of the site, keyed by language code.",
        required=True,
        fields=languages,
    )


def _optional_translations(entry: str, text_fields: tuple[Field, ...], why: str) -> Field:
    """A `translations:` group a record may leave out: where it has none, the other language's page shows the
    English text, marked as English. Inside a language, the fields keep their own required flags."""
    languages = tuple(
        Field(
            code,
            "object",
            f"The {entry}'s text in {language}, for the {language} pages.",
            fields=tuple(
                replace(f, description=f"In {language}: {f.description[0].lower()}{f.description[1:]}")
                for f in text_fields
            ),
        )
        for code, language in TRANSLATION_LANGUAGES.items()
    )
    return Field(
        "translations", "object", f"The {entry}'s text in other languages of the site. {why}", fields=languages
    )


_CONDITION_TEXT = (
    Field("name", "str", "Name shown to visitors.", required=True, example="Depression"),
    _list(
        "aliases",
        Field("alias", "str", "Another name."),
        "Other names people search for.",
        example=["major depression"],
    ),
    Field(
        "summary",
        "str",
        "One plain sentence for lists and link previews.",
        required=True,
        example="A low mood that lasts and gets in the way of life.",
    ),
    Field("description", "markdown", "What it is, in plain words (Markdown).", required=True),
    Field("how_iop_helps", "markdown", "How an IOP helps with it (Markdown).", required=True),
)

CONDITION = Field(
    "condition",
    "object",
    "A condition programs treat; each gets a page at /conditions/<id>/.",
    fields=(
        Field(
            "id",
            "slug",
            "Stable lowercase slug used by programs and in the page URL.",
            required=True,
            example="depression",
        ),
        *_CONDITION_TEXT[:2],
        Field(
            "group",
            "enum",
            "Which kind of care the condition belongs to.",
            required=True,
            choices=CONDITION_GROUPS,
            example="mental_health",
        ),
        *_CONDITION_TEXT[2:],
        _list(
            "therapies",
            Field("therapy", "vocab", "Therapy id.", vocab="therapies"),
            "Therapies commonly used for it.",
            required=True,
            example=["cbt"],
        ),
        _list(
            "sources",
            Field("source", "vocab", "Source id.", vocab="sources"),
            "Ids from data/sources.yaml that back these facts.",
            required=True,
            example=["nimh-depression"],
        ),
        LAST_REVIEWED,
        _translations("condition", _CONDITION_TEXT),
    ),
)

_THERAPY_TEXT = (
    Field("name", "str", "Name shown to visitors.", required=True, example="Cognitive behavioral therapy (CBT)"),
    _list("aliases", Field("alias", "str", "Another name."), "Other names people search for.", example=["CBT"]),
    Field(
        "summary",
        "str",
        "One plain sentence for lists and link previews.",
        required=True,
        example="Learning to notice and change unhelpful thoughts.",
    ),
    Field("description", "markdown", "What it is (Markdown).", required=True),
    Field("session", "markdown", "What a session is like (Markdown).", required=True),
    Field("helps", "markdown", "Who it helps (Markdown).", required=True),
)

THERAPY = Field(
    "therapy",
    "object",
    "A therapy or service programs offer; each gets a page at /therapies/<id>/.",
    fields=(
        Field(
            "id", "slug", "Stable lowercase slug used by programs and in the page URL.", required=True, example="cbt"
        ),
        *_THERAPY_TEXT,
        Field(
            "evidence_based",
            "bool",
            "True if the sources cited show that it works for conditions IOPs treat (research or federal treatment "
            "guides); program pages then count it as an evidence-based therapy.",
            example=True,
        ),
        _list(
            "sources",
            Field("source", "vocab", "Source id.", vocab="sources"),
            "Ids from data/sources.yaml that back these facts.",
            required=True,
            example=["nida-principles"],
        ),
        LAST_REVIEWED,
        _translations("therapy", _THERAPY_TEXT),
    ),
)

SOURCE = Field(
    "source",
    "object",
    "A published source that patient-education facts come from.",
    fields=(
        Field("id", "slug", "Stable lowercase slug that pages cite.", required=True, example="nimh-depression"),
        Field("title", "str", "Title of the article or document.", required=True, example="Depression"),
        Field(
            "publisher",
            "str",
            "Who published it, or the kind of source.",
            required=True,
            example="National Institute of Mental Health",
        ),
        Field("url", "url", "Where to read it, if public.", example="https://www.nimh.nih.gov/"),
        Field("note", "str", "What the site used it for.", example="Signs and treatments"),
    ),
)

LICENSE_LOOKUP = Field(
    "license_lookup",
    "object",
    "Where the public can check a state license: the licensing agency and its page. Every state with programs "
    "needs one.",
    fields=(
        Field("state", "state", "Two-letter US state or territory code, in capitals.", required=True, example="VA"),
        Field(
            "agency",
            "str",
            "The state agency that licenses treatment programs, by its full name.",
            required=True,
            example="Virginia Department of Behavioral Health and Developmental Services",
        ),
        Field(
            "url",
            "url",
            "The agency's own page for checking a license; must start with https://.",
            required=True,
            example="https://dbhds.virginia.gov/clinical-and-quality-management/office-of-licensing/",
        ),
        Field(
            "page",
            "enum",
            "Whether the page searches licensed programs, or is the licensing office's page to read or call.",
            required=True,
            choices=LOOKUP_PAGES,
            example="search",
        ),
        Field(
            "number_parameter",
            "str",
            "The query parameter the page reads a license number from, only if the agency's site uses one; "
            "links then open that license directly.",
            example="l",
        ),
        Field(
            "how",
            "str",
            "One plain sentence on how to check there, shown under the link.",
            example="Search by the program's name or its license number.",
        ),
        _optional_translations(
            "license lookup",
            (
                Field(
                    "how",
                    "str",
                    "One plain sentence on how to check there, shown under the link.",
                    required=True,
                    example="Busque por el nombre del programa o por su número de licencia.",
                ),
            ),
            "Without one, the Spanish pages show the English sentence, marked as English.",
        ),
    ),
)

# A program's own words in other languages (its summary, its days and times). Optional: most programs write in
# English only, and their pages in another language show the English text, marked as English, with a short note.
PROGRAM = replace(
    PROGRAM,
    fields=(
        *PROGRAM.fields,
        _optional_translations(
            "program",
            (
                Field(
                    "summary",
                    "str",
                    "One or two plain sentences about who the program is for.",
                    required=True,
                    example="Programa de noche para adultos que buscan dejar el alcohol o las drogas.",
                ),
                Field(
                    "schedule_details",
                    "str",
                    "Days and times in plain words.",
                    example="lun., miér. y jue. de 6 a 9 p. m.",
                ),
            ),
            "Without one, the page in that language shows the English, marked as English.",
        ),
    ),
)

# Each data file: its top-level key and the record it holds.
COLLECTIONS = {
    "programs": PROGRAM,
    "conditions": CONDITION,
    "therapies": THERAPY,
    "sources": SOURCE,
    "license_lookups": LICENSE_LOOKUP,
}


def walk_fields(spec: Field, prefix: str = ""):
    """Yield (dotted path, field) for a field and everything inside it."""
    path = f"{prefix}.{spec.name}" if prefix else spec.name
    yield path, spec
    if spec.kind == "object":
        for child in spec.fields:
            yield from walk_fields(child, path)
    elif spec.kind == "list" and spec.item is not None:
        yield from walk_fields(spec.item, path + "[]")
