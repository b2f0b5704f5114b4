"""A fixed-window counter in the cache, for limits any app can apply (search, posting).

- hit(scope, ident, *, limit, window) -> bool: counts one event for `ident` (e.g. a client IP)
  under `scope` and returns True once more than `limit` happened in the current window of
  `window` seconds. Shared across processes when the cache is (Redis, REDIS_URL).
"""

import time

from django.core.cache import cache


def hit(scope, ident, *, limit, window) -> bool:
    window = max(int(window), 1)
    key = f"ratelimit:{scope}:{ident}:{int(time.time() // window)}"
    # cache.add only creates the counter when missing, so concurrent requests share it and
    # incr is atomic on Redis and LocMemCache.
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    return count > limit
