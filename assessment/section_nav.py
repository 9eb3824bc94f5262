"""The section page's menu of sections, with how many of each section's questions are
answered.

Built in Python for the reason assessment/markup.py gives: through the template engine,
this loop of eight or nine sections was a tenth of the section page's server time
(docs/performance.md). Section titles are escaped here, the rest is ids and fixed words.
"""

from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@lru_cache(maxsize=16)
def _states(language: str) -> tuple[str, str]:
    """What a screen reader hears after a section's count, translated once per language."""
    return escape(_("complete")), escape(_("answered"))


def sections_nav(nav, *, current, assessment_id: int, editable: bool) -> SafeString:
    """``nav`` is (section, answered, questions) per section, in the bank's order. While the
    page can be saved, each entry is a button of its form that saves first; otherwise a
    link to that section."""
    complete_word, answered_word = _states(get_language())
    items = []
    for section, done, count in nav:
        is_current = section.pk == current.pk
        css = "list-group-item list-group-item-action" + (" active" if is_current else "")
        aria = ' aria-current="page"' if is_current else ""
        title = escape(section.title)
        if editable:
            complete = done == count
            state = complete_word if complete else answered_word
            items.append(
                f'<button type="submit" name="goto" value="section:{escape(section.slug)}" '
                f'class="{css}"{aria}><span>{title}</span>'
                f'<span class="small{" done" if complete else ""}">{done}/{count}'
                f'<span class="visually-hidden"> {state}</span></span></button>'
            )
        else:
            url = reverse("assessment_section", args=(assessment_id, section.slug))
            items.append(
                f'<a href="{escape(url)}" class="{css}"{aria}><span>{title}</span>'
                f'<span class="small">{done}/{count}</span></a>'
            )
    return mark_safe("".join(items))  # noqa: S308 — every value is escaped above
