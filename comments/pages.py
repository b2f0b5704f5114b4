"""What comments add to the pages of lower apps: registered in CommentsConfig.ready()."""

from films.pages import film_page
from reviews.pages import review_page

from .identity import Viewer
from .selectors import audience_score, thread_page


@review_page.register
def review_thread(*, review, request):
    """thread: the comment section under the review, as this browser sees it."""
    return {
        "thread": thread_page(review=review, viewer=Viewer.from_request(request), query=request.GET)
    }


@film_page.register
def film_audience(*, film, request):
    """audience: readers' ratings of the film."""
    return {"audience": audience_score(film)}
