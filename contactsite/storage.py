"""The static files' storage: WhiteNoise's hashed, compressed manifest storage, whose
URLs are worked out once per file.

Every {% static %} asks the storage for the file's URL, and the manifest storage
parses, looks up and joins the name each time: about 17 us, 14 times on a
change list page (docs/performance.md). A file's hashed URL cannot change while
the process runs (collectstatic runs before it starts, and a change of
STATIC_URL or STORAGES builds a new storage), so the first answer is kept.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        # DEBUG gives unhashed names: nothing to keep (and tests switch it).
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
