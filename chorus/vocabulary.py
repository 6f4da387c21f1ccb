"""The shared vocabularies: forms of trafficking and categories of oppression.

Every domain tags with these (proposals today; feedback, complaints and allies'
requests next), so the network can see where it fails whom; they live in the
shell so that no domain has to reach into another to use them.

- The forms of trafficking are DESIGN.md's list ("The rules the seeds give
  us"): the forms of exploitation named by the network's Anti-Oppression
  Framework, plus labour exploitation, and "other" for a form not named.
- The categories of oppression are the layers of oppression of the framework
  (/work/shared/seeds/anti-oppression-framework.txt), in its words.

The framework asks for no bias towards one form of trafficking over another, so
every list is shown in alphabetical order of the language being read ("Other"
too, like any word), with the same weight and nothing chosen in advance
(SAFE-UI 12): use `choices` and `labels`. Keys are stable ASCII ids, kept in the
database; labels are translated where shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from chorus.i18n import N_, gettext

FORMS_OF_TRAFFICKING: dict[str, str] = {
    "child_soldiering": N_("Child soldiering"),
    "debt_bondage": N_("Debt bondage"),
    "domestic_servitude": N_("Domestic servitude"),
    "forced_criminality": N_("Forced criminality"),
    "forced_marriage": N_("Forced marriage"),
    "forced_surrogacy": N_("Forced surrogacy"),
    "indentured_work": N_("Indentured work"),
    "labour_exploitation": N_("Labour exploitation"),
    "organ_removal": N_("Organ removal"),
    "other": N_("Other"),
    "peonage": N_("Peonage"),
    "sexual_exploitation": N_("Sexual exploitation"),
}

OPPRESSION_CATEGORIES: dict[str, str] = {
    "ableism": N_("Ableism"),
    "addictions": N_("Addictions"),
    "ageism": N_("Ageism"),
    "audism": N_("Audism"),
    "classism": N_("Classism"),
    "colonialism": N_("Colonialism"),
    "criminal_background": N_("Criminal background"),
    "culture": N_("Culture"),
    "education": N_("Education and perceived intelligence"),
    "criminalized_work": N_("Engagement in criminalized or stigmatized work"),
    "childrens_aid": N_("Experience within the Children’s Aid Society system"),
    "family_status": N_("Family status"),
    "forms_of_exploitation": N_("Forms of exploitation experienced"),
    "gender": N_("Gender and gender identity"),
    "heterosexism": N_("Heterosexism and heteronormativity"),
    "immigration_status": N_("Immigration/citizenship status"),
    "job_position": N_("Job title/position within an organization"),
    "language": N_("Language and linguistic abilities"),
    "location": N_("Location"),
    "marital_status": N_("Marital status"),
    "mental_health": N_("Mental health"),
    "physical_attributes": N_("Physical attributes"),
    "poverty": N_("Poverty"),
    "race": N_("Race and ethnicity"),
    "religion": N_("Religion"),
    "sexual_orientation": N_("Sexual orientation"),
}


def sort_key(label: str) -> str:
    """Compare without case or accents, so "École" sorts with "ecole", not after "z"."""
    decomposed = unicodedata.normalize("NFKD", label)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def choices(mapping: Mapping[str, str]) -> list[tuple[str, str]]:
    """(key, translated label) in alphabetical order of the current language."""
    translated = [(key, gettext(label)) for key, label in mapping.items()]
    return sorted(translated, key=lambda pair: (sort_key(pair[1]), pair[1], pair[0]))


def known(mapping: Mapping[str, str], keys: Iterable[str]) -> list[str]:
    """The keys of `mapping` among `keys`, each once, sorted (as stored)."""
    return sorted({key for key in keys if isinstance(key, str) and key in mapping})


def labels(mapping: Mapping[str, str], keys: Iterable[str]) -> list[str]:
    """The translated labels of the known keys among `keys`, in the order of `choices`."""
    chosen = set(known(mapping, keys))
    return [label for key, label in choices(mapping) if key in chosen]
