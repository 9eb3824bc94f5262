"""The Jinja2 environment for the few templates rendered on the hot path (the
questionnaire's questions and grid rows): autoescaped, translated like the Django
templates, with the helpers those templates call."""

from django.utils import translation
from jinja2 import Environment, StrictUndefined


def environment(**options) -> Environment:
    from assessment import markup

    options.pop("autoescape", None)  # always on, whatever the settings say
    # A misspelt name fails the render instead of printing nothing.
    options["undefined"] = StrictUndefined
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals.update(markup.TEMPLATE_GLOBALS)
    return env
