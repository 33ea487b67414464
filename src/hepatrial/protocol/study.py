"""Who runs the trial and how it is built: identity, sites, design, arms, product and infusion."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from hepatrial.errors import describe
from hepatrial.protocol._base import (
    ASSUMPTION_ID_PATTERN,
    CODE_PATTERN,
    COUNTRY_PATTERN,
    PROBLEM_ERROR_TYPE,
    SITE_PATTERN,
    VERSION_PATTERN,
    Code,
    Frozen,
    Number,
    PositiveInt,
    Problem,
    Text,
    duplicate_problems,
    problem,
    raise_problems,
)

__all__ = [
    "ROLES",
    "Arm",
    "Assumption",
    "Design",
    "DoseWeight",
    "EnrollmentPeriod",
    "Identity",
    "Infusion",
    "Investigator",
    "Masking",
    "Minimization",
    "Product",
    "Randomization",
    "Registration",
    "ReleaseCriteria",
    "Role",
    "Site",
    "Sponsor",
    "Stratum",
]

Role = Literal[
    "admin",
    "investigator",
    "coordinator",
    "pharmacist",
    "monitor",
    "statistician",
    "dsmb",
    "data_manager",
]
ROLES: tuple[Role, ...] = get_args(Role)

MaskedParty = Literal["participant", "care_provider", "investigator", "outcomes_assessor"]

# ClinicalTrials.gov masking: the number of masked parties each level implies.
_MASKED_PARTIES = {"none": 0, "single": 1, "double": 2, "triple": 3, "quadruple": 4}


def _known_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"expected an IANA time zone such as 'Asia/Shanghai', got {describe(name)}"
        raise PydanticCustomError(PROBLEM_ERROR_TYPE, "{message}", {"message": message}) from None
    return name


TimeZone = Annotated[str, AfterValidator(_known_time_zone)]
Version = Annotated[str, StringConstraints(pattern=VERSION_PATTERN)]
SiteCode = Annotated[str, StringConstraints(pattern=SITE_PATTERN)]
CountryCode = Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN)]
ArmCode = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=20)]
Percent = Annotated[Number, Field(gt=0.0, le=100.0)]


class Sponsor(Frozen):
    """The sponsor; ``registered_name`` is the name the registry shows, when it differs."""

    name: Text
    registered_name: Text | None = None


class Investigator(Frozen):
    """A named investigator."""

    name: Text
    degree: Text | None = None
    affiliation: Text


class Site(Frozen):
    """A recruiting site. ``code`` is the SDTM SITEID; ``country_code`` ISO 3166-1 alpha-3."""

    code: SiteCode
    name: Text
    department: Text | None = None
    city: Text
    region: Text
    country: Text
    country_code: CountryCode
    postal_code: Text
    time_zone: TimeZone


class Registration(Frozen):
    """Key dates and status of the registry record."""

    status: Text
    first_submitted: date
    first_posted: date
    study_start: date
    primary_completion: date
    study_completion: date


class Identity(Frozen):
    """What the trial is, who sponsors and leads it, where it runs, and this file's version."""

    registry: Text
    registry_id: Text
    brief_title: Text
    official_title: Text
    sponsor: Sponsor
    responsible_party: Text | None = None
    principal_investigator: Investigator
    sites: tuple[Site, ...] = Field(min_length=1)
    version: Version
    version_date: date
    registration: Registration

    @model_validator(mode="after")
    def _site_codes_unique(self) -> Self:
        raise_problems("Identity", duplicate_problems(self.sites, ("sites",)))
        return self


class Masking(Frozen):
    """Who is masked: as registered, and in the software by user role.

    ``masked_roles`` and ``unblinded_roles`` together name every role exactly once; a masked role
    sees no arm nor anything that reveals it.
    """

    registered: Literal["none", "single", "double", "triple", "quadruple"]
    registered_parties: tuple[MaskedParty, ...] = ()
    masked_roles: tuple[Role, ...]
    unblinded_roles: tuple[Role, ...]
    unmasked_after_lock: tuple[Role, ...] = ()

    @model_validator(mode="after")
    def _roles_partitioned(self) -> Self:
        problems: list[Problem] = []
        problems += [
            problem(("unmasked_after_lock", i), "a role in masked_roles", role)
            for i, role in enumerate(self.unmasked_after_lock)
            if role not in self.masked_roles
        ]
        wanted = _MASKED_PARTIES[self.registered]
        if len(set(self.registered_parties)) != wanted:
            problems.append(
                problem(
                    ("registered_parties",),
                    f"{wanted} distinct masked part{'y' if wanted == 1 else 'ies'} "
                    f"for {self.registered} masking",
                    list(self.registered_parties),
                )
            )
        for name in ("masked_roles", "unblinded_roles"):
            roles: tuple[Role, ...] = getattr(self, name)
            problems += [
                problem((name, i), "each role once", role)
                for i, role in enumerate(roles)
                if role in roles[:i]
            ]
        problems += [
            problem(("unblinded_roles", i), "a role not also in masked_roles", role)
            for i, role in enumerate(self.unblinded_roles)
            if role in self.masked_roles
        ]
        missing = [r for r in ROLES if r not in self.masked_roles + self.unblinded_roles]
        if missing:
            problems.append(
                problem(
                    ("masked_roles",),
                    "every role in masked_roles or unblinded_roles "
                    f"(missing: {', '.join(missing)})",
                    list(self.masked_roles),
                )
            )
        raise_problems("Masking", problems)
        return self

    def is_masked(self, role: Role, *, locked: bool = False) -> bool:
        """Whether users with ``role`` must not see the allocation.

        ``locked`` says whether the study database is locked: roles listed in
        ``unmasked_after_lock`` (the trial statistician, by default) see arms only then.
        """
        if locked and role in self.unmasked_after_lock:
            return False
        return role not in self.unblinded_roles


class Stratum(Frozen):
    """A stratification factor and its levels."""

    code: Code
    label: Text
    levels: tuple[Text, ...] = Field(min_length=2)


class Minimization(Frozen):
    """Settings of Pocock-Simon minimization (Biometrics 1975;31:103-115).

    The arm that least increases the imbalance over the factors (``strata``) is taken with
    probability ``p_preferred``; ``measure`` is the spread of the arms' counts at each factor's
    level; ``factor_weights`` weighs the factors' spreads (1 for a factor not named).
    """

    p_preferred: Number = Field(default=0.8, ge=0.5, le=1.0)
    measure: Literal["range", "variance"] = "range"
    factor_weights: dict[Code, Annotated[Number, Field(gt=0.0)]] = Field(default_factory=dict)


class Randomization(Frozen):
    """How the allocation sequence is generated.

    ``permuted_blocks`` draws each block's size at random from ``block_sizes``; every size must be a
    multiple of the sum of the allocation ratio (checked in :class:`Design`). ``minimization``
    assigns each participant from the allocations so far, balancing the margins of the factors in
    ``strata`` (at least one) with the settings of the ``minimization`` block (``{}`` for the
    defaults); it has no blocks and no list.
    """

    scheme: Literal["permuted_blocks", "simple", "minimization"]
    block_sizes: tuple[PositiveInt, ...] = ()
    strata: tuple[Stratum, ...] = ()
    minimization: Minimization | None = None

    @model_validator(mode="after")
    def _blocks_fit_scheme(self) -> Self:
        problems = list(duplicate_problems(self.strata, ("strata",)))
        if self.scheme == "permuted_blocks" and not self.block_sizes:
            problems.append(problem(("block_sizes",), "at least one block size", None))
        if self.scheme != "permuted_blocks" and self.block_sizes:
            problems.append(
                problem(
                    ("block_sizes",),
                    f"no block sizes for {self.scheme} randomization",
                    list(self.block_sizes),
                )
            )
        problems += [
            problem(("block_sizes", i), "each block size once", size)
            for i, size in enumerate(self.block_sizes)
            if size in self.block_sizes[:i]
        ]
        problems += self._minimization_problems()
        raise_problems("Randomization", problems)
        return self

    def _minimization_problems(self) -> list[Problem]:
        if self.scheme != "minimization":
            if self.minimization is None:
                return []
            return [
                problem(
                    ("minimization",),
                    "no minimization settings unless the scheme is 'minimization'",
                    self.minimization.model_dump(),
                )
            ]
        problems: list[Problem] = []
        if not self.strata:
            problems.append(
                problem(("strata",), "at least one factor to balance under minimization", [])
            )
        if self.minimization is None:
            problems.append(
                problem(
                    ("minimization",),
                    "the minimization settings (p_preferred, measure, factor_weights; "
                    "{} for the defaults)",
                    None,
                )
            )
            return problems
        codes = [s.code for s in self.strata]
        if not codes:
            return problems
        problems += [
            problem(
                ("minimization", "factor_weights", code),
                f"a factor of strata ({', '.join(codes)})",
                code,
            )
            for code in self.minimization.factor_weights
            if code not in codes
        ]
        return problems


class EnrollmentPeriod(Frozen):
    """When enrolment starts and how many months it is planned to last."""

    start: date
    months: PositiveInt


class Design(Frozen):
    """The registered design, with the allocation ratio given in the order of ``arms``."""

    primary_purpose: Literal[
        "treatment", "prevention", "diagnostic", "supportive_care", "screening", "other"
    ]
    phase: Literal[
        "not_applicable", "early_phase_1", "phase_1", "phase_1_2", "phase_2", "phase_2_3",
        "phase_3", "phase_4",
    ]  # fmt: skip
    allocation: Literal["randomized", "non_randomized"]
    intervention_model: Literal["parallel", "crossover", "factorial", "sequential", "single_group"]
    allocation_ratio: tuple[PositiveInt, ...] = Field(min_length=1)
    masking: Masking
    target_enrollment: PositiveInt
    enrollment_period: EnrollmentPeriod
    randomization: Randomization

    @model_validator(mode="after")
    def _blocks_fit_ratio(self) -> Self:
        total = sum(self.allocation_ratio)
        raise_problems(
            "Design",
            [
                problem(
                    ("randomization", "block_sizes", i),
                    f"a multiple of {total}, the sum of the allocation ratio",
                    size,
                )
                for i, size in enumerate(self.randomization.block_sizes)
                if size % total
            ],
        )
        return self


class Arm(Frozen):
    """A treatment arm. ``code`` is the SDTM ARMCD; the dose is per kilogram of body weight."""

    code: ArmCode
    label: Text
    type: Literal[
        "experimental", "active_comparator", "placebo_comparator", "sham_comparator",
        "no_intervention", "other",
    ]  # fmt: skip
    registered_label: Text | None = None
    description: Text
    dose_per_kg: Number = Field(gt=0.0)
    dose_unit: Text
    route: Text
    route_cdisc: Text


class ReleaseCriteria(Frozen):
    """What a product lot must show before it may be infused."""

    min_viability_percent: Percent
    positive_markers: tuple[Text, ...] = ()
    min_positive_marker_percent: Percent | None = None
    negative_markers: tuple[Text, ...] = ()
    max_negative_marker_percent: Percent | None = None
    reference: Text


class Product(Frozen):
    """The investigational product."""

    code: Code
    name: Text
    short_name: Text
    other_names: tuple[Text, ...] = ()
    release: ReleaseCriteria


class DoseWeight(Frozen):
    """Which body-weight measure, taken at which visit, the dose per kilogram multiplies."""

    measure: Code
    visit: Code


class Infusion(Frozen):
    """How many infusions, how far apart, and how far a given dose may stray from its target."""

    count: PositiveInt
    interval_days: PositiveInt | None = None
    dose_tolerance_percent: Percent
    dose_weight: DoseWeight

    @model_validator(mode="after")
    def _interval_fits_count(self) -> Self:
        problems: list[Problem] = []
        if self.count == 1 and self.interval_days is not None:
            problems.append(
                problem(("interval_days",), "null for a single infusion", self.interval_days)
            )
        if self.count > 1 and self.interval_days is None:
            problems.append(
                problem(("interval_days",), f"the days between {self.count} infusions", None)
            )
        raise_problems("Infusion", problems)
        return self


class Assumption(Frozen):
    """A choice the registration left open and this file made; ``about`` says where it applies."""

    id: Annotated[str, StringConstraints(pattern=ASSUMPTION_ID_PATTERN)]
    about: Text
    text: Text
