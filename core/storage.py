"""imagekit's cachefile backend made safe for several app servers sharing one cache and one
media storage (the S3 storage class is in core/storage_s3.py, so that a site on the local disk
never imports boto3)."""

from django.core.files.storage import FileSystemStorage
from imagekit.cachefiles.backends import CacheFileState, Simple
from imagekit.cachefiles.state import get_active_state_cache


class RenditionCacheFileBackend(Simple):
    """imagekit's Simple backend (a rendition is generated in the request that first needs it),
    made safe for several app servers sharing one cache (Redis) and one media storage.

    - "exists" is recorded only once the storage has the file (imagekit saves, then records)
      and expires after IMAGEKIT_CACHE_TIMEOUT: a rendition later deleted from the bucket is
      looked for again then, and regenerated.
    - "generating" expires after GENERATING_SECONDS: a server killed while generating does not
      leave its renditions ungenerated for ever.
    - On a local disk, which other servers do not share, the shared cache's "exists" is checked
      against this server's disk (a stat), so a missing file is regenerated at once.
    """

    GENERATING_SECONDS = 60

    def get_state(self, file, check_if_unknown=True):
        state = super().get_state(file, check_if_unknown)
        if state == CacheFileState.EXISTS and is_local(file.storage) and not self._exists(file):
            state = CacheFileState.DOES_NOT_EXIST
            self.set_state(file, state)
        return state

    def set_state(self, file, state):
        if state != CacheFileState.GENERATING:
            super().set_state(file, state)
            return
        key = self.get_key(file)
        self.cache.set(key, state, self.GENERATING_SECONDS)
        state_cache = get_active_state_cache()
        if state_cache is not None:
            state_cache[key] = state


def is_local(storage):
    return isinstance(storage, FileSystemStorage)  # default_storage passes as its class
