"""Publishing: documents (HTML and PDF) and charts rendered from service results."""
