"""Email notifications about comments, sent through django-tasks.

INTERFACE (called by comments/services.py and comments/moderation.py; the moderation helper
implements them — until then they do nothing):
- comment_posted(comment, *, notify_requested: bool): after a reader's comment is saved
  (held -> tell moderators; approved -> as comment_approved; notify_requested -> send the
  double opt-in confirmation mail).
- comment_approved(comment): after a comment becomes approved (at post time or by a moderator):
  tell the review's author and confirmed subscribers of the parent comment.
"""


def comment_posted(comment, *, notify_requested: bool) -> None:
    return None


def comment_approved(comment) -> None:
    return None
