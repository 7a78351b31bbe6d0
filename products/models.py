"""Products and product types: the services and physical goods requests and jobs refer to."""

from django.db import models
from django.db.models import Q

from crm.models import Configured, Entity, NamedConfig
from crm.models.base import Named, nullable_fk
from crm.timeperiods import TimeUnit


class MeasurementConfig(Named, Configured):
    """Abstract base of units of measurement and of the record types measured in them.

    Unlike other configuration (``NamedConfig``), their alternative codes need not be unique.
    """

    alternative_code = models.CharField(max_length=50, null=True, blank=True)
    description = models.TextField(null=True, blank=True)

    class Meta(Named.Meta):
        abstract = True


class UnitOfMeasurement(MeasurementConfig):
    """A unit usage or meter readings are measured in."""


class UdrType(MeasurementConfig):
    """A usage detail record type, for usage services."""

    unit_of_measurement = nullable_fk(UnitOfMeasurement)

    class Meta(MeasurementConfig.Meta):
        verbose_name = "UDR type"


class MeterReadingType(MeasurementConfig):
    """A meter reading type, for traceable physical goods."""

    classification = models.CharField(max_length=50, null=True, blank=True)
    unit_of_measurement = nullable_fk(UnitOfMeasurement)


class GlobalRate(Configured):
    """A product's base price in the global price plan."""

    class RateModel(models.TextChoices):
        QUANTITYBASED = "QUANTITYBASED"
        QUANTITYANDPERIODBASED = "QUANTITYANDPERIODBASED"
        BILLABLEPERIODBASED = "BILLABLEPERIODBASED"
        DURATIONBASED = "DURATIONBASED"
        FLATFEEBASED = "FLATFEEBASED"
        USAGEBASED = "USAGEBASED"

    class AppliedPer(models.TextChoices):
        PERIOD = "Period"
        PERIOD_ITEM = "Period_Item"

    class RateUot(models.TextChoices):
        SECONDS = "Seconds"
        MINUTE = "Minute"
        HOUR = "Hour"
        DAY = "Day"
        WEEK = "Week"
        MONTH = "Month"
        YEAR = "Year"

    rate_model = models.CharField(max_length=30, choices=RateModel.choices)
    global_base_amount = models.DecimalField(max_digits=14, decimal_places=4)
    base_rate_applied_per = models.CharField(
        max_length=12, choices=AppliedPer.choices, null=True, blank=True
    )
    uot = models.CharField(max_length=10, choices=RateUot.choices, null=True, blank=True)
    time_period_value = models.PositiveIntegerField(null=True, blank=True)
    time_period_uot = models.CharField(
        max_length=10, choices=TimeUnit.choices, null=True, blank=True
    )
    uom = models.CharField(max_length=50, null=True, blank=True)

    def __str__(self):
        return f"{self.rate_model} {self.global_base_amount}"


class ProductType(NamedConfig):
    """A product type: classification and behaviour shared by its products."""

    class Classification(models.TextChoices):
        SERVICES = "SERVICES"
        PHYSICALGOODS = "PHYSICALGOODS"

    class ServiceType(models.TextChoices):
        TERMED = "TERMED"
        USAGE = "USAGE"
        ONETIME = "ONETIME"
        EXPENSE = "EXPENSE"

    class PhysicalGoodType(models.TextChoices):
        TRACEABLE = "TRACEABLE"
        NONTRACEABLE = "NONTRACEABLE"

    class CompositionMethod(models.TextChoices):
        FLAT = "FLAT"
        FLEXIBLEBUNDLE = "FLEXIBLEBUNDLE"
        FIXEDBUNDLE = "FIXEDBUNDLE"

    classification = models.CharField(max_length=15, choices=Classification.choices)
    service_type = models.CharField(
        max_length=10,
        choices=ServiceType.choices,
        null=True,
        blank=True,
        help_text="Services only.",
    )
    physical_good_type = models.CharField(
        max_length=15,
        choices=PhysicalGoodType.choices,
        null=True,
        blank=True,
        help_text="Physical goods only.",
    )
    composition_method = models.CharField(
        max_length=15, choices=CompositionMethod.choices, default=CompositionMethod.FLAT
    )
    used_for_provisioning = models.BooleanField(default=False)
    udr_type = nullable_fk(UdrType, help_text="Usage services only.")
    meter_reading_type = nullable_fk(MeterReadingType, help_text="Traceable physical goods only.")

    class Meta(NamedConfig.Meta):
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        classification="SERVICES",
                        service_type__isnull=False,
                        physical_good_type=None,
                    )
                    | Q(
                        classification="PHYSICALGOODS",
                        service_type=None,
                        physical_good_type__isnull=False,
                    )
                ),
                name="products_type_classification_consistent",
            ),
            models.CheckConstraint(
                condition=Q(udr_type=None) | Q(service_type="USAGE"),
                name="products_type_udr_only_for_usage",
            ),
            models.CheckConstraint(
                condition=Q(meter_reading_type=None) | Q(physical_good_type="TRACEABLE"),
                name="products_type_meter_only_for_traceable",
            ),
        ]

    @property
    def is_service(self) -> bool:
        return self.classification == self.Classification.SERVICES

    @property
    def is_physical_good(self) -> bool:
        return self.classification == self.Classification.PHYSICALGOODS


class Product(Configured):
    """A product: a service (one-time, termed, usage, expense) or a physical good."""

    code = models.CharField(max_length=100, unique=True)
    alternative_code = models.CharField(max_length=50, unique=True, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    priority_level = models.PositiveIntegerField(null=True, blank=True)
    product_type = models.ForeignKey(ProductType, on_delete=models.PROTECT, related_name="products")
    global_rate = models.OneToOneField(
        GlobalRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="product"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class ProductRow(Entity):
    """Abstract base of a row of a set that holds a product: a request's services and
    physical goods, a job's requested and provided goods and expenses. ``owner`` names the
    foreign key to the record the row belongs to."""

    owner = ""
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def __str__(self):
        text = f"{getattr(self, f'{self.owner}_id')} / {self.product_id}"
        quantity = getattr(self, "quantity", None)
        return text if quantity is None else f"{text} x{quantity}"


class GoodsRow(ProductRow):
    """Abstract base of a row of physical goods: a quantity, and notes."""

    quantity = models.PositiveIntegerField(default=1)
    notes = models.TextField(null=True, blank=True)

    class Meta:
        abstract = True
