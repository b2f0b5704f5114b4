"""Pages of a lower app that higher apps add to, without the lower app importing them.

Dependencies point one way (films ← reviews ← comments), yet a film page shows the film's
reviews and its audience score, and a review page shows its comments. The lower app declares
the page (`film_page = PageExtensions("film")`); a higher app registers a provider in its
`AppConfig.ready()`; the lower app's view merges what the providers return into its context.
"""


class PageExtensions:
    def __init__(self, name):
        self.name = name
        self._providers = []

    def __repr__(self):
        return f"<PageExtensions {self.name}: {len(self._providers)} provider(s)>"

    def register(self, provider):
        """Adds `provider(**page_kwargs) -> dict` to the page; usable as a decorator."""
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def context(self, **page_kwargs) -> dict:
        """What every registered provider adds to the page's context, in registration order."""
        context = {}
        for provider in self._providers:
            context.update(provider(**page_kwargs))
        return context
