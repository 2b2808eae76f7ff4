"""The open questions: each ambiguity, its readings, the setting that switches it, the reading a tariff takes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from smop_pricing.i18n import t
from smop_pricing.money import ratio_percent
from smop_pricing.pricing.tariff import Tariff, published_tariff

# --- open questions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    id: str
    when: str
    zh: str
    en: str


@dataclass(frozen=True)
class Question:
    id: str
    spec: str
    quote: str
    setting: str
    zh: str
    en: str
    readings: tuple[Reading, ...]


WHEN = ("true", "false", "zero", "positive", "any", "never")


@lru_cache(maxsize=1)
def question_data() -> tuple[Question, ...]:
    """``data/open_questions.toml``, read once (immutable)."""
    text = resources.files("smop_pricing.data").joinpath("open_questions.toml").read_text("utf-8")
    questions: list[Question] = []
    for item in tomllib.loads(text)["question"]:
        readings = tuple(
            Reading(str(r["id"]), str(r["when"]), str(r["zh"]), str(r["en"])) for r in item["reading"]
        )
        for reading in readings:
            if reading.when not in WHEN:
                raise ValueError(f"open_questions.toml {item['id']}.{reading.id}: unknown when {reading.when!r}")
        texts = {key: str(item[key]) for key in ("id", "spec", "quote", "setting", "zh", "en")}
        questions.append(Question(**texts, readings=readings))
    return tuple(questions)


def _selects(when: str, value: object) -> bool:
    if when == "any":
        return True
    if when == "never":
        return False
    if isinstance(value, bool):
        return when == ("true" if value else "false")
    if isinstance(value, (int, Decimal)):
        return when == ("zero" if value == 0 else "positive")
    return False


def _setting_text(value: object, none: str = "") -> str:
    if value is None:
        return none
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class QuestionStatus:
    """An open question under a tariff: the reading in force and the default one."""

    question: Question
    value: object
    default_value: object
    in_force: Reading | None
    default: Reading | None

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def changed(self) -> bool:
        """True when the tariff takes another reading than the published default."""
        return self.in_force != self.default or self.value != self.default_value

    def text(self, lang: str) -> str:
        return self.question.en if lang == "en" else self.question.zh

    def setting_text(self) -> str:
        return "" if not self.question.setting else f"{self.question.setting} = {_setting_text(self.value)}"

    def default_setting_text(self) -> str:
        return "" if not self.question.setting else f"{self.question.setting} = {_setting_text(self.default_value)}"

    def setting_name(self, lang: str) -> str:
        """The setting's name as the page says it ("到期后叠加包保留"), not its file key."""
        from smop_pricing.i18n import catalog, t

        key = f"review.setting_{self.question.setting}"
        return t(key, lang) if key in catalog() else self.question.setting

    def setting_value(self, lang: str, default: bool = False) -> str:
        """The setting's value (or default) in words: 是/否 for a switch, the number otherwise."""
        from smop_pricing.i18n import t

        value = self.default_value if default else self.value
        return t(f"review.bool_{str(value).lower()}", lang) if isinstance(value, bool) else _setting_text(value)

    def reading_text(self, reading: Reading, lang: str, value: object | None = None) -> str:
        shown = self.value if value is None else value
        params: dict[str, str] = {"value": _setting_text(shown)}
        if isinstance(shown, int) and not isinstance(shown, bool):
            params["next"] = str(shown + 1)
        if isinstance(shown, Decimal):
            params["percent"] = ratio_percent(shown)
        text = reading.en if lang == "en" else reading.zh
        return text.format(**params)

    def status(self, reading: Reading) -> str:
        """'in_force', 'default' (the published reading, not in force), 'not_simulated' or 'other'."""
        if reading == self.in_force:
            return "in_force"
        if reading == self.default:
            return "default"
        return "not_simulated" if reading.when == "never" else "other"


def open_questions(tariff: Tariff | None = None) -> tuple[QuestionStatus, ...]:
    """Each open question with the reading ``tariff`` puts in force and the published default."""
    published = published_tariff()
    current = tariff or published
    statuses: list[QuestionStatus] = []
    for question in question_data():
        value = getattr(current, question.setting) if question.setting else None
        default_value = getattr(published, question.setting) if question.setting else None
        in_force = next((r for r in question.readings if _selects(r.when, value)), None)
        default = next((r for r in question.readings if _selects(r.when, default_value)), None)
        statuses.append(QuestionStatus(question, value, default_value, in_force, default))
    return tuple(statuses)


def status_label(status: str, lang: str) -> str:
    return t(f"review.reading_{status}", lang)
