from django.contrib import admin
from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFit

from core.admin import ADMIN_CSS, SiteFieldsAdminMixin, image_preview

from .forms import ReviewAdminForm
from .models import Author, Review, ReviewImage, Tag
from .permissions import linkable_reviews, own_reviews_only


def author_profile_for(user):
    """The user's Author profile, created on first use (name from the account, unique slug)."""
    try:
        return user.author_profile
    except Author.DoesNotExist:
        pass
    display_name = user.get_full_name().strip() or user.get_username()
    base = slugify(display_name)[:120] or "author"
    slug, n = base, 2
    while Author.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Author.objects.create(user=user, display_name=display_name, slug=slug)


class AdminPreview(ImageSpec):
    """A small rendition for the admin only; readers get image_renditions."""

    processors = [ResizeToFit(160, 160)]
    format = "JPEG"
    options = {"quality": 80}


def admin_preview_file(image):
    """The AdminPreview rendition of an image, made now if need be."""
    file = ImageCacheFile(AdminPreview(source=image))
    # Ad-hoc specs are not in imagekit's registry, so its strategy will not generate them.
    file.generate()
    return file


@admin.register(Author)
class AuthorAdmin(SiteFieldsAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "user", "slug", "website"]
    search_fields = ["display_name", "user__username", "user__email"]
    prepopulated_fields = {"slug": ("display_name",)}
    autocomplete_fields = ["user"]
    fields = ["user", "display_name", "slug", "bio", "avatar", "avatar_preview", "website"]
    readonly_fields = ["avatar_preview"]

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        if own_reviews_only(request.user):
            # Authors edit their own profile; colleagues' profiles are not theirs to touch.
            return qs.filter(user=request.user)
        return qs

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("user")
        return fields

    @admin.display(description=_("Current avatar"))
    def avatar_preview(self, obj):
        return image_preview(
            obj.avatar,
            lambda: obj.avatar_thumb,
            alt=gettext("Avatar of %(name)s") % {"name": obj.display_name},
            size=(64, 64),
        )


@admin.register(Tag)
class TagAdmin(SiteFieldsAdminMixin, admin.ModelAdmin):
    # Authors may view and add tags (the review form's picker and its "+"), not rename them:
    # a rename shows on every review filed under the tag, whoever wrote it.
    list_display = ["name", "slug", "review_count"]
    search_fields = ["name", "slug"]  # also what the review form's tag picker searches
    prepopulated_fields = {"slug": ("name",)}
    fields = ["name", "slug"]
    ordering = ["name"]  # the count's GROUP BY drops Meta.ordering

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        # Every review, drafts included: the admin's count says how much a rename touches.
        return super().get_queryset(request).annotate(num_reviews=Count("reviews"))

    @admin.display(description=_("Reviews"), ordering="num_reviews")
    def review_count(self, obj):
        return obj.num_reviews


class ReviewImageInline(SiteFieldsAdminMixin, admin.StackedInline):
    # Stacked: a row of image, preview, alt text and caption overflows a laptop screen.
    model = ReviewImage
    fields = ["order", "image", "preview", "alt_text", "caption"]
    readonly_fields = ["preview"]
    extra = 1

    @admin.display(description=_("Preview"))
    def preview(self, obj):
        return image_preview(
            obj.image,
            lambda: admin_preview_file(obj.image),
            alt=obj.alt_text,
        )


@admin.register(Review)
class ReviewAdmin(SiteFieldsAdminMixin, admin.ModelAdmin):
    form = ReviewAdminForm
    list_display = ["headline", "film", "author", "status", "published_at", "rating"]
    list_filter = [
        "status",
        "author",
        ("film__genres", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["film", "author"]
    search_fields = ["headline", "film__title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ["film", "tags", "related_reviews"]
    inlines = [ReviewImageInline]
    fieldsets = [
        (None, {"fields": ["film", "headline", "slug", "author", "standfirst", "body"]}),
        (_("Score"), {"fields": ["rating", "verdict"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "updated_at", "comments_open"]},
        ),
        (_("Tags"), {"fields": ["tags"]}),
        (_("Related reviews"), {"fields": ["related_reviews"]}),
    ]

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        match = request.resolver_match
        if match and match.url_name == "autocomplete":
            # Picking a review (related reviews, a legacy redirect's target): a colleague's
            # review is suggested once readers can see it, never while it is a draft.
            return linkable_reviews(qs, request.user)
        if own_reviews_only(request.user):
            # Others' reviews are simply not there for an author: their change URL redirects
            # to the admin index with "does not exist", so nothing of theirs can be saved.
            return qs.filter(author__user=request.user)
        return qs

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        related = form.base_fields.get("related_reviews")
        if related is not None:
            # The same reviews as the picker offers, so a typed id can neither show nor link
            # a colleague's draft; a link an editor already made stays as it is.
            choices = linkable_reviews(related.queryset, request.user)
            if obj is not None:
                choices |= related.queryset.filter(pk__in=obj.related_reviews.values("pk"))
            related.queryset = choices
        return form

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or not own_reviews_only(request.user)
            or obj.author.user_id == request.user.pk
        )

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return (
            obj is None
            or not own_reviews_only(request.user)
            or obj.author.user_id == request.user.pk
        )

    def get_list_filter(self, request):
        if own_reviews_only(request.user):
            return [f for f in self.list_filter if f != "author"]
        return self.list_filter

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser may credit a review to someone else.
            fields.append("author")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and not request.user.is_superuser:
            # On a new review the byline is the signed-in user's: nothing to show or pick.
            fieldsets = [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "author"]})
                for name, opts in fieldsets
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.author = author_profile_for(request.user)
        super().save_model(request, obj, form, change)
