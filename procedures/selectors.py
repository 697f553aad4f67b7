"""Read-side queries of the catalogue."""

from __future__ import annotations

import re

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from accounts.models import Agency
from procedures.models import Field, Procedure
from procedures.search import WordSimilarity, tokens

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
# Words this long or longer may match with a typo (trigram word similarity).
FUZZY_MIN_LENGTH = 4
ONLINE_ANY = "any"
_CODE_RE = re.compile(r"\d+\.\d+")


class CatalogueFilterError(ValueError):
    """A search parameter the catalogue cannot honour; the message is for the user."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _matching(words: list[str], code: str, *, fuzzy: bool) -> Q:
    condition = Q()
    for word in words:
        word_condition = Q(search_name__contains=word)
        if fuzzy and len(word) >= FUZZY_MIN_LENGTH:
            word_condition |= Q(search_name__trigram_word_matches=word)
        condition &= word_condition
    if _CODE_RE.fullmatch(code):
        condition |= Q(national_code__startswith=code)
    return condition


def _text_search(queryset: QuerySet[Procedure], q: str) -> QuerySet[Procedure]:
    """Every word must appear, in any order, without accents; the national code
    matches exactly or by prefix. When nothing matches, a word of four letters or
    more may match with a typo (pg_trgm word similarity): trying the exact words
    first costs one cheap EXISTS query and keeps the common case several times
    faster than fuzzy matching every word.

    Best match first: an exact code, then the pg_trgm word similarity of the whole
    query to the name, then the shorter name (the plain procedure before its variants).
    """
    words = tokens(q)[:MAX_QUERY_WORDS]
    if not words:
        return queryset
    needle = " ".join(words)
    code = q.strip()
    exact = queryset.filter(_matching(words, code, fuzzy=False))
    matches = (
        exact if exact.exists() else queryset.filter(_matching(words, code, fuzzy=True))
    )
    return matches.annotate(
        code_hit=Case(
            When(national_code=code, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        rank=WordSimilarity(Value(needle), "search_name"),
    ).order_by("-code_hit", "-rank", Length("name"), "name", "pk")


def _validated_choice(parameter: str, value: str, choices: list[str]) -> str:
    if value not in choices:
        raise CatalogueFilterError(
            parameter,
            _("Unknown value “%(value)s”; allowed values: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(choices)},
        )
    return value


def _check_text(**criteria: str) -> None:
    for parameter, value in criteria.items():
        if "\x00" in value:  # PostgreSQL text cannot hold NUL
            raise CatalogueFilterError(
                parameter, _("The value contains a character that is not allowed.")
            )
    if len(criteria["q"]) > MAX_QUERY_LENGTH:
        raise CatalogueFilterError(
            "q",
            _("The search text is limited to %(limit)d characters.")
            % {"limit": MAX_QUERY_LENGTH},
        )


def procedure_search(
    *,
    q: str = "",
    field: str = "",
    agency: str = "",
    level: str = "",
    online: str = "",
) -> QuerySet[Procedure]:
    """Published procedures matching a free-text query and filters, best first.

    `field` is a field code, `agency` an agency code (competent or receiving),
    `level` a `Procedure.Level`, `online` a `Procedure.OnlineLevel` or "any" (any
    online level). Raises `CatalogueFilterError` for an over-long query or an
    unknown filter value. Costs at most one query to check a field or agency filter
    and one to choose exact or typo-tolerant matching, whatever the catalogue size.
    """
    _check_text(q=q, field=field, agency=agency, level=level, online=online)
    queryset = Procedure.objects.published().select_related("field", "competent_agency")
    if field:
        if not Field.objects.filter(code=field).exists():
            raise CatalogueFilterError(
                "field", _("Unknown field “%(code)s”.") % {"code": field}
            )
        queryset = queryset.filter(field__code=field)
    if agency:
        if not Agency.objects.filter(code=agency).exists():
            raise CatalogueFilterError(
                "agency", _("Unknown agency “%(code)s”.") % {"code": agency}
            )
        receiving = Procedure.receiving_agencies.through.objects.filter(
            procedure_id=OuterRef("pk"), agency__code=agency
        )
        queryset = queryset.filter(Q(competent_agency__code=agency) | Exists(receiving))
    if level:
        queryset = queryset.filter(
            level=_validated_choice("level", level, list(Procedure.Level.values))
        )
    if online:
        allowed = [*Procedure.OnlineLevel.values, ONLINE_ANY]
        if _validated_choice("online", online, allowed) == ONLINE_ANY:
            queryset = queryset.exclude(online_level=Procedure.OnlineLevel.NONE)
        else:
            queryset = queryset.filter(online_level=online)
    if q.strip():
        return _text_search(queryset, q)
    return queryset.order_by("name", "pk")


def procedure_current(*, national_code: str) -> Procedure | None:
    """The published version of a procedure, with what its page shows."""
    return (
        Procedure.objects.published()
        .select_related("field", "competent_agency")
        .prefetch_related("required_documents", "fees", "receiving_agencies")
        .filter(national_code=national_code)
        .first()
    )
