"""Publishing: documents (HTML and PDF) and charts rendered from service results."""

from yrdhub.publishing import errors as errors  # registers the codes
