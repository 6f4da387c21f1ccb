"""Ballots that give options a whole number, which majority judgment (a grade) and dots (a
number of dots) share: the sealed ballot read back and the reading of the ballot form.
Not a method itself: `NumberedMethod` is their common base.

Form: one field per option named `<prefix><id>`; "" (or no field) leaves the option out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, TypeVar

from chorus.i18n import _
from chorus.text import FieldErrors
from proposals.methods.base import OptionFieldsMethod
from proposals.methods.common import MalformedBallot, TallyResult, numbers

NumberedBallot = Mapping[str, int]
"""Option -> a whole number (a grade, dots); options left out are not in it."""

_R = TypeVar("_R", bound=TallyResult)


class NumberedMethod(OptionFieldsMethod[NumberedBallot, _R]):
    """What a method counting option -> whole number ballots does like the other one."""

    not_a_number: ClassVar[str]
    """What a field that holds no whole number says, marked with N_ (translated here)."""

    def from_json(self, value: object) -> NumberedBallot:
        if not isinstance(value, dict) or not all(
            isinstance(number, int) and not isinstance(number, bool) for number in value.values()
        ):
            raise MalformedBallot
        return dict(value)

    def read_values(
        self, found: Mapping[str, str], options: Sequence[str], errors: FieldErrors
    ) -> object:
        return numbers(found, frozenset(options), self.prefix, errors, _(self.not_a_number))
