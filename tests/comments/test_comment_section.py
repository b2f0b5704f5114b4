"""The comment section as a reader meets it (issue 14): numbers in the comment header, one quiet
Report control per comment, the form's notes tied to its fields, a way to jump to the comments,
what the writer of a held comment is told, the comment a reply answers quoted above the form,
the comment feed's stored HTML, and the compact moderation queue."""

import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.commenting import post_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

NEW_READERS = "Comments from new readers are checked before they appear."


def page(client, review, **params):
    return client.get(review.get_absolute_url(), params).content.decode()


def article(html, comment):
    match = re.search(rf'<article id="div-comment-{comment.pk}".*?</article>', html, re.S)
    assert match, f"comment {comment.pk} is not on the page"
    return match.group(0)


def header(html, comment):
    return re.search(r'<footer class="comment-meta">.*?</footer>', article(html, comment), re.S)[0]


def text(fragment):
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def heading(html):
    return text(re.search(r'<h2 id="comments-title"[^>]*>(.*?)</h2>', html, re.S)[1])


def tag_with_id(html, element_id):
    return re.search(rf'<[^>]*\sid="{element_id}"[^>]*>(.*?)</', html, re.S)


def test_top_level_comments_show_their_number_in_their_header(client, review, settings):
    settings.COMMENTS_PER_PAGE = 2
    first, second, third = CommentFactory.create_batch(3, review=review)
    reply = CommentFactory(review=review, parent=first)
    html = page(client, review)
    assert text(header(html, first)).startswith("Comment 1 ")
    assert text(header(html, second)).startswith("Comment 2 ")
    assert "comment-number" not in header(html, reply)  # replies are not numbered
    # The list stays an <ol> of <li> (its own marker hidden by the stylesheet).
    assert '<ol class="comment-list">' in html
    # Numbers run on across pages, and count down when reading newest first.
    assert text(header(page(client, review, cpage=2), third)).startswith("Comment 3 ")
    newest = page(client, review, corder="newest")
    assert text(header(newest, third)).startswith("Comment 3 ")
    assert text(header(newest, second)).startswith("Comment 2 ")


def test_the_date_is_a_quiet_permalink_to_the_comment(client, review):
    comment = CommentFactory(review=review)
    link = re.search(
        r'<a class="comment-permalink" href="([^"]+)"><time', header(page(client, review), comment)
    )
    assert link and link[1] == f"#comment-{comment.pk}"


def test_each_comment_has_one_report_control_and_the_page_one_report_form(client, review):
    comments = CommentFactory.create_batch(3, review=review)
    CommentFactory(review=review, parent=comments[0])
    html = page(client, review)
    for comment in comments:
        buttons = re.findall(r"<button[^>]*>.*?</button>", article(html, comment), re.S)
        assert len(buttons) == 1
        assert f'form="report-form" name="comment" value="{comment.pk}"' in buttons[0]
        assert f'aria-label="Report the comment by {comment.name} to the moderators"' in buttons[0]
        assert "Report" in text(buttons[0])
    assert html.count("<form") - html.count('<form id="report-form"') == 2  # search, comment
    assert html.count('<form id="report-form"') == 1


def test_required_labels_have_a_space_before_the_asterisk(client, review):
    html = page(client, review)
    for label in ("Comment", "Name", "Email"):
        assert f'>{label} <span class="asteriskField">*</span></label>' in html
    assert ">Website</label>" in html


def test_the_email_and_comment_fields_are_described_by_the_notes(client, review):
    html = page(client, review)
    email = re.search(r'<input[^>]*name="email"[^>]*>', html)[0]
    assert 'aria-describedby="email-notes"' in email
    assert tag_with_id(html, "email-notes")[1] == "Your email address will not be published."
    comment = re.search(r"<textarea[^>]*>", html)[0]
    assert 'aria-describedby="form-allowed-tags"' in comment
    assert "You may use these" in text(tag_with_id(html, "form-allowed-tags")[1])


def test_a_field_sent_back_with_an_error_is_described_by_its_note_and_its_error(client, review):
    response = post_comment(client, review, email="not-an-address")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    email = re.search(r'<input[^>]*name="email"[^>]*>', html)[0]
    assert 'aria-describedby="email-notes id_email_error"' in email
    error = re.search(r'id="id_email_error"[^>]*>(.*?)</div>', html, re.S)[1]
    assert "Please enter a valid email address" in text(error)


def test_a_skip_link_and_the_header_count_lead_to_the_comments(client, review):
    CommentFactory.create_batch(2, review=review)
    CommentFactory(review=review, status=Comment.Status.PENDING)
    html = page(client, review)
    skip = re.search(r'<a class="skip-link" href="#comments">Skip to comments</a>', html)
    assert skip and skip.start() < html.index('id="review-title"')
    assert '<a class="byline-comments" href="#comments">2 Comments</a>' in html
    assert '<section id="comments"' in html


def test_a_held_comment_is_counted_and_explained_for_its_writer_only(client, review, settings):
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 10
    response = post_comment(client, review, comment="Held while a moderator looks.")
    held = Comment.objects.get()
    assert held.status == Comment.Status.PENDING
    html = client.get(response["Location"].split("#")[0]).content.decode()
    assert heading(html) == "1 Comment (yours, awaiting moderation)"
    own = article(html, held)
    assert "Your comment is awaiting moderation." in own
    note = text(re.search(r'<p class="comment-held-note">(.*?)</p>', own)[1])
    assert note == f"{NEW_READERS} You can edit or delete it for 10 minutes after posting."
    # Everybody else: no comment, no count.
    stranger = page(Client(), review)
    assert heading(stranger) == "No comments yet"
    assert NEW_READERS not in stranger


def test_a_comment_held_for_its_links_says_so(client, review, settings):
    settings.COMMENTS_MODERATION = "none"
    settings.COMMENTS_MAX_LINKS = 2
    links = "See https://a.example/ and https://b.example/ and https://c.example/ too."
    response = post_comment(client, review, comment=links)
    held = Comment.objects.get()
    assert held.status == Comment.Status.PENDING
    own = article(client.get(response["Location"].split("#")[0]).content.decode(), held)
    assert "Comments with more than 2 links are checked before they appear." in own
    assert "blocklist" not in own.lower()


def test_no_edit_window_is_promised_once_it_has_passed(client, review, settings):
    response = post_comment(client, review)
    held = Comment.objects.get()
    settings.COMMENTS_EDIT_WINDOW_MINUTES = 0
    own = article(client.get(response["Location"].split("#")[0]).content.decode(), held)
    assert NEW_READERS in own
    assert "You can edit or delete it" not in own


def quote(html):
    match = re.search(r'<figure class="comment-reply-quote">(.*?)</figure>', html, re.S)
    return match[1] if match else None


def test_the_no_javascript_reply_page_quotes_the_comment_answered(client, review):
    long_body = "The lighthouse scene " + "keeps turning " * 40 + "THE END"
    parent = CommentFactory(review=review, name="Grace Harbour", body=long_body)
    html = page(client, review, replytocom=parent.pk)
    shown = quote(html)
    assert shown is not None
    assert "Grace Harbour wrote on" in text(shown)
    assert '<time datetime="' in shown
    excerpt = text(re.search(r"<blockquote[^>]*>(.*?)</blockquote>", shown, re.S)[1])
    assert excerpt.startswith("The lighthouse scene keeps turning")
    assert len(excerpt) <= 300 and excerpt.endswith("…") and "THE END" not in excerpt
    assert quote(page(client, review)) is None  # a top-level comment answers nobody


def test_a_quoted_comment_keeps_a_space_where_its_lines_break(client, review):
    parent = CommentFactory(review=review, body="First line\nsecond line\n\nNext paragraph")
    shown = quote(page(client, review, replytocom=parent.pk))
    excerpt = re.search(r"<blockquote[^>]*>(.*?)</blockquote>", shown, re.S)[1]
    assert text(excerpt) == "First line second line Next paragraph"


def test_a_quoted_comment_with_spoilers_stays_hidden_until_asked(client, review):
    parent = CommentFactory(review=review, body="The pilot was the ghost.", has_spoilers=True)
    shown = quote(page(client, review, replytocom=parent.pk))
    assert re.search(r"<details[^>]*><summary>Show spoilers</summary>.*The pilot", shown, re.S)


def test_a_reply_sent_back_with_an_error_still_quotes_the_comment_answered(client, review):
    parent = CommentFactory(review=review, name="Grace Harbour", body="Reply to me, please.")
    response = post_comment(client, review, parent=str(parent.pk), email="")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Reply to Grace Harbour" in html
    shown = quote(html)
    assert shown is not None and "Reply to me, please." in shown
    assert parent.email not in html


def test_the_comment_feed_carries_the_stored_html(client, review):
    comment = CommentFactory(review=review, body="Plain <b>bold</b> text.")
    assert "<b>bold</b>" in comment.body_html
    # The feed serves what was stored, not a fresh rendering of the text.
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>As stored.</p>")
    response = client.get(reverse("comments:feed", kwargs={"slug": review.slug}))
    item = ET.fromstring(response.content).find("channel/item")
    assert item.find("description").text == "<p>As stored.</p>"


def test_the_queue_shows_score_spoilers_and_why_held_around_the_text(client, moderator, review):
    client.force_login(moderator)
    parent = CommentFactory(review=review, name="Parent Pat", body="The parent's words.")
    rated = CommentFactory(
        review=review,
        status=Comment.Status.PENDING,
        rating=8,
        has_spoilers=True,
        held_reason="First comment from this commenter",
        body="Rated and spoiling.",
    )
    reply = CommentFactory(
        review=review, status=Comment.Status.PENDING, parent=parent, body="A reply."
    )
    html = client.get(reverse("moderation:queue")).content.decode()
    row = re.search(rf'<li class="mod-row" id="mod-comment-{rated.pk}".*?</li>', html, re.S)[0]
    assert "Rated 8 / 10" in text(row) and "Contains spoilers" in text(row)
    assert "Held because: First comment from this commenter" in text(row)
    assert "<dl" not in row  # one or two quiet lines, not a table of six rows
    # The comment's text comes right after the line naming its writer.
    assert row.index("mod-row-meta") < row.index("Rated and spoiling.") < row.index("On <a")
    reply_row = re.search(rf'id="mod-comment-{reply.pk}".*?</li>', html, re.S)[0]
    assert "in reply to Parent Pat" in text(reply_row)
    assert "Rated" not in text(reply_row) and "spoilers" not in text(reply_row)
