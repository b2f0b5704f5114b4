"""The "Leave a Reply" form (field names and wording: SPEC.md, "The comment form")."""

from urllib.parse import urlsplit

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.http import int_param
from core.validators import validate_no_control_characters

from . import spam
from .models import Comment


def _out_of_ten(n):
    """A rating's label, "7 / 10", in the active language."""
    return gettext("%(n)s / 10") % {"n": n}


# Lazy labels: translated when the form is rendered, not when this module is imported.
_out_of_ten_lazy = lazy(_out_of_ten, str)
RATING_CHOICES = [("", _("No rating"))] + [(n, _out_of_ten_lazy(n)) for n in range(1, 11)]
ALLOWED_URL_SCHEMES = ("http", "https")

EMAIL_NOTE = _("Your email address will not be published.")
REQUIRED_NOTE = _("Required fields are marked *")
# Errors raised by clean_*(): marked here and translated when raised (gettext), so the constants
# stay the English text that callers and tests look for in a page.
PARENT_ERROR = gettext_noop("You can only reply to a published comment on this review.")
HONEYPOT_ERROR = gettext_noop(
    "Sorry, your comment could not be posted. If you are a person, please leave the field "
    "“Leave this field empty” empty (some browsers fill it in by themselves) and post again."
)
SPOILERS_LABEL = _("This comment contains spoilers")
ALLOWED_TAGS_NOTE_ID = "form-allowed-tags"  # the id of the note under the form listing them
EMAIL_NOTE_ID = "email-notes"  # WordPress's id for "Your email address will not be published."


def commenter_name(user) -> str:
    """The name a signed-in user comments under: their author name, else their account name."""
    author = getattr(user, "author_profile", None)
    if author is not None:
        return author.display_name
    return user.get_full_name() or user.get_username()


def clean_body(text):
    """The comment text as the reader sees it, refused when over COMMENTS_MAX_LENGTH."""
    # Browsers send CRLF line ends; count characters the way the reader sees them.
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    limit = settings.COMMENTS_MAX_LENGTH
    if len(body) > limit:
        raise forms.ValidationError(
            _(
                "Your comment is %(length)s characters long; the limit is %(limit)s. "
                "Please shorten it: your text is still here."
            ),
            code="max_length",
            params={"length": f"{len(body):,}", "limit": f"{limit:,}"},
        )
    return body


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        validators=[validate_no_control_characters],
        error_messages={"required": _("Please write your comment.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        validators=[validate_no_control_characters],
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _(
                "Please keep your name to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        validators=[validate_no_control_characters],
        error_messages={
            "required": _("Please enter your email address. It will not be published."),
            "invalid": _("Please enter a valid email address, like name@example.com."),
            "max_length": _(
                "Please keep your email address to %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
    )
    url = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[validate_no_control_characters],
        error_messages={
            "invalid": _("Please enter a web address starting with http:// or https://."),
            "max_length": _(
                "Please keep your website address to %(limit_value)d characters "
                "(it has %(show_value)d)."
            ),
        },
    )
    # "<name> recently posted: <title>" is read from the reader's website only if they ask.
    show_recent_post = forms.BooleanField(
        required=False, label=_("Show my latest post under my comment")
    )
    rating = forms.TypedChoiceField(
        label=_("Your rating (optional)"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Your own score for the film, out of 10."),
        error_messages={"invalid_choice": _("Please pick a rating from 1 to 10, or none.")},
    )
    spoilers = forms.BooleanField(required=False, label=SPOILERS_LABEL)
    # A plain Field: clean_parent() alone judges the value, with one message for any bad one.
    parent = forms.Field(required=False, widget=forms.HiddenInput)
    remember = forms.BooleanField(
        required=False,
        label=_("Save my name, email, and website in this browser for the next time I comment."),
    )
    notify = forms.BooleanField(
        required=False, label=_("Notify me of replies to my comment by email.")
    )

    def __init__(self, *args, review, user=None, csrf_token="", **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        # The masked CSRF token the form renders, and the timestamp is bound to (comments.spam).
        self.csrf_token = csrf_token
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            # Signed-in staff and authors comment under their account: nothing to type.
            for name in ("name", "email", "url", "show_recent_post", "remember"):
                del self.fields[name]
        elif not settings.COMMENTS_FETCH_RECENT_POSTS:
            del self.fields["show_recent_post"]  # the feature is off: nothing to opt in to
        for field in self.fields.values():
            if field.required:
                # "Comment *", as WordPress writes it: crispy puts the asterisk right after the
                # label, so the label carries the space (its translation stays "Comment").
                field.label = format_lazy("{} ", field.label)
        self.fields[spam.HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        # A callable initial: every rendering of a fresh form gets a fresh signed timestamp.
        self.fields[spam.TIMESTAMP_FIELD] = forms.CharField(
            required=False,
            widget=forms.HiddenInput,
            initial=lambda: spam.issue_timestamp(self.csrf_token),
        )
        self.helper = self._build_helper()

    # --- rendering -----------------------------------------------------------------------

    @property
    def is_reply(self) -> bool:
        value = self.data.get("parent") if self.is_bound else self.initial.get("parent")
        return bool(value)

    @property
    def signed_in_name(self) -> str:
        return commenter_name(self.user) if self.user is not None else ""

    def _build_helper(self):
        helper = FormHelper(self)
        helper.form_id = "commentform"
        helper.form_class = "comment-form"
        helper.form_method = "post"
        helper.form_action = reverse("comments:post", kwargs={"slug": self.review.slug})
        # The server's messages are clearer than the browser's, and they keep the text.
        helper.attrs = {"novalidate": ""}
        # The form's CSRF token is the one its timestamp was issued for, so the form renders
        # it (crispy's {% csrf_token %} would render another masking of the secret).
        helper.disable_csrf = bool(self.csrf_token)
        if self.user is not None:
            note = format_html("{}", REQUIRED_NOTE)
        else:
            note = format_html(
                '<span id="{}">{}</span> {}', EMAIL_NOTE_ID, EMAIL_NOTE, REQUIRED_NOTE
            )
        # The notes a field's screen-reader description points at, as WordPress ties them: the
        # allowed-tags note under the form (comments/_form.html) and the email note above.
        items = [
            HTML(format_html('<p class="comment-notes">{}</p>', note)),
            Field("comment", aria_describedby=self._described_by("comment", ALLOWED_TAGS_NOTE_ID)),
        ]
        if self.user is None:
            items += [
                Field("name", autocomplete="name"),
                Field(
                    "email",
                    autocomplete="email",
                    aria_describedby=self._described_by("email", EMAIL_NOTE_ID),
                ),
                Field("url", autocomplete="url"),
            ]
            if "show_recent_post" in self.fields:
                items.append(Field("show_recent_post"))
        # A reader rates the film with a top-level comment only; comments.js hides it on replies.
        rating_attrs = {"hidden": True} if self.is_reply else {}
        items += [
            Div("rating", css_class="comment-form-rating", **rating_attrs),
            Field("spoilers"),
            Field("parent"),
            Div(spam.HONEYPOT_FIELD, css_class="visually-hidden comment-form-hp"),
            Field(spam.TIMESTAMP_FIELD),
        ]
        if self.csrf_token:
            items.append(
                HTML(
                    format_html(
                        '<input type="hidden" name="{}" value="{}">',
                        spam.CSRF_FIELD,
                        self.csrf_token,
                    )
                )
            )
        if self.user is None:
            items.append(Field("remember"))
        submit = Submit("post", gettext("Post Comment"))
        submit.field_classes = "btn btn-accent comment-submit"  # the site's button, not blue
        items += [Field("notify"), submit]
        helper.layout = Layout(*items)
        return helper

    def _described_by(self, name, note_id):
        """The note's id, then the field's error's once validated: an aria-describedby given
        to a widget replaces the one Django would write for its error."""
        ids = [note_id]
        if self._errors and name in self._errors:
            ids.append(f"{self[name].auto_id}_error")
        return " ".join(ids)

    def prepare_redisplay(self, *, csrf_token):
        """Readies a refused (bound, validated) form to be shown again with the reader's text.

        A new signed timestamp for `csrf_token` (the request's), so the next post is neither
        stale, "too fast" nor a replay for ever; and a refused parent is dropped, or the next
        post would be refused for the same reason (the heading then says "Leave a Reply", so
        the reader sees it is now a top-level comment).
        """
        self.csrf_token = csrf_token
        data = self.data.copy()
        data[spam.TIMESTAMP_FIELD] = spam.issue_timestamp(csrf_token)
        if self.reply_to is None:
            data["parent"] = ""
        self.data = data
        self.helper = self._build_helper()

    @property
    def reply_to(self):
        """The comment this (validated) form answers, or None."""
        return getattr(self, "cleaned_data", {}).get("parent")

    # --- validation: one clean_<field>() per rule ------------------------------------------

    def clean_comment(self):
        return clean_body(self.cleaned_data["comment"])

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and urlsplit(url).scheme.lower() not in ALLOWED_URL_SCHEMES:
            raise forms.ValidationError(
                _("Please enter a web address starting with http:// or https://."), code="scheme"
            )
        return url

    def clean_parent(self):
        value = str(self.cleaned_data["parent"] or "").strip()
        if not value:
            return None
        parent_id = int_param(value, minimum=1)
        if parent_id is None:
            raise forms.ValidationError(gettext(PARENT_ERROR), code="invalid_parent")
        parent = Comment.objects.approved().filter(pk=parent_id, review_id=self.review.pk).first()
        if parent is None:
            raise forms.ValidationError(gettext(PARENT_ERROR), code="invalid_parent")
        max_depth = settings.COMMENTS_MAX_DEPTH
        if parent.depth + 1 >= max_depth:
            raise forms.ValidationError(
                _(
                    "Replies can go only %(max)d levels deep. Please reply to an earlier comment "
                    "in this thread instead."
                ),
                code="too_deep",
                params={"max": max_depth},
            )
        return parent

    def clean(self):
        cleaned = super().clean()
        # `parent` is a hidden field, so its errors would be invisible next to it: show them
        # above the form instead.
        if "parent" in self._errors:
            self.add_error(None, self._errors.pop("parent").as_data())
        if cleaned.get("parent") is not None and cleaned.get("rating") is not None:
            self.add_error(
                "rating",
                _(
                    "Only a top-level comment can rate the film. Please remove the rating from "
                    "your reply."
                ),
            )
        if spam.is_honeypot_filled(cleaned.get(spam.HONEYPOT_FIELD)):
            raise forms.ValidationError(gettext(HONEYPOT_ERROR), code="honeypot")
        token = cleaned.get(spam.TIMESTAMP_FIELD)
        # The CSRF token posted with the form, which CsrfViewMiddleware matched to this
        # browser's cookie before the view ran: the timestamp must be the one issued with it.
        message = spam.check_timestamp(token, csrf_token=self.data.get(spam.CSRF_FIELD))
        if not message and not spam.spend_timestamp(token):
            message = gettext(spam.MESSAGE_FORGED)  # a replay: this form was posted before
        if message:
            self.add_error(None, forms.ValidationError(message, code="timestamp"))
        if self.user is not None:
            author = getattr(self.user, "author_profile", None)
            cleaned["name"] = commenter_name(self.user)[:80]
            cleaned["email"] = self.user.email
            cleaned["url"] = author.website if author is not None else ""
            cleaned["remember"] = False
            cleaned["show_recent_post"] = False  # nothing to tick: no opt-in
        return cleaned


class OwnCommentEditForm(forms.Form):
    """A reader's change to their own comment, within the edit window (same rules as posting)."""

    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
        validators=[validate_no_control_characters],
        error_messages={"required": _("Please write your comment (or delete it instead).")},
    )
    spoilers = forms.BooleanField(required=False, label=SPOILERS_LABEL)

    def clean_comment(self):
        return clean_body(self.cleaned_data["comment"])
