"""The search page, condition pages, embeddable widget and their static files."""
