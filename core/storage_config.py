"""Media storage settings from the environment: the local disk (one server) or an
S3-compatible bucket shared by every app server (MEDIA_STORAGE=s3). Imported by
reviewsite/settings.py before Django is set up, so it imports nothing from Django or boto3;
the class it names is in core/storage_s3.py."""

from urllib.parse import urlsplit

# imagekit's cache files (renditions) live under this folder of the media storage (its
# IMAGEKIT_CACHEFILE_DIR default, which the site keeps).
RENDITION_DIR = "CACHE/images"

# A year, the longest RFC 9111 suggests; `immutable` spares even the reload's revalidation.
# Renditions only: their names carry a hash of the source file's name and the spec, and the
# site never reuses an upload's name (uploads never overwrite and are never deleted).
IMMUTABLE = "public, max-age=31536000, immutable"
# Originals keep their names for good too, but an operator may fix one in place in the bucket:
# a day, then browsers and CDNs revalidate.
ORIGINAL_CACHE_CONTROL = "public, max-age=86400"


# Link-preview pictures of reviews (reviews/og_image.py): like renditions, named after a hash of
# what they show, so served as immutable too.
OG_IMAGE_DIR = "og"


def is_rendition(name):
    """A file whose name fixes its content: an imagekit rendition or a review's og picture."""
    name = name.replace("\\", "/").lstrip("/")
    return name.startswith((RENDITION_DIR + "/", OG_IMAGE_DIR + "/"))


def media_settings(
    kind,
    *,
    bucket="",
    endpoint_url="",
    region="",
    access_key_id="",
    secret_access_key="",
    custom_domain="",
    querystring_auth=False,
):
    """(STORAGES["default"], MEDIA_URL, the CSP img-src source for media or None) for
    MEDIA_STORAGE=`kind`, "local" or "s3".

    For S3, MEDIA_URL is the public address of the bucket's objects: AWS_S3_CUSTOM_DOMAIN
    (a CDN) when set, else the endpoint's (path-style: endpoint/bucket/), else AWS's own
    virtual-hosted address. Unsigned URLs are then built from it as plain strings (no boto3
    call per URL, and always the host the CSP allows).
    """
    if kind != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, "/media/", None
    endpoint_url = endpoint_url.rstrip("/")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        # Empty: boto3's own chain (instance role, ~/.aws) finds the credentials.
        "access_key": access_key_id or None,
        "secret_key": secret_access_key or None,
        "querystring_auth": querystring_auth,
        # Uploads never overwrite (as on disk): a replaced poster gets a new name, so new URLs.
        "file_overwrite": False,
        # No ACL per object: buckets made since 2023 refuse ACLs; readers get the media
        # through a bucket policy (or a CDN), see README.
        "default_acl": None,
    }
    if custom_domain:
        scheme, _, rest = custom_domain.rpartition("://")  # "cdn.example.com" or with https://
        host_and_path = rest.strip("/")
        protocol = f"{scheme or 'https'}:"
    elif endpoint_url:
        parts = urlsplit(endpoint_url)
        host_and_path = f"{parts.netloc}{parts.path}/{bucket}"
        protocol = f"{parts.scheme}:"
        options["addressing_style"] = "path"  # signed URLs then share MEDIA_URL's host
    else:
        # The address boto3 signs for: us-east-1 has no region in its host name.
        regional = region and region != "us-east-1"
        host_and_path = (
            f"{bucket}.s3.{region}.amazonaws.com" if regional else f"{bucket}.s3.amazonaws.com"
        )
        protocol = "https:"
        options["addressing_style"] = "virtual"
    media_url = f"{protocol}//{host_and_path}/"
    if custom_domain or not querystring_auth:
        # django-storages builds "<protocol>//<custom_domain>/<key>" itself.
        options["custom_domain"] = host_and_path
        options["url_protocol"] = protocol
    return {"BACKEND": "core.storage_s3.MediaS3Storage", "OPTIONS": options}, media_url, media_url


def storage_identity(storage):
    """What tells two media storages apart (a process memo's key): the folder of a local one,
    the endpoint and bucket of a bucket."""
    return (
        str(getattr(storage, "location", "")),
        getattr(storage, "endpoint_url", None) or "",
        getattr(storage, "bucket_name", None) or "",
    )
