"""24-hour times for English too (an admin user whose browser asks for "en")."""

from maturity_site.formats.en_GB.formats import *  # noqa: F403
