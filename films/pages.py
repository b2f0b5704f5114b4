"""The film pages that higher apps add to (see core.pages): reviews, audience scores."""

from core.pages import PageExtensions

# Annotations for the A–Z index's films (no keyword arguments): {"name": expression}.
film_list = PageExtensions("film_list")
# Provider keyword arguments: film=, request=. A query parameter a provider reads (comments:
# ?rpage= for its reader reviews) is listed in films/urls.py, which the page cache keys on.
film_page = PageExtensions("film")
# person=, film_ids= (the films they directed, wrote or acted in), request=.
person_page = PageExtensions("person")
# genre=, request=; a provider that lists the genre's reviews returns a page of them
# ("reviews", "page_obj", "paginator", "is_paginated"), raising Http404 for a page out of range.
genre_page = PageExtensions("genre")
