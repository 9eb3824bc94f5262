"""24-hour times wherever Django formats a time (the admin's fields, lists and history),
as the site's own pages write them. FORMAT_MODULE_PATH in settings points here."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
