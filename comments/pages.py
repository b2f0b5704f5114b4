"""What comments add to the pages of lower apps: registered in CommentsConfig.ready()."""

from films.pages import film_page
from reviews.pages import review_page

from .identity import Viewer
from .selectors import audience_score, reader_reviews, thread_page


@review_page.register
def review_thread(*, review, request):
    """thread: the comment section under the review, as this browser sees it."""
    return {
        "thread": thread_page(review=review, viewer=Viewer.from_request(request), query=request.GET)
    }


@review_page.register
def review_audience(*, review, request):
    """audience: readers' ratings of the review's film, beside the critic's score."""
    return {"audience": audience_score(review.film)}


@film_page.register
def film_audience(*, film, request):
    """audience: readers' ratings of the film; reader_reviews: a page of the reviews behind it."""
    audience = audience_score(film)
    return {
        "audience": audience,
        "reader_reviews": reader_reviews(film, count=audience.count, query=request.GET),
    }
