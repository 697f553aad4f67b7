"""Accent-free matching for the catalogue, done by PostgreSQL.

`immutable_unaccent(text)` is an IMMUTABLE wrapper around `unaccent` (created by
migration 0002) so it may appear in generated columns and index expressions; the
plain `unaccent()` is only STABLE because its dictionary could change.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import models

# The wrapper pins the dictionary and schema so that PostgreSQL can trust it.
CREATE_IMMUTABLE_UNACCENT = """
CREATE OR REPLACE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);
"""
DROP_IMMUTABLE_UNACCENT = "DROP FUNCTION IF EXISTS immutable_unaccent(text);"

_WORD_RE = re.compile(r"[0-9a-z]+(?:\.[0-9a-z]+)*")


class Unaccent(models.Func):
    function = "immutable_unaccent"
    output_field = models.TextField()


class WordSimilarity(models.Func):
    """pg_trgm's word_similarity(needle, haystack): how well the needle matches
    some run of words in the haystack (1.0 when it appears in it)."""

    function = "word_similarity"
    output_field = models.FloatField()


class TrigramWordMatches(models.Lookup[Any]):
    """`needle <% haystack`: word similarity above pg_trgm.word_similarity_threshold;
    served by a gin_trgm_ops index on the haystack."""

    lookup_name = "trigram_word_matches"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{rhs} <%% {lhs}", [*rhs_params, *lhs_params]


models.TextField.register_lookup(TrigramWordMatches)


def normalize(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics the way `unaccent` does."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.lower()


def tokens(text: str) -> list[str]:
    """The words of a query, normalised, without duplicates, in order."""
    seen: dict[str, None] = {}
    for word in _WORD_RE.findall(normalize(text)):
        seen.setdefault(word, None)
    return list(seen)
