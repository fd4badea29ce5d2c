from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from registry.geometry import clean_area, clean_point
from registry.models.constraints import FieldConstraints
from registry.projection import (
    GENERALISATION,
    public_boundary_expression,
    public_location_expression,
)
from registry.text_search import DocumentField

YEAR_VALIDATORS = [MinValueValidator(-3_000_000), MaxValueValidator(2100)]


class Typology(models.Model):
    """A small multilingual vocabulary of site types (mausoleum, kurgan...), kept by admins."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("typology")
        verbose_name_plural = _("typologies")

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    ARCHAEOLOGY = "archaeology", _("Archaeology")
    ARCHITECTURE = "architecture", _("Urban planning and architecture")
    MONUMENTAL_ART = "monumental_art", _("Monumental art")
    ENSEMBLE = "ensemble", _("Ensembles and complexes")
    SACRED = "sacred", _("Sacred sites")
    HISTORY = "history", _("History (memorial sites)")


class Significance(models.TextChoices):
    INTERNATIONAL = "international", _("International (UNESCO)")
    REPUBLICAN = "republican", _("Republican")
    LOCAL = "local", _("Local")
    CANDIDATE = "candidate", _("Candidate")
    DELISTED = "delisted", _("Delisted")


class Period(models.TextChoices):
    STONE_AGE = "stone_age", _("Stone Age")
    BRONZE_AGE = "bronze_age", _("Bronze Age")
    EARLY_IRON_AGE = "early_iron_age", _("Saka and Early Iron Age")
    TURKIC = "turkic", _("Turkic")
    KARAKHANID = "karakhanid", _("Karakhanid")
    GOLDEN_HORDE = "golden_horde", _("Mongol and Golden Horde")
    KAZAKH_KHANATE = "kazakh_khanate", _("Kazakh Khanate")
    IMPERIAL = "imperial", _("Imperial")
    SOVIET = "soviet", _("Soviet")
    INDEPENDENCE = "independence", _("Independence")


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    POOR = "poor", _("Poor")
    CRITICAL = "critical", _("Critical")
    LOST = "lost", _("Lost")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Sensitivity(models.TextChoices):
    OPEN = "S0", _("S0 open: exact location public")
    LOW = "S1", _("S1 low: 0.01° grid cell")
    HIGH = "S2", _("S2 high: 0.1° grid cell")
    WITHHELD = "S3", _("S3 withheld: region only")


class SiteDescription(models.Model):
    """What a site is: the fields the exact record and the public view share."""

    Category = Category
    Significance = Significance
    Period = Period
    Condition = Condition
    Status = Status
    Sensitivity = Sensitivity

    registry_number = models.CharField(_("registry number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    alt_names = ArrayField(
        models.CharField(max_length=200), verbose_name=_("other names"), default=list, blank=True
    )
    category = models.CharField(_("category"), max_length=20, choices=Category)
    typology = models.ForeignKey(
        Typology, models.PROTECT, null=True, blank=True, verbose_name=_("typology")
    )
    significance = models.CharField(_("significance"), max_length=16, choices=Significance)
    date_from = models.IntegerField(
        _("from year"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text="BCE < 0"
    )
    date_to = models.IntegerField(
        _("to year"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text="BCE < 0"
    )
    period = models.CharField(_("period"), max_length=20, choices=Period, blank=True)
    dating_note = models.CharField(_("dating note"), max_length=200, blank=True)
    condition = models.CharField(_("condition"), max_length=16, choices=Condition, blank=True)
    condition_assessed_on = models.DateField(_("condition assessed on"), null=True, blank=True)
    location_approximate = models.BooleanField(_("location is approximate"), default=False)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=2, choices=Sensitivity, default=Sensitivity.HIGH
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    unesco_id = models.PositiveIntegerField(_("UNESCO id"), null=True, blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=16, blank=True, validators=[RegexValidator(r"^Q[1-9]\d*$")]
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.registry_number} {self.name}"

    @property
    def location_generalisation(self) -> str:
        return GENERALISATION[self.sensitivity]


class HeritageSiteQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class HeritageSite(FieldConstraints, SiteDescription):
    """The full record, exact geometry included: officers and reviewers only."""

    constraint_fields = {"dating_order": "date_to"}

    # Given when the site is first published, from the one national counter, and kept for
    # good (a withdrawn site keeps it; it is never given again): the public sequence has no
    # gaps from unpublished work and carries no geography (registry/services/numbers.py).
    registry_number = models.CharField(
        _("registry number"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    # Staff only, from its own counter at creation: how a site is named before it has a
    # number. Never public: its sequence counts drafts.
    draft_reference = models.CharField(
        _("draft reference"), max_length=16, unique=True, editable=False
    )
    # The per-region number (KZ-YUZ-000001) a site had before national numbering (staff only;
    # the public page of a published site redirects from it).
    former_number = models.CharField(
        _("former number"), max_length=32, unique=True, null=True, blank=True, editable=False
    )
    # What staff see, order and page by: its registry number, else its draft reference. Unique
    # as both are and their forms differ (KZ-/D-); indexed, not a constraint, since model
    # validation cannot read a generated column before the row exists.
    reference = models.GeneratedField(
        expression=Coalesce("registry_number", "draft_reference"),
        output_field=models.CharField(max_length=32),
        db_persist=True,
        db_index=True,
    )
    location = models.PointField(_("exact location"), srid=4326)
    boundary = models.MultiPolygonField(_("exact boundary"), srid=4326, null=True, blank=True)
    threats = models.TextField(_("threats"), blank=True)
    region = models.ForeignKey(
        "registry.AdminArea",
        models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("region"),
    )
    district = models.ForeignKey(
        "registry.AdminArea",
        models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=_("district"),
    )
    # Public administrative attribution, derived from the public cell, not the exact point
    # (registry.projection.PUBLIC_AREAS_SQL, DESIGN §4): filtering by region or district must
    # not tell which side of a border a generalised site lies on. The region and district
    # shown, and every region and district the site is found under.
    public_region = models.ForeignKey(
        "registry.AdminArea", models.PROTECT, null=True, related_name="+", editable=False
    )
    public_district = models.ForeignKey(
        "registry.AdminArea", models.PROTECT, null=True, related_name="+", editable=False
    )
    public_region_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    public_district_ids = ArrayField(models.BigIntegerField(), default=list, editable=False)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
        verbose_name=_("part of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", editable=False
    )
    public_location = models.GeneratedField(
        expression=public_location_expression(),
        output_field=models.PointField(srid=4326, null=True),
        db_persist=True,
    )
    public_boundary = models.GeneratedField(
        expression=public_boundary_expression(),
        output_field=models.MultiPolygonField(srid=4326, null=True),
        db_persist=True,
    )
    # What text search reads (registry/text_search.py): the kk, ru and en names folded to one
    # skeleton by the SQL function `mura_fold`, GiST-indexed (migration 0017), kept by triggers
    # (migration 0024) so that a bulk load can give it (registry/services/generate.py).
    search_document = DocumentField()

    objects = HeritageSiteQuerySet.as_manager()

    def __str__(self) -> str:  # `reference` without reading it: an unsaved site has none yet
        return f"{self.registry_number or self.draft_reference} {self.name}"

    def clean(self) -> None:
        if self.location is not None:
            self.location = clean_point(self.location, field="location")
        if self.boundary is not None:
            self.boundary = clean_area(self.boundary, field="boundary")

    class Meta:
        verbose_name = _("heritage site")
        verbose_name_plural = _("heritage sites")
        permissions = [("view_exact_location", "Can see exact locations of sensitive sites")]
        indexes = [
            GistIndex(fields=["public_location"], name="site_public_location_gist"),
            GistIndex(fields=["public_boundary"], name="site_public_boundary_gist"),
            GinIndex(fields=["public_region_ids"], name="site_public_regions_gin"),
            # The published sites without a public point (S3), by region: the part of a
            # region's public count the map's cell counts do not hold (registry/features.py),
            # counted from this index alone (an index-only scan; a GIN index would visit
            # every such site's heap page).
            models.Index(
                fields=["public_region_ids"],
                name="site_hidden_public_regions",
                condition=models.Q(status="published", public_location__isnull=True),
            ),  # fmt: skip
            GinIndex(fields=["public_district_ids"], name="site_public_districts_gin"),
            models.Index(fields=["status", "sensitivity"], name="site_status_sensitivity"),
            # site_list_public()'s order: a page of the register without sorting every row.
            models.Index(
                fields=["name", "registry_number"],
                condition=models.Q(status="published"),
                name="site_published_by_name",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="site_published_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(date_from__isnull=True)
                | models.Q(date_to__isnull=True)
                | models.Q(date_from__lte=models.F("date_to")),
                name="site_dating_in_order",
                violation_error_code="dating_order",
                violation_error_message=_("“From year” must not be later than “To year”."),
            ),
        ]


class PublicSite(SiteDescription):
    """A published site as the public may see it: a database view with no exact columns.

    Every public read starts here (through `registry.selectors`), so filtering, sorting,
    counting or tiling by the exact geometry is impossible, not merely discouraged.
    """

    public_location = models.PointField(srid=4326, null=True)
    public_boundary = models.MultiPolygonField(srid=4326, null=True)
    # Derived from the public cell (HeritageSite.public_region...): the region and district
    # shown, and every one the site is filtered and counted under.
    region = models.ForeignKey("registry.AdminArea", models.DO_NOTHING, related_name="+")
    district = models.ForeignKey(
        "registry.AdminArea", models.DO_NOTHING, null=True, related_name="+"
    )
    region_ids = ArrayField(models.BigIntegerField())
    district_ids = ArrayField(models.BigIntegerField())
    parent = models.ForeignKey("self", models.DO_NOTHING, null=True, related_name="components")
    search_document = models.TextField()  # HeritageSite.search_document: from names only

    class Meta:
        managed = False
        db_table = "registry_public_site"


class SiteStatusChange(models.Model):
    """One step of the review workflow: who moved a site from what to what, and why."""

    site = models.ForeignKey(HeritageSite, models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status)
    to_status = models.CharField(max_length=16, choices=Status)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.from_status} -> {self.to_status}"
