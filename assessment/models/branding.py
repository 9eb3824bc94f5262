"""The consultancy's branding on reports: a name, a logo and an accent colour, set in the
admin. One row for the site; without it, reports carry the product's own look."""

import re
import struct

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_PIXELS = 4000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DEFAULT_ACCENT = "#1d4e89"
# An SVG a report may draw: no DOCTYPE or entities (entity expansion), no scripts, and
# nothing it could load from elsewhere (the report's fetcher refuses it anyway).
SVG_REFUSED = re.compile(rb"<!DOCTYPE|<!ENTITY|<script|<foreignObject|href\s*=\s*[\"'](?!#)", re.I)


def validate_logo(file) -> None:
    name = (file.name or "").lower()
    if file.size > MAX_LOGO_BYTES:
        raise ValidationError(
            _("The logo is %(size)d KB; at most %(limit)d KB.")
            % {"size": file.size // 1024, "limit": MAX_LOGO_BYTES // 1024}
        )
    file.seek(0)
    head = file.read()
    file.seek(0)
    if name.endswith(".png"):
        if not head.startswith(PNG_SIGNATURE) or head[12:16] != b"IHDR":
            raise ValidationError(_("This file is not a PNG image."))
        width, height = struct.unpack(">II", head[16:24])
        if not (0 < width <= MAX_LOGO_PIXELS and 0 < height <= MAX_LOGO_PIXELS):
            raise ValidationError(
                _("The logo is %(width)d × %(height)d pixels; at most %(limit)d on each side.")
                % {"width": width, "height": height, "limit": MAX_LOGO_PIXELS}
            )
    elif name.endswith(".svg"):
        if b"<svg" not in head[:4096]:
            raise ValidationError(_("This file is not an SVG image."))
        if SVG_REFUSED.search(head):
            raise ValidationError(
                _("The SVG may not contain a DOCTYPE, entities, scripts or links to other files.")
            )
    else:
        raise ValidationError(_("The logo must be a PNG or an SVG file."))


def contrast_with_white(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


class ReportBranding(models.Model):
    name = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("The consultancy's name, on the cover and in the running header."),
    )
    logo = models.FileField(
        upload_to="branding/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG or SVG, at most 512 KB and 4000 pixels on a side; shown 16 mm high."),
    )
    accent = models.CharField(
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #1d4e89."))],
        help_text=_("The cover band and headings; dark enough for white text on it (4.5:1)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report branding")
        verbose_name_plural = _("report branding")

    def __str__(self) -> str:
        return self.name or str(_("Report branding"))

    def clean(self) -> None:
        if re.fullmatch(r"#[0-9a-fA-F]{6}", self.accent or "") and (
            contrast_with_white(self.accent) < 4.5
        ):
            raise ValidationError(
                {
                    "accent": _(
                        "White text on %(colour)s has a contrast of %(ratio).1f:1; choose a "
                        "darker colour (at least 4.5:1)."
                    )
                    % {"colour": self.accent, "ratio": contrast_with_white(self.accent)}
                }
            )
