"""The refusals of publishing as codes."""

from yrdhub.errors import register
from yrdhub.i18n import N_

register({
    "publishing.no_cjk_font": N_("No CJK font is installed: install the Debian package {package}."),
})
