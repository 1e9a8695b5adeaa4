"""Reasons for a proposal, in words a coordinator understands, in the reader's language:
"1.2 km away · helped Jeanne 6 times · speaks Dutch"."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

LANGUAGE_NAMES = {
    "fr": gettext_lazy("French"),
    "nl": gettext_lazy("Dutch"),
    "en": gettext_lazy("English"),
}


def _km(metres: int) -> str:
    return number_format(round(metres / 1000, 1), 1)


def describe(reason: dict) -> str:
    code = reason["code"]
    if code == "distance":
        return _("%(km)s km away") % {"km": _km(reason["m"])}
    if code == "helped":
        return ngettext("helped %(name)s once", "helped %(name)s %(n)d times", reason["n"]) % {
            "name": reason["name"],
            "n": reason["n"],
        }
    if code == "speaks":
        names = ", ".join(str(LANGUAGE_NAMES.get(code, code)) for code in reason["languages"])
        return _("speaks %(languages)s") % {"languages": names}
    if code == "car":
        return _("has a car")
    if code == "backup":
        return _("the named backup for this help")
    if code == "lapses":
        return ngettext(
            "cancelled or missed %(n)d visit lately",
            "cancelled or missed %(n)d visits lately",
            reason["n"],
        ) % {"n": reason["n"]}
    if code == "reviews":
        return ngettext(
            "%(average)s/5 from %(n)d review", "%(average)s/5 from %(n)d reviews", reason["n"]
        ) % {"average": number_format(reason["average"], 1), "n": reason["n"]}
    if code == "hours":
        return _("%(used)s of %(capacity)s hours taken this week") % {
            "used": number_format(
                reason["used"], 0 if reason["used"] == int(reason["used"]) else 1
            ),
            "capacity": reason["capacity"],
        }
    return code


def sentence(reasons: list[dict]) -> str:
    return " · ".join(describe(reason) for reason in reasons)
