"""The review pages that higher apps add to (see core.pages): the comment section."""

from core.pages import PageExtensions

# Provider keyword arguments: review=, request=.
review_page = PageExtensions("review")
