"""The comments app's views, one module per concern, each behind its own URLconf:

- posting: the Leave a Reply form's POST, permalinks, the CSRF failure page (comments.urls);
- own: a reader's own comment (edit, delete) and reports (comments.urls);
- avatars: commenters' identicons as cacheable image files (comments.urls);
- moderation: the queue at /moderation/ (comments.moderation_urls);
- subscriptions: links mailed to readers (comments.subscription_urls).
"""
